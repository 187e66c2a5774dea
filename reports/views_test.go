package reports_test

import (
	"net/http"
	"testing"

	"jangkau/audit"
	tt "jangkau/internal/testapp"
)

// Every JSON report shown is in the audit trail, with its filters; a
// refused or invalid one is not.
func TestReportViewsAreAudited(t *testing.T) {
	t.Parallel()
	srv := seed(t)
	get(t, srv, tt.VerifierA, url("activities", "period=quarter&year=2025&index=1&includeSubmitted=1&area="+tt.DistrictA), nil)
	get(t, srv, tt.Taskforce, url("cases", "year=2025&source=simfoni_ppa&cluster=law_enforcement"), nil)
	entries := tt.AuditEntries(t, srv.App, audit.ActionReport)
	eq(t, "entries", len(entries), 2)
	eq(t, "who", entries[0].User, tt.UserID(tt.VerifierA))
	eq(t, "what", entries[0].Collection, "activities")
	eq(t, "no record", entries[0].Record, "")
	note := entries[0].NoteJSON(t)
	eq(t, "report", note["report"], any("activities"))
	eq(t, "format", note["format"], any("json"))
	eq(t, "area", note["area"], any(tt.DistrictA))
	period, _ := note["period"].(map[string]any)
	eq(t, "period", period["kind"], any("quarter"))
	eq(t, "period from", period["from"], any("2025-01-01"))
	eq(t, "statuses", len(note["statuses"].([]any)), 2)
	eq(t, "cases by", entries[1].User, tt.UserID(tt.Taskforce))
	eq(t, "cases", entries[1].Collection, "cases")
	cases := entries[1].NoteJSON(t)
	eq(t, "source", cases["source"], any("simfoni_ppa"))
	eq(t, "cluster", cases["cluster"], any("law_enforcement"))

	// refused, out of scope, invalid, unknown, anonymous: nothing shown, nothing recorded
	for _, r := range []struct {
		who, path string
		want      int
	}{
		{tt.OfficerA, url("activities", ""), 403},
		{tt.VerifierA, url("activities", "area="+tt.RegencyB), 403},
		{tt.Secretariat, url("cases", "source=gossip"), 400},
		{tt.Secretariat, url("nothing", ""), 404},
		{"", url("activities", ""), 401},
	} {
		tok := ""
		if r.who != "" {
			tok = tt.Token(t, srv.App, r.who)
		}
		eq(t, r.path, srv.Do(t, http.MethodGet, r.path, tok, nil).Status, r.want)
	}
	eq(t, "entries after refusals", len(tt.AuditEntries(t, srv.App, audit.ActionReport)), 2)
	// the labels are no report
	get(t, srv, tt.Taskforce, "/api/reports/labels", nil)
	eq(t, "entries after the labels", len(tt.AuditEntries(t, srv.App, audit.ActionReport)), 2)
}
