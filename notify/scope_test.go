package notify_test

import (
	"net/http"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/notify"
)

// A decision's notice names the record and carries the verifier's note: a
// read of the record. An officer moved to another regency's village still
// is the created_by of what it wrote in its old village, but reads none of
// it: the notices of decisions made before the move leave its list and
// unread count, and a decision made after it makes none (it got both, with
// the title and the verifier's note). Moved back, it reads them again.
func TestNoticesFollowTheRecipientsScope(t *testing.T) {
	srv := tt.NewServer(t)
	patch(t, srv, tt.OfficerA, catalog.Activities, tt.ActivityA, map[string]any{"status": "submitted"})
	patch(t, srv, tt.VerifierA, catalog.Activities, tt.ActivityA, map[string]any{"status": "returned", "review_note": "Lengkapi daftar hadir"})
	notify.Wait()
	notices := func() (int, float64) {
		t.Helper()
		n := srv.Do(t, http.MethodGet, "/api/notify/notices", tt.Token(t, srv.App, tt.OfficerA), nil)
		if n.Status != http.StatusOK {
			t.Fatalf("notices: %d %s", n.Status, n.Body)
		}
		items, _ := n.JSON()["items"].([]any)
		unread, _ := n.JSON()["unread"].(float64)
		return len(items), unread
	}
	if items, unread := notices(); items != 1 || unread != 1 {
		t.Fatalf("before the move: %d notices, %v unread", items, unread)
	}
	move := func(area string) {
		t.Helper()
		r := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, tt.Secretariat), map[string]any{"area": area})
		if r.Status != http.StatusOK {
			t.Fatalf("move to %s: %d %s", area, r.Status, r.Body)
		}
	}
	move(tt.VillageB)
	if items, unread := notices(); items != 0 || unread != 0 {
		t.Errorf("moved to village B, the officer lists %d notices (%v unread) of village A's record", items, unread)
	}
	// a decision after the move: no notice is made
	rec, err := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("status", catalog.StatusSubmitted)
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	patch(t, srv, tt.VerifierA, catalog.Activities, tt.ActivityA, map[string]any{"status": "returned", "review_note": "Tambah foto"})
	notify.Wait()
	var made int
	if err := srv.App.DB().NewQuery("SELECT COUNT(*) FROM notices WHERE user = {:u}").Bind(map[string]any{"u": tt.UserID(tt.OfficerA)}).Row(&made); err != nil {
		t.Fatal(err)
	}
	if made != 1 {
		t.Errorf("a decision on village A's record after the move made a notice for the moved officer: %d stored", made)
	}
	move(tt.VillageA)
	if items, unread := notices(); items != 1 || unread != 1 {
		t.Errorf("moved back: %d notices, %v unread", items, unread)
	}
}
