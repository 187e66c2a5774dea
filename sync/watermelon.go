package sync

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/apierr"
	"jangkau/audit"
	"jangkau/devices"
)

// watermelonMigration is the `migration` query parameter WatermelonDB sends
// after a local schema migration: tables and columns added since `from`.
type watermelonMigration struct {
	From    int      `json:"from"`
	Tables  []string `json:"tables"`
	Columns []struct {
		Table   string   `json:"table"`
		Columns []string `json:"columns"`
	} `json:"columns"`
}

// watermelonTables reads the optional `tables` parameter (default: every synced collection).
func watermelonTables(e *core.RequestEvent) ([]string, error) {
	raw := e.Request.URL.Query().Get("tables")
	if raw == "" {
		return Collections, nil
	}
	var tables []string
	for _, t := range strings.Split(raw, ",") {
		if !IsSynced(t) {
			return nil, fmt.Errorf("%s", t)
		}
		if !slices.Contains(tables, t) { // a table named twice is sent once
			tables = append(tables, t)
		}
	}
	return tables, nil
}

// WatermelonPull answers GET /api/sync/watermelon?last_pulled_at=&schema_version=&migration=
// with {"changes": {table: {created, updated, deleted}}, "timestamp": n}, streamed
// from one snapshot. A cursor the server can no longer answer incrementally
// gets the whole scope with "experimentalStrategy": "replacement".
//
// Every record comes in "updated", "created" is always empty: the feed keeps
// the last change of a record, not whether the phone has it (its own pushes
// come back in its next pull), so clients pass `sendCreatedAsUpdated: true`
// to synchronize(), WatermelonDB's setting for such servers. Sending
// "created" on a first download instead makes that setting complain, and
// sending it for records the phone pushed itself makes WatermelonDB report
// "already exists locally" for each.
func WatermelonPull(e *core.RequestEvent) error {
	_, scope, apiErr := caller(e)
	if apiErr != nil {
		return apiErr
	}
	if ok, err := checkClientReport(e); !ok {
		return err
	}
	q := e.Request.URL.Query()
	cursor, ok := parseCursor(q.Get("last_pulled_at"))
	if !ok {
		return badRequest(e, "last_pulled_at", "invalid_cursor", "last_pulled_at harus bilangan bulat >= 0 atau null. / last_pulled_at must be an integer >= 0 or null.")
	}
	epoch, ok := parseEpoch(q.Get("epoch"))
	if !ok {
		return badRequest(e, "epoch", "invalid_epoch", "Epoch harus bilangan bulat >= 0. / The epoch must be an integer >= 0.")
	}
	tables, err := watermelonTables(e)
	if err != nil {
		return badRequest(e, "tables", "unknown_table", fmt.Sprintf("Tabel %q tidak disinkronkan. / Table %q is not synced.", err.Error(), err.Error()))
	}
	fromStart := map[string]bool{}
	if raw := q.Get("migration"); raw != "" && raw != "null" {
		var mig watermelonMigration
		if err := json.Unmarshal([]byte(raw), &mig); err != nil {
			return badRequest(e, "migration", "invalid_migration", "Parameter migration bukan JSON yang sah. / The migration parameter is not valid JSON.")
		}
		// tables or columns new to the phone: send them whole
		for _, t := range mig.Tables {
			fromStart[t] = true
		}
		for _, c := range mig.Columns {
			fromStart[c.Table] = true
		}
	}

	req := watermelonRequest{scope: scope, tables: tables, cursor: cursor, epoch: epoch, fromStart: fromStart}
	for attempt := 0; ; attempt++ {
		r, err := OpenReader(e.Request.Context(), e.App)
		if err != nil {
			return e.InternalServerError("", err)
		}
		if cursor > 0 && restoredSince(r, epoch, cursor) {
			r.Close()
			return restoredAnswer(e, "last_pulled_at", r.Epoch)
		}
		req.plan(r, e.Auth)
		if len(req.incremental) > 0 || !acceptsGzip(e.Request) || attempt >= maxSnapshotWaits {
			defer r.Close()
			return watermelonStream(e, r, &req)
		}
		// A download of whole tables, the same for every phone of the
		// scope: from the kept snapshot (firstpull.go).
		served, err := serveSnapshot(e, r, req.kept(e))
		if served || err != nil {
			return err
		}
		// another pull was building this snapshot: it is there now
	}
}

// watermelonRequest is what a WatermelonDB pull asks for and, once read
// against a snapshot (plan), which tables go whole.
type watermelonRequest struct {
	scope     Scope
	tables    []string
	cursor    int64
	epoch     int64
	fromStart map[string]bool // tables the phone's migration added

	replacement bool     // the cursor is too old: every table whole, "replacement"
	whole       []string // tables sent from the start (no deletes)
	incremental []string // tables sent from the cursor
}

// plan decides, from the reader's snapshot, which tables go whole.
func (q *watermelonRequest) plan(r *Reader, auth *core.Record) {
	q.replacement = resetNeeded(r, q.cursor, auth)
	q.whole, q.incremental = nil, nil
	for _, table := range q.tables {
		if q.replacement || q.fromStart[table] || q.cursor == 0 {
			q.whole = append(q.whole, table)
		} else {
			q.incremental = append(q.incremental, table)
		}
	}
}

// kept is the kept answer of a download of whole tables (firstpull.go).
func (q *watermelonRequest) kept(e *core.RequestEvent) *keptAnswer {
	return &keptAnswer{
		key:    snapshotKey{"watermelon", q.scope.Key(), strings.Join(q.tables, ",")},
		scope:  q.scope,
		tables: q.tables,
		build: func(r *Reader, w jsonOut, s *snapshot) error {
			records, ignored := map[string]int{}, map[string]int{}
			if err := r.Count(q.scope, 0, q.whole, records, ignored); err != nil {
				return err
			}
			total := 0
			for _, n := range records {
				total += n
			}
			if total > SnapshotMaxRecords {
				return errSnapshotTooBig
			}
			s.records = records
			return writeWatermelonChanges(w, r, q)
		},
		stream: func(r *Reader) error { return watermelonStream(e, r, q) },
		end: func(_ *snapshot, upto, epoch int64) (string, map[string]any) {
			return watermelonTail(upto, epoch, q.replacement), q.auditNote(upto)
		},
	}
}

// auditNote is the note of the pull's audit entry (before its counts).
func (q *watermelonRequest) auditNote(upto int64) map[string]any {
	return map[string]any{"protocol": "watermelon", "from": q.cursor, "to": upto, "replacement": q.replacement, "fromStart": q.whole}
}

// watermelonStream answers a pull from r, streamed page by page.
func watermelonStream(e *core.RequestEvent, r *Reader, q *watermelonRequest) error {
	// The answer is streamed: what it will send is counted first, for the
	// audit entry that must precede it. Deletes go to incremental tables only.
	records, deleted, ignored := map[string]int{}, map[string]int{}, map[string]int{}
	if err := r.Count(q.scope, 0, q.whole, records, ignored); err != nil {
		return e.InternalServerError("", err)
	}
	if err := r.Count(q.scope, q.cursor, q.incremental, records, deleted); err != nil {
		return e.InternalServerError("", err)
	}
	if err := auditPull(e, "", records, deleted, q.auditNote(r.Upto)); err != nil {
		return err
	}

	out := newJSONStream(e)
	if err := writeWatermelonChanges(out, r, q); err != nil {
		return err // headers are sent: the client sees a broken body and retries
	}
	out.raw(watermelonTail(r.Upto, r.Epoch, q.replacement))
	upto := r.Upto
	r.Close()
	contact := clientReport(e)
	contact.Pull, contact.Cursor = true, upto
	touch(e, contact)
	return out.close()
}

// jsonOut is where an answer is written piece by piece: a response
// (jsonStream) or a kept snapshot (firstpull.go). A write error is kept
// and reported by failed; writes after it do nothing.
type jsonOut interface {
	raw(s string)
	bytes(b []byte)
	value(v any)
	failed() error
}

// writeWatermelonChanges writes a pull's answer up to its timestamp:
// `{"changes":{...},"timestamp":`. What follows it is watermelonTail.
// A non-nil result is a read error; write errors stay in out.
func writeWatermelonChanges(out jsonOut, r *Reader, q *watermelonRequest) error {
	out.raw(`{"changes":{`)
	for ti, table := range q.tables {
		after := q.cursor
		if q.replacement || q.fromStart[table] {
			after = 0
		}
		if ti > 0 {
			out.raw(",")
		}
		out.value(table)
		out.raw(`:{"created":[],"updated":[`)
		var deleted []string
		first := true
		for {
			changes, next, more, err := r.Page(q.scope, after, []string{table}, MaxPageSize, Watermelon)
			if err != nil {
				return err
			}
			for _, c := range changes {
				if c.Deleted {
					if after > 0 { // a first download needs no deletes
						deleted = append(deleted, c.ID)
					}
					continue
				}
				if !first {
					out.raw(",")
				}
				first = false
				out.raw("{")
				out.bytes(c.Doc)
				out.raw("}")
			}
			after = next
			if !more || out.failed() != nil {
				break
			}
		}
		out.raw(`],"deleted":`)
		if deleted == nil {
			deleted = []string{}
		}
		out.value(deleted)
		out.raw("}")
	}
	out.raw(`},"timestamp":`)
	return nil
}

// watermelonTail ends a pull's answer after `"timestamp":`.
func watermelonTail(upto, epoch int64, replacement bool) string {
	tail := strconv.FormatInt(upto, 10) + `,"epoch":` + strconv.FormatInt(epoch, 10)
	if replacement {
		tail += `,"experimentalStrategy":"replacement"`
	}
	return tail + "}"
}

// watermelonTableChanges is one table of a WatermelonDB push.
type watermelonTableChanges struct {
	Created []map[string]any `json:"created"`
	Updated []map[string]any `json:"updated"`
	Deleted []string         `json:"deleted"`
}

// CodePullFirst is the code of a WatermelonDB push refused with 409: records
// changed on the server since the phone's last pull.
const CodePullFirst = "pull_first"

const msgPullFirst = "Ada rekaman yang berubah di server sejak tarikan terakhir: tarik dulu, lalu kirim ulang. / Records changed on the server since the last pull: pull, then push again."

// WatermelonPush answers POST /api/sync/watermelon?last_pulled_at=n following
// WatermelonDB's backend rules: one transaction; a create of an existing id
// is an update; a delete of a missing id is ignored; 409 and nothing written
// when a pushed record changed on the server after last_pulled_at; records
// the server refuses come back in experimentalRejectedIds.
func WatermelonPush(e *core.RequestEvent) error {
	actor, scope, apiErr := caller(e)
	if apiErr != nil {
		return apiErr
	}
	if ok, err := checkClientReport(e); !ok {
		return err
	}
	lastPulled, ok := parseCursor(e.Request.URL.Query().Get("last_pulled_at"))
	if !ok {
		return badRequest(e, "last_pulled_at", "invalid_cursor", "last_pulled_at harus bilangan bulat >= 0. / last_pulled_at must be an integer >= 0.")
	}
	var body map[string]watermelonTableChanges
	if err := decodeBody(e, &body, false); err != nil {
		return apierr.InvalidJSON("Isi permintaan bukan objek perubahan WatermelonDB yang sah", "The body is not a valid WatermelonDB changes object", err)
	}
	tables := make([]string, 0, len(body))
	total := 0
	for table, ch := range body {
		// WatermelonDB's push lists every table of the phone's schema, the
		// read-only reference tables too (empty). A table that is not synced
		// is refused; a record pushed to a read-only table is rejected on
		// its own (experimentalRejectedIds) so it never blocks the queue.
		if !IsSynced(table) {
			return badRequest(e, table, "unknown_table", fmt.Sprintf("Tabel %q tidak disinkronkan. / Table %q is not synced.", table, table))
		}
		col, err := e.App.FindCachedCollectionByNameOrId(table)
		if err != nil {
			return e.InternalServerError("", err)
		}
		for _, rec := range append(append([]map[string]any{}, ch.Created...), ch.Updated...) {
			id, _ := rec["id"].(string)
			for name := range rec {
				if !ignoredFields[name] && col.Fields.GetByName(name) == nil {
					return badRequest(e, table+"."+name, "unknown_field",
						fmt.Sprintf("Kolom %s.%s tidak dikenal server (rekaman %s). / Column %s.%s is unknown to the server (record %s).", table, name, id, table, name, id))
				}
			}
		}
		total += len(ch.Created) + len(ch.Updated) + len(ch.Deleted)
		tables = append(tables, table)
	}
	if total > MaxMutations {
		return badRequest(e, "body", "too_many_mutations",
			fmt.Sprintf("Paling banyak %d rekaman per kiriman. / At most %d records per push.", MaxMutations, MaxMutations))
	}
	sort.Strings(tables)

	p := &Pusher{Actor: actor, Auth: e.Auth, DeviceID: devices.FromRequest(e), Flavor: Watermelon, Scope: scope, Viewer: audit.ActorFromRequest(e)}
	rejectedIDs := map[string][]string{}
	rejections := map[string]map[string]Result{}
	var conflicts []map[string]string
	health := newPushHealth(e, clientReport(e))
	var all []Mutation
	for _, table := range tables {
		ch := body[table]
		for _, rec := range append(append([]map[string]any{}, ch.Created...), ch.Updated...) {
			id, _ := rec["id"].(string)
			all = append(all, Mutation{Collection: table, ID: id, Op: "upsert", Data: rec})
		}
		for _, id := range ch.Deleted {
			all = append(all, Mutation{Collection: table, ID: id, Op: "delete"})
		}
	}
	err := runPush(e, func(tx core.App) error {
		rejectedIDs, rejections, conflicts = map[string][]string{}, map[string]map[string]Result{}, nil // may run again (txbatch.Run)
		// Which pushed ids exist is read once for the whole push (Prepare),
		// before the check of changes since the last pull: a created
		// record's id that is not stored needs no look-up of its own.
		p.Prebuild(e.App, all)
		if err := p.Prepare(tx, all); err != nil {
			return err
		}
		if lastPulled > 0 {
			// WatermelonDB's rule: any pushed record changed on the server
			// since the last pull aborts the whole push; the phone pulls first.
			// A record the server already holds exactly as pushed is no
			// conflict: that is a retried push whose first answer was lost.
			// An update of a record deleted since the last pull is one (the
			// pull brings the delete); it is never silently re-created.
			// Only records and deletes in the caller's scope count: a record
			// it may not see is one that does not exist (no 409 tells of
			// its version or content).
			for _, table := range tables {
				ch := body[table]
				col, err := tx.FindCachedCollectionByNameOrId(table)
				if err != nil {
					return err
				}
				check := func(id string, rec map[string]any, update bool) error {
					existing, err := p.visible(tx, col, id)
					if err != nil {
						return err
					}
					var v int64
					if existing != nil {
						v, err = VersionOf(tx, table, id)
					} else if update {
						v, err = p.Tombstone(tx, table, id)
					}
					if err != nil {
						return err
					}
					if v <= lastPulled {
						return nil
					}
					if rec != nil && existing != nil && p.SameAsServer(existing, rec) {
						return nil
					}
					conflicts = append(conflicts, map[string]string{"table": table, "id": id})
					return nil
				}
				for _, rec := range ch.Created {
					id, _ := rec["id"].(string)
					if err := check(id, rec, false); err != nil {
						return err
					}
				}
				for _, rec := range ch.Updated {
					id, _ := rec["id"].(string)
					if err := check(id, rec, true); err != nil {
						return err
					}
				}
				for _, id := range ch.Deleted {
					if err := check(id, nil, false); err != nil {
						return err
					}
				}
			}
			if len(conflicts) > 0 {
				return nil
			}
		}
		for _, m := range all {
			res, err := p.Apply(tx, m, nil)
			if err != nil {
				return err
			}
			if res.Status == StatusRejected {
				rejectedIDs[m.Collection] = append(rejectedIDs[m.Collection], m.ID)
				if rejections[m.Collection] == nil {
					rejections[m.Collection] = map[string]Result{}
				}
				rejections[m.Collection][m.ID] = res
			}
		}
		return health.write(tx)
	})
	if err != nil {
		return e.InternalServerError("Sinkronisasi gagal; tidak ada yang tersimpan, kirim ulang. / Sync failed; nothing was saved, push again.", err)
	}
	if len(conflicts) > 0 {
		// The one error shape plus the conflicting records, which the
		// client's conflict handling reads (docs/sync.md).
		return e.JSON(http.StatusConflict, map[string]any{
			"status":    http.StatusConflict,
			"message":   msgPullFirst,
			"data":      map[string]any{"changes": map[string]any{"code": CodePullFirst, "message": msgPullFirst}},
			"conflicts": conflicts,
		})
	}
	return e.JSON(http.StatusOK, map[string]any{"experimentalRejectedIds": rejectedIDs, "rejections": rejections})
}
