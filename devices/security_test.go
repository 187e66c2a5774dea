package devices_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"jangkau/devices"
	tt "jangkau/internal/testapp"
)

// The refresh tokens of docs/devices.md against an attacker (issue 12,
// item 3): the retry window runs from the token's first use and never
// moves, and one token gives one new pair however many requests race.

func TestSecurityRefreshRetryWindowDoesNotSlide(t *testing.T) {
	srv := tt.NewServer(t)
	start := time.Now().UTC()
	setClock(srv.App, start)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	first := phoneFrom(t, p.refresh(t, srv)) // first use of p's token: the window opens
	// replayed every 12 seconds, as the probe did
	for _, after := range []time.Duration{12 * time.Second, 24 * time.Second} {
		setClock(srv.App, start.Add(after))
		again := phoneFrom(t, p.refresh(t, srv))
		if again.Refresh != first.Refresh || again.Token != first.Token {
			t.Fatalf("replay after %s minted another pair", after)
		}
	}
	if gen := device(t, srv.App, p.Device).GetInt("refresh_gen"); gen != 2 {
		t.Fatalf("retries moved the generation to %d", gen)
	}
	setClock(srv.App, start.Add(36*time.Second))
	wantRefused(t, "replay 36 s after the first use", p.refresh(t, srv), 401, "refreshToken", devices.CodeRefreshReused)
	if dev := device(t, srv.App, p.Device); dev.GetString("revoked_reason") != devices.ReasonRefreshReuse {
		t.Fatalf("device not revoked after the window: %v", dev.FieldsData())
	}
	wantRefused(t, "the pair of the window after the revocation", first.refresh(t, srv), 401, "refreshToken", devices.CodeDeviceRevoked)
}

// TestSecurityConcurrentRefreshOnePair sends the same refresh token eight
// times at once, over real HTTP, several rounds: every answer is the same
// pair (or a refusal), the lineage moves one generation a round, and the
// device stays enrolled.
func TestSecurityConcurrentRefreshOnePair(t *testing.T) {
	srv := tt.NewServer(t)
	p := newPhone(t, srv, tt.VerifierA, tt.OfficerA)
	const parallel = 8
	for round := 1; round <= 4; round++ {
		var wg sync.WaitGroup
		answers := make([]tt.Response, parallel)
		gate := make(chan struct{})
		for i := range parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				answers[i] = p.refresh(t, srv)
			}()
		}
		close(gate)
		wg.Wait()
		pairs := map[string]bool{}
		var next *phone
		for _, res := range answers {
			if res.Status != 200 {
				// a refusal is allowed, but it must not be a revocation
				if res.Status == 401 && res.FieldError("refreshToken") == devices.CodeRefreshReused {
					t.Fatalf("round %d: a racing refresh revoked the device: %s", round, res.Body)
				}
				continue
			}
			next = phoneFrom(t, res)
			pairs[next.Refresh+" "+next.Token] = true
		}
		if len(pairs) != 1 {
			t.Fatalf("round %d: %d parallel refreshes of one token gave %d different pairs", round, parallel, len(pairs))
		}
		dev := device(t, srv.App, p.Device)
		if gen := dev.GetInt("refresh_gen"); gen != round+1 {
			t.Fatalf("round %d: generation %d, want %d", round, gen, round+1)
		}
		if !dev.GetDateTime("revoked_at").IsZero() {
			t.Fatalf("round %d: device revoked", round)
		}
		if res := srv.Do(t, http.MethodGet, activitiesURL, next.Token, nil); res.Status != 200 {
			t.Fatalf("round %d: the pair does not work: %d %s", round, res.Status, res.Body)
		}
		p = next
	}
}
