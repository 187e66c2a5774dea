package sync

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/apierr"
	"jangkau/audit"
	"jangkau/devices"
)

// NativePull answers GET /api/sync/pull?cursor=&limit=&collections=: one page
// of changes in the caller's scope after the cursor, from one snapshot. A
// page that sends anything is written to the audit trail first.
func NativePull(e *core.RequestEvent) error {
	_, scope, apiErr := caller(e)
	if apiErr != nil {
		return apiErr
	}
	if ok, err := checkClientReport(e); !ok {
		return err
	}
	q := e.Request.URL.Query()
	cursor, ok := parseCursor(q.Get("cursor"))
	if !ok {
		return badRequest(e, "cursor", "invalid_cursor", "Kursor harus bilangan bulat >= 0. / The cursor must be an integer >= 0.")
	}
	epoch, ok := parseEpoch(q.Get("epoch"))
	if !ok {
		return badRequest(e, "epoch", "invalid_epoch", "Epoch harus bilangan bulat >= 0. / The epoch must be an integer >= 0.")
	}
	limit, ok := parseLimit(q.Get("limit"))
	if !ok {
		return badRequest(e, "limit", "invalid_limit", msgInvalidLimit)
	}
	var collections []string
	if raw := q.Get("collections"); raw != "" {
		for _, c := range strings.Split(raw, ",") {
			if !IsSynced(c) {
				return badRequest(e, "collections", "unknown_collection", fmt.Sprintf("Koleksi %q tidak disinkronkan. / Collection %q is not synced.", c, c))
			}
			collections = append(collections, c)
		}
	}

	// A phone that is up to date (the most frequent pull) is answered from
	// the counters alone: no snapshot, no slot, no write.
	if upto, horizon, err := peekCounters(e.App); err == nil && cursor > 0 && cursor == upto &&
		!resetNeeded(&Reader{Upto: upto, Horizon: horizon}, cursor, e.Auth) {
		quiet(e)
		contact := clientReport(e)
		contact.Pull, contact.Cursor = true, cursor
		touch(e, contact)
		setJSONHeaders(e, false)
		e.Response.WriteHeader(http.StatusOK)
		_, err := e.Response.Write([]byte(`{"cursor":` + strconv.FormatInt(cursor, 10) + `,"hasMore":false,"reset":false,"changes":[]}`))
		return err
	}

	// A first page is the same for every phone of the scope: from the
	// kept answer while nothing in the scope changed (firstpull.go).
	for attempt := 0; cursor == 0 && acceptsGzip(e.Request) && attempt < maxSnapshotWaits; attempt++ {
		r, err := OpenReader(e.Request.Context(), e.App)
		if err != nil {
			return e.InternalServerError("", err)
		}
		served, err := serveSnapshot(e, r, nativeFirstPage(scope, collections, limit))
		if served || err != nil {
			return err
		}
	}

	// The page is read and encoded while holding a pull slot, and sent
	// once its audit entry is durable (shared with other writes, outside
	// the slot).
	release, err := holdPullSlot(e)
	if err != nil {
		return err
	}
	defer release()
	r, err := OpenReader(e.Request.Context(), e.App)
	if err != nil {
		return e.InternalServerError("", err)
	}
	defer r.Close()
	if cursor > 0 && restoredSince(r, epoch, cursor) {
		return restoredAnswer(e, "cursor", r.Epoch)
	}
	reset := resetNeeded(r, cursor, e.Auth)
	if reset {
		cursor = 0
	}
	changes, next, more, err := r.Page(scope, cursor, collections, limit, Native)
	if err != nil {
		return e.InternalServerError("", err)
	}
	r.Close()

	var body bytes.Buffer
	out := newJSONBody(&body, acceptsGzip(e.Request), func(bool) {})
	writeNativeChanges(out, changes)
	out.raw(nativeTail(next, r.Epoch, more, reset))
	if err := out.close(); err != nil {
		return e.InternalServerError("", err)
	}
	release()

	records, deleted := countChanges(changes)
	changes = nil
	if err := auditPull(e, "", records, deleted, nativeNote(cursor, next, more, reset)); err != nil {
		return err
	}
	contact := clientReport(e)
	contact.Pull, contact.Cursor = true, next
	touch(e, contact)

	setJSONHeaders(e, out.zipped)
	e.Response.WriteHeader(http.StatusOK)
	_, err = e.Response.Write(body.Bytes())
	return err
}

// nativeNote is the note of a native pull's audit entry (before its counts).
func nativeNote(from, to int64, more, reset bool) map[string]any {
	return map[string]any{"protocol": "native", "from": from, "to": to, "hasMore": more, "reset": reset}
}

// nativeFirstPage is the kept answer of a first page (cursor 0).
func nativeFirstPage(scope Scope, collections []string, limit int) *keptAnswer {
	return &keptAnswer{
		key:    snapshotKey{"native", scope.Key(), strconv.Itoa(limit) + ":" + strings.Join(collections, ",")},
		scope:  scope,
		tables: collections,
		build: func(r *Reader, w jsonOut, s *snapshot) error {
			changes, next, more, err := r.Page(scope, 0, collections, limit, Native)
			if err != nil {
				return err
			}
			s.next, s.more = next, more
			s.records, s.deleted = countChanges(changes)
			writeNativeChanges(w, changes)
			return nil
		},
		// stream is nil: a page is bounded by its limit
		end: func(s *snapshot, upto, epoch int64) (string, map[string]any) {
			next := upto // caught up: the cursor jumps to the snapshot's end (Reader.Page)
			if s.more {
				next = s.next
			}
			return nativeTail(next, epoch, s.more, false), nativeNote(0, next, s.more, false)
		},
	}
}

// writeNativeChanges writes a page's answer up to its tail:
// `{"changes":[...]`. What follows it is nativeTail.
func writeNativeChanges(out jsonOut, changes []Change) {
	out.raw(`{"changes":[`)
	var buf []byte
	for i, c := range changes {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"collection":`...)
		buf = appendJSONString(buf, c.Collection)
		buf = append(buf, `,"id":`...)
		buf = appendJSONString(buf, c.ID)
		buf = append(buf, `,"deleted":`...)
		buf = strconv.AppendBool(buf, c.Deleted)
		buf = append(buf, `,"version":`...)
		buf = strconv.AppendInt(buf, c.Seq, 10)
		if !c.Deleted {
			buf = append(buf, `,"record":{"version":`...)
			buf = strconv.AppendInt(buf, c.Seq, 10)
			buf = append(buf, ',')
			buf = append(buf, c.Doc...)
			buf = append(buf, '}')
		}
		buf = append(buf, '}')
		out.bytes(buf)
	}
	out.raw("]")
}

// nativeTail ends a page's answer after its changes.
func nativeTail(next, epoch int64, more, reset bool) string {
	return `,"cursor":` + strconv.FormatInt(next, 10) + `,"epoch":` + strconv.FormatInt(epoch, 10) +
		`,"hasMore":` + strconv.FormatBool(more) + `,"reset":` + strconv.FormatBool(reset) + "}"
}

// nativePushBody is the body of POST /api/sync/push.
type nativePushBody struct {
	ClientID    string     `json:"clientId"`
	QueueLength *int       `json:"queueLength"`
	AppVersion  string     `json:"appVersion"`
	Mutations   []Mutation `json:"mutations"`
}

// NativePush answers POST /api/sync/push: every mutation in one transaction,
// each with its own result.
func NativePush(e *core.RequestEvent) error {
	actor, scope, apiErr := caller(e)
	if apiErr != nil {
		return apiErr
	}
	var body nativePushBody
	if err := decodeBody(e, &body, true); err != nil {
		return apierr.InvalidBody(err)
	}
	if len(body.Mutations) > MaxMutations {
		return badRequest(e, "mutations", "too_many_mutations",
			fmt.Sprintf("Paling banyak %d mutasi per kiriman. / At most %d mutations per push.", MaxMutations, MaxMutations))
	}
	clientID := devices.FromRequest(e)
	if clientID == "" {
		clientID = strings.TrimSpace(body.ClientID)
	}
	if clientID == "" || len(clientID) > 100 {
		return badRequest(e, "clientId", "client_id_required",
			"clientId wajib (id pemasangan aplikasi, 1-100 karakter) agar kiriman ulang tidak tercatat dua kali. / "+
				"clientId is required (the app install's id, 1-100 characters) so that a retried push is not written twice.")
	}
	if len(body.AppVersion) > maxAppVersion {
		return badRequest(e, "appVersion", "invalid_app_version", msgAppVersionTooLong)
	}
	if err := checkClientText(body.ClientID, body.AppVersion); err != nil {
		return err
	}
	if body.QueueLength != nil && *body.QueueLength < 0 {
		return badRequest(e, "queueLength", "invalid_queue_length", msgQueueLength)
	}
	seen := map[string]bool{}
	for i, m := range body.Mutations {
		if m.MutationID == "" || len(m.MutationID) > 100 {
			return badRequest(e, fmt.Sprintf("mutations.%d.mutationId", i), "mutation_id_required",
				"Setiap mutasi perlu mutationId (1-100 karakter). / Every mutation needs a mutationId (1-100 characters).")
		}
		if seen[m.MutationID] {
			return badRequest(e, fmt.Sprintf("mutations.%d.mutationId", i), "mutation_id_repeated",
				"mutationId yang sama muncul dua kali dalam satu kiriman. / The same mutationId appears twice in one push.")
		}
		seen[m.MutationID] = true
		if field, err := checkMutationInput(m); err != nil {
			return badRequest(e, fmt.Sprintf("mutations.%d.%s", i, field), err.Code(), err.Error())
		}
	}

	p := &Pusher{Actor: actor, Auth: e.Auth, DeviceID: devices.FromRequest(e), ClientID: clientID, Flavor: Native, Scope: scope, Viewer: audit.ActorFromRequest(e),
		SendOnly: devices.SendOnly(e)}
	results := make([]Result, 0, len(body.Mutations))
	var cursor int64
	health := newPushHealth(e, devices.Contact{DeviceID: devices.FromRequest(e), ClientID: clientID, AppVersion: body.AppVersion, QueueLength: body.QueueLength})
	err := runPush(e, func(tx core.App) error {
		results = results[:0]
		p.Prebuild(e.App, body.Mutations)
		if err := p.Prepare(tx, body.Mutations); err != nil {
			return err
		}
		for _, m := range body.Mutations {
			base := m.BaseVersion
			res, err := p.Apply(tx, m, func(existing *core.Record, version int64) bool {
				if existing == nil {
					return base != nil && *base > 0
				}
				return base == nil || *base != version
			})
			if err != nil {
				return err
			}
			results = append(results, res)
		}
		if err := p.Flush(tx); err != nil {
			return err
		}
		var err error
		if cursor, err = CurrentSeq(tx); err != nil {
			return err
		}
		return health.write(tx)
	})
	if err != nil {
		return e.InternalServerError("Sinkronisasi gagal; tidak ada yang tersimpan, kirim ulang. / Sync failed; nothing was saved, push again.", err)
	}
	if p.SendOnly {
		// a replayed answer may hold a record from before the revocation
		for i := range results {
			results[i].Record = nil
		}
		return e.JSON(http.StatusOK, map[string]any{"results": results, "wipe": true})
	}
	return e.JSON(http.StatusOK, map[string]any{"results": results, "cursor": cursor})
}
