package sync

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"jangkau/access"
	"jangkau/devices"
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

// Limits of what a client says about itself (the devices fields that keep it).
const (
	maxClientID   = 100
	maxAppVersion = 50
)

// checkClientReport refuses, with a 400 naming the parameter, a client
// report in the query string that does not fit: clientId and appVersion
// too long, a queueLength that is not an integer >= 0. Call it before the
// request reads or writes anything; when ok is false the answer is sent
// and err is what the handler returns.
func checkClientReport(e *core.RequestEvent) (ok bool, err error) {
	q := e.Request.URL.Query()
	if len(q.Get("clientId")) > maxClientID {
		return false, badRequest(e, "clientId", "invalid_client_id", msgClientIDTooLong)
	}
	if len(q.Get("appVersion")) > maxAppVersion {
		return false, badRequest(e, "appVersion", "invalid_app_version", msgAppVersionTooLong)
	}
	if raw := q.Get("queueLength"); raw != "" {
		if n, err := strconv.Atoi(raw); err != nil || n < 0 {
			return false, badRequest(e, "queueLength", "invalid_queue_length", msgQueueLength)
		}
	}
	return true, nil
}

var (
	msgClientIDTooLong   = fmt.Sprintf("clientId paling banyak %d karakter. / clientId is at most %d characters.", maxClientID, maxClientID)
	msgAppVersionTooLong = fmt.Sprintf("appVersion paling banyak %d karakter. / appVersion is at most %d characters.", maxAppVersion, maxAppVersion)
	msgQueueLength       = "queueLength harus bilangan bulat >= 0. / queueLength must be an integer >= 0."
)

// decodeBody reads a JSON request body into v: one JSON value, nothing
// after it; strict also refuses fields v does not have.
func decodeBody(e *core.RequestEvent, v any, strict bool) error {
	dec := json.NewDecoder(e.Request.Body)
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// clientReport reads what a client says about itself from the query string
// (checked by checkClientReport).
func clientReport(e *core.RequestEvent) devices.Contact {
	q := e.Request.URL.Query()
	c := devices.Contact{DeviceID: devices.FromRequest(e), ClientID: q.Get("clientId"), AppVersion: q.Get("appVersion")}
	if n, err := strconv.Atoi(q.Get("queueLength")); err == nil {
		c.QueueLength = &n
	}
	return c
}

// touch records sync health; a failure to record it never fails the sync.
func touch(e *core.RequestEvent, c devices.Contact) {
	if err := devices.Touch(e.App, e.Auth, c); err != nil {
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
