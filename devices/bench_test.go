package devices_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	"jangkau/devices"
	tt "jangkau/internal/testapp"
	"jangkau/txbatch"
)

// The benchmarks run a fixed number of real HTTP requests each (so `make
// bench` with -benchtime 1x still measures something) and report the mean
// time per request.

const benchRequests = 500

func perRequest(b *testing.B, n int, f func(i int)) {
	b.Helper()
	start := time.Now()
	for i := 0; i < n; i++ {
		f(i)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(n), "µs/req")
}

// BenchmarkAuthenticatedList compares one small record list with the
// user's own token and with a device token (verified and checked against
// the database on every request).
func BenchmarkAuthenticatedList(b *testing.B) {
	srv := tt.NewServer(b)
	p := newPhoneB(b, srv)
	for name, tok := range map[string]string{"user-token": tt.Token(b, srv.App, tt.OfficerA), "device-token": p.Token} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				perRequest(b, benchRequests, func(int) {
					if res := srv.Do(b, http.MethodGet, activitiesURL+"?perPage=1", tok, nil); res.Status != 200 {
						b.Fatal(res.Status)
					}
				})
			}
		})
	}
}

// BenchmarkAuthenticate is the device check alone, without HTTP.
func BenchmarkAuthenticate(b *testing.B) {
	srv := tt.NewServer(b)
	p := newPhoneB(b, srv)
	for i := 0; i < b.N; i++ {
		start := time.Now()
		for j := 0; j < benchRequests*10; j++ {
			if _, _, err := devices.Authenticate(srv.App, p.Token); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/float64(benchRequests*10), "µs/check")
	}
}

// BenchmarkRefresh is one rotation (a write transaction) over HTTP.
func BenchmarkRefresh(b *testing.B) {
	srv := tt.NewServer(b)
	raiseLimits(b, srv.App)
	p := newPhoneB(b, srv)
	for i := 0; i < b.N; i++ {
		perRequest(b, benchRequests, func(int) {
			res := srv.Do(b, http.MethodPost, refreshURL, "", map[string]any{"refreshToken": p.Refresh})
			if res.Status != 200 {
				b.Fatal(res.Status, string(res.Body))
			}
			p.Refresh = str(res.JSON()["refreshToken"])
		})
	}
}

// BenchmarkEnrollAndActivate is a verifier's enrollment plus the phone's
// activation, over HTTP.
func BenchmarkEnrollAndActivate(b *testing.B) {
	srv := tt.NewServer(b)
	raiseLimits(b, srv.App)
	tok := tt.Token(b, srv.App, tt.VerifierA)
	for i := 0; i < b.N; i++ {
		perRequest(b, benchRequests/5, func(int) {
			res := srv.Do(b, http.MethodPost, enrollURL, tok, map[string]any{"user": tt.UserID(tt.OfficerA)})
			if res.Status != 200 {
				b.Fatal(res.Status)
			}
			if res := srv.Do(b, http.MethodPost, activateURL, "", map[string]any{"code": str(res.JSON()["code"]), "name": "HP"}); res.Status != 200 {
				b.Fatal(res.Status)
			}
		})
	}
}

func newPhoneB(b *testing.B, srv *tt.Server) *phone {
	b.Helper()
	res := srv.Do(b, http.MethodPost, enrollURL, tt.Token(b, srv.App, tt.VerifierA), map[string]any{"user": tt.UserID(tt.OfficerA)})
	act := srv.Do(b, http.MethodPost, activateURL, "", map[string]any{"code": str(res.JSON()["code"]), "name": "HP"})
	if act.Status != 200 {
		b.Fatal(act.Status, string(act.Body))
	}
	body := act.JSON()
	return &phone{Token: str(body["token"]), Refresh: str(body["refreshToken"])}
}

// BenchmarkTouch compares a sync-health write of a known device as a
// PocketBase record save (as before) and as Touch's prepared UPDATE, 64 at
// a time in one shared transaction as the group commit runs them; each
// contact changes the queue length, so each writes.
func BenchmarkTouch(b *testing.B) {
	const perTx = 64
	for _, side := range []struct {
		name  string
		touch func(core.App, *core.Record, devices.Contact) error
	}{{"record-save", devices.TouchBySave}, {"prepared-update", devices.Touch}} {
		b.Run(side.name, func(b *testing.B) {
			app := tt.New(b)
			user, err := app.FindAuthRecordByEmail(catalog.Users, tt.OfficerA)
			if err != nil {
				b.Fatal(err)
			}
			if err := side.touch(app, user, devices.Contact{ClientID: "bench-touch", Pull: true}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			n := 0
			for i := 0; i < b.N; i++ {
				err := txbatch.Run(app, func(tx core.App) error {
					for j := 0; j < perTx; j++ {
						n++
						q := n
						if err := side.touch(tx, user, devices.Contact{ClientID: "bench-touch", Push: true, QueueLength: &q}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*perTx), "µs/touch")
		})
	}
}
