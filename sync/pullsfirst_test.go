package sync_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
)

// While pulls queue for a slot, pushes wait (sync.PullsFirst on the push
// routes of every protocol): the pulls then send what was there when the
// phones came. Not parallel: it takes every pull slot of the process.
func TestPushesWaitForQueuedPulls(t *testing.T) {
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	send := func(method, path, body string) int {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", tok)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return -1
		}
		res.Body.Close()
		return res.StatusCode
	}
	waitFor := func(what string, cond func() bool) {
		for end := time.Now().Add(time.Minute); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(end) { // a safety net, not a measure
				t.Fatalf("still waiting for %s", what)
			}
		}
	}
	native, err := json.Marshal(map[string]any{"clientId": "phone-pf", "mutations": []sync.Mutation{
		upsert("m1", catalog.Activities, "pullsFirstAct01", newActivity(tt.VillageA, nil))}})
	if err != nil {
		t.Fatal(err)
	}
	pushes := []struct{ name, path, body string }{
		{"native", "/api/sync/push", string(native)},
		{"watermelon", "/api/sync/watermelon?last_pulled_at=1", `{}`},
		{"rxdb", "/api/sync/rxdb/activities/push", `[]`},
	}
	for _, p := range pushes {
		release := sync.HoldPullSlots()
		pulled := make(chan int, 1)
		// an incremental pull (a first one may be served from the kept answer, without a slot)
		go func() { pulled <- send(http.MethodGet, "/api/sync/pull?cursor=1&limit=1", "") }()
		waitFor("the pull to queue", func() bool { return sync.QueuedPulls() == 1 })
		pushed := make(chan int, 1)
		go func() { pushed <- send(http.MethodPost, p.path, p.body) }()
		for sync.WaitingPushes() != 1 {
			select {
			case s := <-pushed:
				release()
				t.Fatalf("%s push answered (%d) while a pull was queued", p.name, s)
			case <-time.After(time.Millisecond):
			}
		}
		release()
		if s := <-pulled; s != http.StatusOK {
			t.Fatalf("%s: pull %d", p.name, s)
		}
		if s := <-pushed; s != http.StatusOK {
			t.Fatalf("%s: push %d", p.name, s)
		}
		waitFor("no push to wait", func() bool { return sync.WaitingPushes() == 0 })
	}
}
