package devices

import (
	"sync"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/audit"
	"jangkau/catalog"
)

// Why a device was revoked (the devices.revoked_reason field).
const (
	ReasonRevoked         = "revoked"          // by a verifier, the province or a superuser
	ReasonRefreshReuse    = "refresh_reuse"    // a used refresh token came back: theft suspected
	ReasonUserDeactivated = "user_deactivated" // its user's account was deactivated
	ReasonReplaced        = "replaced"         // the same install enrolled again
	ReasonAccountChanged  = "account_changed"  // its user's role, area or cluster changed
)

// setRevoked marks dev revoked now (the caller saves it). The refresh
// lineage is cut, so no token of the device can ever be renewed.
func setRevoked(app core.App, dev *core.Record, reason string, by access.Actor) {
	dev.Set("revoked_at", Now(app))
	dev.Set("revoked_reason", reason)
	dev.Set("refresh_hash", "")
	switch {
	case by.Superuser:
		dev.Set("revoked_by_superuser", by.ID)
	case by.ID != "":
		dev.Set("revoked_by", by.ID)
	}
}

// Revoke cuts off the device with id deviceID on behalf of the actor: its
// next request on any path is refused and its realtime connections are
// closed. The records it synced stay. Revoking a revoked device changes
// nothing and returns it as it is.
//
// With wipe, the phone is told so (CodeDeviceWipe) on its next request:
// it may then still renew its token and send what it holds, being shown
// nothing (SendOnly), until it confirms its wipe (ConfirmWipe) and deletes
// its synced data. The choice is in the audit trail with the revocation
// (the devices collection is audited field by field).
func Revoke(app core.App, by access.Actor, deviceID string, wipe bool) (*core.Record, error) {
	if !CanManageAny(by) {
		return nil, errManagerRole
	}
	var dev *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		dev, err = tx.FindRecordById(catalog.Devices, deviceID)
		if err != nil {
			return errDeviceNotFound
		}
		user, err := tx.FindRecordById(catalog.Users, dev.GetString("user"))
		if err != nil {
			return errDeviceNotFound
		}
		if e := checkManager(by, user, errDeviceNotFound); e != nil {
			return e
		}
		if !dev.GetDateTime("revoked_at").IsZero() {
			return nil
		}
		refresh := dev.GetString("refresh_hash")
		setRevoked(tx, dev, ReasonRevoked, by)
		if wipe {
			dev.Set("wipe", true)
			dev.Set("refresh_hash", refresh) // renewed to send, never to read
		}
		audit.SetActor(dev, auditActor(by))
		return tx.Save(dev)
	})
	if err != nil {
		return nil, err
	}
	afterRevoke(app, dev.Id)
	return dev, nil
}

// wipePending reports whether dev was revoked with wipe by a manager and
// its phone has not yet confirmed the wipe: it may still send (SendOnly).
// A refresh token used twice meanwhile (theft suspected) ends that.
func wipePending(dev *core.Record) bool {
	return dev.GetBool("wipe") && !dev.GetDateTime("revoked_at").IsZero() && dev.GetDateTime("wiped_at").IsZero() &&
		dev.GetString("revoked_reason") == ReasonRevoked
}

// ConfirmWipe records that the phone of device deviceID, revoked with
// wipe, has sent what it held and deletes its data now: from then on it
// may send nothing more, and its refresh token is cut.
func ConfirmWipe(app core.App, deviceID string) (*core.Record, error) {
	var dev *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		dev, err = tx.FindRecordById(catalog.Devices, deviceID)
		if err != nil {
			return errDeviceNotFound
		}
		if !wipePending(dev) {
			return errDeviceWipe
		}
		dev.Set("wiped_at", Now(tx))
		dev.Set("refresh_hash", "")
		audit.SetActor(dev, audit.Actor{UserID: dev.GetString("user"), DeviceID: dev.Id})
		return tx.Save(dev)
	})
	if err != nil {
		return nil, err
	}
	afterRevoke(app, dev.Id)
	return dev, nil
}

// auditActor names the manager in the audit trail.
func auditActor(by access.Actor) audit.Actor {
	if by.Superuser {
		return audit.Actor{SuperuserID: by.ID}
	}
	return audit.Actor{UserID: by.ID}
}

// RevokeUserDevices revokes every device of the user that is not revoked
// yet, for reason (ReasonUserDeactivated or ReasonAccountChanged), and
// voids the user's pending enrollment codes for the same reason. It runs
// inside the transaction that changes the user; once that has committed,
// call AfterUserRevoked (deactivation: every session of the user ends) or
// AfterDevicesRevoked (the ids returned: only the devices' sessions end).
//
// A change of the account revokes enrolled devices only: the records sync
// keeps of password sessions (not enrolled) hold no credential, and those
// sessions go on with the account's new scope.
func RevokeUserDevices(app core.App, userID, reason string) ([]string, error) {
	filter := "user = {:u} && revoked_at = ''"
	if reason == ReasonAccountChanged {
		filter += " && enrolled = true"
	}
	recs, err := app.FindRecordsByFilter(catalog.Devices, filter, "", 0, 0, map[string]any{"u": userID})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(recs))
	for _, dev := range recs {
		setRevoked(app, dev, reason, access.Actor{})
		if err := app.Save(dev); err != nil {
			return nil, err
		}
		ids = append(ids, dev.Id)
	}
	pending, err := app.FindRecordsByFilter(catalog.DeviceEnrollments, "user = {:u} && used_at = '' && voided_reason = ''", "", 0, 0, map[string]any{"u": userID})
	if err != nil {
		return nil, err
	}
	for _, enr := range pending {
		enr.Set("voided_reason", reason)
		if err := app.Save(enr); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// AfterDevicesRevoked closes the realtime connections and cancels the
// requests in flight of the devices; call it after their revocation has
// committed.
func AfterDevicesRevoked(app core.App, ids []string) {
	for _, id := range ids {
		afterRevoke(app, id)
	}
}

// revokedSet remembers, per app, the devices revoked while this process
// runs. The realtime send hook checks it before every message, which
// closes the gap of a subscription that raced a revocation.
type revokedSet struct {
	mu  sync.RWMutex
	ids map[string]bool
}

const revokedStoreKey = "jangkau.devices.revoked"

func revokedOf(app core.App) *revokedSet {
	return app.Store().GetOrSet(revokedStoreKey, func() any {
		return &revokedSet{ids: map[string]bool{}}
	}).(*revokedSet)
}

// WasRevoked reports whether the device was revoked while this process ran.
func WasRevoked(app core.App, deviceID string) bool {
	s := revokedOf(app)
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ids[deviceID]
}

// afterRevoke runs once a revocation has committed: it remembers the device,
// closes its realtime connections and cancels its requests in flight.
func afterRevoke(app core.App, deviceID string) {
	s := revokedOf(app)
	s.mu.Lock()
	s.ids[deviceID] = true
	s.mu.Unlock()
	dropRealtime(app, func(dev string, auth *core.Record) bool { return dev == deviceID })
	cancelSessions(app, func(dev, user string) bool { return dev == deviceID })
}

// AfterUserRevoked closes every realtime connection and cancels every
// request in flight of the user, whatever token opened it; call it after
// the deactivation has committed. (Messages
// racing it are stopped by the deactivated flag PocketBase keeps current
// on each client's auth record.)
func AfterUserRevoked(app core.App, userID string) {
	dropRealtime(app, func(dev string, auth *core.Record) bool {
		return auth != nil && auth.Id == userID && auth.Collection().Name == catalog.Users
	})
	cancelSessions(app, func(dev, user string) bool { return user == userID })
}

// dropRealtime unregisters the realtime clients that match: the broker
// closes their channel, which ends their SSE connection at once.
func dropRealtime(app core.App, match func(deviceID string, auth *core.Record) bool) {
	broker := app.SubscriptionsBroker()
	for id, client := range broker.Clients() {
		dev, _ := client.Get(RequestKey).(string)
		auth, _ := client.Get(apis.RealtimeClientAuthKey).(*core.Record)
		if match(dev, auth) {
			broker.Unregister(id)
		}
	}
}
