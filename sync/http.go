package sync

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"jangkau/access"
	"jangkau/devices"
	"jangkau/txbatch"
)

// caller returns the actor and scope of an authenticated sync request.
func caller(e *core.RequestEvent) (access.Actor, Scope, *router.ApiError) {
	if e.Auth == nil {
		return access.Actor{}, Scope{}, e.UnauthorizedError("Masuk dulu untuk sinkronisasi. / Sign in to sync.", nil)
	}
	a := access.ActorOf(e.Auth)
	s, ok := ScopeOf(a)
	if !ok {
		return a, s, e.ForbiddenError("Akun ini tidak boleh sinkronisasi. / This account may not sync.", nil)
	}
	return a, s, nil
}

// badRequest answers 400 with one named problem, bilingual.
func badRequest(e *core.RequestEvent, field, code, message string) error {
	return e.JSON(http.StatusBadRequest, map[string]any{
		"status":  http.StatusBadRequest,
		"message": message,
		"data":    map[string]any{field: map[string]any{"code": code, "message": message}},
	})
}

// parseCursor reads a cursor; "", "null" and "0" mean "from the start".
func parseCursor(raw string) (int64, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" || raw == "undefined" {
		return 0, true
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// msgInvalidLimit explains the page size bounds.
var msgInvalidLimit = fmt.Sprintf("Limit harus 1-%d. / The limit must be 1-%d.", MaxPageSize, MaxPageSize)

// parseLimit reads a page size; absent means DefaultPageSize.
func parseLimit(raw string) (int, bool) {
	if raw == "" {
		return DefaultPageSize, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > MaxPageSize {
		return 0, false
	}
	return n, true
}

const msgCursorUnknown = "Kursor ini bukan dari server ini (atau data server dipulihkan). Tarik ulang dari awal. / " +
	"This cursor is not from this server (or the server was restored). Pull again from the start."

// resetNeeded tells whether a cursor predates what the server can still
// answer incrementally: purged tombstones, or a change of the user's scope.
func resetNeeded(r *Reader, cursor int64, auth *core.Record) bool {
	if cursor <= 0 {
		return false
	}
	if cursor < r.Horizon {
		return true
	}
	return auth != nil && auth.Collection().Name == "users" && cursor < int64(auth.GetInt("scope_seq"))
}

// clientReport reads what a client says about itself from the query string.
func clientReport(e *core.RequestEvent) devices.Contact {
	q := e.Request.URL.Query()
	c := devices.Contact{DeviceID: devices.FromRequest(e), ClientID: q.Get("clientId"), AppVersion: q.Get("appVersion")}
	if n, err := strconv.Atoi(q.Get("queueLength")); err == nil {
		c.QueueLength = &n
	}
	return c
}

// touch records sync health; a failure to record it never fails the sync.
// Most contacts change nothing worth a write (devices.Fresh); the others
// share a transaction with the writes of other requests (txbatch.Run).
func touch(e *core.RequestEvent, c devices.Contact) {
	if e.Auth == nil || devices.Fresh(e.App, e.Auth, c) {
		return
	}
	if err := txbatch.Run(e.App, func(tx core.App) error { return devices.Touch(tx, e.Auth, c) }); err != nil {
		e.App.Logger().Warn("sync health not recorded", "error", err)
	}
}

// jsonStream writes a large JSON answer piece by piece, so memory stays
// bounded by one page whatever the size of the scope.
type jsonStream struct {
	w   *bufio.Writer
	err error
}

func newJSONStream(e *core.RequestEvent) *jsonStream {
	e.Response.Header().Set("Content-Type", "application/json")
	e.Response.WriteHeader(http.StatusOK)
	return &jsonStream{w: bufio.NewWriterSize(e.Response, 64*1024)}
}

func (s *jsonStream) raw(str string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(str)
	}
}

func (s *jsonStream) bytes(b []byte) {
	if s.err == nil {
		_, s.err = s.w.Write(b)
	}
}

func (s *jsonStream) value(v any) {
	if s.err != nil {
		return
	}
	raw, err := json.Marshal(v)
	if err != nil {
		s.err = err
		return
	}
	_, s.err = s.w.Write(raw)
}

func (s *jsonStream) close() error {
	if s.err == nil {
		s.err = s.w.Flush()
	}
	return s.err
}
