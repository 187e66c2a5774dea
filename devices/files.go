package devices

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// fileTokenDeviceClaim names the device in a PocketBase file token minted
// with a device token. PocketBase's own claims ("id", "type",
// "collectionId") are kept, so PocketBase verifies the token as its own;
// the signature covers the extra claim, so it cannot be stripped.
const fileTokenDeviceClaim = "jangkauDevice"

// FileToken is PocketBase's file token of user (for ?token= on protected
// files) bound to the device deviceID: it stops working the moment the
// device is revoked, although a file token is otherwise only checked for
// its signature and expiry.
func FileToken(user *core.Record, deviceID string) (string, error) {
	key := user.TokenKey() + user.Collection().FileToken.Secret
	if key == "" {
		return "", core.ErrMissingSigningKey
	}
	return security.NewJWT(jwt.MapClaims{
		core.TokenClaimType:         core.TokenTypeFile,
		core.TokenClaimId:           user.Id,
		core.TokenClaimCollectionId: user.Collection().Id,
		fileTokenDeviceClaim:        deviceID,
	}, key, user.Collection().FileToken.DurationTime())
}

// CheckFileToken refuses a file token minted with a device token whose
// device is no longer enrolled and active (or whose account was
// deactivated); any other token passes unchanged, for PocketBase to verify.
// It reads the claims without verifying them: a forged device claim fails
// PocketBase's signature check anyway, and a removed one breaks it.
func CheckFileToken(app core.App, token string) error {
	dev, user := fileTokenDevice(token)
	if dev == "" {
		return nil
	}
	_, sendOnly, err := activeDeviceUser(app, dev, user)
	if err == nil && sendOnly {
		return errDeviceWipe // a phone being wiped downloads nothing
	}
	return err
}

// FileTokenDevice returns the device a file token was minted with ("" for
// a token minted with a password sign-in), without verifying the token.
func FileTokenDevice(token string) string {
	dev, _ := fileTokenDevice(token)
	return dev
}

func fileTokenDevice(token string) (device, user string) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return "", ""
	}
	var c map[string]any
	if json.Unmarshal(raw, &c) != nil || c[core.TokenClaimType] != core.TokenTypeFile {
		return "", ""
	}
	device, _ = c[fileTokenDeviceClaim].(string)
	user, _ = c[core.TokenClaimId].(string)
	return device, user
}
