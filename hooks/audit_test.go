package hooks_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"

	"jangkau/audit"
	tt "jangkau/internal/testapp"
)

func firstAuditID(t *testing.T, srv *tt.Server) string {
	var id string
	if err := srv.App.DB().Select("id").From(audit.Collection).Limit(1).Row(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestAuditTrailIsAppendOnlyOnEveryPath(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	id := firstAuditID(t, srv)
	su := tt.Token(t, srv.App, tt.SuperuserEmail)
	sec := tt.Token(t, srv.App, tt.Secretariat)
	url := "/api/collections/audit_log/records"
	count := func() int64 {
		n, _ := srv.App.CountRecords(audit.Collection)
		return n
	}
	before := count()
	for _, tok := range []string{su, sec} {
		if res := srv.Do(t, http.MethodPatch, url+"/"+id, tok, map[string]any{"note": "diubah"}); res.Status < 400 {
			t.Errorf("REST update: %d", res.Status)
		}
		if res := srv.Do(t, http.MethodDelete, url+"/"+id, tok, nil); res.Status < 400 {
			t.Errorf("REST delete: %d", res.Status)
		}
		if res := srv.Do(t, http.MethodPost, url, tok, map[string]any{"action": "create", "note": "palsu"}); res.Status < 400 {
			t.Errorf("REST create: %d", res.Status)
		}
		if res := srv.Do(t, http.MethodPost, "/api/batch", tok, map[string]any{"requests": []any{
			map[string]any{"method": "DELETE", "url": url + "/" + id}}}); res.Status < 400 {
			t.Errorf("batch delete: %d", res.Status)
		}
	}
	rec, _ := srv.App.FindRecordById(audit.Collection, id)
	rec.Set("note", "diubah lewat Go")
	if err := srv.App.Save(rec); err == nil {
		t.Error("Go update of an audit entry succeeded")
	}
	if err := srv.App.Delete(rec); err == nil {
		t.Error("Go delete of an audit entry succeeded")
	}
	if count() != before {
		t.Errorf("audit entries %d -> %d", before, count())
	}
	if after, _ := srv.App.FindRecordById(audit.Collection, id); after.GetString("note") != rec.Original().GetString("note") {
		t.Error("entry changed")
	}
	// a village officer cannot list the trail
	res := srv.Do(t, http.MethodGet, url, tt.Token(t, srv.App, tt.OfficerA), nil)
	if items, _ := res.JSON()["items"].([]any); len(items) != 0 {
		t.Errorf("officer lists %d audit entries", len(items))
	}
}

func TestRecordHistoryFollowsReadScope(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	res := srv.Do(t, http.MethodPatch, activities+"/"+tt.ActivityA, officer, map[string]any{"venue": "Aula desa"})
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	for who, want := range map[string]int{tt.OfficerA: 200, tt.VerifierA: 200, tt.Secretariat: 200, tt.OfficerB: 404, tt.VerifierB: 404, tt.OfficerA2: 404} {
		res := srv.Do(t, http.MethodGet, "/api/audit/activities/"+tt.ActivityA, tt.Token(t, srv.App, who), nil)
		if res.Status != want {
			t.Errorf("%s: %d, want %d", who, res.Status, want)
			continue
		}
		if want != 200 {
			continue
		}
		// the last change (the history lists changes only, unless ?reads=1)
		entries := res.JSON()["entries"].([]any)
		last := entries[len(entries)-1].(map[string]any)
		ch := last["changes"].(map[string]any)["venue"].([]any)
		if last["action"] != "update" || ch[0] != "Balai desa" || ch[1] != "Aula desa" || last["user"] != tt.UserID(tt.OfficerA) {
			t.Errorf("%s: last entry %v", who, last)
		}
	}
	if res := srv.Do(t, http.MethodGet, "/api/audit/users_secret/x", officer, nil); res.Status != 404 {
		t.Errorf("unknown collection: %d", res.Status)
	}
}

func TestSignInsAreAudited(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	res := srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "", map[string]any{"identity": tt.OfficerA, "password": tt.Password})
	if res.Status != 200 {
		t.Fatal(res.Status)
	}
	n, err := srv.App.CountRecords(audit.Collection, dbx.HashExp{"action": audit.ActionLogin, "user": tt.UserID(tt.OfficerA)})
	if err != nil || n != 1 {
		t.Errorf("login entries %d %v", n, err)
	}
	// a failed sign-in is not a sign-in
	srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "", map[string]any{"identity": tt.OfficerA, "password": "salah"})
	if n2, _ := srv.App.CountRecords(audit.Collection, dbx.HashExp{"action": audit.ActionLogin}); n2 != 1 {
		t.Errorf("login entries after a failure: %d", n2)
	}
}
