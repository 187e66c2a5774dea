package devices

import (
	"errors"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/catalog"
)

// Authenticate checks a device token against the database on every call:
// a revoked device or a deactivated user is refused at once, whatever the
// token's expiry. It returns the device's user (to become e.Auth, so every
// rule applies with exactly the user's scope) and the device id.
func Authenticate(app core.App, token string) (*core.Record, string, error) {
	c, err := parse(app, purposeAccess, token)
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, "", errTokenExpired
		}
		return nil, "", errTokenInvalid
	}
	// The usual case in one query: the user, if the device is its own,
	// enrolled and not revoked, and the account active. Only a refusal
	// looks further, to say why.
	user := &core.Record{}
	err = app.RecordQuery(catalog.Users).
		InnerJoin(catalog.Devices, dbx.NewExp("[[devices.user]] = [[users.id]]")).
		AndWhere(dbx.HashExp{"devices.id": c.Device, "users.id": c.Subject, "devices.enrolled": true, "devices.revoked_at": "", "users.deactivated": false}).
		Limit(1).One(user)
	if err == nil {
		return user, c.Device, nil
	}
	dev, err := app.FindRecordById(catalog.Devices, c.Device)
	if err != nil || dev.GetString("user") != c.Subject || !dev.GetBool("enrolled") {
		return nil, "", errTokenInvalid
	}
	user, err = app.FindRecordById(catalog.Users, c.Subject)
	if err != nil {
		return nil, "", errTokenInvalid
	}
	// The account first: a deactivated user's devices are revoked too, and
	// "account deactivated" tells the person more than "device revoked".
	if user.GetBool("deactivated") {
		return nil, "", errUserDeactivated
	}
	if !dev.GetDateTime("revoked_at").IsZero() {
		return nil, "", errDeviceRevoked
	}
	return user, dev.Id, nil
}

// Refresh exchanges a refresh token for a new pair and retires it. A
// refresh token that was already exchanged means two copies of the
// credentials exist (a copied or stolen phone): the device is revoked and
// both copies stop working. The one exception is the token rotated out
// that was presented for the last rotation, presented again within
// RefreshRetryGrace: that is the same phone retrying a refresh whose answer
// it lost.
func Refresh(app core.App, refreshToken string) (*Credentials, error) {
	c, err := parse(app, purposeRefresh, refreshToken)
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, errRefreshExpired
		}
		return nil, errRefreshInvalid
	}
	var creds *Credentials
	reused := false
	err = app.RunInTransaction(func(tx core.App) error {
		dev, err := tx.FindRecordById(catalog.Devices, c.Device)
		if err != nil || dev.GetString("user") != c.Subject || !dev.GetBool("enrolled") {
			return errRefreshInvalid
		}
		user, err := tx.FindRecordById(catalog.Users, c.Subject)
		if err != nil {
			return errRefreshInvalid
		}
		if user.GetBool("deactivated") {
			return errRefreshUserDeactivated
		}
		if !dev.GetDateTime("revoked_at").IsZero() {
			return errRefreshDeviceRevoked
		}
		now := Now(tx)
		cur := int64(dev.GetInt("refresh_gen"))
		switch {
		case c.Gen == cur && hash(c.ID) == dev.GetString("refresh_hash"):
		case c.Gen == int64(dev.GetInt("refresh_prev_gen")) && c.Gen < cur &&
			now.Sub(dev.GetDateTime("refresh_at").Time()) <= RefreshRetryGrace:
			// the same token as in the last rotation, retried: its answer was lost
		case c.Gen > 0 && c.Gen < cur:
			setRevoked(tx, dev, ReasonRefreshReuse, access.Actor{})
			reused = true
			return tx.Save(dev)
		default:
			return errRefreshInvalid
		}
		dev.Set("refresh_prev_gen", c.Gen)
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
