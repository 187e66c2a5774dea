package backup_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"jangkau/backup"
	"jangkau/hooks"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
)

// phone is a native-protocol client: the records it wrote (kept after the
// server acknowledged them, as the field app keeps them), its cursor and
// the epoch that came with it.
type phone struct {
	t       *testing.T
	token   string
	local   map[string]map[string]any
	order   []string
	cursor  int64
	epoch   int64
	mutSeq  int
	results []sync.Result
}

func (p *phone) push(srv *tt.Server, ids ...string) {
	p.t.Helper()
	var muts []sync.Mutation
	for _, id := range ids {
		p.mutSeq++
		muts = append(muts, sync.Mutation{MutationID: fmt.Sprintf("heal-m%d", p.mutSeq), Collection: "activities", ID: id, Op: "upsert", Data: p.local[id]})
	}
	res := srv.Do(p.t, http.MethodPost, "/api/sync/push", p.token, map[string]any{"clientId": "heal-phone", "mutations": muts})
	if res.Status != http.StatusOK {
		p.t.Fatalf("push: %d %s", res.Status, res.Body)
	}
	var a struct{ Results []sync.Result }
	if err := json.Unmarshal(res.Body, &a); err != nil {
		p.t.Fatal(err)
	}
	p.results = a.Results
}

func (p *phone) write(srv *tt.Server, n int) {
	p.t.Helper()
	var ids []string
	for range n {
		id := fmt.Sprintf("healactivity%04d", len(p.order)+1)
		p.local[id] = tt.Activity(tt.VillageA)
		p.order = append(p.order, id)
		ids = append(ids, id)
	}
	p.push(srv, ids...)
	for _, r := range p.results {
		if r.Status != sync.StatusApplied {
			p.t.Fatalf("write not acknowledged: %+v", r)
		}
	}
}

// pull pages to the end from the phone's cursor and returns the ids of
// activities received, or the refusal.
func (p *phone) pull(srv *tt.Server) (map[string]int, tt.Response) {
	p.t.Helper()
	got := map[string]int{}
	for {
		path := fmt.Sprintf("/api/sync/pull?cursor=%d&collections=activities", p.cursor)
		if p.epoch != 0 {
			path += fmt.Sprintf("&epoch=%d", p.epoch)
		}
		res := srv.Do(p.t, http.MethodGet, path, p.token, nil)
		if res.Status != http.StatusOK {
			return got, res
		}
		var page struct {
			Cursor  int64
			Epoch   int64
			HasMore bool
			Changes []struct {
				ID      string
				Deleted bool
			}
		}
		if err := json.Unmarshal(res.Body, &page); err != nil {
			p.t.Fatal(err)
		}
		for _, c := range page.Changes {
			if !c.Deleted {
				got[c.ID]++
			}
		}
		p.cursor, p.epoch = page.Cursor, page.Epoch
		if !page.HasMore {
			return got, res
		}
	}
}

// TestRestoreHealsFromPhones: records acknowledged after the backup are lost
// by the restore; the phone learns it from its cursor's epoch (409
// server_restored, not cursor_unknown), re-sends every local record and
// pulls from zero: the lost records are back, each exactly once.
func TestRestoreHealsFromPhones(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	p := &phone{t: t, token: tt.Token(t, srv.App, tt.OfficerA), local: map[string]map[string]any{}}
	p.write(srv, 3)
	if _, res := p.pull(srv); res.Status != http.StatusOK || p.epoch == 0 {
		t.Fatalf("first pull: epoch %d, %d %s", p.epoch, res.Status, res.Body)
	}
	zipPath := filepath.Join(t.TempDir(), "backup.zip")
	if _, err := backup.Create(srv.App, zipPath); err != nil {
		t.Fatal(err)
	}
	p.write(srv, 2) // acknowledged, then lost by the restore
	p.pull(srv)
	oldEpoch, oldCursor := p.epoch, p.cursor

	dataDir := filepath.Join(t.TempDir(), "pb_data")
	if _, err := backup.Restore(zipPath, dataDir); err != nil {
		t.Fatal(err)
	}
	app, err := tests.NewTestAppWithConfig(tt.Config(dataDir))
	if err != nil {
		t.Fatal(err)
	}
	hooks.Register(app)
	t.Cleanup(app.Cleanup)
	restored := tt.Serve(t, app)
	p.token = tt.Token(t, app, tt.OfficerA)
	for _, id := range p.order[3:] {
		if _, err := app.FindRecordById("activities", id); err == nil {
			t.Fatalf("%s survived the restore: the test restores nothing", id)
		}
	}

	// the hint stream tells a connected phone at once: its first event
	// carries the restored server's epoch, which is not the phone's
	if ev := firstHint(t, srv, tt.Token(t, srv.App, tt.OfficerA)); ev.Epoch != oldEpoch {
		t.Errorf("stream before the restore: %+v, want epoch %d", ev, oldEpoch)
	}
	if ev := firstHint(t, restored, p.token); ev.Epoch == 0 || ev.Epoch == oldEpoch {
		t.Errorf("stream after the restore: %+v, want a new epoch (old %d)", ev, oldEpoch)
	}

	// a cursor the restored server reached again, with the old epoch: only
	// the epoch tells
	for _, cursor := range []int64{1, oldCursor} {
		p.cursor, p.epoch = cursor, oldEpoch
		_, res := p.pull(restored)
		body := res.JSON()
		data, _ := body["data"].(map[string]any)
		fe, _ := data["cursor"].(map[string]any)
		newEpoch, _ := body["epoch"].(float64)
		if res.Status != http.StatusConflict || fe["code"] != "server_restored" || newEpoch == 0 || int64(newEpoch) == oldEpoch {
			t.Fatalf("cursor %d of the old epoch: %d %s", cursor, res.Status, res.Body)
		}
	}
	// a cursor without an epoch (an app from before epochs) keeps working
	p.cursor, p.epoch = 1, 0
	if _, res := p.pull(restored); res.Status != http.StatusOK {
		t.Fatalf("a cursor without epoch: %d %s", res.Status, res.Body)
	}

	// the recipe: re-send every local record, then pull from zero
	p.push(restored, p.order...)
	statuses := map[string]int{}
	for _, r := range p.results {
		statuses[r.Status]++
	}
	if statuses[sync.StatusDuplicate] != 3 || statuses[sync.StatusApplied] != 2 {
		t.Fatalf("re-send after restore: %v %+v", statuses, p.results)
	}
	p.cursor, p.epoch = 0, 0
	got, res := p.pull(restored)
	if res.Status != http.StatusOK {
		t.Fatalf("pull from zero: %d %s", res.Status, res.Body)
	}
	for _, id := range p.order {
		if got[id] != 1 {
			t.Errorf("%s pulled %d times after the heal", id, got[id])
		}
	}
	// a second re-send (the phone crashed before saving the answer) writes nothing
	p.push(restored, p.order...)
	for _, r := range p.results {
		if r.Status != sync.StatusDuplicate {
			t.Errorf("second re-send wrote again: %+v", r)
		}
	}
	for _, id := range p.order {
		n, err := app.CountRecords("activities", dbxID(id))
		if err != nil || n != 1 {
			t.Errorf("%s is stored %d times (%v)", id, n, err)
		}
	}
}

// hint is an event of /api/sync/stream.
type hint struct {
	Cursor int64 `json:"cursor"`
	Epoch  int64 `json:"epoch"`
}

// firstHint opens /api/sync/stream and returns its first event (sent on connect).
func firstHint(t *testing.T, srv *tt.Server, token string) hint {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/sync/stream", nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("stream: %v %v", err, res)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var ev hint
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatalf("%v: %s", err, line)
			}
			return ev
		}
	}
	t.Fatalf("stream ended without an event: %v", sc.Err())
	return hint{}
}

func dbxID(id string) dbx.Expression { return dbx.HashExp{"id": id} }
