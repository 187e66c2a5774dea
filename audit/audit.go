// Package audit keeps Jangkau's append-only audit trail: who (user,
// superuser, device) did what (collection, record, action, field-level
// before and after) when (server time and the phone's time), and why.
package audit

import (
	"crypto/rand"
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/access"
	"jangkau/catalog"
	"jangkau/internal/recfield"
	"jangkau/txbatch"
)

// Collection is the audit trail's collection name.
const Collection = "audit_log"

// Actions recorded.
const (
	// ActionCreate is a record created.
	ActionCreate = "create"
	// ActionUpdate is a record changed (only the fields that changed).
	ActionUpdate = "update"
	// ActionDelete is a record deleted.
	ActionDelete = "delete"
	// ActionLogin is a sign-in.
	ActionLogin = "login"
	// ActionExport is a CSV or XLSX export, with its filters.
	ActionExport = "export"
	// ActionView is one record shown: its REST view, its history, or one of
	// its photos.
	ActionView = "view"
	// ActionList is one REST list or search of a collection: one entry per
	// request, with the query and how many records it returned.
	ActionList = "list"
	// ActionReport is a JSON report shown, with its filters.
	ActionReport = "report"
	// ActionSyncPull is a sync pull that sent records to a phone or browser,
	// with how many and the cursor or checkpoint range.
	ActionSyncPull = "sync_pull"
	// ActionImport is a spreadsheet import confirmed (package imports): its
	// kind, file name and hash, and the counts of rows it wrote.
	ActionImport = "import"
)

// Actions lists every action, in the order the audit_log select field
// offers them.
var Actions = []string{ActionCreate, ActionUpdate, ActionDelete, ActionLogin, ActionExport,
	ActionView, ActionList, ActionReport, ActionSyncPull, ActionImport}

// Audited lists the collections whose every change is recorded.
var Audited = []string{
	catalog.Activities, catalog.OutreachLogs, catalog.VillagePrograms, catalog.CaseAggregates,
	catalog.RadIndicators, catalog.RadAchievements, catalog.Users, catalog.Areas, catalog.Devices,
}

// ReadAudited lists the collections whose reads are recorded too (views,
// lists, photo downloads): Audited without the reference data everyone may
// read (areas, RAD indicators), which every picker and phone loads.
var ReadAudited = []string{
	catalog.Activities, catalog.OutreachLogs, catalog.VillagePrograms, catalog.CaseAggregates,
	catalog.RadAchievements, catalog.Users, catalog.Devices,
}

// IsAudited reports whether collection is in Audited.
func IsAudited(collection string) bool { return slices.Contains(Audited, collection) }

// Actor is who makes a change.
type Actor struct {
	UserID      string
	SuperuserID string
	DeviceID    string
	ClientTime  string // the phone's clock when it made the change, if it said
}

const actorKey = "@jangkauActor"

// SetActor tells the audit hook who is saving rec (a custom key: never
// stored as a column, never sent to clients).
func SetActor(rec *core.Record, a Actor) { rec.SetRaw(actorKey, a) }

// ActorOf returns who is saving rec (empty for system writes).
func ActorOf(rec *core.Record) Actor {
	a, _ := rec.GetRaw(actorKey).(Actor)
	return a
}

// ActorOfAuth returns who a signed-in record is: a superuser or a user
// (empty for nil or any other auth record).
func ActorOfAuth(auth *core.Record) Actor {
	switch {
	case auth == nil:
		return Actor{}
	case auth.IsSuperuser():
		return Actor{SuperuserID: auth.Id}
	case auth.Collection().Name == catalog.Users:
		return Actor{UserID: auth.Id}
	}
	return Actor{}
}

// ActorFromRequest describes the caller of a request.
func ActorFromRequest(e *core.RequestEvent) Actor {
	a := ActorOfAuth(e.Auth)
	a.DeviceID = access.DeviceOf(e)
	// requests with an invalid header are refused before they get here
	// (hooks); a value that is not a client time is never stored
	if t := e.Request.Header.Get("X-Client-Time"); CheckClientTime(t) == nil {
		a.ClientTime = t
	}
	return a
}

// Entry is one line of the trail.
type Entry struct {
	Actor      Actor
	Action     string
	Collection string
	RecordID   string
	Changes    map[string][2]any // field -> [before, after]
	Note       string
}

// skipFields never appear in a diff: timestamps the server moves on every
// save, and secrets.
var skipFields = map[string]bool{"updated": true, "created": true, "password": true, "tokenKey": true}

// Diff lists the fields a write changes, with their values before and
// after. Call it before the write: Original() is then the stored state.
func Diff(rec *core.Record, action string) map[string][2]any {
	changes := map[string][2]any{}
	var orig *core.Record
	if action != ActionCreate {
		orig = rec.Original() // a copy of the record: not for a create
	}
	for _, f := range rec.Collection().Fields {
		name := f.GetName()
		if skipFields[name] || f.GetHidden() {
			continue
		}
		var before, after any
		switch action {
		case ActionCreate:
			after = recfield.Value(rec, f)
		case ActionUpdate:
			before, after = recfield.Value(orig, f), recfield.Value(rec, f)
		case ActionDelete:
			before = recfield.Value(orig, f)
		}
		if isZero(before) && isZero(after) {
			continue
		}
		// a create or a delete has one side only: a nonzero value differs
		if action == ActionUpdate && fmt.Sprint(before) == fmt.Sprint(after) {
			continue
		}
		changes[name] = [2]any{before, after}
	}
	return changes
}

func isZero(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case float64:
		return t == 0
	case bool:
		return !t
	case []string:
		return len(t) == 0
	case types.DateTime: // what fmt.Sprint below would say, without formatting
		return t.IsZero()
	case types.JSONRaw:
		return len(t) == 0
	}
	s := fmt.Sprint(v)
	return s == "" || s == "[]" || s == "0" || s == "null" || s == "<nil>"
}

// Write appends an entry. Call it inside the transaction of the change it
// records, so there is never a change without its entry. It inserts the row
// directly: every synced write pays for it, and record-model saves refuse
// audit entries on every path (the trail is append-only).
//
// The row bypasses field validation, so Write enforces the limits of the
// audit_log fields itself and refuses an entry that breaks one (the
// change it records then fails with it): callers validate what clients
// send before they write anything.
func Write(app core.App, e Entry) error { return writeAt(app, e, "") }

// writeAt is Write with the entry's server time given (an aggregated
// entry's day); "" is now.
func writeAt(app core.App, e Entry, serverTime string) error {
	changes := "null"
	if e.Changes != nil {
		raw, err := marshalChanges(e.Changes)
		if err != nil {
			return err
		}
		changes = string(raw)
	}
	if err := e.check(len(changes)); err != nil {
		return err
	}
	note := e.Note
	if r := []rune(note); len(r) > maxNote {
		note = string(r[:maxNote])
	}
	now := time.Now().UTC().Format(timeLayout)
	if serverTime == "" {
		serverTime = now
	}
	cols := []string{newEntryID(),
		e.Actor.UserID, e.Actor.SuperuserID, e.Actor.DeviceID, e.Actor.ClientTime, e.Action, e.Collection, e.RecordID,
		changes, note, serverTime, now}
	if !chained(app) {
		_, err := txbatch.Exec(app, insertSQL, anys(cols)...)
		return err
	}
	if tail, ok := txbatch.Deferred(app, chainTailPart, newChainTail).(*chainTail); ok {
		tail.append(cols)
		return nil
	}
	_, err := txbatch.Exec(app, chainedInsertSQL, anys(cols)...)
	return err
}

func anys(cols []string) []any {
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = c
	}
	return args
}

const insertSQL = `INSERT INTO ` + Collection + ` (id, user, superuser, device, client_time, action, target_collection, record,
	changes, note, server_time, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// Limits of the audit_log fields (migrations 1764100060), enforced by Write.
const (
	maxChanges   = 1 << 20
	maxID        = 100
	maxSuperuser = 50
	maxNote      = 5000
)

// check refuses an entry a field of audit_log could not hold. The note is
// cut to its limit by Write instead: notes are the server's own summaries.
func (e Entry) check(changes int) error {
	if err := CheckClientTime(e.Actor.ClientTime); err != nil {
		return fmt.Errorf("audit: client time %.50q: %w", e.Actor.ClientTime, err)
	}
	if changes > maxChanges {
		return fmt.Errorf("audit: changes of %d bytes (at most %d)", changes, maxChanges)
	}
	for _, f := range []struct {
		name, value string
		max         int
	}{{"user", e.Actor.UserID, maxID}, {"superuser", e.Actor.SuperuserID, maxSuperuser}, {"device", e.Actor.DeviceID, maxID},
		{"target_collection", e.Collection, maxID}, {"record", e.RecordID, maxID}} {
		if len(f.value) > f.max {
			return fmt.Errorf("audit: %s of %d characters (at most %d)", f.name, len(f.value), f.max)
		}
	}
	if !slices.Contains(Actions, e.Action) {
		return fmt.Errorf("audit: unknown action %q", e.Action)
	}
	return nil
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// newEntryID is a random id of 15 characters of idAlphabet, as
// security.RandomStringWithAlphabet(15, idAlphabet) makes one, from one
// read of crypto/rand instead of one per character: every synced record
// writes an entry.
func newEntryID() string {
	const n = 15
	id := make([]byte, 0, n)
	var pool [32]byte
	for len(id) < n {
		rand.Read(pool[:]) // never fails (crypto/rand)
		for _, b := range pool {
			if b < 252 && len(id) < n { // 252 = 7*36: every character equally likely
				id = append(id, idAlphabet[b%36])
			}
		}
	}
	return string(id)
}
