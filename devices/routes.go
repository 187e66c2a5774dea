package devices

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/access"
	"jangkau/apierr"
	"jangkau/audit"
	"jangkau/catalog"
)

// DeviceAuthMiddlewareID names the device-token middleware (PocketBase's
// router can unbind a middleware by id, should a route ever need that).
const DeviceAuthMiddlewareID = "jangkau.devices.auth"

var (
	errSignInRequired = &Error{Status: http.StatusUnauthorized, Field: "token", Code: "auth_required",
		Message: "Masuk dulu untuk memakai layanan ini. / Sign in to use this service."}
	errNoPBRefresh = &Error{Status: http.StatusForbidden, Field: "token", Code: CodeDeviceToken,
		Message: "Token perangkat diperbarui lewat /api/devices/refresh, bukan auth-refresh. / A device token is renewed through /api/devices/refresh, not auth-refresh."}
)

func bearer(h string) string {
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return h[7:]
	}
	return h
}

// deviceAuth turns a device token into e.Auth (the device's user) and the
// device id in the request store, refusing a bad, expired or revoked one
// with a 401 instead of letting it pass as anonymous.
func deviceAuth(e *core.RequestEvent) error {
	// A file token (?token= on photos and QR images) minted with a device
	// token works only while that device does.
	if ft := e.Request.URL.Query().Get("token"); ft != "" {
		if err := CheckFileToken(e.App, ft); err != nil {
			return apiErr(e, err)
		}
	}
	// PocketBase never loads a device token, so a loaded auth means a
	// token of PocketBase's own: no need to look at it again.
	token := ""
	if e.Auth == nil {
		token = bearer(e.Request.Header.Get("Authorization"))
	}
	if token == "" || !IsDeviceToken(token) {
		// plain user tokens are tracked too: deactivating a user ends
		// its open streams as well
		if e.Auth != nil && e.Auth.Collection().Name == catalog.Users {
			return tracked(e, "")
		}
		return e.Next()
	}
	// These two authenticate by their body; an expired token an app
	// still sends in the header must not stand in the way of renewing it.
	if e.Request.Method == http.MethodPost && (e.Request.URL.Path == "/api/devices/refresh" || e.Request.URL.Path == "/api/devices/activate") {
		return e.Next()
	}
	user, dev, sendOnly, err := authenticate(e.App, token)
	if err != nil {
		return apiErr(e, err)
	}
	if sendOnly && !sendOnlyRoute(e) {
		return errDeviceWipe.APIError()
	}
	if err := deviceRouteAllowed(e); err != nil {
		return err
	}
	e.Auth = user
	e.Set(RequestKey, dev)
	if sendOnly {
		e.Set(sendOnlyKey, true)
		if e.Request.Method == http.MethodPatch {
			return tracked(e, dev, quietAnswer)
		}
	}
	return tracked(e, dev)
}

const sendOnlyKey = "jangkau.devices.sendOnly"

// SendOnly reports whether e comes from a phone revoked with wipe that has
// not yet confirmed its wipe: it may send what it holds (a sync push, a
// photo upload, the confirmation) and is shown nothing; every other
// request of it is refused with CodeDeviceWipe.
func SendOnly(e *core.RequestEvent) bool {
	v, _ := e.Get(sendOnlyKey).(bool)
	return v
}

// sendOnlyRoute: the requests a phone being wiped may still make. The
// native sync push (the field app's protocol; its answer then carries no
// record, see sync), a photo upload onto one of its records (answered
// without the record: quietAnswer), and the confirmation of the wipe.
func sendOnlyRoute(e *core.RequestEvent) bool {
	path, method := e.Request.URL.Path, e.Request.Method
	switch {
	case method == http.MethodPost && (path == "/api/sync/push" || path == wipedPath):
		return true
	case method == http.MethodPatch && strings.HasPrefix(e.Request.Header.Get("Content-Type"), "multipart/form-data"):
		for _, col := range []string{catalog.Activities, catalog.OutreachLogs} {
			rest, ok := strings.CutPrefix(path, "/api/collections/"+col+"/records/")
			if ok && rest != "" && !strings.Contains(rest, "/") {
				return true
			}
		}
	}
	return false
}

// quietWriter keeps the body of an answer from the client: what the
// handler writes is dropped, its status kept.
type quietWriter struct {
	http.ResponseWriter
	status int
}

func (w *quietWriter) WriteHeader(status int) { w.status = status }
func (w *quietWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}

// quietAnswer runs a photo upload of a phone being wiped and answers
// {"ok": true} instead of the record: it learns its photo arrived, and
// nothing of the record as the server has it. A refusal is answered as
// usual (the error names fields, not data).
func quietAnswer(e *core.RequestEvent) error {
	orig := e.Response
	q := &quietWriter{ResponseWriter: orig}
	e.Response = q
	err := e.Next()
	e.Response = orig
	if err != nil {
		return err
	}
	if q.status >= 400 {
		return e.JSON(q.status, map[string]any{"status": q.status, "message": http.StatusText(q.status), "data": map[string]any{}})
	}
	return e.JSON(http.StatusOK, map[string]any{"ok": true})
}

// tracked runs the rest of the request with a context that a revocation
// or deactivation cancels, so that long-lived answers (sync hint streams)
// end at once rather than when the phone hangs up.
func tracked(e *core.RequestEvent, deviceID string, next ...func(*core.RequestEvent) error) error {
	ctx, cancel := context.WithCancel(e.Request.Context())
	defer cancel()
	done := Track(e.App, deviceID, e.Auth.Id, cancel)
	defer done()
	e.Request = e.Request.WithContext(ctx)
	if len(next) > 0 {
		return next[0](e)
	}
	return e.Next()
}

func apiErr(e *core.RequestEvent, err error) error {
	if errors.Is(err, errAccountUnreadable) {
		e.App.Logger().Warn("device token: not read", "error", err)
		return apierr.AuthUnavailable(e.Response.Header())
	}
	var de *Error
	if errors.As(err, &de) {
		return de.APIError()
	}
	return e.InternalServerError("", err)
}

func signedIn(e *core.RequestEvent) (access.Actor, error) {
	if e.Auth == nil {
		return access.Actor{}, errSignInRequired.APIError()
	}
	return access.ActorOf(e.Auth), nil
}

func listDevices(e *core.RequestEvent) error {
	a, err := signedIn(e)
	if err != nil {
		return err
	}
	f, err := ParseFilter(e.Request.URL.Query().Get)
	if err != nil {
		return apiErr(e, err)
	}
	page, err := List(e.App, a, f)
	if err != nil {
		return apiErr(e, err)
	}
	q := e.Request.URL.Query()
	note := audit.Note(map[string]any{"route": "/api/devices", "stale": q.Get("stale"), "state": q.Get("state"), "user": q.Get("user"),
		"regency": q.Get("regency"), "page": page.Page, "perPage": page.PerPage, "returned": len(page.Items), "total": page.TotalItems})
	if err := audit.Read(e, audit.Entry{Action: audit.ActionList, Collection: catalog.Devices, Note: note}); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, page)
}

// consoleActor is the signed-in caller of a console route (enrolling and
// revoking devices), which a phone's device token may not call.
func consoleActor(e *core.RequestEvent) (access.Actor, error) {
	if FromRequest(e) != "" && !access.ManageFromPhone {
		return access.Actor{}, errDeviceConsole.APIError()
	}
	return signedIn(e)
}

func createEnrollment(e *core.RequestEvent) error {
	a, err := consoleActor(e)
	if err != nil {
		return err
	}
	var body struct {
		User string `json:"user"`
	}
	if err := e.BindBody(&body); err != nil {
		return apierr.InvalidBody(err)
	}
	enr, err := CreateEnrollment(e.App, a, body.User)
	if err != nil {
		return apiErr(e, err)
	}
	base := "/api/devices/enrollments/" + enr.Record.Id
	expires, _ := types.ParseDateTime(enr.ExpiresAt)
	server, from := PublicURL(e.App, e.Request)
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, map[string]any{
		"id":             enr.Record.Id,
		"user":           enr.Record.GetString("user"),
		"code":           enr.Code,
		"shortCode":      enr.ShortCode,
		"expiresAt":      expires.String(),
		"uri":            EnrollmentURI(server, enr.Code),
		"server":         server,
		"serverFrom":     from,
		"serverLoopback": IsLoopbackURL(server),
		"qr":             base + "/qr.png",
		"qrSvg":          base + "/qr.svg",
	})
}

// enrollmentQR serves the QR image of a pending enrollment to whoever may
// manage the user: with the Authorization header, or, for an <img> tag, a
// PocketBase file token in ?token= (as for protected files).
func enrollmentQR(svg bool) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if FromRequest(e) != "" {
			return errDeviceConsole.APIError()
		}
		auth := e.Auth
		if auth == nil {
			if t := e.Request.URL.Query().Get("token"); t != "" {
				if FileTokenDevice(t) != "" {
					return errDeviceConsole.APIError()
				}
				auth, _ = e.App.FindAuthRecordByToken(t, core.TokenTypeFile)
			}
		}
		if auth == nil || (auth.Collection().Name == catalog.Users && auth.GetBool("deactivated")) {
			return errSignInRequired.APIError()
		}
		_, code, err := PendingEnrollment(e.App, access.ActorOf(auth), e.Request.PathValue("id"))
		if err != nil {
			return apiErr(e, err)
		}
		server, _ := PublicURL(e.App, e.Request)
		uri := EnrollmentURI(server, code)
		e.Response.Header().Set("Cache-Control", "no-store")
		if svg {
			img, err := QRSVG(uri)
			if err != nil {
				return apiErr(e, err)
			}
			return e.Blob(http.StatusOK, "image/svg+xml", img)
		}
		img, err := QRPNG(uri, 8)
		if err != nil {
			return apiErr(e, err)
		}
		return e.Blob(http.StatusOK, "image/png", img)
	}
}

func credentialsJSON(c *Credentials) map[string]any {
	tokenExp, _ := types.ParseDateTime(c.TokenExpires)
	refreshExp, _ := types.ParseDateTime(c.RefreshExpires)
	return map[string]any{
		"device":           JSON(c.Device),
		"token":            c.Token,
		"tokenExpiresAt":   tokenExp.String(),
		"refreshToken":     c.RefreshToken,
		"refreshExpiresAt": refreshExp.String(),
		"record": map[string]any{
			"id":       c.User.Id,
			"email":    c.User.Email(),
			"name":     c.User.GetString("name"),
			"role":     c.User.GetString("role"),
			"area":     c.User.GetString("area"),
			"regency":  c.User.GetString("regency"),
			"cluster":  c.User.GetString("cluster"),
			"position": c.User.GetString("position"),
		},
	}
}

func activateDevice(e *core.RequestEvent) error {
	var in ActivateInput
	if err := e.BindBody(&in); err != nil {
		return apierr.InvalidBody(err)
	}
	creds, err := Activate(e.App, in)
	if err != nil {
		return apiErr(e, err)
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, credentialsJSON(creds))
}

func refreshDevice(e *core.RequestEvent) error {
	var body struct {
		RefreshToken string `json:"refreshToken"`
	}
	if err := e.BindBody(&body); err != nil {
		return apierr.InvalidBody(err)
	}
	creds, err := Refresh(e.App, body.RefreshToken)
	if err != nil {
		return apiErr(e, err)
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	if wipePending(creds.Device) {
		// a phone being wiped gets a token to send with, and nothing else
		// (not even its account: it is about to forget it)
		answer := credentialsJSON(creds)
		delete(answer, "record")
		delete(answer, "device")
		answer["wipe"] = true
		return e.JSON(http.StatusOK, answer)
	}
	return e.JSON(http.StatusOK, credentialsJSON(creds))
}

func revokeDevice(e *core.RequestEvent) error {
	a, err := consoleActor(e)
	if err != nil {
		return err
	}
	var body struct {
		Wipe bool `json:"wipe"`
	}
	if e.Request.ContentLength != 0 {
		if err := e.BindBody(&body); err != nil {
			return apierr.InvalidBody(err)
		}
	}
	dev, err := Revoke(e.App, a, e.Request.PathValue("id"), body.Wipe)
	if err != nil {
		return apiErr(e, err)
	}
	return e.JSON(http.StatusOK, JSON(dev))
}

const wipedPath = "/api/devices/wiped"

// confirmWipe answers POST /api/devices/wiped: the phone, revoked with
// wipe, has sent what it held and deletes its data. Only that phone's own
// token may say so.
func confirmWipe(e *core.RequestEvent) error {
	dev := FromRequest(e)
	if dev == "" || !SendOnly(e) {
		return errNotWiping.APIError()
	}
	if _, err := ConfirmWipe(e.App, dev); err != nil {
		return apiErr(e, err)
	}
	return e.JSON(http.StatusOK, map[string]any{"wiped": true})
}
