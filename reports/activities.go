package reports

import (
	"slices"

	"github.com/pocketbase/dbx"

	"jangkau/access"
	"jangkau/catalog"
)

// ActivityFigures are report 1's figures for one area.
type ActivityFigures struct {
	Activities   int64        `json:"activities"`
	Participants Participants `json:"participants"`
	Budget       float64      `json:"budget"`
	ByType       []Breakdown  `json:"byType"`
	ByTopic      []Breakdown  `json:"byTopic"`
	ByFunding    []Breakdown  `json:"byFunding"`
	// ByLevel counts activities by the level they were recorded at
	// (village, district, regency, province); ByCluster by task-force cluster.
	ByLevel   []Breakdown `json:"byLevel"`
	ByCluster []Breakdown `json:"byCluster"`
}

// ActivityRow is one area's line of report 1.
type ActivityRow struct {
	Area AreaRef `json:"area"`
	ActivityFigures
}

// ActivityRecord is an activity listed when the report is of one village.
type ActivityRecord struct {
	ID           string `db:"id" json:"id"`
	Title        string `db:"title" json:"title"`
	StartDate    string `db:"start_date" json:"start_date"`
	Type         string `db:"type" json:"type"`
	Status       string `db:"status" json:"status"`
	FundingSrc   string `db:"funding_source" json:"funding_source"`
	Participants int64  `db:"participants" json:"participants"`
	// the fields the policy places an activity by: read to check the
	// reader's view grant, never sent
	Area    string `db:"area" json:"-"`
	Regency string `db:"regency" json:"-"`
	Cluster string `db:"cluster" json:"-"`
	Level   string `db:"level" json:"-"`
}

// ActivitiesReport is report 1: prevention activities by type and topic,
// participants by sex and age, funding; one row per child area.
type ActivitiesReport struct {
	Header
	Totals ActivityFigures `json:"totals"`
	// OwnLevel are the activities recorded at the area's own level (a
	// regency's coordination meeting): in Totals, in no row, so that the
	// rows and OwnLevel add up to Totals. Absent for a village.
	OwnLevel *ActivityFigures `json:"ownLevel,omitempty"`
	Rows     []ActivityRow    `json:"rows"`
	Series   []MonthPoint     `json:"series"`
	Records  []ActivityRecord `json:"records,omitempty"`
}

var activityDims = []string{DimAll, DimType, DimTopic, DimFunding, DimLevel, DimCluster}

// activityLevels are the levels activities are recorded at, from the village up.
var activityLevels = []string{catalog.LevelVillage, catalog.LevelDistrict, catalog.LevelRegency, catalog.LevelProvince}

func activityFigures(byDim map[string]map[string]Measures) ActivityFigures {
	all := byDim[DimAll][""]
	return ActivityFigures{
		Activities: all.N, Participants: participantsOf(all), Budget: all.Budget,
		ByType:    breakdown(catalog.CodesOf("activity_types"), byDim[DimType]),
		ByTopic:   breakdown(catalog.CodesOf("topics"), byDim[DimTopic]),
		ByFunding: breakdown(catalog.CodesOf("funding_sources"), byDim[DimFunding]),
		ByLevel:   breakdown(activityLevels, byDim[DimLevel]),
		ByCluster: breakdown(catalog.CodesOf("clusters"), byDim[DimCluster]),
	}
}

// Activities builds report 1.
func Activities(o Options) (*ActivitiesReport, error) {
	r := &ActivitiesReport{Header: o.header("activities", "Kegiatan pencegahan", "Prevention activities")}
	var err error
	r.Totals, r.OwnLevel, r.Rows, r.Series, err = figuresWithOwn(o, catalog.Activities, activityDims, activityFigures,
		func(a AreaRef, f ActivityFigures) ActivityRow { return ActivityRow{Area: a, ActivityFigures: f} })
	if err != nil {
		return nil, err
	}
	if o.Area.Level == catalog.LevelVillage {
		params := dbx.Params{"v": o.Area.Code, "f": storedTime(o.Period.From), "t": storedTime(o.Period.To)}
		err := o.App.DB().NewQuery(`SELECT id, title, start_date, type, status, funding_source,
			area, regency, cluster, level, male_child + female_child + male_adult + female_adult AS participants
			FROM activities WHERE village = {:v} AND start_date >= {:f} AND start_date < {:t} AND ` + inList("status", o.Statuses(), params, "s") +
			` ORDER BY start_date, id LIMIT 1000`).Bind(params).All(&r.Records)
		if err != nil {
			return nil, err
		}
		// the list names records: only those the reader may view (an
		// agency officer reads its own cluster's activities, not every one
		// of the village the report's counts cover)
		if o.Reader != nil {
			r.Records = slices.DeleteFunc(r.Records, func(rec ActivityRecord) bool {
				return !access.Reaches(*o.Reader, catalog.Activities, access.View, access.Fields{
					"area": rec.Area, "regency": rec.Regency, "cluster": rec.Cluster, "level": rec.Level, "status": rec.Status})
			})
		}
	}
	return r, nil
}

// Tables lays report 1 out for export: one line per area.
func (r *ActivitiesReport) Tables(lang string) []Table {
	cols := areaColumns(lang)
	cols = append(cols,
		T(lang, "Jumlah kegiatan", "Activities"),
		T(lang, "Anak laki-laki", "Male children"), T(lang, "Anak perempuan", "Female children"),
		T(lang, "Dewasa laki-laki", "Male adults"), T(lang, "Dewasa perempuan", "Female adults"),
		T(lang, "Total peserta", "Total participants"), T(lang, "Penyandang disabilitas", "People with disabilities"),
		T(lang, "Anggaran (Rp)", "Budget (IDR)"))
	cols = append(cols, codeColumns(T(lang, "Jenis: ", "Type: "), "activity_type", catalog.CodesOf("activity_types"), lang)...)
	cols = append(cols, codeColumns(T(lang, "Topik: ", "Topic: "), "topic", catalog.CodesOf("topics"), lang)...)
	cols = append(cols, codeColumns(T(lang, "Dana: ", "Funding: "), "funding", catalog.CodesOf("funding_sources"), lang)...)
	line := func(a AreaRef, f ActivityFigures) []any {
		row := areaCells(a, lang)
		p := f.Participants
		row = append(row, f.Activities, p.MaleChild, p.FemaleChild, p.MaleAdult, p.FemaleAdult, p.Total, p.Disabled, f.Budget)
		row = append(row, countsOf(f.ByType, catalog.CodesOf("activity_types"))...)
		row = append(row, countsOf(f.ByTopic, catalog.CodesOf("topics"))...)
		row = append(row, countsOf(f.ByFunding, catalog.CodesOf("funding_sources"))...)
		return row
	}
	t := Table{Name: "kegiatan", Title: T(lang, r.Title, r.TitleEN), Columns: cols}
	for _, row := range r.Rows {
		t.Rows = append(t.Rows, line(row.Area, row.ActivityFigures))
	}
	if r.OwnLevel != nil && r.OwnLevel.Activities > 0 {
		// the area's own activities, so that the lines add up to the total
		own := r.Area
		own.Name = T(lang, "Tingkat ", "Level of ") + own.Name + T(lang, " sendiri", " itself")
		t.Rows = append(t.Rows, line(own, *r.OwnLevel))
	}
	t.Rows = append(t.Rows, line(totalRef(r.Area, lang), r.Totals))
	s := monthTable(lang, T(lang, "Kegiatan per bulan", "Activities per month"),
		T(lang, "Jumlah kegiatan", "Activities"), T(lang, "Total peserta", "Total participants"), r.Series)
	return []Table{t, s}
}
