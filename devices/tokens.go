package devices

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
)

// Lifetimes of the credentials (documented in docs/devices.md).
const (
	// EnrollmentLifetime is how long an enrollment code can be activated.
	EnrollmentLifetime = 72 * time.Hour
	// AccessTokenLifetime is how long a device token works before the app
	// must refresh it. Revocation does not wait for it: every request
	// checks the device.
	AccessTokenLifetime = time.Hour
	// RefreshTokenLifetime is how long a refresh token stays good after it
	// was issued, that is after the last refresh: a sliding window, so a
	// phone that syncs at least every 120 days never needs a password.
	RefreshTokenLifetime = 120 * 24 * time.Hour
	// RefreshRetryGrace lets the refresh token presented in the last
	// rotation be presented again shortly after, because village networks
	// drop answers: the app retries a refresh whose answer it never got.
	// Any other used token, or the same one after the grace, revokes the
	// device.
	RefreshRetryGrace = 30 * time.Second
)

// The iss and aud claims of Jangkau's device tokens. The claim names avoid
// PocketBase's own ("id", "type", "collectionId"), so PocketBase's token
// loader never mistakes a device token for one of its own.
const (
	issuer        = "jangkau"
	audAccess     = "jangkau-device"
	audRefresh    = "jangkau-device-refresh"
	audEnrollment = "jangkau-enroll"
)

// claims are the registered claims plus the device and, for refresh
// tokens, the generation in the device's refresh lineage.
type claims struct {
	jwt.RegisteredClaims
	Device string `json:"dev,omitempty"`
	Gen    int64  `json:"gen,omitempty"`
}

var audByPurpose = map[string]string{purposeEnrollment: audEnrollment, purposeAccess: audAccess, purposeRefresh: audRefresh}

func sign(app core.App, purpose string, c *claims) (string, error) {
	kr, err := keys(app)
	if err != nil {
		return "", err
	}
	return signWith(kr.signing[purpose], purpose, c)
}

// signWith signs c with the key k (of the purpose).
func signWith(k signingKey, purpose string, c *claims) (string, error) {
	c.Issuer = issuer
	c.Audience = jwt.ClaimStrings{audByPurpose[purpose]}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	t.Header["kid"] = k.id
	return t.SignedString(k.secret)
}

var errUnknownKey = errors.New("unknown signing key")

// parse verifies a token of the purpose: HS256 only (never "none" or another
// algorithm), signed by one of the server's keys of that purpose, issued by
// Jangkau for that audience, not expired by the app's clock.
func parse(app core.App, purpose, token string) (*claims, error) {
	kr, err := keys(app)
	if err != nil {
		return nil, err
	}
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audByPurpose[purpose]),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(func() time.Time { return Now(app) }),
	)
	c := &claims{}
	_, err = p.ParseWithClaims(token, c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, ok := kr.byID[kid]
		if !ok || k.purpose != purpose {
			return nil, errUnknownKey
		}
		return k.secret, nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// IsDeviceToken reports whether an Authorization value claims to be one of
// Jangkau's device credentials (without verifying it): such a token is then
// either accepted by the device middleware or refused with a 401, never
// silently treated as anonymous.
func IsDeviceToken(token string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return false
	}
	// Only the payload is read, so that any header (an unknown or "none"
	// algorithm) still leads to a clear refusal.
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return false
	}
	var c claims
	if json.Unmarshal(raw, &c) != nil || c.Issuer != issuer {
		return false
	}
	for _, a := range c.Audience {
		if a == audAccess || a == audRefresh || a == audEnrollment {
			return true
		}
	}
	return false
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Credentials are what a phone keeps after activation or a refresh.
type Credentials struct {
	Device         *core.Record
	User           *core.Record
	Token          string
	TokenExpires   time.Time
	RefreshToken   string
	RefreshExpires time.Time
}

// refreshJTI is the id of the refresh token of generation gen of device
// dev issued at iat, derived (HMAC) from the refresh key k that signs it.
// Being derived rather than random, the pair of a rotation can be handed
// out again, identical, to a phone retrying that rotation, while the
// database keeps only its SHA-256 (refresh_hash).
func refreshJTI(k signingKey, dev string, gen int64, iat time.Time) string {
	m := hmac.New(sha256.New, k.secret)
	fmt.Fprintf(m, "jangkau-refresh-jti|%s|%d|%d", dev, gen, iat.UnixMilli())
	return hex.EncodeToString(m.Sum(nil))
}

// issue mints a token pair for dev at generation gen and writes the
// lineage fields on dev (the caller saves it in its transaction).
func issue(app core.App, dev *core.Record, gen int64) (*Credentials, error) {
	kr, err := keys(app)
	if err != nil {
		return nil, err
	}
	// milliseconds: what the database keeps of refresh_at, from which a
	// retry re-derives the same pair
	now := Now(app).Truncate(time.Millisecond)
	k := kr.signing[purposeRefresh]
	jti := refreshJTI(k, dev.Id, gen, now)
	creds, err := pair(app, k, dev, gen, now, jti)
	if err != nil {
		return nil, err
	}
	dev.Set("refresh_gen", gen)
	dev.Set("refresh_hash", hash(jti))
	dev.Set("refresh_at", now)
	dev.Set("refresh_expires", now.Add(RefreshTokenLifetime))
	dev.Set("last_seen", now)
	return creds, nil
}

// reissue hands out again the pair of dev's last rotation, unchanged in
// every claim, without writing anything: the answer to a retried refresh.
// It needs the refresh key that signed that pair (found by the stored
// hash of its id); once that key is deleted there is nothing to re-derive.
func reissue(app core.App, dev *core.Record) (*Credentials, error) {
	kr, err := keys(app)
	if err != nil {
		return nil, err
	}
	gen := int64(dev.GetInt("refresh_gen"))
	at := dev.GetDateTime("refresh_at").Time()
	want := dev.GetString("refresh_hash")
	for _, k := range kr.byID {
		if k.purpose != purposeRefresh {
			continue
		}
		if jti := refreshJTI(k, dev.Id, gen, at); hash(jti) == want {
			return pair(app, k, dev, gen, at, jti)
		}
	}
	return nil, errRefreshInvalid
}

// pair signs the device token and the refresh token (with key k, id jti)
// of generation gen issued at now.
func pair(app core.App, k signingKey, dev *core.Record, gen int64, now time.Time, jti string) (*Credentials, error) {
	user := dev.GetString("user")
	access, err := sign(app, purposeAccess, &claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: user, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(AccessTokenLifetime))},
		Device:           dev.Id,
	})
	if err != nil {
		return nil, err
	}
	refresh, err := signWith(k, purposeRefresh, &claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: user, ID: jti, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(RefreshTokenLifetime))},
		Device:           dev.Id,
		Gen:              gen,
	})
	if err != nil {
		return nil, err
	}
	return &Credentials{
		Device: dev, Token: access, TokenExpires: now.Add(AccessTokenLifetime).Truncate(time.Second),
		RefreshToken: refresh, RefreshExpires: now.Add(RefreshTokenLifetime).Truncate(time.Second),
	}, nil
}
