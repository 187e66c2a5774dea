package hooks

import (
	"net/http"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/spf13/cast"

	"jangkau/access"
	"jangkau/catalog"
	"jangkau/devices"
)

// authFields are the sign-in data of an account, in the order a refusal
// names them.
var authFields = []string{"password", "passwordConfirm", "oldPassword", "email", "emailVisibility", "verified", "tokenKey"}

var (
	errDeviceAuthField = &devices.Error{Status: http.StatusForbidden, Code: devices.CodeDeviceToken,
		Message: "Token perangkat tidak boleh mengubah kata sandi, email atau data masuk lain; pakai konsol dengan kata sandi. / A device token may not change a password, an email or other sign-in data; use the console with a password."}
	errDeviceAccounts = &devices.Error{Status: http.StatusForbidden, Field: "token", Code: devices.CodeDeviceToken,
		Message: "Akun dikelola di konsol dengan kata sandi, bukan dengan token perangkat. / Accounts are managed in the console with a password, not with a device token."}
	errDeviceConsole = &devices.Error{Status: http.StatusForbidden, Field: "token", Code: devices.CodeDeviceToken,
		Message: "Pendaftaran dan pencabutan perangkat dilakukan di konsol dengan kata sandi, bukan dengan token perangkat. / Devices are enrolled and revoked in the console with a password, not with a device token."}
	errDeviceEmailChange = &devices.Error{Status: http.StatusForbidden, Field: "token", Code: devices.CodeDeviceToken,
		Message: "Token perangkat tidak boleh mengubah email akun. / A device token may not change the account's email."}
)

// oldPasswordError is PocketBase's own code for a wrong old password, with
// a bilingual message.
var errOldPassword = validation.NewError("validation_invalid_old_password",
	"Kata sandi lama wajib diisi dan harus benar untuk mengganti kata sandi sendiri. / Your current password (oldPassword) is required, and must be right, to change your own password.")

// registerCredentialGuards keeps a phone's device token to what a phone
// needs: it never writes accounts (its own sign-in data included) on
// REST or /api/batch, and a file token it mints dies with the device. A
// signed-in user changes its own password only with the current one, even
// where PocketBase's manage rule would waive it (the secretariat manages
// every account, its own too): a stolen session must not take the account.
func registerCredentialGuards(app core.App) {
	deviceNoAccounts := func(e *core.RecordRequestEvent) error {
		if devices.FromRequest(e.RequestEvent) == "" {
			return e.Next()
		}
		info, err := e.RequestInfo()
		if err != nil {
			return err
		}
		for _, f := range authFields {
			if _, ok := info.Body[f]; ok {
				de := *errDeviceAuthField
				de.Field = f
				return de.APIError()
			}
		}
		return errDeviceAccounts.APIError()
	}
	// What a device token may never write comes from the policy table; it
	// is answered before the account checks (hooks/users.go), so that a
	// phone is told why whatever it sent.
	first := &hook.Handler[*core.RecordRequestEvent]{Func: deviceNoAccounts, Priority: -1}
	for _, col := range access.Collections() {
		for _, op := range access.Placements[col].ConsoleOnly {
			switch op {
			case access.Create:
				app.OnRecordCreateRequest(col).Bind(first)
			case access.Update:
				app.OnRecordUpdateRequest(col).Bind(first)
			case access.Delete:
				app.OnRecordDeleteRequest(col).Bind(first)
			}
		}
	}

	app.OnRecordUpdateRequest(catalog.Users).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.HasSuperuserAuth() || e.Auth == nil || e.Auth.Id != e.Record.Id || e.Auth.Collection().Name != catalog.Users {
			return e.Next()
		}
		info, err := e.RequestInfo()
		if err != nil {
			return err
		}
		_, pw := info.Body["password"]
		_, confirm := info.Body["passwordConfirm"]
		if (pw || confirm) && !e.Record.Original().ValidatePassword(cast.ToString(info.Body["oldPassword"])) {
			return router.NewBadRequestError(errOldPassword.Message(), validation.Errors{"oldPassword": errOldPassword})
		}
		return e.Next()
	})

	app.OnFileTokenRequest().BindFunc(func(e *core.FileTokenRequestEvent) error {
		if dev := devices.FromRequest(e.RequestEvent); dev != "" {
			tok, err := devices.FileToken(e.Record, dev)
			if err != nil {
				return e.InternalServerError("", err)
			}
			e.Token = tok
		}
		return e.Next()
	})
}

// deviceRouteAllowed refuses a device token on the account routes of
// PocketBase a phone has no business with: swapping it for a plain user
// token (auth-refresh, which revoking the device would not stop) and
// changing the account's email.
func deviceRouteAllowed(e *core.RequestEvent) error {
	path := e.Request.URL.Path
	switch {
	case !slices.Contains([]string{http.MethodPost, http.MethodPatch, http.MethodPut}, e.Request.Method):
		return nil
	case strings.HasSuffix(path, "/auth-refresh"):
		return errNoPBRefresh.APIError()
	case strings.HasSuffix(path, "/request-email-change"), strings.HasSuffix(path, "/confirm-email-change"):
		return errDeviceEmailChange.APIError()
	}
	return nil
}
