package migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// PocketBase's rate limiter on, with Jangkau's rules (docs/security.md), once
// per installation: an operator's later edits in Settings > Rate limiting are
// never overwritten, and settings an operator had already edited only gain
// the missing rules. Going down leaves the settings as they are (they belong
// to the operator by then). The rules are written out here (frozen): a later
// change of ratelimit.Defaults needs a migration of its own.
func init() {
	rules := []core.RateLimitRule{
		{Label: "users:authWithPassword", MaxRequests: 30, Duration: 60},
		{Label: "_superusers:authWithPassword", MaxRequests: 5, Duration: 60},
		{Label: "*:auth", MaxRequests: 10, Duration: 60},
		{Label: "*:authRefresh", MaxRequests: 60, Duration: 60},
		{Label: "POST /api/devices/activate", MaxRequests: 20, Duration: 60},
		{Label: "POST /api/devices/refresh", MaxRequests: 60, Duration: 60},
		{Label: "POST /api/devices/enrollments", MaxRequests: 60, Duration: 60},
		{Label: "/api/sync/", Audience: core.RateLimitRuleAudienceGuest, MaxRequests: 120, Duration: 60},
		{Label: "/api/sync/", Audience: core.RateLimitRuleAudienceAuth, MaxRequests: 12000, Duration: 60},
	}
	// the rules PocketBase writes on a new installation, with the limiter
	// off: settings still holding exactly these were never edited
	factory := []core.RateLimitRule{
		{Label: "*:auth", MaxRequests: 2, Duration: 3},
		{Label: "*:create", MaxRequests: 20, Duration: 5},
		{Label: "/api/batch", MaxRequests: 3, Duration: 1},
		{Label: "/api/", MaxRequests: 300, Duration: 10},
	}
	m.Register(func(app core.App) error {
		s := app.Settings()
		rl := &s.RateLimits
		untouched := !rl.Enabled && len(rl.Rules) == len(factory) &&
			!slices.ContainsFunc(rl.Rules, func(r core.RateLimitRule) bool { return !slices.Contains(factory, r) })
		changed := false
		if untouched {
			rl.Rules, rl.Enabled, changed = slices.Clone(rules), true, true
		} else {
			for _, d := range rules {
				if !slices.ContainsFunc(rl.Rules, func(r core.RateLimitRule) bool { return r.Label == d.Label && r.Audience == d.Audience }) {
					rl.Rules = append(rl.Rules, d)
					changed = true
				}
			}
		}
		if !changed {
			return nil
		}
		return app.Save(s)
	}, nil)
}
