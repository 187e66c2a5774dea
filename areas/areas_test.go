package areas_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pocketbase/dbx"
	"github.com/spf13/cobra"

	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/commands"
	tt "jangkau/internal/testapp"
)

func TestLampungLoadedWithExactCounts(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	want := map[string]int{catalog.LevelProvince: 1, catalog.LevelRegency: 15, catalog.LevelDistrict: 229, catalog.LevelVillage: 2651}
	total := 0
	for level, n := range want {
		got, err := app.CountRecords(catalog.Areas, dbx.HashExp{"level": level})
		if err != nil {
			t.Fatal(err)
		}
		if int(got) != n {
			t.Errorf("%s: %d areas, want %d", level, got, n)
		}
		total += int(got)
	}
	if total != 2896 {
		t.Errorf("total %d, want 2896", total)
	}
	kinds := map[string]int{"provinsi": 1, "kabupaten": 13, "kota": 2, "kecamatan": 229, "desa": 2446, "kelurahan": 205}
	for kind, n := range kinds {
		got, _ := app.CountRecords(catalog.Areas, dbx.HashExp{"kind": kind})
		if int(got) != n {
			t.Errorf("kind %s: %d, want %d", kind, got, n)
		}
	}
}

func TestParentChainOfAVillage(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	chain := []struct{ code, name, level string }{
		{"18.02.04.1006", "Gunung S. Raya", catalog.LevelVillage},
		{"18.02.04", "", catalog.LevelDistrict},
		{"18.02", "Kabupaten Lampung Tengah", catalog.LevelRegency},
		{"18", "Lampung", catalog.LevelProvince},
	}
	code := chain[0].code
	for i, step := range chain {
		rec, err := app.FindRecordById(catalog.Areas, code)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if rec.Id != step.code || rec.GetString("level") != step.level || (step.name != "" && rec.GetString("name") != step.name) {
			t.Errorf("step %d: got %s %q %s", i, rec.Id, rec.GetString("name"), rec.GetString("level"))
		}
		code = rec.GetString("parent")
	}
	if code != "" {
		t.Errorf("province has parent %q", code)
	}
	// a kelurahan (X=1) and a desa (X=2)
	kel, _ := app.FindRecordById(catalog.Areas, "18.02.04.1006")
	desa, _ := app.FindRecordById(catalog.Areas, "18.08.12.2002")
	if kel.GetString("kind") != "kelurahan" || desa.GetString("kind") != "desa" || desa.GetString("name") != "Kiling-kiling" {
		t.Errorf("kinds: %s %s %q", kel.GetString("kind"), desa.GetString("kind"), desa.GetString("name"))
	}
}

func TestReloadChangesNothing(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	before, _ := app.FindRecordById(catalog.Areas, "18.01.04.2001")
	res, err := areas.ImportDir(app, areas.Lampung())
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 0 || res.Updated != 0 || res.Deactivated != 0 || res.Unchanged != 2896 {
		t.Errorf("second load: %+v", res)
	}
	after, _ := app.FindRecordById(catalog.Areas, "18.01.04.2001")
	if before.GetString("updated") != after.GetString("updated") {
		t.Errorf("area rewritten: %s -> %s", before.GetString("updated"), after.GetString("updated"))
	}
}

func TestImportCommandParsesQuotedNamesAndIsIdempotent(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	run := func() string {
		root := &cobra.Command{Use: "jangkau"}
		commands.Register(app, root)
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetArgs([]string{"import-areas", "testdata/quoted"})
		if err := root.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if out := run(); !strings.Contains(out, "8 created") {
		t.Errorf("first import: %s", out)
	}
	if out := run(); !strings.Contains(out, "0 created, 0 updated, 8 unchanged, 0 deactivated") {
		t.Errorf("second import: %s", out)
	}
	for code, name := range map[string]string{"35.13.15.2017": `Soka"an`, "35.13.15.2001": "Lubuk Pakam I,II", "35.71": "Kota Kediri"} {
		rec, err := app.FindRecordById(catalog.Areas, code)
		if err != nil || rec.GetString("name") != name {
			t.Errorf("%s: %v %q, want %q", code, err, rec.GetString("name"), name)
		}
	}
	kota, _ := app.FindRecordById(catalog.Areas, "35.71")
	if kota.GetString("kind") != "kota" {
		t.Errorf("35.71 kind %q", kota.GetString("kind"))
	}
}

func TestMissingCodesAreDeactivatedNeverDeleted(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	fsys := fstest.MapFS{}
	for _, f := range []string{"provinces.csv", "regencies.csv", "districts.csv", "villages.csv"} {
		raw, err := os.ReadFile("testdata/quoted/" + f)
		if err != nil {
			t.Fatal(err)
		}
		fsys[f] = &fstest.MapFile{Data: raw}
	}
	if _, err := areas.ImportDir(app, fsys); err != nil {
		t.Fatal(err)
	}
	// a later release drops one village (split or renamed)
	fsys["villages.csv"] = &fstest.MapFile{Data: []byte("code,district_code,name\n35.13.15.2017,35.13.15,\"Soka\"\"an\"\n35.71.01.1001,35.71.01,Pojok\n")}
	res, err := areas.ImportDir(app, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if res.Deactivated != 1 {
		t.Errorf("deactivated %d, want 1", res.Deactivated)
	}
	rec, err := app.FindRecordById(catalog.Areas, "35.13.15.2001")
	if err != nil {
		t.Fatalf("area deleted: %v", err)
	}
	if rec.GetBool("active") {
		t.Error("dropped area still active")
	}
	if err := app.Delete(rec); err == nil {
		t.Error("deleting an area through Go code succeeded")
	}
	if _, err := app.FindRecordById(catalog.Areas, "35.13.15.2001"); err != nil {
		t.Error("area gone after a refused delete")
	}
}

func TestReadCSVRefusesBrokenFiles(t *testing.T) {
	t.Parallel()
	base := map[string]string{
		"provinces.csv": "code,name\n35,Jawa Timur\n",
		"regencies.csv": "code,province_code,name\n35.13,35,Kabupaten Probolinggo\n",
		"districts.csv": "code,regency_code,name\n35.13.15,35.13,Krejengan\n",
		"villages.csv":  "code,district_code,name\n35.13.15.2017,35.13.15,Sokaan\n",
	}
	cases := map[string][2]string{
		"wrong parent":   {"villages.csv", "code,district_code,name\n35.13.15.2017,35.13.14,Sokaan\n"},
		"unknown parent": {"districts.csv", "code,regency_code,name\n35.14.01,35.14,Somewhere\n"},
		"bad code":       {"villages.csv", "code,district_code,name\n35.13.15.17,35.13.15,Sokaan\n"},
		"missing column": {"regencies.csv", "code,name\n35.13,Kabupaten Probolinggo\n"},
		"empty name":     {"villages.csv", "code,district_code,name\n35.13.15.2017,35.13.15,\n"},
		"bad quoting":    {"villages.csv", "code,district_code,name\n35.13.15.2017,35.13.15,\"Soka\"an\n"},
	}
	for name, c := range cases {
		fsys := fstest.MapFS{}
		for f, body := range base {
			fsys[f] = &fstest.MapFile{Data: []byte(body)}
		}
		fsys[c[0]] = &fstest.MapFile{Data: []byte(c[1])}
		if _, err := areas.ReadCSV(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCodeHelpers(t *testing.T) {
	t.Parallel()
	if areas.LevelOf("18.01.04.2001") != catalog.LevelVillage || areas.LevelOf("18.1") != "" || areas.LevelOf("18.01.04.3001") != "" {
		t.Error("LevelOf")
	}
	if areas.RegencyOf("18.01.04.2001") != "18.01" || areas.DistrictOf("18.01.04.2001") != "18.01.04" || areas.RegencyOf("18") != "" {
		t.Error("RegencyOf/DistrictOf")
	}
	if !areas.Contains("18.01", "18.01.04.2001") || areas.Contains("18.01", "18.010") || areas.Contains("18.1", "18.10.01") || areas.Contains("", "18") {
		t.Error("Contains")
	}
}
