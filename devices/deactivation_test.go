package devices_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	"jangkau/devices"
	tt "jangkau/internal/testapp"
)

// TestDeactivationAndRevocationAreOneTransaction: when revoking the phones
// fails half-way (the second phone cannot be written), the deactivation is
// undone with it, on every path: REST, batch and Go code. Nothing is half
// written: the account stays active, both phones keep working.
func TestDeactivationAndRevocationAreOneTransaction(t *testing.T) {
	t.Parallel()
	paths := []struct {
		name       string
		deactivate func(t *testing.T, srv *tt.Server) error
	}{
		{"rest", func(t *testing.T, srv *tt.Server) error {
			res := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA), tt.Token(t, srv.App, tt.VerifierA), map[string]any{"deactivated": true})
			if res.Status < 400 {
				return nil
			}
			return errors.New(string(res.Body))
		}},
		{"batch", func(t *testing.T, srv *tt.Server) error {
			res := srv.Do(t, http.MethodPost, "/api/batch", tt.Token(t, srv.App, tt.VerifierA), map[string]any{"requests": []any{map[string]any{
				"method": "PATCH", "url": "/api/collections/users/records/" + tt.UserID(tt.OfficerA), "body": map[string]any{"deactivated": true}}}})
			if res.Status < 400 {
				return nil
			}
			return errors.New(string(res.Body))
		}},
		{"go", func(t *testing.T, srv *tt.Server) error {
			u, err := srv.App.FindRecordById(catalog.Users, tt.UserID(tt.OfficerA))
			if err != nil {
				t.Fatal(err)
			}
			u.Set("deactivated", true)
			return srv.App.Save(u)
		}},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			srv := tt.NewServer(t)
			phones := []*phone{newPhone(t, srv, tt.VerifierA, tt.OfficerA), newPhone(t, srv, tt.VerifierA, tt.OfficerA)}
			writes := 0
			srv.App.OnRecordUpdateExecute(catalog.Devices).BindFunc(func(e *core.RecordEvent) error {
				if e.Record.GetString("revoked_reason") == devices.ReasonUserDeactivated {
					if writes++; writes == 2 {
						return errors.New("disk full")
					}
				}
				return e.Next()
			})

			if err := p.deactivate(t, srv); err == nil {
				t.Fatal("deactivation succeeded although revoking a phone failed")
			}
			if writes != 2 {
				t.Fatalf("%d phone revocations tried, want 2", writes)
			}
			u, err := srv.App.FindRecordById(catalog.Users, tt.UserID(tt.OfficerA))
			if err != nil {
				t.Fatal(err)
			}
			if u.GetBool("deactivated") {
				t.Error("the account is deactivated although its phones were not revoked")
			}
			for i, ph := range phones {
				if dev := device(t, srv.App, ph.Device); !dev.GetDateTime("revoked_at").IsZero() || dev.GetString("revoked_reason") != "" {
					t.Errorf("phone %d half revoked: %v", i, dev.FieldsData())
				}
				if res := srv.Do(t, http.MethodGet, activitiesURL, ph.Token, nil); res.Status != http.StatusOK {
					t.Errorf("phone %d refused after the failed deactivation: %d %s", i, res.Status, res.Body)
				}
			}
		})
	}
}
