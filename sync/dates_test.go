package sync_test

// Needs the call to records.CheckDateValue in decodeValue's date case
// (sync/push.go): without it, a date PocketBase cannot read is stored as
// no date (an optional one) or refused as missing (a required one).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/records"
	"jangkau/sync"
)

// A value that is not a date is a rejected mutation naming the field with
// invalid_date and a bilingual message, on each of the three pushes, and
// nothing is written.
func TestPushRefusesValuesThatAreNoDate(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	probes := []struct {
		col, field string
		value      any
	}{
		{catalog.Activities, "end_date", "2025-02-30"},
		{catalog.Activities, "end_date", "besok"},
		{catalog.Activities, "end_date", "31/12/2025"},
		{catalog.Activities, "start_date", "2025-02-30"},
		{catalog.OutreachLogs, "follow_up_date", "2025-13-45"},
		{catalog.OutreachLogs, "date", " "},
	}
	data := func(col string) map[string]any {
		if col == catalog.Activities {
			return tt.Activity(tt.VillageA)
		}
		return tt.Outreach(tt.VillageA)
	}
	pushes := []struct {
		name string
		push func(t *testing.T, col, id string, doc map[string]any) sync.Result
	}{
		{"native", func(t *testing.T, col, id string, doc map[string]any) sync.Result {
			return push(t, srv, tok, "dates-test", upsert("m-"+id, col, id, doc)).Results[0]
		}},
		{"watermelon", func(t *testing.T, col, id string, doc map[string]any) sync.Result {
			doc["id"] = id
			body := map[string]any{col: map[string]any{"created": []any{doc}, "updated": []any{}, "deleted": []any{}}}
			res := srv.Do(t, http.MethodPost, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", currentSeq(t, srv)), tok, body)
			if res.Status != 200 {
				t.Fatalf("watermelon push: %d %s", res.Status, res.Body)
			}
			var ans struct {
				Rejections map[string]map[string]sync.Result `json:"rejections"`
			}
			if err := json.Unmarshal(res.Body, &ans); err != nil {
				t.Fatal(err)
			}
			return ans.Rejections[col][id]
		}},
		{"rxdb", func(t *testing.T, col, id string, doc map[string]any) sync.Result {
			doc["id"], doc["_deleted"] = id, false
			res := srv.Do(t, http.MethodPost, "/api/sync/rxdb/"+col+"/push?details=1", tok, []any{map[string]any{"newDocumentState": doc}})
			if res.Status != 200 {
				t.Fatalf("rxdb push: %d %s", res.Status, res.Body)
			}
			var ans struct {
				Rejected []sync.Result `json:"rejected"`
			}
			if err := json.Unmarshal(res.Body, &ans); err != nil {
				t.Fatal(err)
			}
			for _, r := range ans.Rejected {
				if r.ID == id {
					return r
				}
			}
			return sync.Result{}
		}},
	}
	n := 0
	for _, p := range pushes {
		for _, c := range probes {
			t.Run(fmt.Sprintf("%s/%s.%s=%v", p.name, c.col, c.field, c.value), func(t *testing.T) {
				n++
				id := fmt.Sprintf("pushBadDate%05d", n)
				doc := data(c.col)
				doc[c.field] = c.value
				r := p.push(t, c.col, id, doc)
				if r.Status != sync.StatusRejected || r.Reason != sync.ReasonInvalid {
					t.Fatalf("result %+v, want rejected invalid", r)
				}
				fe := r.Errors[c.field]
				if fe.Code != records.CodeInvalidDate || !strings.Contains(fe.Message, " / ") {
					t.Errorf("%s: %+v", c.field, fe)
				}
				if _, err := srv.App.FindRecordById(c.col, id); err == nil {
					t.Error("stored")
				}
			})
		}
	}
}
