//go:build ops

package backup_test

// Capacity figures for docs/operations.md (make test-ops): what one
// record costs on disk and in the audit trail, through the real paths a
// phone and a verifier use. Sizes are measured on a compacted copy (VACUUM
// INTO), before and after. Logged, and written to JANGKAU_OPS_REPORT_DIR.

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	tt "jangkau/internal/testapp"
)

func compactSize(t *testing.T, srv *tt.Server) int64 {
	t.Helper()
	path := filepath.Join(t.TempDir(), "compact.db")
	if _, err := srv.App.DB().NewQuery("VACUUM INTO {:p}").Bind(dbx.Params{"p": path}).Execute(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

func TestCapacityFigures(t *testing.T) {
	srv := tt.NewServer(t)
	app := srv.App
	var auditBefore int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM audit_log").Row(&auditBefore)
	sizeBefore := compactSize(t, srv)

	const perKind = 1000
	officer := tt.Token(t, app, tt.OfficerA)
	push := func(muts []any) {
		t.Helper()
		res := srv.Do(t, http.MethodPost, "/api/sync/push", officer, map[string]any{"clientId": "capacity-phone", "mutations": muts})
		if res.Status != http.StatusOK || strings.Count(string(res.Body), `"applied"`) != len(muts) {
			t.Fatalf("push: %d %.300s", res.Status, res.Body)
		}
	}
	// a month of a busy village, 20x over: activities and outreach logs,
	// created as drafts, then submitted (two writes each), 50 per push
	for i := 0; i < perKind; i += 50 {
		var muts []any
		for j := i; j < i+50; j++ {
			a, o := tt.Activity(tt.VillageA), tt.Outreach(tt.VillageA)
			a["title"] = fmt.Sprintf("Sosialisasi migrasi aman di dusun %d bersama orang tua dan calon PMI", j)
			muts = append(muts,
				map[string]any{"mutationId": fmt.Sprintf("a%d", j), "collection": "activities", "id": fmt.Sprintf("capact%09d", j), "op": "upsert", "data": a},
				map[string]any{"mutationId": fmt.Sprintf("o%d", j), "collection": "outreach_logs", "id": fmt.Sprintf("capout%09d", j), "op": "upsert", "data": o})
		}
		push(muts)
	}
	var versions []struct {
		ID      string `db:"id"`
		Version int64  `db:"version"`
	}
	if err := app.DB().NewQuery("SELECT record_id AS id, MAX(seq) AS version FROM sync_changes WHERE collection = 'activities' AND record_id LIKE 'capact%' GROUP BY record_id").All(&versions); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(versions); i += 100 {
		var muts []any
		for _, v := range versions[i:min(i+100, len(versions))] {
			muts = append(muts, map[string]any{"mutationId": "s" + v.ID, "collection": "activities", "id": v.ID, "op": "upsert",
				"baseVersion": v.Version, "data": map[string]any{"status": "submitted"}})
		}
		push(muts)
	}
	// each phone pulls what it wrote; the verifier pulls the regency
	for _, who := range []string{tt.OfficerA, tt.VerifierA} {
		tok := tt.Token(t, app, who)
		cursor := "0"
		for {
			res := srv.Do(t, http.MethodGet, "/api/sync/pull?limit=1000&cursor="+cursor, tok, nil)
			if res.Status != http.StatusOK {
				t.Fatalf("pull: %d %.200s", res.Status, res.Body)
			}
			body := res.JSON()
			cursor = fmt.Sprint(int64(body["cursor"].(float64)))
			if body["hasMore"] != true {
				break
			}
		}
	}
	var auditAfter int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM audit_log").Row(&auditAfter)
	var auditBytes int64
	_ = app.DB().NewQuery("SELECT SUM(LENGTH(changes) + LENGTH(note) + 200) FROM audit_log").Row(&auditBytes)
	sizeAfter := compactSize(t, srv)
	records := 2 * perKind
	report := fmt.Sprintf("Capacity figures (%d records: %d activities created and submitted, %d outreach logs; pulled by the officer and the verifier):\n"+
		"  database growth %.0f bytes per record (compacted, indexes, sync feed and audit trail included)\n"+
		"  audit entries %.2f per record (create, submit, pulls); about %.0f bytes per entry\n",
		records, perKind, perKind, float64(sizeAfter-sizeBefore)/float64(records),
		float64(auditAfter-auditBefore)/float64(records), float64(auditBytes)/float64(auditAfter))
	t.Log(report)
	if dir := os.Getenv("JANGKAU_OPS_REPORT_DIR"); dir != "" {
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, "capacity.txt"), []byte(report), 0o644)
	}
	if sizeAfter <= sizeBefore || auditAfter < auditBefore+records {
		t.Fatalf("sizes %d -> %d, audit %d -> %d", sizeBefore, sizeAfter, auditBefore, auditAfter)
	}
}
