package devices

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
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
	k := kr.signing[purpose]
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

func randomID() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
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

// issue mints a token pair for dev at generation gen and writes the
// lineage fields on dev (the caller saves it in its transaction).
func issue(app core.App, dev *core.Record, gen int64) (*Credentials, error) {
	now := Now(app)
	user := dev.GetString("user")
	access, err := sign(app, purposeAccess, &claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: user, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(AccessTokenLifetime))},
		Device:           dev.Id,
	})
	if err != nil {
		return nil, err
	}
	jti := randomID()
	refresh, err := sign(app, purposeRefresh, &claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: user, ID: jti, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(RefreshTokenLifetime))},
		Device:           dev.Id,
		Gen:              gen,
	})
	if err != nil {
		return nil, err
	}
	dev.Set("refresh_gen", gen)
	dev.Set("refresh_hash", hash(jti))
	dev.Set("refresh_at", now)
	dev.Set("refresh_expires", now.Add(RefreshTokenLifetime))
	dev.Set("last_seen", now)
	return &Credentials{
		Device: dev, Token: access, TokenExpires: now.Add(AccessTokenLifetime).Truncate(time.Second),
		RefreshToken: refresh, RefreshExpires: now.Add(RefreshTokenLifetime).Truncate(time.Second),
	}, nil
}
