package devices_test

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/dbx"

	"jangkau/catalog"
	"jangkau/devices"
	tt "jangkau/internal/testapp"
)

func TestEnrollmentAnswer(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	start := time.Now().UTC()
	setClock(srv.App, start)
	b := mustEnroll(t, srv, tt.VerifierA, tt.OfficerA)
	id := str(b["id"])
	if b["user"] != tt.UserID(tt.OfficerA) || id == "" {
		t.Fatalf("answer: %v", b)
	}
	header, claims := jwtParts(t, str(b["code"]))
	if header["alg"] != "HS256" || header["kid"] == "" {
		t.Errorf("header %v", header)
	}
	if claims["sub"] != tt.UserID(tt.OfficerA) || claims["jti"] != id {
		t.Errorf("claims %v", claims)
	}
	if exp := int64(claims["exp"].(float64)); exp != start.Add(72*time.Hour).Unix() {
		t.Errorf("exp %d, want 72 h from now (%d)", exp, start.Add(72*time.Hour).Unix())
	}
	if !regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`).MatchString(str(b["shortCode"])) {
		t.Errorf("short code %q", b["shortCode"])
	}
	if b["qr"] != "/api/devices/enrollments/"+id+"/qr.png" || b["qrSvg"] != "/api/devices/enrollments/"+id+"/qr.svg" {
		t.Errorf("qr urls %v %v", b["qr"], b["qrSvg"])
	}
	// no Application URL set: the address the console reached
	if uri := str(b["uri"]); !strings.HasPrefix(uri, srv.URL+"/app/#/activate?") || !strings.Contains(uri, "code="+str(b["code"])) {
		t.Errorf("uri %q", uri)
	}
	rec, err := srv.App.FindRecordById(catalog.DeviceEnrollments, id)
	if err != nil || rec.GetString("created_by") != tt.UserID(tt.VerifierA) || !rec.GetDateTime("used_at").IsZero() {
		t.Fatalf("stored enrollment: %v %v", rec, err)
	}
	// the credential itself is not stored: only a hash of the typed code
	for _, v := range rec.FieldsData() {
		if s, ok := v.(string); ok && (s == b["code"] || strings.Contains(s, strings.ReplaceAll(str(b["shortCode"]), "-", ""))) {
			t.Errorf("a code is stored in clear: %q", s)
		}
	}
}

func TestWhoMayEnroll(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	allowed := []struct{ by, user string }{
		{tt.VerifierA, tt.OfficerA},
		{tt.VerifierA, tt.OfficerA2},
		{tt.VerifierB, tt.OfficerB},
		{tt.Secretariat, tt.OfficerB},
		{tt.Secretariat, tt.VerifierA},
		{tt.Secretariat, tt.Taskforce},
		{tt.SuperuserEmail, tt.VerifierB},
	}
	for _, c := range allowed {
		if res := enroll(t, srv, c.by, c.user); res.Status != 200 {
			t.Errorf("%s enrolling %s: %d %s", c.by, c.user, res.Status, res.Body)
		}
	}
	before := count(t, srv.App, catalog.DeviceEnrollments, "")
	refused := []struct {
		by, user    string
		status      int
		field, code string
	}{
		{tt.VerifierA, tt.OfficerB, 400, "user", devices.CodeUnknownUser},
		{tt.VerifierB, tt.OfficerA, 400, "user", devices.CodeUnknownUser},
		{tt.VerifierA, tt.VerifierA, 403, "user", devices.CodeForbiddenRole},
		{tt.VerifierA, tt.VerifierB, 400, "user", devices.CodeUnknownUser},   // outside its regency
		{tt.VerifierA, tt.Secretariat, 400, "user", devices.CodeUnknownUser}, // the province's: outside too
		{tt.OfficerA, tt.OfficerA, 403, "user", devices.CodeForbiddenRole},
		{tt.OfficerA, tt.OfficerA2, 403, "user", devices.CodeForbiddenRole},
		{tt.OfficerB, tt.OfficerB, 403, "user", devices.CodeForbiddenRole},
		{tt.Taskforce, tt.OfficerA, 403, "user", devices.CodeForbiddenRole},
		{tt.Taskforce, tt.Taskforce, 403, "user", devices.CodeForbiddenRole},
	}
	for _, c := range refused {
		wantRefused(t, c.by+" enrolling "+c.user, enroll(t, srv, c.by, c.user), c.status, c.field, c.code)
	}
	tok := tt.Token(t, srv.App, tt.Secretariat)
	wantRefused(t, "unknown user", srv.Do(t, http.MethodPost, enrollURL, tok, map[string]any{"user": "nosuchuser0001"}), 400, "user", devices.CodeUnknownUser)
	// An account of another regency answers as an unknown one, byte for
	// byte: a verifier cannot tell which account ids exist elsewhere.
	if elsewhere, unknown := enroll(t, srv, tt.VerifierA, tt.OfficerB), srv.Do(t, http.MethodPost, enrollURL, tt.Token(t, srv.App, tt.VerifierA), map[string]any{"user": "nosuchuser0001"}); string(elsewhere.Body) != string(unknown.Body) || elsewhere.Status != unknown.Status {
		t.Errorf("another regency's account: %d %s; an unknown one: %d %s", elsewhere.Status, elsewhere.Body, unknown.Status, unknown.Body)
	}
	wantRefused(t, "no user", srv.Do(t, http.MethodPost, enrollURL, tok, map[string]any{}), 400, "user", devices.CodeRequired)
	wantRefused(t, "anonymous", srv.Do(t, http.MethodPost, enrollURL, "", map[string]any{"user": tt.UserID(tt.OfficerA)}), 401, "token", "auth_required")
	if res := srv.Do(t, http.MethodPost, enrollURL, tok, "{not json"); res.Status != 400 {
		t.Errorf("bad json: %d %s", res.Status, res.Body)
	}
	// a deactivated account gets no new phone
	u, _ := srv.App.FindRecordById(catalog.Users, tt.UserID(tt.OfficerA2))
	u.Set("deactivated", true)
	if err := srv.App.Save(u); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, "deactivated user", enroll(t, srv, tt.VerifierA, tt.OfficerA2), 400, "user", devices.CodeUserDeactivated)
	if after := count(t, srv.App, catalog.DeviceEnrollments, ""); after != before {
		t.Errorf("refused enrollments stored: %d -> %d", before, after)
	}
}

// signingKey reads a server key the way an insider with the database would.
func signingKey(t *testing.T, srv *tt.Server, purpose string) (string, []byte) {
	t.Helper()
	rec, err := srv.App.FindFirstRecordByData(catalog.DeviceKeys, "purpose", purpose)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := base64.RawURLEncoding.DecodeString(rec.GetString("secret"))
	if err != nil {
		t.Fatal(err)
	}
	return rec.Id, secret
}

func signWith(t *testing.T, method jwt.SigningMethod, kid string, key any, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEnrollmentCodeAttacks(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	raiseLimits(t, srv.App) // more activations than a minute allows one address: see ratelimit for the limits
	b := mustEnroll(t, srv, tt.VerifierA, tt.OfficerA)
	code := str(b["code"])
	header, claims := jwtParts(t, code)
	parts := strings.Split(code, ".")
	enrKid, enrKey := signingKey(t, srv, "enrollment")
	accessKid, accessKey := signingKey(t, srv, "access")
	foreign := make([]byte, 48)
	_, _ = rand.Read(foreign)
	mc := func(over map[string]any) jwt.MapClaims {
		m := jwt.MapClaims{}
		for k, v := range claims {
			m[k] = v
		}
		for k, v := range over {
			m[k] = v
		}
		return m
	}
	noneHeader := map[string]any{"alg": "none", "typ": "JWT", "kid": header["kid"]}
	tampered := mc(map[string]any{"sub": tt.UserID(tt.OfficerA2)})

	attacks := []struct {
		name, code string
		wantCode   string
	}{
		{"alg none, no signature", b64json(t, noneHeader) + "." + parts[1] + ".", devices.CodeCodeInvalid},
		{"alg none, old signature", b64json(t, noneHeader) + "." + parts[1] + "." + parts[2], devices.CodeCodeInvalid},
		{"HS512 with the real key", signWith(t, jwt.SigningMethodHS512, enrKid, enrKey, mc(nil)), devices.CodeCodeInvalid},
		{"RS256 header, HS256 signature", b64json(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": enrKid}) + "." + parts[1] + "." + parts[2], devices.CodeCodeInvalid},
		{"HS384 with the real key", signWith(t, jwt.SigningMethodHS384, enrKid, enrKey, mc(nil)), devices.CodeCodeInvalid},
		{"tampered user", parts[0] + "." + b64json(t, tampered) + "." + parts[2], devices.CodeCodeInvalid},
		{"tampered expiry", parts[0] + "." + b64json(t, mc(map[string]any{"exp": time.Now().Add(9999 * time.Hour).Unix()})) + "." + parts[2], devices.CodeCodeInvalid},
		{"foreign key, same kid", signWith(t, jwt.SigningMethodHS256, enrKid, foreign, mc(nil)), devices.CodeCodeInvalid},
		{"foreign key, no kid", signWith(t, jwt.SigningMethodHS256, "", foreign, mc(nil)), devices.CodeCodeInvalid},
		{"server's access key", signWith(t, jwt.SigningMethodHS256, accessKid, accessKey, mc(nil)), devices.CodeCodeInvalid},
		{"real key, other user", signWith(t, jwt.SigningMethodHS256, enrKid, enrKey, tampered), devices.CodeCodeInvalid},
		{"real key, unknown enrollment", signWith(t, jwt.SigningMethodHS256, enrKid, enrKey, mc(map[string]any{"jti": "nosuchenrolment"})), devices.CodeCodeInvalid},
		{"real key, wrong audience", signWith(t, jwt.SigningMethodHS256, enrKid, enrKey, mc(map[string]any{"aud": "jangkau-device"})), devices.CodeCodeInvalid},
		{"real key, no expiry", signWith(t, jwt.SigningMethodHS256, enrKid, enrKey, mc(map[string]any{"exp": nil})), devices.CodeCodeInvalid},
		{"real key, expired", signWith(t, jwt.SigningMethodHS256, enrKid, enrKey, mc(map[string]any{"exp": time.Now().Add(-time.Minute).Unix()})), devices.CodeCodeExpired},
		{"garbage", "not-a-code", devices.CodeCodeInvalid},
		{"three dots of nothing", "..", devices.CodeCodeInvalid},
		{"wrong short code", "ABCD-EFGH-JKMN", devices.CodeCodeInvalid},
	}
	for _, a := range attacks {
		res := activate(t, srv, a.code)
		wantRefused(t, a.name, res, 400, "code", a.wantCode)
	}
	if n := count(t, srv.App, catalog.Devices, ""); n != 0 {
		t.Fatalf("%d devices created by refused codes", n)
	}
	// the real code still works once, and only once
	p := phoneFrom(t, activate(t, srv, code))
	wantRefused(t, "reused code", activate(t, srv, code), 409, "code", devices.CodeCodeUsed)
	wantRefused(t, "reused typed code", activate(t, srv, str(b["shortCode"])), 409, "code", devices.CodeCodeUsed)
	if n := count(t, srv.App, catalog.Devices, ""); n != 1 {
		t.Fatalf("%d devices after a reused code", n)
	}
	enr, _ := srv.App.FindRecordById(catalog.DeviceEnrollments, str(b["id"]))
	if enr.GetString("device") != p.Device || enr.GetDateTime("used_at").IsZero() {
		t.Errorf("enrollment not consumed by %s: %v", p.Device, enr.FieldsData())
	}
}

func TestEnrollmentCodeExpiresAfter72Hours(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	start := time.Now().UTC()
	setClock(srv.App, start)
	late := mustEnroll(t, srv, tt.VerifierA, tt.OfficerA)
	onTime := mustEnroll(t, srv, tt.VerifierA, tt.OfficerA2)
	setClock(srv.App, start.Add(71*time.Hour+59*time.Minute))
	phoneFrom(t, activate(t, srv, str(onTime["code"])))
	setClock(srv.App, start.Add(72*time.Hour+time.Second))
	wantRefused(t, "expired code", activate(t, srv, str(late["code"])), 400, "code", devices.CodeCodeExpired)
	wantRefused(t, "expired typed code", activate(t, srv, str(late["shortCode"])), 400, "code", devices.CodeCodeExpired)
	if n := count(t, srv.App, catalog.Devices, "user = {:u}", dbx.Params{"u": tt.UserID(tt.OfficerA)}); n != 0 {
		t.Errorf("expired code made %d devices", n)
	}
}

func TestTypedShortCode(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	b := mustEnroll(t, srv, tt.Secretariat, tt.OfficerB)
	// as a person types it: lower case, spaces instead of dashes
	typed := strings.ToLower(strings.ReplaceAll(str(b["shortCode"]), "-", " "))
	p := phoneFrom(t, activate(t, srv, typed))
	if dev := device(t, srv.App, p.Device); dev.GetString("user") != tt.UserID(tt.OfficerB) {
		t.Errorf("device of %s", dev.GetString("user"))
	}
	wantRefused(t, "JWT after the typed code", activate(t, srv, str(b["code"])), 409, "code", devices.CodeCodeUsed)
}

func TestBadActivationInputKeepsTheCode(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	code := str(mustEnroll(t, srv, tt.VerifierA, tt.OfficerA)["code"])
	bad := []struct {
		body        map[string]any
		field, want string
	}{
		{map[string]any{"code": code}, "name", devices.CodeRequired},
		{map[string]any{"code": code, "name": "   "}, "name", devices.CodeRequired},
		{map[string]any{"code": code, "name": "HP Bu Sari 081234567890"}, "name", "privacy_phone"},
		{map[string]any{"code": code, "name": strings.Repeat("x", 101)}, "name", devices.CodeTooLong},
		{map[string]any{"code": code, "name": "HP", "appVersion": strings.Repeat("9", 51)}, "appVersion", devices.CodeTooLong},
		{map[string]any{"code": code, "name": "HP", "clientId": "bad id!"}, "clientId", devices.CodeInvalidValue},
		{map[string]any{"name": "HP"}, "code", devices.CodeRequired},
	}
	for _, c := range bad {
		wantRefused(t, c.field+"="+c.want, srv.Do(t, http.MethodPost, activateURL, "", c.body), 400, c.field, c.want)
	}
	if n := count(t, srv.App, catalog.Devices, ""); n != 0 {
		t.Fatalf("%d devices from bad input", n)
	}
	phoneFrom(t, activate(t, srv, code))
}
