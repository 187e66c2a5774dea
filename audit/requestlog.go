package audit

import (
	"encoding/json"
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
				// A refusal's message may repeat what the client sent (an
				// unknown code, table or column, a record id): what the
				// privacy guard refuses there is masked too.
				if s, ok := l.Data["error"].(string); ok {
					l.Data["error"] = privacy.Redact(s)
				}
				if d, ok := l.Data["details"]; ok && d != nil {
					l.Data["details"] = redactDetails(d)
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

// redactDetails returns an error's details (field errors, as JSON would
// write them) with what the privacy guard refuses masked in every key and
// string; nil when they cannot be read as JSON.
func redactDetails(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var x any
	if err := json.Unmarshal(raw, &x); err != nil {
		return nil
	}
	var walk func(any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case string:
			return privacy.Redact(t)
		case []any:
			for i := range t {
				t[i] = walk(t[i])
			}
		case map[string]any:
			out := make(map[string]any, len(t))
			for k, x := range t {
				out[privacy.Redact(k)] = walk(x)
			}
			return out
		}
		return v
	}
	return walk(x)
}
