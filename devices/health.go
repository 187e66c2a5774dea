// Package devices keeps track of the phones and browsers that sync: their
// health (last contact, queue length, app version) and, with enrollment,
// their credentials and revocation.
package devices

import (
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
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
func Touch(app core.App, user *core.Record, c Contact) error {
	if Fresh(app, user, c) {
		return nil
	}
	var dev *core.Record
	var err error
	switch {
	case c.DeviceID != "":
		dev, err = app.FindRecordById(catalog.Devices, c.DeviceID)
		if err != nil {
			return err
		}
	case c.ClientID != "":
		dev, err = app.FindFirstRecordByFilter(catalog.Devices, "user = {:u} && client_id = {:c}", map[string]any{"u": user.Id, "c": c.ClientID})
		if err != nil {
			col, cerr := app.FindCollectionByNameOrId(catalog.Devices)
			if cerr != nil {
				return cerr
			}
			dev = core.NewRecord(col)
			dev.Set("user", user.Id)
			dev.Set("client_id", c.ClientID)
		}
	default:
		return nil
	}
	now := types.NowDateTime()
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
	if err := app.Save(dev); err != nil {
		return err
	}
	remember(app, user, c, dev)
	return nil
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
