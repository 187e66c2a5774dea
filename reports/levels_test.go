package reports_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

// levelsFixture: five approved activities of March 2025 at four levels, by
// hand: a village of district A (10 people), district A itself (law
// enforcement, 20), regency A itself (law enforcement, 30), the province
// (prevention, 40), and a village of regency B (5).
func levelsFixture(t *testing.T) *tt.Server {
	srv := tt.NewServer(t)
	base := func(fields map[string]any, people int) map[string]any {
		fields["title"], fields["type"], fields["status"] = "Rapat koordinasi", "rapat_koordinasi", catalog.StatusApproved
		fields["start_date"] = "2025-03-10 02:00:00.000Z"
		fields["male_adult"], fields["female_adult"] = people/2, people-people/2
		return fields
	}
	for _, f := range []map[string]any{
		base(map[string]any{"id": "lvlvillageA0001", "village": tt.VillageA}, 10),
		base(map[string]any{"id": "lvldistrictA001", "area": tt.DistrictA, "cluster": "law_enforcement"}, 20),
		base(map[string]any{"id": "lvlregencyA0001", "area": tt.RegencyA, "cluster": "law_enforcement"}, 30),
		base(map[string]any{"id": "lvlprovince0001", "area": tt.Province, "cluster": "prevention"}, 40),
		base(map[string]any{"id": "lvlvillageB0001", "village": tt.VillageB}, 5),
	} {
		saveRecord(t, srv, catalog.Activities, f)
	}
	return srv
}

type levelsAnswer struct {
	Totals struct {
		Activities   int64 `json:"activities"`
		Participants struct {
			Total int64 `json:"total"`
		} `json:"participants"`
		ByLevel []struct {
			Key   string
			Count int64
		} `json:"byLevel"`
		ByCluster []struct {
			Key   string
			Count int64
		} `json:"byCluster"`
	} `json:"totals"`
	OwnLevel *struct {
		Activities int64 `json:"activities"`
	} `json:"ownLevel"`
	Rows []struct {
		Area       struct{ Code string } `json:"area"`
		Activities int64                 `json:"activities"`
	} `json:"rows"`
}

func (a levelsAnswer) row(code string) int64 {
	for _, r := range a.Rows {
		if r.Area.Code == code {
			return r.Activities
		}
	}
	return -1
}

// TestActivitiesAtEveryLevel: each activity counts at its own level and
// rolls up once; the rows and ownLevel add up to the totals; coverage
// counts village activities only; both engines and a rebuild agree.
func TestActivitiesAtEveryLevel(t *testing.T) {
	t.Parallel()
	srv := levelsFixture(t)
	checkUpkeep(t, srv.App, "activities at four levels")

	var prov levelsAnswer
	get(t, srv, tt.Secretariat, url("activities", "year=2025"), &prov)
	eq(t, "province: every activity once", prov.Totals.Activities, 5)
	eq(t, "province: participants", prov.Totals.Participants.Total, 105)
	eq(t, "province row of regency A: its village, district and own activities", prov.row(tt.RegencyA), 3)
	eq(t, "province row of regency B", prov.row(tt.RegencyB), 1)
	if prov.OwnLevel == nil || prov.OwnLevel.Activities != 1 {
		t.Errorf("province's own activities: %+v", prov.OwnLevel)
	}
	want := map[string]int64{catalog.LevelVillage: 2, catalog.LevelDistrict: 1, catalog.LevelRegency: 1, catalog.LevelProvince: 1}
	for _, b := range prov.Totals.ByLevel {
		eq(t, "by level "+b.Key, b.Count, want[b.Key])
	}
	clusters := map[string]int64{"law_enforcement": 2, "prevention": 1}
	for _, b := range prov.Totals.ByCluster {
		eq(t, "by cluster "+b.Key, b.Count, clusters[b.Key])
	}

	var reg levelsAnswer
	get(t, srv, tt.Secretariat, url("activities", "year=2025&area="+tt.RegencyA), &reg)
	eq(t, "regency A", reg.Totals.Activities, 3)
	eq(t, "regency A's row of district A: its village and its own", reg.row(tt.DistrictA), 2)
	if reg.OwnLevel == nil || reg.OwnLevel.Activities != 1 {
		t.Errorf("regency A's own activities: %+v", reg.OwnLevel)
	}

	var dist levelsAnswer
	get(t, srv, tt.Secretariat, url("activities", "year=2025&area="+tt.DistrictA), &dist)
	eq(t, "district A", dist.Totals.Activities, 2)
	eq(t, "district A's row of village A", dist.row(tt.VillageA), 1)
	if dist.OwnLevel == nil || dist.OwnLevel.Activities != 1 {
		t.Errorf("district A's own activities: %+v", dist.OwnLevel)
	}

	var vil levelsAnswer
	get(t, srv, tt.Secretariat, url("activities", "year=2025&area="+tt.VillageA), &vil)
	eq(t, "village A", vil.Totals.Activities, 1)
	if vil.OwnLevel != nil {
		t.Errorf("a village has no own-level line: %+v", vil.OwnLevel)
	}

	var cov struct {
		Totals struct{ Reached int64 } `json:"totals"`
	}
	get(t, srv, tt.Secretariat, url("coverage", "year=2025"), &cov)
	eq(t, "coverage: villages with a village activity", cov.Totals.Reached, 2)

	// the engines agree, partial months (days of the regencies and the
	// province) included
	for _, q := range []string{"year=2025", "period=custom&from=2025-03-05&to=2025-03-20", "period=month&year=2025&index=3"} {
		for _, a := range []string{"", tt.RegencyA, tt.DistrictA, tt.VillageA} {
			for _, name := range []string{"activities", "coverage", "review"} {
				var pre, raw map[string]any
				get(t, srv, tt.Secretariat, url(name, q+"&area="+a), &pre)
				get(t, srv, tt.Secretariat, url(name, q+"&area="+a+"&engine=raw"), &raw)
				for _, m := range []map[string]any{pre, raw} {
					delete(m, "engine")
					delete(m, "generatedAt")
				}
				if !reflect.DeepEqual(pre, raw) {
					t.Errorf("%s %s area %q: precomputed and raw differ", name, q, a)
				}
			}
		}
	}

	// a regency activity moved up to the province, and deleted: still once
	rec, err := srv.App.FindRecordById(catalog.Activities, "lvlregencyA0001")
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("area", tt.Province)
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	checkUpkeep(t, srv.App, "regency activity moved to the province")
	get(t, srv, tt.Secretariat, url("activities", "year=2025"), &prov)
	eq(t, "after the move: province", prov.Totals.Activities, 5)
	eq(t, "after the move: regency A's row", prov.row(tt.RegencyA), 2)
	if err := srv.App.Delete(rec); err != nil {
		t.Fatal(err)
	}
	checkUpkeep(t, srv.App, "province activity deleted")

	// a regency member reads its regency's reports
	res := srv.Do(t, http.MethodGet, url("activities", "year=2025&area="+tt.RegencyB), tt.Token(t, srv.App, tt.RegencyMemberA), nil)
	eq(t, "a regency member asking for another regency", res.Status, 403)
}

// TestOwnLevelLineInExports: the activities report's export has a line for
// the area's own activities, so that its lines add up to the total line.
func TestOwnLevelLineInExports(t *testing.T) {
	t.Parallel()
	srv := levelsFixture(t)
	_, rows := readCSV(t, download(t, srv, tt.Secretariat, "report_activities.csv", "year=2025&area="+tt.RegencyA, 200))
	var own, total []string
	for _, r := range rows {
		switch {
		case strings.HasPrefix(r[1], "Tingkat ") && strings.HasSuffix(r[1], " sendiri"):
			own = r
		case strings.HasPrefix(r[1], "Total "):
			total = r
		}
	}
	if own == nil || total == nil {
		t.Fatalf("no own-level or total line: %v", rows)
	}
	eq(t, "own-level line: regency A's own activity", own[5], "1")
	eq(t, "total line", total[5], "3")
}
