// Package ratelimit holds Jangkau's default rules for PocketBase's rate
// limiter (Settings > Rate limiting in the admin UI), which a migration
// switches on once per installation, and the bilingual 429 answer.
//
// PocketBase counts per client IP (behind a proxy: the IP of the trusted
// header, Settings > Trusted proxy), per rule, in fixed windows. Phones on
// mobile data often share one public IP (carrier-grade NAT) and a training
// session shares one Wi-Fi, so every limit is set well above what the
// people of one IP do in a window, and far below what guessing needs.
package ratelimit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Defaults are the rules a new installation starts with (documented in
// docs/security.md). Migration 1764812100_rate_limits.go sets them and holds
// its own frozen copy; a test checks a new installation serves exactly these. The first matching label wins; superusers' own
// requests are never limited (their sign-in is).
var Defaults = []core.RateLimitRule{
	// password sign-in: users of the console and the field app
	{Label: "users:authWithPassword", MaxRequests: 30, Duration: 60},
	// superusers (the admin UI): few people, the most powerful accounts
	{Label: "_superusers:authWithPassword", MaxRequests: 5, Duration: 60},
	// any other sign-in method of any collection (OTP, OAuth2), should one be enabled
	{Label: "*:auth", MaxRequests: 10, Duration: 60},
	// renewing a password session's token (the console does it on load)
	{Label: "*:authRefresh", MaxRequests: 60, Duration: 60},
	// phone activation: one per phone; a code guess is one request
	{Label: "POST /api/devices/activate", MaxRequests: 20, Duration: 60},
	// device token renewal: once an hour per phone
	{Label: "POST /api/devices/refresh", MaxRequests: 60, Duration: 60},
	// enrollment codes made in the console
	{Label: "POST /api/devices/enrollments", MaxRequests: 60, Duration: 60},
	// every sync endpoint (/api/sync/...) together: pulls, pushes, streams.
	// Without a token a sync request is refused anyway: guests get little.
	// Signed-in phones get a ceiling a whole district behind one mobile
	// carrier's NAT never reaches (500 phones, a first pull and 4 pushes
	// each, is 2,500 requests): it stops a runaway client loop, not a
	// district's morning.
	{Label: "/api/sync/", Audience: core.RateLimitRuleAudienceGuest, MaxRequests: 120, Duration: 60},
	{Label: "/api/sync/", Audience: core.RateLimitRuleAudienceAuth, MaxRequests: 12000, Duration: 60},
}

// Code is the error code of a request refused by the limiter.
const Code = "rate_limited"

// Refusal turns PocketBase's 429 (which says only "Too Many Requests.")
// into a bilingual one, and gives the seconds after which the rule's window
// has surely started again (for Retry-After).
func Refusal(pbErr *router.ApiError) (*router.ApiError, int64) {
	wait := int64(60)
	if raw, ok := pbErr.RawData().(error); ok {
		// PocketBase names the rule: "triggered rate limit rule: {json}"
		if _, js, found := strings.Cut(raw.Error(), "rule: "); found {
			var rule core.RateLimitRule
			if json.Unmarshal([]byte(js), &rule) == nil && rule.Duration > 0 {
				wait = rule.Duration
			}
		}
	}
	msg := fmt.Sprintf("Terlalu banyak permintaan dari alamat ini; coba lagi dalam %d detik. / Too many requests from this address; try again in %d seconds.", wait, wait)
	return router.NewApiError(http.StatusTooManyRequests, msg, validation.Errors{"request": validation.NewError(Code, msg)}), wait
}

// Raise lifts every rule of s to at least atLeast requests per window, for
// benchmarks and for tests of something other than the limiter, which
// send more from 127.0.0.1 in a minute than any real address does. The
// limiter stays on and keeps counting; tests of the limiter itself use the
// defaults.
func Raise(s *core.Settings, atLeast int) {
	for i := range s.RateLimits.Rules {
		s.RateLimits.Rules[i].MaxRequests = max(s.RateLimits.Rules[i].MaxRequests, atLeast)
	}
}
