package sync

import (
	"fmt"
	"net/http"
	gosync "sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
)

// Hub tells connected clients that there is something to pull. It is a
// hint only: clients always pull by cursor, so a lost hint costs nothing.
type Hub struct {
	mu   gosync.Mutex
	subs map[*subscriber]struct{}
}

type subscriber struct {
	scope      Scope
	collection string // "" = every collection
	ch         chan struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[*subscriber]struct{}{}} }

func (h *Hub) add(s *subscriber) {
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
}

func (h *Hub) remove(s *subscriber) {
	h.mu.Lock()
	delete(h.subs, s)
	h.mu.Unlock()
}

// Notify wakes the subscribers whose scope covers a committed change of
// rec; a move also wakes those of the village it left.
func (h *Hub) Notify(rec *core.Record) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.subs) == 0 {
		return
	}
	village, regency := scopeOfRecord(rec)
	oldVillage := MovedFrom(rec)
	oldRegency := areas.RegencyOf(oldVillage)
	name := rec.Collection().Name
	for s := range h.subs {
		if s.collection != "" && s.collection != name {
			continue
		}
		if s.scope.Covers(name, village, regency) || (oldVillage != "" && s.scope.Covers(name, oldVillage, oldRegency)) {
			select {
			case s.ch <- struct{}{}:
			default: // a wake-up is already pending
			}
		}
	}
}

// keepAlive is how often an idle stream sends a comment, so proxies and
// phones' networks do not close it.
const keepAlive = 25 * time.Second

// serve streams hints to one client until it goes away. first is sent on
// connect (RxDB wants RESYNC on every (re)connect), then event() on each wake-up.
func (h *Hub) serve(e *core.RequestEvent, scope Scope, collection, first string, event func() string) error {
	w := e.Response
	flusher, ok := w.(http.Flusher)
	if !ok {
		return e.InternalServerError("Streaming tidak didukung. / Streaming is not supported.", nil)
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	s := &subscriber{scope: scope, collection: collection, ch: make(chan struct{}, 1)}
	h.add(s)
	defer h.remove(s)
	if _, err := fmt.Fprintf(w, "data: %s\n\n", first); err != nil {
		return nil
	}
	flusher.Flush()
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-e.Request.Context().Done():
			return nil
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
		case <-s.ch:
			if _, err := fmt.Fprintf(w, "data: %s\n\n", event()); err != nil {
				return nil
			}
		}
		flusher.Flush()
	}
}

// RxPullStream answers GET /api/sync/rxdb/{collection}/pull_stream: a
// server-sent-event stream that sends RESYNC on connect and whenever a change
// in the caller's scope commits; RxDB then runs a checkpoint pull.
func (h *Hub) RxPullStream(e *core.RequestEvent) error {
	_, scope, apiErr := caller(e)
	if apiErr != nil {
		return apiErr
	}
	collection, ok, err := rxCollection(e)
	if !ok {
		return err
	}
	return h.serve(e, scope, collection, `"RESYNC"`, func() string { return `"RESYNC"` })
}

// Stream answers GET /api/sync/stream for the native protocol: an event
// {"cursor": n, "epoch": e} on connect and whenever a change in scope
// commits. The epoch changes only with the server stopped (a restore, or
// `jangkau epoch new`), so it is read once per connection: a phone hears
// of a restore on reconnecting, before it would pull (docs/sync.md).
func (h *Hub) Stream(e *core.RequestEvent) error {
	_, scope, apiErr := caller(e)
	if apiErr != nil {
		return apiErr
	}
	epoch, _ := counter(e.App.DB(), "epoch")
	cursorEvent := func() string {
		seq, _ := CurrentSeq(e.App)
		return fmt.Sprintf(`{"cursor":%d,"epoch":%d}`, seq, epoch)
	}
	return h.serve(e, scope, "", cursorEvent(), cursorEvent)
}
