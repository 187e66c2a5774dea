package reports

import gosync "sync"

// AnnualReport is report 8, the task force's annual report (Laporan Tahunan
// GT PP TPPO): reports 1 to 7 for one year and area.
type AnnualReport struct {
	Header
	Year       int               `json:"year"`
	Activities *ActivitiesReport `json:"activities"`
	Coverage   *CoverageReport   `json:"coverage"`
	Rad        *RadReport        `json:"rad"`
	Programs   *ProgramsReport   `json:"programs"`
	Outreach   *OutreachReport   `json:"outreach"`
	Cases      *CasesReport      `json:"cases"`
	Review     *ReviewReport     `json:"review"`
}

// Annual builds report 8 for the year of the period. The seven reports
// run side by side and share the counts they have in common.
func Annual(o Options) (*AnnualReport, error) {
	o.Period = YearPeriod(o.Period.Year)
	o.Engine = Memoize(o.Engine)
	r := &AnnualReport{Header: o.header("annual", "Laporan Tahunan GT PP TPPO", "Annual report of the anti-trafficking task force"), Year: o.Period.Year}
	steps := []func() error{
		func() (err error) { r.Activities, err = Activities(o); return },
		func() (err error) { r.Coverage, err = Coverage(o); return },
		func() (err error) { r.Rad, err = Rad(o); return },
		func() (err error) { r.Programs, err = Programs(o); return },
		func() (err error) { r.Outreach, err = Outreach(o); return },
		func() (err error) { r.Cases, err = Cases(o, ""); return },
		func() (err error) { r.Review, err = Review(o); return },
	}
	errs := make([]error, len(steps))
	var wg gosync.WaitGroup
	for i, step := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = step()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Sheet is one sheet of the annual workbook: a report's tables, one under
// the other.
type Sheet struct {
	Name   string
	Tables []Table
}

// Sheets lays report 8 out: one sheet per report.
func (r *AnnualReport) Sheets(lang string) []Sheet {
	cover := Table{Name: "laporan", Title: T(lang, r.Title, r.TitleEN), Columns: []string{T(lang, "Keterangan", "Item"), T(lang, "Isi", "Value")},
		Rows: [][]any{
			{T(lang, "Tahun", "Year"), r.Year},
			{T(lang, "Wilayah", "Area"), r.Area.Name + " (" + r.Area.Code + ")"},
			{T(lang, "Status dihitung", "Statuses counted"), joinStatuses(r.Statuses, lang)},
			{T(lang, "Dibuat", "Generated"), r.GeneratedAt},
			{T(lang, "Jumlah kegiatan", "Activities"), r.Activities.Totals.Activities},
			{T(lang, "Total peserta", "Total participants"), r.Activities.Totals.Participants.Total},
			{T(lang, "Cakupan desa (%)", "Village coverage (%)"), r.Coverage.Totals.Pct},
			{T(lang, "Jumlah penjangkauan", "Outreach contacts"), r.Outreach.Totals.Logs},
			{T(lang, "Catatan", "Note"), SuppressionNote},
			{T(lang, "Sumber data wilayah", "Area data"), r.Credit},
		}}
	return []Sheet{
		{T(lang, "Ringkasan", "Summary"), []Table{cover}},
		{T(lang, "1 Kegiatan", "1 Activities"), r.Activities.Tables(lang)},
		{T(lang, "2 Cakupan", "2 Village coverage"), r.Coverage.Tables(lang)},
		{T(lang, "3 RAD", "3 RAD progress"), r.Rad.Tables(lang)},
		{T(lang, "4 Kelembagaan", "4 Village programmes"), r.Programs.Tables(lang)},
		{T(lang, "5 Penjangkauan", "5 Outreach"), r.Outreach.Tables(lang)},
		{T(lang, "6 Kasus", "6 Cases"), r.Cases.Tables(lang)},
		{T(lang, "7 Verifikasi", "7 Review"), r.Review.Tables(lang)},
	}
}

// Tables flattens the annual report (CSV is not offered for it; this keeps
// it Tabular).
func (r *AnnualReport) Tables(lang string) []Table {
	var out []Table
	for _, s := range r.Sheets(lang) {
		out = append(out, s.Tables...)
	}
	return out
}

func joinStatuses(st []string, lang string) string {
	out := ""
	for i, s := range st {
		if i > 0 {
			out += ", "
		}
		out += LabelOf("status", s, lang)
	}
	return out
}
