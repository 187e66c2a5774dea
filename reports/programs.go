package reports

import (
	"github.com/pocketbase/dbx"

	"jangkau/catalog"
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

// VillageProgram is one village's state of one programme.
type VillageProgram struct {
	Status           string `json:"status"`
	LegalBasisNumber string `json:"legal_basis_number"`
	LegalBasisDate   string `json:"legal_basis_date"`
}

// VillagePrograms lists a village's programmes (reports of a district or village).
type VillagePrograms struct {
	Village  AreaRef                   `json:"village"`
	Programs map[string]VillageProgram `json:"programs"`
}

// ProgramsReport is report 4: village institutions and regulations (DRPPA,
// PATBM, Desmigratif, perdes...). It shows the current state, whatever the
// period asked.
type ProgramsReport struct {
	Header
	AsOf     string            `json:"asOf"`
	Totals   ProgramFigures    `json:"totals"`
	Rows     []ProgramRow      `json:"rows"`
	Villages []VillagePrograms `json:"villages,omitempty"`
}

// Programs builds report 4.
func Programs(o Options) (*ProgramsReport, error) {
	r := &ProgramsReport{Header: o.header("programs", "Kelembagaan dan regulasi desa", "Village institutions and regulations"),
		AsOf: o.now().In(WIB).Format("2006-01-02")}
	child := "village"
	switch ChildLevel(o.Area.Level) {
	case catalog.LevelRegency:
		child = "regency"
	case catalog.LevelDistrict:
		child = "district"
	}
	params := dbx.Params{}
	var counts []struct {
		Area    string `db:"area"`
		Program string `db:"program"`
		Status  string `db:"status"`
		N       int64  `db:"n"`
	}
	err := o.App.DB().NewQuery(`SELECT ` + child + ` AS area, program, status, COUNT(*) AS n FROM village_programs
		WHERE ` + scopeWhere(o.Area, params) + ` GROUP BY 1, 2, 3`).Bind(params).All(&counts)
	if err != nil {
		return nil, err
	}
	by := map[string]map[string]*ProgramCount{}
	for _, c := range counts {
		for _, area := range []string{c.Area, ""} { // "" = the total
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
				pc.Rintisan += c.N
			case "aktif":
				pc.Aktif += c.N
			case "tidak_aktif":
				pc.TidakAktif += c.N
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
		var list []struct {
			Village string `db:"village"`
			Program string `db:"program"`
			Status  string `db:"status"`
			Number  string `db:"legal_basis_number"`
			Date    string `db:"legal_basis_date"`
		}
		params := dbx.Params{}
		if err := o.App.DB().NewQuery(`SELECT village, program, status, legal_basis_number, legal_basis_date FROM village_programs WHERE ` +
			scopeWhere(o.Area, params)).Bind(params).All(&list); err != nil {
			return nil, err
		}
		byVillage := map[string]map[string]VillageProgram{}
		for _, l := range list {
			if byVillage[l.Village] == nil {
				byVillage[l.Village] = map[string]VillageProgram{}
			}
			date := l.Date
			if len(date) >= 10 {
				date = date[:10]
			}
			byVillage[l.Village][l.Program] = VillageProgram{Status: l.Status, LegalBasisNumber: l.Number, LegalBasisDate: date}
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
			vcols = append(vcols, LabelOf("program", p, lang), LabelOf("program", p, lang)+T(lang, ": dasar hukum", ": legal basis"))
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
				row = append(row, s.Status, basis)
			}
			v.Rows = append(v.Rows, row)
		}
		out = append(out, v)
	}
	return out
}
