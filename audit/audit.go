// Package audit keeps Jangkau's append-only audit trail: who (user,
// superuser, device) did what (collection, record, action, field-level
// before and after) when (server time and the phone's time), and why.
package audit

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	"jangkau/devices"
)

// Collection is the audit trail's collection name.
const Collection = "audit_log"

// Actions recorded.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
	ActionLogin  = "login"
	ActionExport = "export"
)

// Audited lists the collections whose every change is recorded.
var Audited = []string{
	catalog.Activities, catalog.OutreachLogs, catalog.VillagePrograms, catalog.CaseAggregates,
	catalog.RadIndicators, catalog.RadAchievements, catalog.Users, catalog.Areas, catalog.Devices,
}

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

// ActorFromRequest describes the caller of a request.
func ActorFromRequest(e *core.RequestEvent) Actor {
	a := Actor{DeviceID: devices.FromRequest(e)}
	if e.Auth != nil {
		if e.Auth.IsSuperuser() {
			a.SuperuserID = e.Auth.Id
		} else {
			a.UserID = e.Auth.Id
		}
	}
	if t := e.Request.Header.Get("X-Client-Time"); t != "" && len(t) <= 40 {
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
	orig := rec.Original()
	for _, f := range rec.Collection().Fields {
		name := f.GetName()
		if skipFields[name] || f.GetHidden() {
			continue
		}
		var before, after any
		switch action {
		case ActionCreate:
			after = rec.Get(name)
		case ActionUpdate:
			before, after = orig.Get(name), rec.Get(name)
		case ActionDelete:
			before = orig.Get(name)
		}
		if isZero(before) && isZero(after) || fmt.Sprint(before) == fmt.Sprint(after) {
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
	}
	s := fmt.Sprint(v)
	return s == "" || s == "[]" || s == "0" || s == "null" || s == "<nil>"
}

// Write appends an entry. Call it inside the transaction of the change it
// records, so there is never a change without its entry.
func Write(app core.App, e Entry) error {
	col, err := app.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return err
	}
	rec := core.NewRecord(col)
	rec.Set("user", e.Actor.UserID)
	rec.Set("superuser", e.Actor.SuperuserID)
	rec.Set("device", e.Actor.DeviceID)
	rec.Set("client_time", e.Actor.ClientTime)
	rec.Set("action", e.Action)
	rec.Set("target_collection", e.Collection)
	rec.Set("record", e.RecordID)
	if e.Changes != nil {
		raw, err := json.Marshal(e.Changes)
		if err != nil {
			return err
		}
		rec.Set("changes", json.RawMessage(raw))
	}
	rec.Set("note", e.Note)
	rec.Set("server_time", time.Now().UTC().Format("2006-01-02 15:04:05.000Z"))
	rec.SetRaw(writerKey, true)
	return app.Save(rec)
}

const writerKey = "@jangkauAuditWriter"

// IsWriter reports whether an audit record is being saved by Write (the
// only way entries are made).
func IsWriter(rec *core.Record) bool {
	ok, _ := rec.GetRaw(writerKey).(bool)
	return ok
}
