package accounts

import (
	"crypto/rand"
	"math/big"
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/access"
	"jangkau/audit"
	"jangkau/catalog"
	"jangkau/devices"
	"jangkau/internal/wiring"
	"jangkau/notify"
)

// Fields of users that the password flows keep.
const (
	// FieldMustChange is set by a reset of a manager: until the user
	// chooses a password, every API but ChangePasswordPath refuses it.
	FieldMustChange = "must_change_password"
	// FieldPasswordChanged is when the password last changed (each change
	// is so a line of the audit trail, which never shows passwords).
	FieldPasswordChanged = "password_changed"
)

// Routes of the password flows.
const (
	ChangePasswordPath = "/api/accounts/password"
	ResetPasswordPath  = "/api/accounts/{id}/reset-password"
)

// CodeMustChange is the error code of a request refused until the
// password is changed.
const CodeMustChange = "password_change_required"

// managerResetKey marks, for the users hook, a save that is a manager's
// reset (which sets must_change_password rather than clearing it).
const managerResetKey = "@accountsManagerReset"

// MarkManagerReset makes a password that someone else sets on rec (a
// manager's PATCH, a superuser in the admin UI) a one-time password, as the
// reset route's is: its user must choose its own before anything else, so
// that no password its manager knows stays in use.
func MarkManagerReset(rec *core.Record) {
	if rec.GetString("password") == "" {
		return
	}
	rec.SetRaw(managerResetKey, true)
	rec.Set(FieldMustChange, true)
}

func bilingual(field, code, msg string) validation.Errors {
	return validation.Errors{field: validation.NewError(code, msg)}
}

var (
	errMustChange = router.NewForbiddenError(
		"Ganti kata sandi sekali pakai Anda dulu (POST "+ChangePasswordPath+"). / Change your one-time password first (POST "+ChangePasswordPath+").",
		bilingual("password", CodeMustChange, "Ganti kata sandi sekali pakai Anda dulu. / Change your one-time password first."))
	msgBody      = "Isi permintaan harus objek JSON {oldPassword, password, passwordConfirm} berisi teks. / The request body must be a JSON object {oldPassword, password, passwordConfirm} of strings."
	msgOld       = "Kata sandi lama salah. / The current password is wrong."
	msgConfirm   = "Konfirmasi tidak sama dengan kata sandi baru. / The confirmation does not match the new password."
	msgSame      = "Kata sandi baru harus berbeda dari yang lama. / The new password must differ from the current one."
	msgShort     = "Kata sandi baru minimal 10 karakter. / The new password needs at least 10 characters."
	msgDevice    = "Kata sandi diganti saat masuk dengan kata sandi, bukan dengan token perangkat. / A password is changed when signed in with a password, not with a device token."
	msgSelfReset = "Ganti kata sandi Anda sendiri lewat Pengaturan, bukan dengan pengaturan ulang. / Change your own password in the settings, not with a reset."
)

// MinPasswordLength is the shortest password a user may choose.
const MinPasswordLength = 10

// registerPasswords wires the password flows: change one's own password,
// a manager's reset with a one-time password, and the refusal of every
// other API while a one-time password is unchanged.
func registerPasswords(app core.App) {
	// Every save that sets a password notes when; a password the user
	// chose (not a manager's reset) clears the must-change flag, whatever
	// the path (this route, PATCH with oldPassword, the e-mailed link).
	app.OnRecordUpdate(catalog.Users).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.accounts.passwordChanged", Priority: wiring.ModelDerive, Func: func(e *core.RecordEvent) error {
		if e.Record.GetString("password") != "" {
			e.Record.Set(FieldPasswordChanged, types.NowDateTime())
			if reset, _ := e.Record.GetRaw(managerResetKey).(bool); !reset {
				e.Record.Set(FieldMustChange, false)
			}
		}
		e.Record.SetRaw(managerResetKey, nil)
		return e.Next()
	}})

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "jangkau.accounts.passwords", Priority: wiring.ServeBind,
		Func: func(se *core.ServeEvent) error {
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "jangkau.accounts.refuseUntilChanged", Priority: wiring.MiddlewareMustChange, Func: refuseUntilChanged})
			se.Router.POST(ChangePasswordPath, changePassword).Bind(apis.RequireAuth(catalog.Users))
			se.Router.POST(ResetPasswordPath, resetPassword).Bind(apis.RequireAuth())
			return se.Next()
		},
	})
}

// refuseUntilChanged refuses a password session of an account with a
// one-time password on every API but the change of password and the
// token refresh (whose answer tells the app the flag). A phone's device
// token is not refused: it was issued by enrollment, not by the password.
func refuseUntilChanged(e *core.RequestEvent) error {
	if e.Auth == nil || e.Auth.Collection().Name != catalog.Users || !e.Auth.GetBool(FieldMustChange) ||
		devices.FromRequest(e) != "" || !strings.HasPrefix(e.Request.URL.Path, "/api/") {
		return e.Next()
	}
	switch p := e.Request.URL.Path; {
	case p == ChangePasswordPath, p == "/api/collections/users/auth-refresh":
		return e.Next()
	}
	return errMustChange
}

func changePassword(e *core.RequestEvent) error {
	if devices.FromRequest(e) != "" {
		return router.NewForbiddenError(msgDevice, bilingual("token", devices.CodeDeviceToken, msgDevice))
	}
	var body struct {
		OldPassword     string `json:"oldPassword"`
		Password        string `json:"password"`
		PasswordConfirm string `json:"passwordConfirm"`
	}
	if err := e.BindBody(&body); err != nil {
		return router.NewBadRequestError(msgBody, bilingual("body", "invalid_json", msgBody))
	}
	rec, err := e.App.FindRecordById(catalog.Users, e.Auth.Id)
	if err != nil {
		return e.NotFoundError("", err)
	}
	switch {
	case !rec.ValidatePassword(body.OldPassword):
		return router.NewBadRequestError(msgOld, bilingual("oldPassword", "validation_invalid_old_password", msgOld))
	case len([]rune(body.Password)) < MinPasswordLength:
		return router.NewBadRequestError(msgShort, bilingual("password", "validation_min_text_constraint", msgShort))
	case body.Password != body.PasswordConfirm:
		return router.NewBadRequestError(msgConfirm, bilingual("passwordConfirm", "validation_values_mismatch", msgConfirm))
	case body.Password == body.OldPassword:
		return router.NewBadRequestError(msgSame, bilingual("password", "password_unchanged", msgSame))
	}
	rec.SetPassword(body.Password)
	audit.SetActor(rec, audit.ActorFromRequest(e))
	notify.Pending(rec, notify.PasswordMessage(rec.Id, false))
	if err := e.App.Save(rec); err != nil {
		return e.BadRequestError("", err)
	}
	// The password's change signed every session out (new tokenKey): the
	// answer is a new session, as a sign-in's.
	return apis.RecordAuthResponse(e, rec, "password", nil)
}

// oneTimeAlphabet leaves out look-alikes (0/o, 1/l/i) so that a password
// read over the phone is typed right.
const oneTimeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// OneTimePassword returns a random password of 12 characters in three
// groups (about 59 bits).
func OneTimePassword() (string, error) {
	var b strings.Builder
	for i := range 12 {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(oneTimeAlphabet))))
		if err != nil {
			return "", err
		}
		b.WriteByte(oneTimeAlphabet[n.Int64()])
	}
	return b.String(), nil
}

// resetPassword gives an account the caller manages (access.CheckManaged:
// the secretariat any account, a verifier its regency's village officers)
// a one-time password, answered once and never stored in clear, that must
// be changed at the next sign-in. Every session of the account ends; its
// phones' device tokens stay (revoke a phone on its own page).
func resetPassword(e *core.RequestEvent) error {
	a := access.ActorOf(e.Auth)
	id := e.Request.PathValue("id")
	target, err := e.App.FindRecordById(catalog.Users, id)
	if err != nil {
		return e.NotFoundError("Akun tidak ditemukan. / Account not found.", nil)
	}
	if !a.Superuser && target.Id == e.Auth.Id {
		return router.NewBadRequestError(msgSelfReset, bilingual("id", "own_account", msgSelfReset))
	}
	if !access.AccountInArea(a, target) {
		// outside the caller's area: as if it did not exist, whatever its
		// role (a role_not_managed answer would tell the id exists)
		return e.NotFoundError("Akun tidak ditemukan. / Account not found.", nil)
	}
	switch access.CheckManaged(a, target) {
	case access.ManageOK:
	case access.ManageConsoleOnly:
		return router.NewForbiddenError(msgDevice, bilingual("token", devices.CodeDeviceToken, msgDevice))
	case access.ManageNoRole, access.ManageRoleNot:
		return e.ForbiddenError("Anda tidak mengelola akun ini. / You do not manage this account.",
			bilingual("role", "role_not_managed", "Anda tidak mengelola akun dengan peran ini. / You do not manage accounts of this role."))
	default:
		// outside the caller's area: as if it did not exist
		return e.NotFoundError("Akun tidak ditemukan. / Account not found.", nil)
	}
	pw, err := OneTimePassword()
	if err != nil {
		return e.InternalServerError("", err)
	}
	target.SetPassword(pw)
	target.Set(FieldMustChange, true)
	target.SetRaw(managerResetKey, true)
	audit.SetActor(target, audit.ActorFromRequest(e))
	notify.Pending(target, notify.PasswordMessage(target.Id, true))
	if err := e.App.Save(target); err != nil {
		return e.BadRequestError("", err)
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, map[string]any{"id": target.Id, "password": pw, FieldMustChange: true})
}
