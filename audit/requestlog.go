package audit

import (
	"net/url"
	"sort"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/internal/wiring"
	"jangkau/privacy"
)

// redactedValue stands for every query value PocketBase's request log
// would otherwise keep.
const redactedValue = "_"

// bindRequestLogRedaction strips the values of query strings from
// PocketBase's request log (the _logs table of auxiliary.db) before it is
// written. A list filter carries what an officer typed (a name searched
// for, a phrase of a note), and the log would keep it for days outside the
// audit trail's rules; the parameter names stay, so an operator still
// sees which filters were used.
func bindRequestLogRedaction(app core.App) {
	app.OnModelCreate(core.LogsTableName).Bind(&hook.Handler[*core.ModelEvent]{
		Id: "jangkau.audit.requestLog", Priority: wiring.ModelCheck,
		Func: func(e *core.ModelEvent) error {
			if l, ok := e.Model.(*core.Log); ok && l.Data["type"] == "request" {
				// The message is the method and the unescaped request URI.
				l.Message = RedactQuery(l.Message)
				for _, key := range []string{"url", "referer"} {
					if s, ok := l.Data[key].(string); ok && s != "" {
						l.Data[key] = RedactQuery(s)
					}
				}
			}
			return e.Next()
		},
	})
}

// RedactQuery returns raw (a request URI or an absolute URL) with every
// query value and any fragment replaced, its path and parameter names
// kept: "/api/x?filter=name~'Siti'&page=2" becomes "/api/x?filter=_&page=_".
// Identifiers in the path are masked (privacy.Redact).
func RedactQuery(raw string) string {
	raw, _, _ = strings.Cut(raw, "#")
	path, query, hasQuery := strings.Cut(raw, "?")
	// A path may hold an identifier a client chose (a record id asked for
	// that carries a phone number): masked as the privacy guard reads it.
	if p, err := url.PathUnescape(path); err == nil {
		if masked := privacy.Redact(p); masked != p {
			path = masked
		}
	}
	if !hasQuery {
		return path
	}
	values, err := url.ParseQuery(query)
	if err != nil && len(values) == 0 {
		return path + "?" + redactedValue
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, url.QueryEscape(k)+"="+redactedValue)
	}
	return path + "?" + strings.Join(parts, "&")
}
