// Package devices keeps track of the phones and browsers that sync: their
// health (last contact, queue length, app version) and, with enrollment,
// their credentials and revocation.
package devices

import (
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/audit"
	"jangkau/catalog"
	"jangkau/privacy"
	"jangkau/txbatch"
)

// RequestKey is the request-store key under which the device middleware
// puts the id of the device a request comes from (access.DeviceKey).
const RequestKey = access.DeviceKey

// FromRequest returns the id of the enrolled device that sent e ("" for a
// plain user token); it is access.DeviceOf.
func FromRequest(e *core.RequestEvent) string { return access.DeviceOf(e) }

// Contact is what a client reports about itself on a sync call.
type Contact struct {
	DeviceID    string // enrolled device (from its token), if any
	ClientID    string // the client's own install id, when it sends one
	AppVersion  string
	QueueLength *int
	Pull, Push  bool
	Cursor      int64
}

// Touch records a contact of the user's device. A device is found by its
// enrolled id, else by the client id the app sends (created on first
// contact); with neither nothing is recorded.
//
// A contact that would change nothing but the times, within TouchInterval
// of the last one written, writes nothing (Fresh): phones poll often, and
// sync health is read in minutes and days.
//
// The device is written with one prepared statement (an UPDATE, or an
// INSERT for a new one; prepared once per shared transaction when app is a
// txbatch.Batch) and its audit entry: the same row and entry PocketBase's
// save of the record made (TestTouchWritesWhatASaveWrote). After a first
// pull and a first push, sync health was a whole record save each, a large
// part of the one writer's work besides the records themselves. It skips
// what a save adds for nobody: PocketBase's realtime message about the
// device (no client subscribes to devices) and the other record hooks,
// none of which concerns these fields (the privacy check of app_version is
// run here; the account and its area exist: they are the caller's).
func Touch(app core.App, user *core.Record, c Contact) error {
	if Fresh(app, user, c) {
		return nil
	}
	return TouchNow(app, user, c)
}

// TouchNow is Touch for a caller that has asked Fresh itself, before its
// transaction: it writes the contact even when Fresh would now say it is
// written, which it is not when that transaction was rolled back and is
// run again (a push's group commit).
func TouchNow(app core.App, user *core.Record, c Contact) error {
	if c.DeviceID == "" && c.ClientID == "" {
		return nil
	}
	// the row and its audit entry in one transaction (the caller's, or a
	// shared one)
	return txbatch.Run(app, func(tx core.App) error { return touch(tx, user, c) })
}

func touch(app core.App, user *core.Record, c Contact) error {
	col, err := app.FindCachedCollectionByNameOrId(catalog.Devices)
	if err != nil {
		return err
	}
	dev, err := healthOf(app, col, user, c)
	switch {
	case errors.Is(err, sql.ErrNoRows) && c.DeviceID == "":
		dev = core.NewRecord(col)
		dev.Set("user", user.Id)
		dev.Set("client_id", c.ClientID)
	case err != nil:
		return err
	}
	setHealth(dev, user, c, types.NowDateTime())
	if err := writeHealth(app, dev); err != nil {
		return err
	}
	remember(app, user, c, dev)
	return nil
}

// setHealth sets on dev what a contact c of user at now records.
func setHealth(dev, user *core.Record, c Contact, now types.DateTime) {
	dev.Set("area", user.GetString("area"))
	dev.Set("regency", areas.RegencyOf(user.GetString("area")))
	dev.Set("last_seen", now)
	if c.Pull {
		dev.Set("last_pull", now)
		if c.Cursor > 0 {
			dev.Set("last_cursor", c.Cursor)
		}
	}
	if c.Push {
		dev.Set("last_push", now)
	}
	if c.AppVersion != "" {
		dev.Set("app_version", c.AppVersion)
	}
	if c.QueueLength != nil && *c.QueueLength >= 0 {
		dev.Set("queue_length", *c.QueueLength)
	}
}

// The sync-health fields of a device, as Touch reads and writes them.
const (
	healthSelect   = "SELECT id, area, regency, last_seen, last_pull, last_push, last_cursor, app_version, queue_length FROM devices WHERE "
	healthByID     = healthSelect + "id = ?"
	healthByClient = healthSelect + "user = ? AND client_id = ? AND client_id != ''"
	healthUpdate   = "UPDATE devices SET area = ?, regency = ?, last_seen = ?, last_pull = ?, last_push = ?, last_cursor = ?, app_version = ?, queue_length = ?, updated = ? WHERE id = ?"
	// a new device: the other columns take their defaults, as PocketBase's
	// insert of a record with only these fields set writes them
	healthInsert = "INSERT INTO devices (area, regency, last_seen, last_pull, last_push, last_cursor, app_version, queue_length, updated, id, user, client_id, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

// healthOf reads the sync-health fields of the device of contact c into a
// record of col (as stored: its Original() is that state), sql.ErrNoRows
// when there is none.
func healthOf(app core.App, col *core.Collection, user *core.Record, c Contact) (*core.Record, error) {
	var row txbatch.Scanner
	if c.DeviceID != "" {
		row = txbatch.QueryRow(app, healthByID, c.DeviceID)
	} else {
		row = txbatch.QueryRow(app, healthByClient, user.Id, c.ClientID)
	}
	var id, area, regency, seen, pull, push, appVersion string
	var cursor, queue float64
	if err := row.Scan(&id, &area, &regency, &seen, &pull, &push, &cursor, &appVersion, &queue); err != nil {
		return nil, err
	}
	dev := core.NewRecord(col)
	dev.Load(map[string]any{"id": id, "area": area, "regency": regency, "last_seen": seen, "last_pull": pull,
		"last_push": push, "last_cursor": cursor, "app_version": appVersion, "queue_length": queue})
	return dev, dev.PostScan()
}

// writeHealth writes dev (a new device, or the sync-health fields of a
// known one) and the audit entry of the change, as saving dev would (the
// privacy check of app_version included).
func writeHealth(app core.App, dev *core.Record) error {
	if errs := privacy.CheckRecord(dev); len(errs) > 0 {
		return errs
	}
	action := audit.ActionUpdate
	if dev.IsNew() {
		action = audit.ActionCreate
		if dev.Id == "" {
			dev.Id = core.GenerateDefaultRandomId()
		}
	}
	changes := audit.Diff(dev, action)
	date := func(f string) string { return dev.GetDateTime(f).String() }
	now := types.NowDateTime().String()
	args := []any{dev.GetString("area"), dev.GetString("regency"), date("last_seen"), date("last_pull"), date("last_push"),
		dev.GetFloat("last_cursor"), dev.GetString("app_version"), dev.GetFloat("queue_length"), now, dev.Id}
	query := healthUpdate
	if dev.IsNew() {
		query = healthInsert
		args = append(args, dev.GetString("user"), dev.GetString("client_id"), now)
	}
	if _, err := txbatch.Exec(app, query, args...); err != nil {
		return err
	}
	if dev.IsNew() {
		dev.MarkAsNotNew()
	}
	if len(changes) == 0 {
		return nil // a save that changes nothing is not a change (audit)
	}
	return audit.Write(app, audit.Entry{Action: action, Collection: catalog.Devices, RecordID: dev.Id, Changes: changes})
}

// TouchInterval is how long a device's recorded contact stands for later
// ones that change nothing else.
const TouchInterval = time.Minute

// written is what the last Touch wrote of one device.
type written struct {
	at               time.Time
	area, appVersion string
	queueLength      int
	pulled, pushed   bool
}

var (
	writtenMu sync.Mutex
	writtenBy = map[string]written{}
)

func touchKey(app core.App, user *core.Record, c Contact) string {
	return app.DataDir() + "\x00" + user.Id + "\x00" + c.DeviceID + "\x00" + c.ClientID
}

// Fresh reports whether a contact would change nothing of the device's
// sync health but its times, which were written less than TouchInterval
// ago (by this process).
func Fresh(app core.App, user *core.Record, c Contact) bool {
	if user == nil || user.Collection().Name != catalog.Users || (c.DeviceID == "" && c.ClientID == "") {
		return true // nothing to record
	}
	writtenMu.Lock()
	w, ok := writtenBy[touchKey(app, user, c)]
	writtenMu.Unlock()
	return ok && time.Since(w.at) < TouchInterval && w.area == user.GetString("area") &&
		(c.AppVersion == "" || c.AppVersion == w.appVersion) &&
		(c.QueueLength == nil || *c.QueueLength < 0 || *c.QueueLength == w.queueLength) &&
		(!c.Pull || w.pulled) && (!c.Push || w.pushed)
}

func remember(app core.App, user *core.Record, c Contact, dev *core.Record) {
	writtenMu.Lock()
	defer writtenMu.Unlock()
	writtenBy[touchKey(app, user, c)] = written{
		at: time.Now(), area: dev.GetString("area"), appVersion: dev.GetString("app_version"),
		queueLength: dev.GetInt("queue_length"), pulled: !dev.GetDateTime("last_pull").IsZero(), pushed: !dev.GetDateTime("last_push").IsZero(),
	}
}
