package commands_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/spf13/cobra"

	"jangkau/commands"
	tt "jangkau/internal/testapp"
)

// count runs a COUNT query on the app's database.
func count(t *testing.T, srv *tt.Server, q string, params dbx.Params) int {
	t.Helper()
	var n int
	if err := srv.App.DB().NewQuery(q).Bind(params).Row(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func num(t *testing.T, m map[string]any, path ...string) float64 {
	t.Helper()
	var v any = m
	for _, k := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v: no object at %q", path, k)
		}
		v = obj[k]
	}
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("%v: %v is not a number", path, v)
	}
	return f
}

// TestDemoDataFillsTheDashboard runs the demo into a fresh app and reads the
// dashboard's reports as the demo secretariat would: every report shows
// figures, and they agree with the records the demo made.
func TestDemoDataFillsTheDashboard(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	if err := commands.SeedDemo(srv.App); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	sum, err := commands.SeedDemoData(srv.App, now)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Created == 0 || len(sum.Regencies) < 5 || sum.Villages < 50 {
		t.Fatalf("summary: %+v", sum)
	}
	for _, st := range []string{"approved", "submitted", "returned", "draft"} {
		if sum.Activities[st] == 0 || sum.Outreach[st] == 0 {
			t.Errorf("no %s records: activities %v, outreach %v", st, sum.Activities, sum.Outreach)
		}
	}
	tok := tt.Token(t, srv.App, commands.DemoAccounts[2].Email) // the secretariat
	report := func(name string, q url.Values) map[string]any {
		t.Helper()
		res := srv.Do(t, http.MethodGet, "/api/reports/"+name+"?"+q.Encode(), tok, nil)
		if res.Status != http.StatusOK {
			t.Fatalf("%s %v: %d %s", name, q, res.Status, res.Body)
		}
		return res.JSON()
	}
	window := url.Values{"period": {"custom"}, "from": {sum.From}, "to": {sum.To}}
	with := func(extra ...string) url.Values {
		q := url.Values{}
		for k, v := range window {
			q[k] = v
		}
		for i := 0; i+1 < len(extra); i += 2 {
			q.Set(extra[i], extra[i+1])
		}
		return q
	}
	demo := dbx.Params{}

	t.Run("report 1 counts the approved activities, on every regency row", func(t *testing.T) {
		approved := count(t, srv, "SELECT COUNT(*) FROM activities WHERE id LIKE 'demoa%' AND status = 'approved'", demo)
		if approved != sum.Activities["approved"] {
			t.Fatalf("summary %d, store %d", sum.Activities["approved"], approved)
		}
		r := report("activities", window)
		if got := num(t, r, "totals", "activities"); int(got) != approved {
			t.Errorf("report 1 total %v, approved demo activities %d", got, approved)
		}
		people := count(t, srv, "SELECT COALESCE(SUM(male_child+female_child+male_adult+female_adult), 0) FROM activities WHERE id LIKE 'demoa%' AND status = 'approved'", demo)
		if got := num(t, r, "totals", "participants", "total"); int(got) != people || people == 0 {
			t.Errorf("participants %v, store %d", got, people)
		}
		rows := r["rows"].([]any)
		sumRows := 0.0
		for _, x := range rows {
			row := x.(map[string]any)
			code := row["area"].(map[string]any)["code"].(string)
			want := count(t, srv, "SELECT COUNT(*) FROM activities WHERE id LIKE 'demoa%' AND status = 'approved' AND regency = {:r}", dbx.Params{"r": code})
			if int(row["activities"].(float64)) != want {
				t.Errorf("regency %s: %v, store %d", code, row["activities"], want)
			}
			sumRows += row["activities"].(float64)
		}
		if int(sumRows) != approved {
			t.Errorf("rows add up to %v, total %d", sumRows, approved)
		}
		// The kept aggregates agree with a plain GROUP BY over the records.
		raw := report("activities", with("engine", "raw"))
		a, _ := json.Marshal(r["totals"])
		b, _ := json.Marshal(raw["totals"])
		if string(a) != string(b) {
			t.Errorf("precomputed %s\nraw %s", a, b)
		}
		sub := report("activities", with("includeSubmitted", "1"))
		if got := num(t, sub, "totals", "activities"); int(got) != approved+sum.Activities["submitted"] {
			t.Errorf("with submitted: %v, want %d", got, approved+sum.Activities["submitted"])
		}
	})

	t.Run("report 2 coverage counts the villages with an approved activity", func(t *testing.T) {
		reached := count(t, srv, "SELECT COUNT(DISTINCT village) FROM activities WHERE id LIKE 'demoa%' AND status = 'approved'", demo)
		r := report("coverage", window)
		if got := num(t, r, "totals", "reached"); int(got) != reached || reached < 50 {
			t.Errorf("reached %v, store %d", got, reached)
		}
		if num(t, r, "totals", "pct") <= 0 {
			t.Errorf("coverage 0%%")
		}
	})

	t.Run("report 3 RAD: automatic indicators count the records, manual ones their achievements", func(t *testing.T) {
		year := now.In(time.FixedZone("WIB", 7*3600)).Year()
		r := report("rad", url.Values{"year": {fmt.Sprint(year)}})
		lights := r["lights"].(map[string]any)
		if lights["green"] == nil && lights["yellow"] == nil && lights["red"] == nil {
			t.Fatalf("every light grey: %v", lights)
		}
		found := 0
		for _, c := range r["clusters"].([]any) {
			for _, x := range c.(map[string]any)["indicators"].([]any) {
				ind := x.(map[string]any)
				if ind["code"] != "P.1.1" && ind["code"] != "K.1.1" {
					continue
				}
				for _, g := range ind["regencies"].([]any) {
					row := g.(map[string]any)
					if row["area"].(map[string]any)["code"] != "18.01" {
						continue
					}
					found++
					var want int
					if ind["code"] == "P.1.1" {
						want = count(t, srv, `SELECT COUNT(*) FROM activities WHERE status = 'approved' AND type = 'sosialisasi' AND regency = '18.01'
							AND strftime('%Y', datetime(start_date, '+7 hours')) = {:y}`, dbx.Params{"y": fmt.Sprint(year)})
					} else {
						want = count(t, srv, `SELECT COALESCE(SUM(value), 0) FROM rad_achievements WHERE area = '18.01' AND year = {:y} AND period_type = 'quarter'`, dbx.Params{"y": year})
					}
					if got, _ := row["achieved"].(float64); int(got) != want || want == 0 {
						t.Errorf("%s in 18.01: achieved %v, store %d", ind["code"], row["achieved"], want)
					}
				}
			}
		}
		if found != 2 {
			t.Errorf("P.1.1 and K.1.1 rows of 18.01: found %d", found)
		}
	})

	t.Run("report 4 programmes, 5 outreach, 6 cases, 7 review", func(t *testing.T) {
		p := report("programs", nil)
		patbm := count(t, srv, "SELECT COUNT(*) FROM village_programs WHERE program = 'patbm' AND status = 'aktif'", demo)
		for _, x := range p["totals"].(map[string]any)["programs"].([]any) {
			if pr := x.(map[string]any); pr["program"] == "patbm" && int(pr["aktif"].(float64)) != patbm {
				t.Errorf("PATBM aktif %v, store %d", pr["aktif"], patbm)
			}
		}
		if patbm == 0 {
			t.Error("no active PATBM")
		}

		o := report("outreach", window)
		if got := num(t, o, "totals", "logs"); int(got) != sum.Outreach["approved"] {
			t.Errorf("outreach logs %v, approved %d", got, sum.Outreach["approved"])
		}
		if num(t, o, "totals", "referred") == 0 || num(t, o, "totals", "followUp", "withRisk") == 0 {
			t.Errorf("no referral or risk: %v", o["totals"])
		}

		c := report("cases", url.Values{"year": {fmt.Sprint(now.In(time.FixedZone("WIB", 7*3600)).Year() - 1)}})
		shown := 0
		for _, x := range c["rows"].([]any) {
			cs, _ := x.(map[string]any)["cases"].(map[string]any)
			if v, _ := cs["case_count"].(string); v != "" {
				shown++
			}
		}
		if shown < 5 {
			t.Errorf("case figures of %d regencies shown", shown)
		}

		rv := report("review", window)
		acts := rv["totals"].(map[string]any)["activities"].(map[string]any)
		for _, st := range []string{"approved", "submitted", "returned", "draft"} {
			if int(acts[st].(float64)) != sum.Activities[st] {
				t.Errorf("review %s: %v, demo %d", st, acts[st], sum.Activities[st])
			}
		}
		if acts["medianApprovalHours"] == nil {
			t.Error("no approval time")
		}
	})

	t.Run("every demo record went through the audit trail and the change feed", func(t *testing.T) {
		created := count(t, srv, `SELECT COUNT(DISTINCT a.record) FROM audit_log a JOIN users u ON u.id = a.user
			WHERE a.action = 'create' AND a.target_collection = 'activities' AND a.record LIKE 'demoa%' AND u.role = 'village_officer'`, demo)
		all := count(t, srv, "SELECT COUNT(*) FROM activities WHERE id LIKE 'demoa%'", demo)
		if created != all {
			t.Errorf("%d of %d demo activities have a create entry by a village officer", created, all)
		}
		reviewed := count(t, srv, `SELECT COUNT(DISTINCT a.record) FROM audit_log a JOIN users u ON u.id = a.user
			WHERE a.action = 'update' AND a.target_collection = 'activities' AND a.record LIKE 'demoa%' AND u.role = 'district_verifier'`, demo)
		if want := sum.Activities["approved"] + sum.Activities["returned"]; reviewed != want {
			t.Errorf("%d demo activities reviewed by a verifier in the trail, want %d", reviewed, want)
		}
		if n := count(t, srv, "SELECT COUNT(DISTINCT record_id) FROM sync_changes WHERE collection = 'activities' AND record_id LIKE 'demoa%'", demo); n != all {
			t.Errorf("%d of %d demo activities in the change feed", n, all)
		}
		// The village officer sees its village's records.
		officer := tt.Token(t, srv.App, commands.DemoAccounts[0].Email)
		res := srv.Do(t, http.MethodGet, "/api/collections/activities/records?perPage=1&filter="+url.QueryEscape("status='approved'"), officer, nil)
		if n := num(t, res.JSON(), "totalItems"); n == 0 {
			t.Errorf("the Hajimena officer sees no approved activity: %s", res.Body)
		}
	})

	t.Run("a second run creates nothing", func(t *testing.T) {
		audits := count(t, srv, "SELECT COUNT(*) FROM audit_log WHERE action IN ('create', 'update')", demo)
		if err := commands.SeedDemo(srv.App); err != nil {
			t.Fatal(err)
		}
		again, err := commands.SeedDemoData(srv.App, now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if again.Created != 0 {
			t.Errorf("second run created %d records", again.Created)
		}
		a, _ := json.Marshal(sum.Activities)
		b, _ := json.Marshal(again.Activities)
		if string(a) != string(b) || again.Programs != sum.Programs || again.CaseFigures != sum.CaseFigures || again.Achievements != sum.Achievements {
			t.Errorf("first %+v\nsecond %+v", sum, again)
		}
		// SeedDemo resets the five accounts' passwords (audited updates); nothing else changes.
		if n := count(t, srv, "SELECT COUNT(*) FROM audit_log WHERE action IN ('create', 'update')", demo); n > audits+len(commands.DemoAccounts) {
			t.Errorf("audit entries %d -> %d", audits, n)
		}
	})
}

func TestDemoRefusesRealData(t *testing.T) {
	t.Parallel()
	app := tt.New(t) // the fixtures' accounts are not demo accounts
	if n := commands.RealAccounts(app); n != len(tt.FixtureUsers) {
		t.Fatalf("real accounts: %d", n)
	}
	root := &cobra.Command{Use: "jangkau"}
	commands.Register(app, root)
	root.SetArgs([]string{"demo"})
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	err := root.Execute()
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("demo on real data: %v", err)
	}
	if _, err := app.FindAuthRecordByEmail("users", commands.DemoAccounts[0].Email); err == nil {
		t.Error("a demo account was created anyway")
	}
}

func TestServedURL(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	for addr, want := range map[string]string{
		"":                   "http://127.0.0.1:8090/",
		"0.0.0.0:9000":       "http://127.0.0.1:9000/",
		":9001":              "http://127.0.0.1:9001/",
		"192.168.1.20:8090":  "http://192.168.1.20:8090/",
		"[::]:8095":          "http://127.0.0.1:8095/",
		"jangkau.local:8080": "http://jangkau.local:8080/",
	} {
		if got := commands.ServedURL(app, addr); got != want {
			t.Errorf("%q: %s, want %s", addr, got, want)
		}
	}
	app.Settings().Meta.AppURL = "https://jangkau.lampungprov.go.id"
	if got := commands.ServedURL(app, ""); got != "https://jangkau.lampungprov.go.id/" {
		t.Errorf("settings URL: %s", got)
	}
	if got := commands.ServedURL(app, "10.0.0.5:8090"); got != "http://10.0.0.5:8090/" {
		t.Errorf("--http wins over the settings: %s", got)
	}
}
