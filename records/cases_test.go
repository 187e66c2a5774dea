package records_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/records"
	"jangkau/vocab"
)

const caseURL = "/api/collections/case_aggregates/records"

// badFigures are case figures the server refuses, each with the field and
// code of its error.
var badFigures = []struct {
	name, field, code string
	change            map[string]any
}{
	{"victims by sex short of the total", "victims_by_sex", records.CodeSumMismatch, map[string]any{"victims_by_sex": map[string]any{"female": 2}}},
	{"victims by age over the total", "victims_by_age", records.CodeSumMismatch, map[string]any{"victims_by_age": map[string]any{"age_13_17": 2, "age_25_44": 2}}},
	{"a breakdown that is no count", "victims_by_sex", records.CodeNotCount, map[string]any{"victims_by_sex": map[string]any{"female": 1.5, "male": 1.5}}},
	{"a negative count", "cases_by_scope", records.CodeNotCount, map[string]any{"cases_by_scope": map[string]any{"domestic": -1}}},
	{"more disabled victims than victims", "victims_disabled", records.CodeOverTotal, map[string]any{"victims_disabled": 4}},
	{"more repatriated than victims", "victims_repatriated", records.CodeOverTotal, map[string]any{"victims_repatriated": 4}},
	{"restitution granted over requested", "restitution_granted", records.CodeOverTotal, map[string]any{"restitution_granted": 3}},
	{"restitution requested for more than the victims", "restitution_requested", records.CodeOverTotal, map[string]any{"restitution_requested": 4, "restitution_granted": 0}},
	{"cases by scope over the cases", "cases_by_scope", records.CodeOverTotal, map[string]any{"cases_by_scope": map[string]any{"domestic": 3, "cross_border": 1}}},
	{"cases by law over the cases", "cases_by_law", records.CodeOverTotal, map[string]any{"cases_by_law": map[string]any{"tppo": 3, "uu_pmi": 1}}},
	{"cases by stage over the cases", "cases_by_stage", records.CodeOverTotal, map[string]any{"cases_by_stage": map[string]any{"p21": 4}}},
	{"cases served over the cases", "cases_served", records.CodeOverTotal, map[string]any{"cases_served": 4}},
	{"a service to more victims than there are", "services", records.CodeOverTotal, map[string]any{"services": map[string]any{"bantuan_hukum": 5}}},
	{"victims without a case", "victims_total", records.CodeVictimsNoCase, map[string]any{"case_count": 0, "cases_served": 0,
		"cases_by_scope": map[string]any{}, "cases_by_law": map[string]any{}, "cases_by_stage": map[string]any{}}},
	{"an old child/adult column", "victims_female_child", records.CodeLegacyField, map[string]any{"victims_female_child": 1}},
	{"an unknown age band", "victims_by_age", vocab.CodeUnknown, map[string]any{"victims_by_age": map[string]any{"age_0_4": 3}}},
	{"an unknown sex", "victims_by_sex", vocab.CodeUnknown, map[string]any{"victims_by_sex": map[string]any{"x": 3}}},
	{"an unknown stage", "cases_by_stage", vocab.CodeUnknown, map[string]any{"cases_by_stage": map[string]any{"sidang": 1}}},
	{"an unknown scope", "cases_by_scope", vocab.CodeUnknown, map[string]any{"cases_by_scope": map[string]any{"regional": 1}}},
	{"an unknown law", "cases_by_law", vocab.CodeUnknown, map[string]any{"cases_by_law": map[string]any{"kuhp": 1}}},
	{"a retired age code on a new figure", "victims_by_age", vocab.CodeRetired, map[string]any{"victims_by_age": map[string]any{"child_unbanded": 3}}},
	{"a retired service on a new figure", "services", vocab.CodeRetired, map[string]any{"services": map[string]any{"penegakan_hukum": 1}}},
}

func figureWith(change map[string]any) map[string]any {
	f := tt.CaseFigure(tt.RegencyA, "law_enforcement")
	f["year"] = 2021
	for k, v := range change {
		f[k] = v
	}
	return f
}

// Every bad figure is refused with its field and code, in Bahasa Indonesia
// and English, on every write path: REST create and update, batch, and Go
// code saving the record (the model hook every path goes through; case
// figures are not carried by sync). A good figure goes through all of them.
func TestCaseFigureChecksOnEveryPath(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	sec := tt.Token(t, srv.App, tt.Secretariat)
	col, err := srv.App.FindCollectionByNameOrId(catalog.CaseAggregates)
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n, err := srv.App.CountRecords(catalog.CaseAggregates)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}

	// a good figure, on each path
	if res := srv.Do(t, http.MethodPost, caseURL, sec, figureWith(nil)); res.Status != 200 {
		t.Fatalf("REST create of a good figure: %d %s", res.Status, res.Body)
	}
	good := core.NewRecord(col)
	good.Load(figureWith(map[string]any{"year": 2022}))
	if err := srv.App.Save(good); err != nil {
		t.Fatalf("Go save of a good figure: %v", err)
	}

	for _, c := range badFigures {
		before := count()
		// REST create
		res := srv.Do(t, http.MethodPost, caseURL, sec, figureWith(c.change))
		if res.Status != 400 || res.FieldError(c.field) != c.code {
			t.Errorf("%s: REST create: %d %s", c.name, res.Status, res.Body)
		}
		if msg := fieldMessage(res.Body, c.field); !strings.Contains(msg, " / ") {
			t.Errorf("%s: not a bilingual message: %q", c.name, msg)
		}
		// REST update of the good figure
		res = srv.Do(t, http.MethodPatch, caseURL+"/"+good.Id, sec, c.change)
		if res.Status != 400 || res.FieldError(c.field) != c.code {
			t.Errorf("%s: REST update: %d %s", c.name, res.Status, res.Body)
		}
		// batch: a good figure and the bad one, nothing written
		res = srv.Do(t, http.MethodPost, "/api/batch", sec, map[string]any{"requests": []map[string]any{
			{"method": "POST", "url": caseURL, "body": figureWith(map[string]any{"year": 2023})},
			{"method": "POST", "url": caseURL, "body": figureWith(c.change)},
		}})
		if res.Status != 400 || !strings.Contains(string(res.Body), c.code) || !strings.Contains(string(res.Body), c.field) {
			t.Errorf("%s: batch: %d %s", c.name, res.Status, res.Body)
		}
		// Go code
		rec := core.NewRecord(col)
		rec.Load(figureWith(c.change))
		var errs validation.Errors
		if err := srv.App.Save(rec); !errors.As(err, &errs) || errs[c.field] == nil {
			t.Errorf("%s: Go save: %v", c.name, err)
		} else if ve, ok := errs[c.field].(validation.Error); !ok || ve.Code() != c.code {
			t.Errorf("%s: Go save: %v", c.name, errs[c.field])
		}
		if n := count(); n != before {
			t.Errorf("%s: %d figures written", c.name, n-before)
		}
	}
	stored, err := srv.App.FindRecordById(catalog.CaseAggregates, good.Id)
	if err != nil || stored.GetInt("victims_total") != 3 || stored.GetInt("victims_female_child") != 0 {
		t.Errorf("the good figure changed: %v %v", err, stored)
	}
}

func fieldMessage(body []byte, field string) string {
	var out struct {
		Data map[string]struct {
			Message string `json:"message"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &out)
	return out.Data[field].Message
}

// A figure stored before issue 15 (migrated: the retired age codes, the old
// columns kept) can be edited as long as its retired codes and old columns
// are left as they are; a new figure cannot take them.
func TestMigratedFigureEditedKeepingItsOldCodes(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	sec := tt.Token(t, srv.App, tt.Secretariat)
	if _, err := srv.App.DB().NewQuery(`INSERT INTO case_aggregates (id, area, regency, year, period_type, period_index, case_count,
		victims_female_child, victims_male_child, victims_female_adult, victims_male_adult, cases_served, figure_status, source,
		victims_total, victims_by_sex, victims_by_age, services, created, updated)
		VALUES ('oldfigure000001', '18.01', '18.01', 2019, 'year', 0, 4, 2, 1, 3, 0, 4, 'final', 'simfoni_ppa',
		6, '{"female":5,"male":1}', '{"child_unbanded":3,"adult_unbanded":3}', '{"penegakan_hukum":2}', '2020-01-01 00:00:00.000Z', '2020-01-01 00:00:00.000Z')`).Execute(); err != nil {
		t.Fatal(err)
	}
	res := srv.Do(t, http.MethodPatch, caseURL+"/oldfigure000001", sec, map[string]any{"police_reports": 2, "suspects": 3,
		"cases_by_stage": map[string]any{"putusan": 1}})
	if res.Status != 200 {
		t.Fatalf("edit of a migrated figure: %d %s", res.Status, res.Body)
	}
	// moving victims between the retired codes is a new use of them: still allowed (the record had them)
	res = srv.Do(t, http.MethodPatch, caseURL+"/oldfigure000001", sec, map[string]any{"victims_by_age": map[string]any{"child_unbanded": 2, "adult_unbanded": 3, "age_6_12": 1}})
	if res.Status != 200 {
		t.Fatalf("the age bands of a migrated figure refined: %d %s", res.Status, res.Body)
	}
	res = srv.Do(t, http.MethodPatch, caseURL+"/oldfigure000001", sec, map[string]any{"victims_male_child": 0})
	if res.Status != 400 || res.FieldError("victims_male_child") != records.CodeLegacyField {
		t.Errorf("an old column changed: %d %s", res.Status, res.Body)
	}
	rec, err := srv.App.FindRecordById(catalog.CaseAggregates, "oldfigure000001")
	if err != nil {
		t.Fatal(err)
	}
	if rec.GetInt("victims_male_child") != 1 || rec.GetInt("police_reports") != 2 {
		t.Errorf("stored: %v", rec.PublicExport())
	}
}

// The migration of issue 15 on a database of the release before it:
// figures in the old shape come out with their victims' total, by sex and
// by age (the retired codes), nothing lost (the old columns as they were),
// the new vocabularies seeded, the two services outside Permen PPPA 8/2021
// retired and the other two relabelled; undone, the new fields go.
func TestCaseFiguresMigration(t *testing.T) {
	t.Parallel()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir(), EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = app.ClearBootstrap() })
	var older core.MigrationsList
	for _, m := range core.AppMigrations.Items() {
		if m.File < "1765700000" {
			older.Register(m.Up, m.Down, m.File)
		}
	}
	for _, list := range []core.MigrationsList{core.SystemMigrations, older} {
		if _, err := core.NewMigrationsRunner(app, list).Up(); err != nil {
			t.Fatal(err)
		}
	}
	type old struct {
		id                         string
		cases, fc, mc, fa, ma, srv int
		services                   string
	}
	olds := []old{
		{"oldcase00000001", 5, 2, 1, 3, 0, 4, `{"pengaduan":5,"penegakan_hukum":2}`},
		{"oldcase00000002", 3, 0, 0, 0, 4, 3, `{}`},
		{"oldcase00000003", 0, 0, 0, 0, 0, 0, ``},
	}
	for _, o := range olds {
		if _, err := app.NonconcurrentDB().NewQuery(`INSERT INTO case_aggregates (id, area, regency, year, period_type, period_index,
			case_count, victims_female_child, victims_male_child, victims_female_adult, victims_male_adult, cases_served,
			figure_status, source, services, exploitation_types, created, updated)
			VALUES ({:id}, '18.01', '18.01', 2020, 'year', 0, {:c}, {:fc}, {:mc}, {:fa}, {:ma}, {:s}, 'final', 'simfoni_ppa', {:sv},
			'{"forced_labour":1}', '2021-01-01 00:00:00.000Z', '2021-01-01 00:00:00.000Z')`).
			Bind(dbx.Params{"id": o.id, "c": o.cases, "fc": o.fc, "mc": o.mc, "fa": o.fa, "ma": o.ma, "s": o.srv, "sv": o.services}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	// a label the secretariat changed stays as it is
	if _, err := app.NonconcurrentDB().NewQuery(`UPDATE vocabularies SET label_id = 'Kesehatan (RS)' WHERE kind = 'case_services' AND code = 'kesehatan'`).Execute(); err != nil {
		t.Fatal(err)
	}
	runner := core.NewMigrationsRunner(app, core.AppMigrations)
	if _, err := runner.Up(); err != nil {
		t.Fatal(err)
	}

	for _, o := range olds {
		var got struct {
			Total   int    `db:"victims_total"`
			BySex   string `db:"victims_by_sex"`
			ByAge   string `db:"victims_by_age"`
			FC      int    `db:"victims_female_child"`
			MC      int    `db:"victims_male_child"`
			FA      int    `db:"victims_female_adult"`
			MA      int    `db:"victims_male_adult"`
			Cases   int    `db:"case_count"`
			Served  int    `db:"cases_served"`
			Service string `db:"services"`
			Exploit string `db:"exploitation_types"`
		}
		if err := app.DB().NewQuery(`SELECT victims_total, victims_by_sex, victims_by_age, victims_female_child, victims_male_child,
			victims_female_adult, victims_male_adult, case_count, cases_served, services, exploitation_types FROM case_aggregates WHERE id = {:id}`).
			Bind(dbx.Params{"id": o.id}).One(&got); err != nil {
			t.Fatal(err)
		}
		if got.Total != o.fc+o.mc+o.fa+o.ma {
			t.Errorf("%s: total %d", o.id, got.Total)
		}
		wantSex := counts(map[string]int{"female": o.fc + o.fa, "male": o.mc + o.ma})
		wantAge := counts(map[string]int{"child_unbanded": o.fc + o.mc, "adult_unbanded": o.fa + o.ma})
		if !sameCounts(t, got.BySex, wantSex) || !sameCounts(t, got.ByAge, wantAge) {
			t.Errorf("%s: by sex %s, by age %s", o.id, got.BySex, got.ByAge)
		}
		if got.FC != o.fc || got.MC != o.mc || got.FA != o.fa || got.MA != o.ma || got.Cases != o.cases || got.Served != o.srv ||
			got.Service != o.services || got.Exploit != `{"forced_labour":1}` {
			t.Errorf("%s: an old count changed: %+v", o.id, got)
		}
	}
	active := func(kind, code string) (bool, string) {
		var e struct {
			Active bool   `db:"active"`
			Label  string `db:"label_id"`
		}
		if err := app.DB().NewQuery(`SELECT active, label_id FROM vocabularies WHERE kind = {:k} AND code = {:c}`).
			Bind(dbx.Params{"k": kind, "c": code}).One(&e); err != nil {
			t.Fatalf("%s/%s: %v", kind, code, err)
		}
		return e.Active, e.Label
	}
	for _, kind := range []string{"sexes", "age_bands", "case_scopes", "case_laws", "case_stages"} {
		for _, code := range catalog.LabelGroups[kind] {
			on, _ := active(kind, code)
			if want := code != "child_unbanded" && code != "adult_unbanded"; on != want {
				t.Errorf("%s/%s active %v", kind, code, on)
			}
		}
	}
	for code, want := range map[string]string{"pengaduan": "Pengaduan dan identifikasi", "kesehatan": "Kesehatan (RS)"} {
		if on, l := active("case_services", code); !on || l != want {
			t.Errorf("service %s: %v %q", code, on, l)
		}
	}
	for _, code := range []string{"penegakan_hukum", "pendampingan_tokoh_agama"} {
		if on, _ := active("case_services", code); on {
			t.Errorf("service %s still offered", code)
		}
	}
	var order []string
	if err := app.DB().NewQuery(`SELECT code FROM vocabularies WHERE kind = 'case_services' ORDER BY [[order]]`).Column(&order); err != nil {
		t.Fatal(err)
	}
	if want := []string{"pengaduan", "kesehatan", "rehabilitasi_sosial", "bantuan_hukum", "pemulangan", "reintegrasi_sosial",
		"penegakan_hukum", "pendampingan_tokoh_agama"}; strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("services in the order %v", order)
	}

	// undone (its own down step, whatever later migrations did): the new
	// fields and vocabularies go, the old counts stay
	undone := false
	for _, m := range core.AppMigrations.Items() {
		if strings.HasPrefix(m.File, "1765700000") {
			if err := m.Down(app); err != nil {
				t.Fatal(err)
			}
			undone = true
		}
	}
	if !undone {
		t.Fatal("no migration 1765700000")
	}
	ca, err := app.FindCollectionByNameOrId(catalog.CaseAggregates)
	if err != nil {
		t.Fatal(err)
	}
	if ca.Fields.GetByName("victims_by_age") != nil || ca.Fields.GetByName("victims_female_child") == nil {
		t.Error("down: fields not as before")
	}
	var fc int
	_ = app.DB().NewQuery(`SELECT victims_female_child FROM case_aggregates WHERE id = 'oldcase00000001'`).Row(&fc)
	if fc != 2 {
		t.Errorf("down: the old count is %d", fc)
	}
	if on, _ := active("case_services", "penegakan_hukum"); !on {
		t.Error("down: a retired service not offered again")
	}
}

func counts(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		if v > 0 {
			out[k] = v
		}
	}
	return out
}

func sameCounts(t *testing.T, raw string, want map[string]int) bool {
	t.Helper()
	got := map[string]int{}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("%q: %v", raw, err)
	}
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}
