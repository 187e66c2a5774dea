package devices

import (
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
)

// authFields are the sign-in data of an account, in the order a refusal
// names them.
var authFields = []string{"password", "passwordConfirm", "oldPassword", "email", "emailVisibility", "verified", "tokenKey"}

var (
	errDeviceAuthField = &Error{Status: http.StatusForbidden, Code: CodeDeviceToken,
		Message: "Token perangkat tidak boleh mengubah kata sandi, email atau data masuk lain; pakai konsol dengan kata sandi. / A device token may not change a password, an email or other sign-in data; use the console with a password."}
	errDeviceAccounts = &Error{Status: http.StatusForbidden, Field: "token", Code: CodeDeviceToken,
		Message: "Akun dikelola di konsol dengan kata sandi, bukan dengan token perangkat. / Accounts are managed in the console with a password, not with a device token."}
	errDeviceConsole = &Error{Status: http.StatusForbidden, Field: "token", Code: CodeDeviceToken,
		Message: "Pendaftaran dan pencabutan perangkat dilakukan di konsol dengan kata sandi, bukan dengan token perangkat. / Devices are enrolled and revoked in the console with a password, not with a device token."}
	errDeviceEmailChange = &Error{Status: http.StatusForbidden, Field: "token", Code: CodeDeviceToken,
		Message: "Token perangkat tidak boleh mengubah email akun. / A device token may not change the account's email."}
)

// deviceNoAccounts refuses, on REST and /api/batch, a write by a phone's
// device token of what the policy table keeps to the console (accounts,
// their sign-in data included), naming the first sign-in field it sent.
func deviceNoAccounts(e *core.RecordRequestEvent) error {
	if FromRequest(e.RequestEvent) == "" {
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

// consoleOnly lists the collections whose writes of op the policy table
// keeps to the console.
func consoleOnly(op access.Op) []string {
	var cols []string
	for _, col := range access.Collections() {
		if slices.Contains(access.Placements[col].ConsoleOnly, op) {
			cols = append(cols, col)
		}
	}
	return cols
}

// fileToken mints, for a phone's device token, a file token that dies
// with the device.
func fileToken(e *core.FileTokenRequestEvent) error {
	if dev := FromRequest(e.RequestEvent); dev != "" {
		tok, err := FileToken(e.Record, dev)
		if err != nil {
			return e.InternalServerError("", err)
		}
		e.Token = tok
	}
	return e.Next()
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
