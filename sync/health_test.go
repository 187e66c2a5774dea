package sync_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
)

// A push records its phone's sync health in its own transaction, and that
// record never fails it: on each of the three push routes, a devices
// table that cannot be written (renamed away) leaves the push
// applied and no device row; an ordinary contact is written with the push.
// (A health field the privacy guard refuses, an app version that is a
// phone number, is refused with the whole request:
// TestClientIDAndAppVersionAreGuardedOnEverySyncRoute.)
func TestPushHealthNeverFailsThePush(t *testing.T) {
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	n := 0
	push := func(flavor, clientID, appVersion string) {
		t.Helper()
		n++
		id := fmt.Sprintf("healthpush%05d", n)
		q := fmt.Sprintf("?clientId=%s&appVersion=%s", clientID, appVersion)
		var res tt.Response
		switch flavor {
		case "native":
			res = srv.Do(t, http.MethodPost, "/api/sync/push", tok, map[string]any{"clientId": clientID, "appVersion": appVersion,
				"mutations": []sync.Mutation{{MutationID: id, Collection: catalog.Activities, ID: id, Op: "upsert", Data: tt.Activity(tt.VillageA)}}})
		case "watermelon":
			res = srv.Do(t, http.MethodPost, "/api/sync/watermelon"+q+"&last_pulled_at=0", tok,
				wmChanges(catalog.Activities, []any{wmRecord(id, nil)}, nil, nil))
		case "rxdb":
			doc := rxDoc(id, nil)
			res = srv.Do(t, http.MethodPost, "/api/sync/rxdb/activities/push"+q, tok, []map[string]any{{"newDocumentState": doc}})
		}
		if res.Status != http.StatusOK {
			t.Fatalf("%s push with app version %q: %d %s", flavor, appVersion, res.Status, res.Body)
		}
		if _, err := srv.App.FindRecordById(catalog.Activities, id); err != nil {
			t.Fatalf("%s push with app version %q: record not stored: %v", flavor, appVersion, err)
		}
	}
	devicesOf := func(clientID string) int {
		t.Helper()
		var count int
		if err := srv.App.DB().NewQuery("SELECT COUNT(*) FROM devices WHERE client_id = {:c} AND last_push != ''").Bind(dbx.Params{"c": clientID}).Row(&count); err != nil {
			t.Fatal(err)
		}
		return count
	}
	rename := func(from, to string) {
		t.Helper()
		if _, err := srv.App.NonconcurrentDB().NewQuery("ALTER TABLE " + from + " RENAME TO " + to).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	for _, flavor := range []string{"native", "watermelon", "rxdb"} {
		push(flavor, "hp-"+flavor+"-ok", "1.2.0")
		if devicesOf("hp-"+flavor+"-ok") != 1 {
			t.Errorf("%s: the push's contact was not recorded", flavor)
		}
		// an app version the privacy guard refuses is refused with the push
		// before anything is written (TestClientIDAndAppVersionAreGuardedOnEverySyncRoute)
		rename("devices", "devices_away")
		push(flavor, "hp-"+flavor+"-away", "1.2.0")
		rename("devices_away", "devices")
		if devicesOf("hp-"+flavor+"-away") != 0 {
			t.Errorf("%s: a contact was recorded while devices could not be written", flavor)
		}
	}
}
