package devices

import (
	"crypto/rand"
	"errors"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/privacy"
)

// Enrollment is a one-time invitation for one user's phone: Code is the
// signed JWT the QR code carries; ShortCode the same invitation in twelve
// characters a person can type when the camera fails.
type Enrollment struct {
	Record    *core.Record
	Code      string
	ShortCode string
	ExpiresAt time.Time
}

// Crockford's base32: no I, L, O or U, so a typed code survives misreading.
const shortAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func newShortCode() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	out := make([]byte, 0, 14)
	for i, v := range b {
		if i == 4 || i == 8 {
			out = append(out, '-')
		}
		out = append(out, shortAlphabet[v&31]) // 5 bits a character, 60 in all
	}
	return string(out)
}

// normalizeShortCode undoes what people do to a typed code: lower case,
// spaces and dashes, O for 0 and I or L for 1.
func normalizeShortCode(s string) string {
	s = strings.ToUpper(s)
	s = strings.NewReplacer("-", "", " ", "", "O", "0", "I", "1", "L", "1").Replace(s)
	if len(s) != 12 {
		return ""
	}
	for _, r := range s {
		if !strings.ContainsRune(shortAlphabet, r) {
			return ""
		}
	}
	return s
}

// CreateEnrollment makes a one-time enrollment for the user with id userID,
// if the actor may manage that user's devices.
func CreateEnrollment(app core.App, by access.Actor, userID string) (*Enrollment, error) {
	if !CanManageAny(by) {
		return nil, errManagerRole
	}
	if strings.TrimSpace(userID) == "" {
		return nil, errUserRequired
	}
	user, err := app.FindRecordById(catalog.Users, userID)
	if err != nil {
		return nil, errUnknownUser
	}
	if e := checkManager(by, user, errUnknownUser); e != nil {
		return nil, e
	}
	if user.GetBool("deactivated") {
		return nil, errEnrollDeactivated
	}
	if !access.HasPhone(user.GetString("role")) {
		return nil, errDeskRole
	}
	col, err := app.FindCollectionByNameOrId(catalog.DeviceEnrollments)
	if err != nil {
		return nil, err
	}
	short := newShortCode()
	expires := Now(app).Add(EnrollmentLifetime).Truncate(time.Second)
	rec := core.NewRecord(col)
	rec.Set("user", user.Id)
	if by.Superuser {
		rec.Set("created_by_superuser", by.ID)
	} else {
		rec.Set("created_by", by.ID)
	}
	rec.Set("expires_at", expires)
	rec.Set("short_hash", hash(normalizeShortCode(short)))
	bindToAccount(rec, user)
	if err := app.Save(rec); err != nil {
		return nil, err
	}
	code, err := EnrollmentCode(app, rec)
	if err != nil {
		return nil, err
	}
	return &Enrollment{Record: rec, Code: code, ShortCode: short, ExpiresAt: expires}, nil
}

// bindToAccount writes on an enrollment the account as it is now: the
// role, area, regency, cluster and the feed position of the last scope
// change. A device enrolled with the code gets exactly that reach or none.
func bindToAccount(enr, user *core.Record) {
	enr.Set("bound_role", user.GetString("role"))
	enr.Set("bound_area", user.GetString("area"))
	enr.Set("bound_regency", user.GetString("regency"))
	enr.Set("bound_cluster", user.GetString("cluster"))
	enr.Set("bound_scope_seq", user.GetInt("scope_seq"))
}

// accountChangedSince refuses an enrollment whose account is no longer
// what it was at issue (or was deactivated meanwhile, even if active
// again), naming what changed.
func accountChangedSince(enr, user *core.Record) *Error {
	if enr.GetString("voided_reason") == ReasonUserDeactivated {
		return errCodeUserDeactivated
	}
	switch {
	case enr.GetString("bound_role") != user.GetString("role"):
		return errCodeRoleChanged
	case enr.GetString("bound_area") != user.GetString("area"), enr.GetString("bound_regency") != user.GetString("regency"):
		return errCodeAreaChanged
	case enr.GetString("bound_cluster") != user.GetString("cluster"):
		return errCodeClusterChanged
	case enr.GetInt("bound_scope_seq") != user.GetInt("scope_seq"), enr.GetString("voided_reason") != "":
		// the scope moved, or changed and changed back
		return errCodeAccountChanged
	}
	return nil
}

// EnrollmentCode is the signed code of an enrollment record. It is not
// stored: signing the same claims again gives the same code, so the QR
// image can be drawn later without keeping a credential in the database.
func EnrollmentCode(app core.App, enr *core.Record) (string, error) {
	exp := enr.GetDateTime("expires_at").Time()
	return sign(app, purposeEnrollment, &claims{RegisteredClaims: jwt.RegisteredClaims{
		Subject:   enr.GetString("user"),
		ID:        enr.Id,
		IssuedAt:  jwt.NewNumericDate(exp.Add(-EnrollmentLifetime)),
		ExpiresAt: jwt.NewNumericDate(exp),
	}})
}

// DefaultAppURL is PocketBase's Application URL until an operator changes
// it: it names the developer's own machine, never the server a phone sees.
const DefaultAppURL = "http://localhost:8090"

// Where the server URL of an enrollment link came from.
const (
	URLFromSettings = "settings" // the Application URL an operator set
	URLFromRequest  = "request"  // the address the console used to reach the server
)

// PublicURL is the address phones should use to reach the server: the
// Application URL of the settings when an operator set one, else the
// address of the request (the host the console itself reached). The scheme
// is https under TLS, or when a trusted proxy is configured (Settings >
// Trusted proxy) and it says X-Forwarded-Proto: https; a header from an
// untrusted client is ignored. It also says which of the two it used.
func PublicURL(app core.App, r *http.Request) (string, string) {
	set := strings.TrimRight(app.Settings().Meta.AppURL, "/")
	if set != "" && set != DefaultAppURL || r == nil || r.Host == "" {
		return set, URLFromSettings
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	} else if len(app.Settings().TrustedProxy.Headers) > 0 && strings.EqualFold(strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0]), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host, URLFromRequest
}

// IsLoopbackURL tells whether u names the machine itself (localhost,
// 127.x, ::1), an address a phone cannot open.
func IsLoopbackURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	h := strings.ToLower(p.Hostname())
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// EnrollmentURI is what the QR code says: the server to talk to (server,
// from PublicURL) and the code. With an http(s) server it is a web link to
// the field app's activation page, so the phone's own camera opens it in the
// browser (a native app may claim the same link); without one it falls back
// to the jangkau:// scheme, which only an installed app understands.
func EnrollmentURI(server, code string) string {
	server = strings.TrimRight(server, "/")
	q := url.Values{}
	q.Set("server", server)
	q.Set("code", code)
	if strings.HasPrefix(server, "https://") || strings.HasPrefix(server, "http://") {
		return server + "/app/#/activate?" + q.Encode()
	}
	return "jangkau://enroll?" + q.Encode()
}

// PendingEnrollment returns an enrollment the actor may see that can still
// be activated, with its code (for drawing the QR image).
func PendingEnrollment(app core.App, by access.Actor, id string) (*core.Record, string, error) {
	if !CanManageAny(by) {
		return nil, "", errManagerRole
	}
	enr, err := app.FindRecordById(catalog.DeviceEnrollments, id)
	if err != nil {
		return nil, "", errEnrollmentNotFound
	}
	user, err := app.FindRecordById(catalog.Users, enr.GetString("user"))
	if err != nil {
		return nil, "", errEnrollmentNotFound
	}
	if e := checkManager(by, user, errEnrollmentNotFound); e != nil {
		return nil, "", e
	}
	if !enr.GetDateTime("used_at").IsZero() || !Now(app).Before(enr.GetDateTime("expires_at").Time()) {
		return nil, "", errEnrollmentGone
	}
	if e := accountChangedSince(enr, user); e != nil {
		return nil, "", e
	}
	code, err := EnrollmentCode(app, enr)
	return enr, code, err
}

// ActivateInput is what a phone sends to activate.
type ActivateInput struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Platform   string `json:"platform"`
	AppVersion string `json:"appVersion"`
	ClientID   string `json:"clientId"`
}

var clientIDRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

func (in *ActivateInput) validate() *Error {
	in.Name = strings.TrimSpace(in.Name)
	in.Platform = strings.TrimSpace(in.Platform)
	in.AppVersion = strings.TrimSpace(in.AppVersion)
	in.ClientID = strings.TrimSpace(in.ClientID)
	if strings.TrimSpace(in.Code) == "" {
		return fieldErr("code", CodeRequired, "Kode pendaftaran wajib diisi. / The enrollment code is required.")
	}
	if in.Name == "" {
		return fieldErr("name", CodeRequired, "Nama perangkat wajib diisi (mis. \"HP Desa Hajimena\"). / The device name is required (e.g. \"Hajimena village phone\").")
	}
	for _, f := range []struct {
		field, value string
		max          int
	}{{"name", in.Name, 100}, {"platform", in.Platform, 50}, {"appVersion", in.AppVersion, 50}} {
		if utf8.RuneCountInString(f.value) > f.max {
			return fieldErr(f.field, CodeTooLong, "Terlalu panjang. / Too long.")
		}
		if v := privacy.CheckText(f.value); v != nil {
			return fieldErr(f.field, v.Code(), v.Error())
		}
	}
	if in.ClientID != "" && !clientIDRe.MatchString(in.ClientID) {
		return fieldErr("clientId", CodeInvalidValue, "Isian clientId hanya A-Z a-z 0-9 _ - (maks. 100). / The clientId takes only A-Z a-z 0-9 _ - (at most 100).")
	}
	if v := privacy.CheckID("clientId", in.ClientID); v != nil {
		return fieldErr("clientId", v.Code(), v.Error())
	}
	return nil
}

// findEnrollment resolves a code (a signed JWT from the QR, or the typed
// short code) to its enrollment record; nothing is changed.
func findEnrollment(app core.App, code string) (*core.Record, *Error) {
	code = strings.TrimSpace(code)
	if strings.Count(code, ".") == 2 {
		c, err := parse(app, purposeEnrollment, code)
		if err != nil {
			if errors.Is(err, jwt.ErrTokenExpired) {
				return nil, errCodeExpired
			}
			return nil, errCodeInvalid
		}
		enr, ferr := app.FindRecordById(catalog.DeviceEnrollments, c.ID)
		if ferr != nil || enr.GetString("user") != c.Subject {
			return nil, errCodeInvalid
		}
		return enr, nil
	}
	short := normalizeShortCode(code)
	if short == "" {
		return nil, errCodeInvalid
	}
	enr, err := app.FindFirstRecordByData(catalog.DeviceEnrollments, "short_hash", hash(short))
	if err != nil {
		return nil, errCodeInvalid
	}
	return enr, nil
}

// Activate turns an enrollment code into an enrolled device and its first
// credentials. The code is consumed in the same transaction that creates
// the device, so it works exactly once; a refused activation changes
// nothing, and bad input is refused before the code is looked at.
func Activate(app core.App, in ActivateInput) (*Credentials, error) {
	if e := in.validate(); e != nil {
		return nil, e
	}
	enr, e := findEnrollment(app, in.Code)
	if e != nil {
		return nil, e
	}
	var creds *Credentials
	replaced := ""
	err := app.RunInTransaction(func(tx core.App) error {
		enr, err := tx.FindRecordById(catalog.DeviceEnrollments, enr.Id)
		if err != nil {
			return errCodeInvalid
		}
		if !enr.GetDateTime("used_at").IsZero() {
			if c := activationReplay(tx, enr, in); c != nil {
				creds = c
				return nil
			}
			return errCodeUsed
		}
		now := Now(tx)
		if !now.Before(enr.GetDateTime("expires_at").Time()) {
			return errCodeExpired
		}
		user, err := tx.FindRecordById(catalog.Users, enr.GetString("user"))
		if err != nil {
			return errCodeInvalid
		}
		if user.GetBool("deactivated") {
			return errCodeUserDeactivated
		}
		if e := accountChangedSince(enr, user); e != nil {
			return e
		}
		if !access.HasPhone(user.GetString("role")) {
			return errDeskRole // a code issued before desk roles were refused
		}
		if in.ClientID != "" {
			if err := supersedeClientID(tx, user.Id, in.ClientID, &replaced); err != nil {
				return err
			}
		}
		dev, err := deviceForActivation(tx, user.Id, in.ClientID)
		if err != nil {
			return err
		}
		dev.Set("user", user.Id)
		dev.Set("area", user.GetString("area"))
		dev.Set("regency", areas.RegencyOf(user.GetString("area")))
		dev.Set("client_id", in.ClientID)
		dev.Set("name", in.Name)
		dev.Set("platform", in.Platform)
		dev.Set("app_version", in.AppVersion)
		dev.Set("enrolled", true)
		dev.Set("enrolled_at", now)
		dev.Set("enrollment", enr.Id)
		dev.Set("enrolled_by", enr.GetString("created_by"))
		dev.Set("enrolled_by_superuser", enr.GetString("created_by_superuser"))
		if dev.Id == "" {
			dev.Id = core.GenerateDefaultRandomId()
		}
		c, err := issue(tx, dev, 1)
		if err != nil {
			return err
		}
		if err := tx.Save(dev); err != nil {
			return err
		}
		enr.Set("used_at", now)
		enr.Set("device", dev.Id)
		if err := tx.Save(enr); err != nil {
			return err
		}
		c.User = user
		creds = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	if replaced != "" {
		afterRevoke(app, replaced)
	}
	return creds, nil
}

// ActivationRetryGrace is how long after an activation the phone that
// made it may send it again and get the same credentials (activationReplay):
// long enough for a server restarted after a crash, short against a code
// seen by someone else (who would also need the phone's client id).
const ActivationRetryGrace = 5 * time.Minute

// activationReplay answers an activation sent again by the phone that made
// it (the same code and client id) whose answer was lost: the connection
// dropped, or the server stopped right after the commit. It hands out the
// credentials that activation issued, unchanged (reissue), while the phone
// has not yet renewed them (generation 1), within ActivationRetryGrace, and
// writes nothing; otherwise nil (the code is used).
func activationReplay(tx core.App, enr *core.Record, in ActivateInput) *Credentials {
	if in.ClientID == "" || enr.GetString("device") == "" || Now(tx).Sub(enr.GetDateTime("used_at").Time()) > ActivationRetryGrace {
		return nil
	}
	dev, err := tx.FindRecordById(catalog.Devices, enr.GetString("device"))
	if err != nil || dev.GetString("client_id") != in.ClientID || dev.GetInt("refresh_gen") != 1 || !dev.GetDateTime("revoked_at").IsZero() {
		return nil
	}
	user, err := tx.FindRecordById(catalog.Users, dev.GetString("user"))
	if err != nil || user.GetBool("deactivated") {
		return nil
	}
	c, err := reissue(tx, dev)
	if err != nil {
		return nil
	}
	c.User = user
	return c
}

// deviceForActivation reuses the unenrolled record the sync code made for
// this install (found by its client id) so its health history is kept;
// otherwise a new device record.
func deviceForActivation(app core.App, userID, clientID string) (*core.Record, error) {
	if clientID != "" {
		dev, err := app.FindFirstRecordByFilter(catalog.Devices, "user = {:u} && client_id = {:c}", map[string]any{"u": userID, "c": clientID})
		if err == nil && !dev.GetBool("enrolled") && dev.GetDateTime("revoked_at").IsZero() {
			return dev, nil
		}
	}
	col, err := app.FindCollectionByNameOrId(catalog.Devices)
	if err != nil {
		return nil, err
	}
	return core.NewRecord(col), nil
}

// supersedeClientID frees the client id from an earlier enrollment of the
// same install (the app was reinstalled or its data cleared): that device's
// credentials are gone with the old install, so it is revoked as replaced
// and keeps its history under an empty client id.
func supersedeClientID(app core.App, userID, clientID string, replaced *string) error {
	dev, err := app.FindFirstRecordByFilter(catalog.Devices, "user = {:u} && client_id = {:c} && enrolled = true", map[string]any{"u": userID, "c": clientID})
	if err != nil {
		return nil
	}
	if dev.GetDateTime("revoked_at").IsZero() {
		*replaced = dev.Id
		setRevoked(app, dev, ReasonReplaced, access.Actor{})
	}
	dev.Set("client_id", "")
	return app.Save(dev)
}
