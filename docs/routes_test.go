package docs_test

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"jangkau/internal/testapp"
)

// route is one route of a router: its method ("" for any) and full path.
type route struct{ method, path string }

// routesOf walks a router's tree. PocketBase keeps a group's children
// unexported and offers no listing; reflect reads them (read only).
func routesOf(r *router.Router[*core.RequestEvent]) []route {
	var out []route
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		if f := v.FieldByName("Prefix"); f.IsValid() && v.FieldByName("children").IsValid() {
			prefix += f.String()
			children := v.FieldByName("children")
			for i := 0; i < children.Len(); i++ {
				walk(children.Index(i), prefix)
			}
			return
		}
		if m := v.FieldByName("Method"); m.IsValid() {
			out = append(out, route{m.String(), prefix + v.FieldByName("Path").String()})
		}
	}
	walk(reflect.ValueOf(r.RouterGroup), "")
	return out
}

// servedRoutes is every route of app's router after its OnServe hooks,
// less PocketBase's own (documented by PocketBase).
func servedRoutes(t *testing.T) []route {
	app := testapp.New(t)
	stock, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	own := map[route]bool{}
	for _, r := range routesOf(stock) {
		own[r] = true
	}
	served, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	ev := &core.ServeEvent{App: app, Router: served}
	if err := app.OnServe().Trigger(ev, func(*core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	var out []route
	for _, r := range routesOf(served) {
		if !own[r] {
			out = append(out, r)
		}
	}
	return out
}

// notAPIRoutes are served routes that are not an API a client calls, with
// the reason they need no request example.
var notAPIRoutes = map[string]string{
	"/{path...}":       "the web apps' files (pb_public), described in sync.md, Compression and caching",
	"/_/extensions.js": "PocketBase's admin UI (registered by PocketBase on serve)",
}

// TestEveryRouteIsDocumented fails on a route the server serves (besides
// PocketBase's own) that no doc names: a mobile developer only has docs/.
func TestEveryRouteIsDocumented(t *testing.T) {
	files, _ := filepath.Glob("*.md")
	var docs strings.Builder
	for _, f := range append(files, "../README.md") {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs.Write(b)
	}
	text := docs.String()
	routes := servedRoutes(t)
	if len(routes) < 20 {
		t.Fatalf("found only %d routes: the router walk no longer sees them: %v", len(routes), routes)
	}
	param := regexp.MustCompile(`\\\{[^}]*\\\}`)
	for _, r := range routes {
		if _, ok := notAPIRoutes[r.path]; ok {
			continue
		}
		// a {param} may be written with any name ({id}, {collection}) or as a value
		pattern := param.ReplaceAllString(regexp.QuoteMeta(r.path), `[^\s/`+"`"+`?]+`)
		if !regexp.MustCompile(pattern + "([\\s`?)|]|$)").MatchString(text) {
			t.Errorf("%s %s is served but no doc (docs/*.md, README.md) names it", strconv.Quote(r.method), r.path)
		}
	}
}

// TestDocumentedRateLimits compares the tables of rate limits in api.md and
// security.md with the rules a new server gets (its migration).
func TestDocumentedRateLimits(t *testing.T) {
	app := testapp.New(t)
	rules := app.Settings().RateLimits.Rules
	// api.md:      | `users:authWithPassword` | 30 a minute | ...
	//              | `/api/sync/` (signed in) | 12,000 a minute | ...
	// security.md: | `/api/sync/` signed in | 12,000 per 60 s |
	row := regexp.MustCompile("(?m)^\\| `([^`]+)`([^|]*)\\| ([0-9,]+) (a minute|per 60 s) \\|")
	for _, doc := range []string{"api.md", "security.md"} {
		raw, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		documented := map[string]int{}
		for _, m := range row.FindAllStringSubmatch(string(raw), -1) {
			n, _ := strconv.Atoi(strings.ReplaceAll(m[3], ",", ""))
			documented[m[1]+"|"+audienceOf(m[2])] = n
		}
		if len(documented) != len(rules) {
			t.Errorf("%s lists %d rate limits, the server has %d rules", doc, len(documented), len(rules))
		}
		for _, r := range rules {
			n, ok := documented[r.Label+"|"+r.Audience]
			switch {
			case !ok:
				t.Errorf("rule %s (audience %q) is not in %s's table", r.Label, r.Audience, doc)
			case r.Duration != 60 || n != r.MaxRequests:
				t.Errorf("rule %s (audience %q): %s says %d a minute, the server %d per %d s", r.Label, r.Audience, doc, n, r.MaxRequests, r.Duration)
			}
		}
	}
}

// audienceOf reads the table's note on a rule's audience.
func audienceOf(note string) string {
	switch {
	case strings.Contains(note, "without a token"):
		return core.RateLimitRuleAudienceGuest
	case strings.Contains(note, "signed in"):
		return core.RateLimitRuleAudienceAuth
	}
	return ""
}

// withoutExample are served routes no doc example runs, each with the reason
// and where its behaviour is tested instead. Keep it short: a route a phone
// or the console calls deserves an example in its doc.
var withoutExample = map[string]string{
	"GET /api/sync/stream":                        "a server-sent-event stream that never ends; sync/sync_test.go",
	"GET /api/sync/rxdb/{collection}/pull_stream": "a server-sent-event stream that never ends; sync/sync_test.go",
	"POST /api/imports/{kind}/preview":            "a multipart .xlsx upload; imports/rad_test.go",
	"POST /api/imports/{kind}/confirm":            "a multipart .xlsx upload; imports/rad_test.go, imports/accounts_test.go",
	"GET /api/imports/{kind}/template":            "an .xlsx file; imports/rad_test.go",
	"GET /api/devices/enrollments/{id}/qr.png":    "an image; devices/qr_test.go",
	"GET /api/devices/enrollments/{id}/qr.svg":    "an image; devices/qr_test.go",
	"GET /metrics":         "Prometheus text for the operator, not a client API; metrics/metrics_test.go",
	"GET /{path...}":       "the web apps' files; static/static_test.go",
	"GET /_/extensions.js": "PocketBase's admin UI",
}

// TestEveryRouteHasAnExample fails on a served route that no doc example
// runs (TestDocumentedExamples runs them all) and that withoutExample does
// not excuse.
func TestEveryRouteHasAnExample(t *testing.T) {
	files, _ := filepath.Glob("*.md")
	var examples []route
	for _, f := range files {
		for _, s := range parseDoc(t, f) {
			if s.ex != nil {
				p, _, _ := strings.Cut(s.ex.path, "?")
				examples = append(examples, route{s.ex.method, p})
			}
		}
	}
	param := regexp.MustCompile(`\\\{[^}]*\\\}`)
	for _, r := range servedRoutes(t) {
		key := r.method + " " + r.path
		if _, ok := withoutExample[key]; ok {
			continue
		}
		re := regexp.MustCompile("^" + param.ReplaceAllString(regexp.QuoteMeta(r.path), `[^/]+`) + "$")
		found := false
		for _, e := range examples {
			if (r.method == "" || e.method == r.method) && re.MatchString(e.path) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s has no example in docs/*.md that runs (add one with a doctest directive)", key)
		}
	}
}
