package reports

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"

	"jangkau/catalog"
	"jangkau/programs"
)

// ProgramCount counts the villages of an area by a programme's status.
type ProgramCount struct {
	Program    string  `json:"program"`
	Rintisan   int64   `json:"rintisan"`
	Aktif      int64   `json:"aktif"`
	TidakAktif int64   `json:"tidak_aktif"`
	Any        int64   `json:"any"`       // rintisan or aktif
	ActivePct  float64 `json:"activePct"` // aktif / villages
}

// ProgramFigures are report 4's figures for one area.
type ProgramFigures struct {
	Villages int            `json:"villages"`
	Programs []ProgramCount `json:"programs"`
}

// ProgramRow is one area's line of report 4.
type ProgramRow struct {
	Area AreaRef `json:"area"`
	ProgramFigures
}

// VillageProgram is one village's state of one programme in the period.
type VillageProgram struct {
	Status           string `json:"status"`
	LegalBasisNumber string `json:"legal_basis_number"`
	LegalBasisDate   string `json:"legal_basis_date"`
	ValidFrom        string `json:"valid_from"`
	ValidTo          string `json:"valid_to"` // "" while it holds
	// DrppaAssessedOn and DrppaMet: a DRPPA row's self-assessment, the
	// number of its answered indicators met (of DrppaAnswers).
	DrppaAssessedOn string `json:"drppa_assessed_on,omitempty"`
	DrppaMet        int    `json:"drppa_met,omitempty"`
	DrppaAnswers    int    `json:"drppa_answers,omitempty"`
}

// VillagePrograms lists a village's programmes (reports of a district or village).
type VillagePrograms struct {
	Village  AreaRef                   `json:"village"`
	Programs map[string]VillageProgram `json:"programs"`
}

// ProgramsReport is report 4: village institutions and regulations (DRPPA,
// PATBM, Desmigratif, perdes...) as they stood in the period asked: a
// programme counts when one of its rows holds on a day of the period
// (valid_from on or before the period's last day, valid_to empty or on or
// after its first), with the status of its latest such row
// (programs.HeldDuring). AsOf is the period's last day, or today while the
// period runs.
type ProgramsReport struct {
	Header
	AsOf     string            `json:"asOf"`
	Totals   ProgramFigures    `json:"totals"`
	Rows     []ProgramRow      `json:"rows"`
	Villages []VillagePrograms `json:"villages,omitempty"`
}

// programState is a village programme's state in a period (programs.StatesSQL).
type programState struct {
	ID              string  `db:"id"`
	Village         string  `db:"village"`
	District        string  `db:"district"`
	Regency         string  `db:"regency"`
	Program         string  `db:"program"`
	Status          string  `db:"status"`
	Number          string  `db:"legal_basis_number"`
	Date            string  `db:"legal_basis_date"`
	ValidFrom       string  `db:"valid_from"`
	ValidTo         string  `db:"valid_to"`
	AssessedOn      string  `db:"drppa_assessed_on"`
	WomenChildren   string  `db:"drppa_women_children_groups"`
	Data            string  `db:"drppa_disaggregated_data"`
	Regulation      string  `db:"drppa_village_regulation"`
	Budget          string  `db:"drppa_village_budget"`
	Representation  float64 `db:"drppa_women_representation_pct"`
	Entrepreneurs   float64 `db:"drppa_women_entrepreneurs_pct"`
	Care            float64 `db:"drppa_rights_based_care_pct"`
	NoChildLabour   string  `db:"drppa_no_child_labour"`
	NoChildMarriage string  `db:"drppa_no_child_marriage"`
}

// periodDays are a period's first and last days ("YYYY-MM-DD", WIB).
func periodDays(p Period) (first, last string) {
	return p.From.In(WIB).Format(time.DateOnly), p.To.Add(-time.Nanosecond).In(WIB).Format(time.DateOnly)
}

// programStates returns the state of every programme of the area's villages
// in period p: the rows holding in it (programs.HeldDuring), the latest of
// each village and programme kept here rather than by a window function in
// SQL (three times faster on a province of 40,000 rows).
func programStates(o Options, area *Area, p Period, where string, params dbx.Params) ([]programState, error) {
	first, last := periodDays(p)
	if where != "" {
		where = " AND " + where
	}
	cols := programs.StateColumns
	if area.Level == catalog.LevelProvince || area.Level == catalog.LevelRegency {
		// counts only: no village list, no DRPPA detail
		cols = "id, village, district, regency, program, status, valid_from"
	}
	var rows []programState
	if err := o.App.DB().NewQuery(`SELECT ` + cols + ` FROM village_programs WHERE ` + scopeWhere(area, params) + where + ` AND ` +
		programs.HeldDuring(first, last, params)).Bind(params).All(&rows); err != nil {
		return nil, err
	}
	type key struct{ village, program string }
	latest := make(map[key]int, len(rows))
	out := rows[:0]
	for _, r := range rows {
		k := key{r.Village, r.Program}
		if i, ok := latest[k]; ok {
			if prev := out[i]; r.ValidFrom > prev.ValidFrom || r.ValidFrom == prev.ValidFrom && r.ID > prev.ID {
				out[i] = r
			}
			continue
		}
		latest[k] = len(out)
		out = append(out, r)
	}
	return out, nil
}

func day(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

// Programs builds report 4.
func Programs(o Options) (*ProgramsReport, error) {
	_, last := periodDays(o.Period)
	asOf := o.now().In(WIB).Format(time.DateOnly)
	if last < asOf {
		asOf = last
	}
	r := &ProgramsReport{Header: o.header("programs", "Kelembagaan dan regulasi desa", "Village institutions and regulations"), AsOf: asOf}
	level := ChildLevel(o.Area.Level)
	states, err := programStates(o, o.Area, o.Period, "", dbx.Params{})
	if err != nil {
		return nil, err
	}
	by := map[string]map[string]*ProgramCount{}
	for _, c := range states {
		child := c.Village
		switch level {
		case catalog.LevelRegency:
			child = c.Regency
		case catalog.LevelDistrict:
			child = c.District
		}
		for _, area := range []string{child, ""} { // "" = the total
			if by[area] == nil {
				by[area] = map[string]*ProgramCount{}
			}
			pc := by[area][c.Program]
			if pc == nil {
				pc = &ProgramCount{Program: c.Program}
				by[area][c.Program] = pc
			}
			switch c.Status {
			case "rintisan":
				pc.Rintisan++
			case "aktif":
				pc.Aktif++
			case "tidak_aktif":
				pc.TidakAktif++
			}
		}
	}
	figures := func(area, key string) ProgramFigures {
		f := ProgramFigures{}
		for _, v := range o.Dir.Villages(area) {
			if a, _ := o.Dir.Get(v); a.Active {
				f.Villages++
			}
		}
		for _, p := range catalog.CodesOf("village_program_kinds") {
			pc := ProgramCount{Program: p}
			if got := by[key][p]; got != nil {
				pc = *got
			}
			pc.Any = pc.Rintisan + pc.Aktif
			pc.ActivePct = pct(pc.Aktif, int64(f.Villages))
			f.Programs = append(f.Programs, pc)
		}
		return f
	}
	r.Totals = figures(o.Area.Code, "")
	r.Rows = []ProgramRow{}
	for _, c := range o.children() {
		r.Rows = append(r.Rows, ProgramRow{Area: o.Dir.Ref(c), ProgramFigures: figures(c, c)})
	}
	if o.Area.Level == catalog.LevelDistrict || o.Area.Level == catalog.LevelVillage {
		byVillage := map[string]map[string]VillageProgram{}
		for _, l := range states {
			if byVillage[l.Village] == nil {
				byVillage[l.Village] = map[string]VillageProgram{}
			}
			vp := VillageProgram{Status: l.Status, LegalBasisNumber: l.Number, LegalBasisDate: day(l.Date),
				ValidFrom: day(l.ValidFrom), ValidTo: day(l.ValidTo), DrppaAssessedOn: day(l.AssessedOn)}
			if vp.DrppaAssessedOn != "" {
				for _, a := range []string{l.WomenChildren, l.Data, l.Regulation, l.Budget, l.NoChildLabour, l.NoChildMarriage} {
					if a != "" {
						vp.DrppaAnswers++
					}
					if a == catalog.DrppaAnswerMet {
						vp.DrppaMet++
					}
				}
			}
			byVillage[l.Village][l.Program] = vp
		}
		for _, v := range o.Dir.Villages(o.Area.Code) {
			progs := byVillage[v]
			if progs == nil {
				progs = map[string]VillageProgram{}
			}
			r.Villages = append(r.Villages, VillagePrograms{Village: o.Dir.Ref(v), Programs: progs})
		}
	}
	return r, nil
}

// Tables lays report 4 out: per area, villages with each programme active or starting.
func (r *ProgramsReport) Tables(lang string) []Table {
	cols := append(areaColumns(lang), T(lang, "Jumlah desa/kelurahan", "Villages"))
	for _, p := range catalog.CodesOf("village_program_kinds") {
		name := LabelOf("program", p, lang)
		cols = append(cols, name+T(lang, " aktif", " active"), name+T(lang, " rintisan", " starting"), name+T(lang, " tidak aktif", " inactive"))
	}
	t := Table{Name: "kelembagaan", Title: T(lang, r.Title, r.TitleEN) + " (" + r.AsOf + ")", Columns: cols}
	line := func(a AreaRef, f ProgramFigures) []any {
		row := append(areaCells(a, lang), f.Villages)
		for _, p := range f.Programs {
			row = append(row, p.Aktif, p.Rintisan, p.TidakAktif)
		}
		return row
	}
	for _, row := range r.Rows {
		t.Rows = append(t.Rows, line(row.Area, row.ProgramFigures))
	}
	t.Rows = append(t.Rows, line(totalRef(r.Area, lang), r.Totals))
	out := []Table{t}
	if len(r.Villages) > 0 {
		vcols := areaColumns(lang)
		for _, p := range catalog.CodesOf("village_program_kinds") {
			vcols = append(vcols, LabelOf("program", p, lang), LabelOf("program", p, lang)+T(lang, ": dasar hukum", ": legal basis"),
				LabelOf("program", p, lang)+T(lang, ": berlaku", ": valid"))
			if p == "drppa" {
				vcols = append(vcols, T(lang, "DRPPA: indikator terpenuhi", "DRPPA: indicators met"))
			}
		}
		v := Table{Name: "per_desa", Title: T(lang, "Program per desa/kelurahan", "Programmes per village"), Columns: vcols}
		for _, vp := range r.Villages {
			row := areaCells(vp.Village, lang)
			for _, p := range catalog.CodesOf("village_program_kinds") {
				s := vp.Programs[p]
				basis := s.LegalBasisNumber
				if s.LegalBasisDate != "" {
					basis += " (" + s.LegalBasisDate + ")"
				}
				status := ""
				if s.Status != "" {
					status = LabelOf("program_status", s.Status, lang)
				}
				valid := ""
				if s.ValidFrom != "" || s.ValidTo != "" {
					valid = s.ValidFrom + " – " + s.ValidTo
				}
				row = append(row, status, basis, valid)
				if p == "drppa" {
					met := ""
					if s.DrppaAssessedOn != "" {
						met = fmt.Sprintf("%d/%d (%s)", s.DrppaMet, s.DrppaAnswers, s.DrppaAssessedOn)
					}
					row = append(row, met)
				}
			}
			v.Rows = append(v.Rows, row)
		}
		out = append(out, v)
	}
	return out
}
