package devices

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
)

// Key purposes: each kind of token has its own key, so that no kind can be
// passed off as another even if a claim check were forgotten.
const (
	purposeEnrollment = "enrollment"
	purposeAccess     = "access"
	purposeRefresh    = "refresh"
)

const keysStoreKey = "jangkau.devices.keys"

type signingKey struct {
	id, purpose string
	secret      []byte
}

// keyring holds the keys of the device_keys table: the newest active key
// of each purpose signs; any stored key of the right purpose verifies, so a
// key can be rotated by adding a new row and retired by deleting the old one.
type keyring struct {
	signing map[string]signingKey
	byID    map[string]signingKey
}

// ForgetKeys drops the keys cached for app, so that a key added or removed
// in the device_keys table is used from the next request on.
func ForgetKeys(app core.App) {
	app.Store().Remove(keysStoreKey)
}

func keys(app core.App) (*keyring, error) {
	if kr, ok := app.Store().Get(keysStoreKey).(*keyring); ok {
		return kr, nil
	}
	recs, err := app.FindRecordsByFilter(catalog.DeviceKeys, "", "created", 0, 0)
	if err != nil {
		return nil, unreadable(fmt.Errorf("device keys: %w", err))
	}
	kr := &keyring{signing: map[string]signingKey{}, byID: map[string]signingKey{}}
	for _, r := range recs {
		secret, err := base64.RawURLEncoding.DecodeString(r.GetString("secret"))
		if err != nil || len(secret) < 32 {
			return nil, fmt.Errorf("device key %s: unusable secret", r.Id)
		}
		k := signingKey{id: r.Id, purpose: r.GetString("purpose"), secret: secret}
		kr.byID[k.id] = k
		if r.GetBool("active") {
			kr.signing[k.purpose] = k // ordered by created: the newest wins
		}
	}
	for _, p := range []string{purposeEnrollment, purposeAccess, purposeRefresh} {
		if _, ok := kr.signing[p]; !ok {
			return nil, errors.New("device keys: no active key for " + p)
		}
	}
	app.Store().Set(keysStoreKey, kr)
	return kr, nil
}
