package reports_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/reports"
	"jangkau/sync"
	"jangkau/txbatch"
)

// dumpStats lists every row of the stats tables.
func dumpStats(t *testing.T, app core.App) []string {
	t.Helper()
	var out []string
	for _, name := range reports.Counted {
		var rows []struct {
			Parent string  `db:"parent"`
			YM     int     `db:"ym"`
			Area   string  `db:"area"`
			Status string  `db:"status"`
			Dim    string  `db:"dim"`
			Key    string  `db:"key"`
			N      int64   `db:"n"`
			MC     int64   `db:"mc"`
			FC     int64   `db:"fc"`
			MA     int64   `db:"ma"`
			FA     int64   `db:"fa"`
			Dis    int64   `db:"dis"`
			Budget float64 `db:"budget"`
		}
		if err := app.DB().NewQuery("SELECT * FROM " + reports.StatsTable[name] + " ORDER BY parent, ym, area, status, dim, key").All(&rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out = append(out, fmt.Sprintf("%s %+v", name, r))
		}
	}
	return out
}

// checkUpkeep compares the incrementally kept stats with a rebuild from the records.
func checkUpkeep(t *testing.T, app core.App, step string) {
	t.Helper()
	kept := dumpStats(t, app)
	if err := reports.Rebuild(app); err != nil {
		t.Fatal(err)
	}
	rebuilt := dumpStats(t, app)
	if !reflect.DeepEqual(kept, rebuilt) {
		t.Fatalf("%s: stats drifted from the records:\nkept    %d rows\nrebuilt %d rows\nfirst difference: %s", step, len(kept), len(rebuilt), firstDiff(kept, rebuilt))
	}
}

func firstDiff(a, b []string) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return a[i] + "  vs  " + b[i]
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(a), len(b))
}

func activitiesIn2025(t *testing.T, srv *tt.Server, who, query string) int64 {
	t.Helper()
	var r reports.ActivitiesReport
	get(t, srv, who, url("activities", "year=2025&"+query), &r)
	return r.Totals.Activities
}

// Every write path keeps the stats equal to a rebuild from the records:
// REST create, submit, approve, return, edit, delete; sync push; a move to
// another village; deletes by a superuser.
func TestStatsFollowEveryWrite(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	checkUpkeep(t, srv.App, "seed")
	officer, verifier, sec := tt.Token(t, srv.App, tt.OfficerA2), tt.Token(t, srv.App, tt.VerifierA), tt.Token(t, srv.App, tt.Secretariat)
	root := tt.Token(t, srv.App, tt.SuperuserEmail)
	rec := "/api/collections/activities/records/"
	do := func(token, method, path string, body any) {
		t.Helper()
		res := srv.Do(t, method, path, token, body)
		if res.Status >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, res.Status, res.Body)
		}
	}
	before := activitiesIn2025(t, srv, tt.Secretariat, "")

	d := tt.Activity(tt.VillageA2)
	d["id"] = "restflow0000001"
	d["start_date"] = "2025-09-09 02:00:00.000Z"
	do(officer, http.MethodPost, "/api/collections/activities/records", d)
	checkUpkeep(t, srv.App, "create draft")
	do(officer, http.MethodPatch, rec+"restflow0000001", map[string]any{"status": "submitted", "male_child": 30})
	checkUpkeep(t, srv.App, "submit")
	eq(t, "submitted is not counted", activitiesIn2025(t, srv, tt.Secretariat, ""), before)
	eq(t, "unless asked", activitiesIn2025(t, srv, tt.Secretariat, "includeSubmitted=1"), before+2)
	do(verifier, http.MethodPatch, rec+"restflow0000001", map[string]any{"status": "approved"})
	checkUpkeep(t, srv.App, "approve")
	eq(t, "approved is counted", activitiesIn2025(t, srv, tt.Secretariat, ""), before+1)
	do(sec, http.MethodPatch, rec+"restflow0000001", map[string]any{"status": "returned", "review_note": "Tanggal keliru"})
	checkUpkeep(t, srv.App, "reopen")
	eq(t, "returned is not counted", activitiesIn2025(t, srv, tt.Secretariat, ""), before)
	do(officer, http.MethodPatch, rec+"restflow0000001", map[string]any{"start_date": "2025-10-01 02:00:00.000Z", "topics": []string{"pengasuhan"}, "status": "submitted"})
	checkUpkeep(t, srv.App, "edit and resubmit")
	do(verifier, http.MethodPatch, rec+"restflow0000001", map[string]any{"status": "approved"})
	checkUpkeep(t, srv.App, "approve again")
	var oct reports.ActivitiesReport
	get(t, srv, tt.Secretariat, url("activities", "period=month&year=2025&index=10"), &oct)
	eq(t, "moved to October", oct.Totals.Activities, int64(1))
	eq(t, "topic pengasuhan", bd(oct.Totals.ByTopic, "pengasuhan").Count, int64(1))

	// a draft deleted by its village
	d2 := tt.Activity(tt.VillageA2)
	d2["id"] = "restflow0000002"
	do(officer, http.MethodPost, "/api/collections/activities/records", d2)
	do(officer, http.MethodDelete, rec+"restflow0000002", nil)
	checkUpkeep(t, srv.App, "delete draft")

	// the sync path
	res := srv.Do(t, http.MethodPost, "/api/sync/push", officer, map[string]any{"clientId": "phone-1", "mutations": []sync.Mutation{
		{MutationID: "m1", Collection: catalog.OutreachLogs, ID: "syncoutreach001", Op: "upsert", Data: tt.Outreach(tt.VillageA2)},
		{MutationID: "m2", Collection: catalog.Activities, ID: "syncactivity001", Op: "upsert", Data: tt.Activity(tt.VillageA2)},
	}})
	if res.Status != 200 || strings.Contains(string(res.Body), `"rejected"`) {
		t.Fatalf("push: %d %s", res.Status, res.Body)
	}
	for col, id := range map[string]string{catalog.Activities: "syncactivity001", catalog.OutreachLogs: "syncoutreach001"} {
		if _, err := srv.App.FindRecordById(col, id); err != nil {
			t.Fatalf("push did not write %s: %s", id, res.Body)
		}
	}
	checkUpkeep(t, srv.App, "sync push")
	var first struct {
		Results []sync.Result `json:"results"`
	}
	if err := json.Unmarshal(res.Body, &first); err != nil {
		t.Fatal(err)
	}
	// one push that moves a record to another month and topic, deletes the
	// only outreach log of its village-month and creates two records: the
	// batch sums the deltas and writes them at its end
	moved := tt.Activity(tt.VillageA2)
	moved["start_date"] = "2025-11-03 02:00:00.000Z"
	moved["topics"] = []string{"pengasuhan"}
	edited := tt.Activity(tt.VillageA2)
	edited["male_child"] = 12
	zero := int64(0)
	res = srv.Do(t, http.MethodPost, "/api/sync/push", officer, map[string]any{"clientId": "phone-1", "mutations": []sync.Mutation{
		{MutationID: "m3", Collection: catalog.Activities, ID: "syncactivity001", Op: "upsert", Data: moved, BaseVersion: &first.Results[1].Version},
		{MutationID: "m4", Collection: catalog.OutreachLogs, ID: "syncoutreach001", Op: "delete", BaseVersion: &first.Results[0].Version},
		{MutationID: "m5", Collection: catalog.Activities, ID: "syncactivity002", Op: "upsert", Data: tt.Activity(tt.VillageA2), BaseVersion: &zero},
		{MutationID: "m6", Collection: catalog.Activities, ID: "syncactivity003", Op: "upsert", Data: edited},
	}})
	if res.Status != 200 || strings.Contains(string(res.Body), `"rejected"`) || strings.Contains(string(res.Body), `"conflict"`) {
		t.Fatalf("second push: %d %s", res.Status, res.Body)
	}
	if _, err := srv.App.FindRecordById(catalog.OutreachLogs, "syncoutreach001"); err == nil {
		t.Fatalf("the pushed delete was not applied: %s", res.Body)
	}
	checkUpkeep(t, srv.App, "sync push of a move, a delete and creates")

	// Go code saving one record object twice: the second save starts from the first
	same, err := srv.App.FindRecordById(catalog.Activities, "act2025b3000003")
	if err != nil {
		t.Fatal(err)
	}
	same.Set("male_child", 5)
	if err := srv.App.Save(same); err != nil {
		t.Fatal(err)
	}
	same.Set("male_child", 7)
	same.Set("topics", []string{"pekerja_anak"})
	if err := srv.App.Save(same); err != nil {
		t.Fatal(err)
	}
	checkUpkeep(t, srv.App, "one object saved twice")

	// a superuser moves an approved record to another regency, then deletes records
	do(root, http.MethodPatch, rec+"act2025a1000001", map[string]any{"village": tt.VillageB})
	checkUpkeep(t, srv.App, "move")
	var b reports.ActivitiesReport
	get(t, srv, tt.Secretariat, url("activities", "year=2025&area="+tt.RegencyB), &b)
	eq(t, "18.02 gained a1", b.Totals.Activities, int64(2))
	do(root, http.MethodDelete, rec+"act2025a1000001", nil)
	do(root, http.MethodDelete, "/api/collections/outreach_logs/records/out2025a1000001", nil)
	checkUpkeep(t, srv.App, "delete approved")
	var c reports.CoverageReport
	get(t, srv, tt.Secretariat, url("coverage", "period=month&year=2025&index=1"), &c)
	eq(t, "January: a5 still reaches VillageA", c.Totals.Reached, 1)
	do(root, http.MethodDelete, rec+"act2025a5000005", nil)
	get(t, srv, tt.Secretariat, url("coverage", "period=month&year=2025&index=1"), &c)
	eq(t, "January: nothing left", c.Totals.Reached, 0)
	checkUpkeep(t, srv.App, "last record of a village-month")
}

// Within one batched transaction (as a sync push runs): a record created
// and then edited, one created and then deleted, and an existing record
// edited and then deleted. The stats written at the batch's end equal a
// rebuild.
func TestStatsOfABatchWithRepeatedWrites(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	col, err := srv.App.FindCollectionByNameOrId(catalog.Activities)
	if err != nil {
		t.Fatal(err)
	}
	create := func(tx core.App, id string) *core.Record {
		r := core.NewRecord(col)
		r.Id = id
		for k, v := range tt.Activity(tt.VillageA2) {
			r.Set(k, v)
		}
		r.Set("created_by", tt.UserID(tt.OfficerA2))
		if err := tx.Save(r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	err = txbatch.Run(srv.App, func(tx core.App) error {
		kept := create(tx, "batchcreated001")
		kept.Set("start_date", "2025-12-01 02:00:00.000Z")
		kept.Set("male_child", 40)
		kept.Set("status", catalog.StatusSubmitted)
		if err := tx.Save(kept); err != nil {
			return err
		}
		if err := tx.Delete(create(tx, "batchdeleted001")); err != nil {
			return err
		}
		old, err := tx.FindRecordById(catalog.Activities, "act2025b3000003")
		if err != nil {
			return err
		}
		old.Set("female_child", 9)
		if err := tx.Save(old); err != nil {
			return err
		}
		return tx.Delete(old)
	})
	if err != nil {
		t.Fatal(err)
	}
	checkUpkeep(t, srv.App, "a batch with repeated writes")
	var dec reports.ActivitiesReport
	get(t, srv, tt.Secretariat, url("activities", "period=month&year=2025&index=12&includeSubmitted=1"), &dec)
	eq(t, "the created record counts in its final month", dec.Totals.Activities, int64(1))
}
