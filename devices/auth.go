package devices

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/catalog"
)

// Authenticate checks a device token against the database on every call:
// a revoked device or a deactivated user is refused at once, whatever the
// token's expiry. It returns the device's user (to become e.Auth, so every
// rule applies with exactly the user's scope) and the device id. A device
// revoked with wipe is refused with CodeDeviceWipe (see SendOnly for the
// few requests it may still make).
func Authenticate(app core.App, token string) (*core.Record, string, error) {
	user, dev, sendOnly, err := authenticate(app, token)
	if err == nil && sendOnly {
		return nil, "", errDeviceWipe
	}
	return user, dev, err
}

// authenticate is Authenticate telling a device revoked with wipe that has
// not yet confirmed its wipe apart (sendOnly, with its user and id).
func authenticate(app core.App, token string) (user *core.Record, dev string, sendOnly bool, err error) {
	c, err := parse(app, purposeAccess, token)
	if err != nil {
		if errors.Is(err, errAccountUnreadable) {
			return nil, "", false, err
		}
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, "", false, errTokenExpired
		}
		return nil, "", false, errTokenInvalid
	}
	user, sendOnly, err = activeDeviceUser(app, c.Device, c.Subject)
	if err != nil {
		return nil, "", false, err
	}
	return user, c.Device, sendOnly, nil
}

// activeDeviceUser returns the user userID if deviceID is its device,
// enrolled and not revoked, and the account is active. A device revoked
// with wipe whose wipe is not confirmed yet returns its user with
// sendOnly true: its phone may still send what it holds (SendOnly).
func activeDeviceUser(app core.App, deviceID, userID string) (*core.Record, bool, error) {
	// The usual case in one query. Only a refusal looks further, to say why.
	user := &core.Record{}
	err := app.RecordQuery(catalog.Users).
		InnerJoin(catalog.Devices, dbx.NewExp("[[devices.user]] = [[users.id]]")).
		AndWhere(dbx.HashExp{"devices.id": deviceID, "users.id": userID, "devices.enrolled": true, "devices.revoked_at": "", "users.deactivated": false}).
		Limit(1).One(user)
	if err == nil {
		return user, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, unreadable(err)
	}
	dev, err := app.FindRecordById(catalog.Devices, deviceID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, false, unreadable(err)
	}
	if err != nil || dev.GetString("user") != userID || !dev.GetBool("enrolled") {
		return nil, false, errTokenInvalid
	}
	user, err = app.FindRecordById(catalog.Users, userID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, false, unreadable(err)
	}
	if err != nil {
		return nil, false, errTokenInvalid
	}
	// The account first: a deactivated user's devices are revoked too, and
	// "account deactivated" tells the person more than "device revoked".
	if user.GetBool("deactivated") {
		return nil, false, errUserDeactivated
	}
	if !dev.GetDateTime("revoked_at").IsZero() {
		switch {
		case wipePending(dev):
			return user, true, nil
		case dev.GetBool("wipe"):
			return nil, false, errDeviceWipe
		}
		return nil, false, errDeviceRevoked
	}
	return user, false, nil
}

// errAccountUnreadable: a device or its account could not be read (the
// database failing or overloaded), which says nothing about the token:
// answered 503 with Retry-After (apierr.AuthUnavailable), never 401, which
// would sign the phone's user out.
var errAccountUnreadable = errors.New("devices: device or account not read")

func unreadable(err error) error { return fmt.Errorf("%w: %w", errAccountUnreadable, err) }

// Refresh exchanges a refresh token for a new pair and retires it. A
// refresh token that was already exchanged means two copies of the
// credentials exist (a copied or stolen phone): the device is revoked and
// both copies stop working. The one exception is the token of the last
// rotation presented again within RefreshRetryGrace of that rotation (its
// first use): that is the same phone retrying a refresh whose answer it
// lost, or refreshing twice at once, and it gets the very pair the
// rotation made. A retry writes nothing, so the window never moves, and
// one token yields one new pair at most, however many requests race.
func Refresh(app core.App, refreshToken string) (*Credentials, error) {
	c, err := parse(app, purposeRefresh, refreshToken)
	if err != nil {
		if errors.Is(err, errAccountUnreadable) {
			return nil, err
		}
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, errRefreshExpired
		}
		return nil, errRefreshInvalid
	}
	var creds *Credentials
	reused := false
	err = app.RunInTransaction(func(tx core.App) error {
		// twice at most: a rotation that lost the race (its conditional
		// update matched nothing) is decided again on what won
		for range 2 {
			dev, user, err := refreshSubject(tx, c)
			if err != nil {
				return err
			}
			cur := int64(dev.GetInt("refresh_gen"))
			since := Now(tx).Sub(dev.GetDateTime("refresh_at").Time())
			switch {
			case c.Gen == cur && hash(c.ID) == dev.GetString("refresh_hash"):
				won, err := claimRotation(tx, dev, cur)
				if err != nil {
					return err
				}
				if !won {
					continue
				}
				dev.Set("refresh_prev_gen", cur)
				cr, err := issue(tx, dev, cur+1)
				if err != nil {
					return err
				}
				if err := tx.Save(dev); err != nil {
					return err
				}
				cr.User = user
				creds = cr
				return nil
			case c.Gen == cur-1 && c.Gen == int64(dev.GetInt("refresh_prev_gen")) && since >= 0 && since <= RefreshRetryGrace:
				// the token of the last rotation, again: the same pair
				cr, err := reissue(tx, dev)
				if err != nil {
					return err
				}
				cr.User = user
				creds = cr
				return nil
			case c.Gen > 0 && c.Gen < cur:
				setRevoked(tx, dev, ReasonRefreshReuse, access.Actor{})
				reused = true
				return tx.Save(dev)
			default:
				return errRefreshInvalid
			}
		}
		return errRefreshInvalid
	})
	if err != nil {
		return nil, err
	}
	if reused {
		afterRevoke(app, c.Device)
		return nil, errRefreshReused
	}
	return creds, nil
}

// refreshSubject loads the device and the user of a refresh token, as
// they are in the transaction, refusing a revoked device or a deactivated
// account.
func refreshSubject(tx core.App, c *claims) (*core.Record, *core.Record, error) {
	dev, err := tx.FindRecordById(catalog.Devices, c.Device)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, nil, unreadable(err)
	}
	if err != nil || dev.GetString("user") != c.Subject || !dev.GetBool("enrolled") {
		return nil, nil, errRefreshInvalid
	}
	user, err := tx.FindRecordById(catalog.Users, c.Subject)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, nil, unreadable(err)
	}
	if err != nil {
		return nil, nil, errRefreshInvalid
	}
	if user.GetBool("deactivated") {
		return nil, nil, errRefreshUserDeactivated
	}
	if !dev.GetDateTime("revoked_at").IsZero() {
		if wipePending(dev) {
			// revoked with wipe: the phone still renews its token, to send
			// what it holds (and nothing else: SendOnly)
			return dev, user, nil
		}
		if dev.GetBool("wipe") {
			return nil, nil, errRefreshDeviceWipe
		}
		return nil, nil, errRefreshDeviceRevoked
	}
	return dev, user, nil
}

// claimRotation moves the device's refresh generation from cur to cur+1
// with one conditional update: of any number of rotations of the same
// token, only one can match. SQLite's single writer already serializes the
// transactions; the condition keeps the rule in the database itself.
func claimRotation(tx core.App, dev *core.Record, cur int64) (bool, error) {
	res, err := tx.NonconcurrentDB().Update(catalog.Devices,
		dbx.Params{"refresh_gen": cur + 1},
		dbx.HashExp{"id": dev.Id, "refresh_gen": cur, "refresh_hash": dev.GetString("refresh_hash"), "revoked_at": dev.GetString("revoked_at"), "wiped_at": dev.GetString("wiped_at")},
	).Execute()
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
