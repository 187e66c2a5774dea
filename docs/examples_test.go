// Package docs_test runs the request and response examples of docs/*.md
// against a real Jangkau app (internal/testapp, real SQLite, real HTTP), so
// that an example that no longer matches the server fails CI instead of
// misleading the next mobile developer.
//
// # How examples are found
//
// A request example is a fenced block whose first line is a method and a
// path (`POST /api/...`), in a block of any language. Its body follows on the
// next lines, optional header lines (`Name: value`) first. A block may hold
// the answer too, after a line with only its status (`400`); otherwise the
// next fenced block, when it is JSON, is the answer.
//
// Every request example needs a directive, an HTML comment just before it
// (invisible on GitHub):
//
//	<!-- doctest: as=desa status=400 -->
//
// A JSON block that is not a request can be made one with `request="METHOD
// PATH"` (its text is the body, the next JSON block the answer), and a step
// can be hidden entirely (`step request="METHOD PATH" body={...}`), to prepare
// what the visible example needs. A block that cannot run says why:
// `<!-- doctest: skip="multipart upload, see imports tests" -->`. Any JSON
// block that shows an error (`{"status": 4xx...`) must be the answer of a run
// request or carry a skip: error examples are the ones that drift most.
//
// Keys of a directive:
//
//	as=NAME        who sends it: desa, verifikator, sekretariat, anggota, gtkab,
//	               opd (the demo accounts, `jangkau demo`), admin (the demo
//	               superuser), device (the last activated device token), none
//	status=N       the expected status (default: the answer's "status" member, else 200)
//	request="M P"  this JSON block is the body of a request M P (with body= or
//	               answer, the block is its answer)
//	step           a hidden step, not attached to a block; with request= and body=
//	body=JSON      (hidden step) the body
//	sub="a=>b"     replace a with b in the path and body before sending (repeatable)
//	save="name=path"  keep the answer's value at path (dots; -1 is a list's last
//	               element) as {name} (repeatable)
//	header="Name: value"  the answer must carry this header (repeatable)
//	repeat=N       send it N times, compare the last answer (rate limits)
//	fill="key*N"   the body's list at key holds N copies of its first element,
//	               {i} in its strings replaced by the copy's number (limits)
//	send="Name: value"    send this request header (repeatable)
//	keyed="a b"    members named a or b are maps keyed by data (lights by colour,
//	               programmes by code): a documented key the data lacks is no error
//
// Placeholders {desa.id} (any account name, the account's id) and saved
// {names} are replaced in paths and bodies.
//
// # How answers are compared
//
// Every error answer must have the one error shape (errorShape), documented
// or not. The documented answer is a pattern for the real one: every member shown must
// be there with the same JSON type (a number or a nested object may be null:
// the data of the test has none); members named "..." or "…" and values
// "..." or "…" stand for anything; each element of a documented list must
// match some element of the real list. Values of the members that clients key
// their behaviour on (code, reason, status, protocol, action, state) must be
// equal; a message must read the same, where "..." or "…" may stand for any
// part of it.
package docs_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"jangkau/commands"
	"jangkau/internal/testapp"
)

// TestMain removes what the tests leave in the temporary directory.
func TestMain(m *testing.M) { testapp.Main(m) }

// example is one request of a doc, with its documented answer.
type example struct {
	file    string
	line    int
	dir     directive
	method  string
	path    string
	headers [][2]string
	body    string
	answer  string // documented answer (JSON), or ""
	aLine   int
}

// directive is a parsed `<!-- doctest: ... -->` comment.
type directive struct {
	line int
	kv   map[string][]string
}

func (d directive) get(k string) string {
	if v := d.kv[k]; len(v) > 0 {
		return v[len(v)-1]
	}
	return ""
}

func (d directive) has(k string) bool { _, ok := d.kv[k]; return ok }

var (
	directiveRe = regexp.MustCompile(`^<!--\s*doctest:(.*?)-->\s*$`)
	fenceRe     = regexp.MustCompile("^```")
	requestRe   = regexp.MustCompile(`^(GET|POST|PATCH|PUT|DELETE)\s+(/\S*)\s*$`)
	statusRe    = regexp.MustCompile(`^\d{3}$`)
	headerRe    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*:\s`)
)

// parseDirective reads key=value pairs; a value may be quoted ("..." with \"
// inside) or a JSON object or list running to its matching bracket.
func parseDirective(s string) (map[string][]string, error) {
	kv := map[string][]string{}
	i := 0
	for i < len(s) {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) {
			break
		}
		j := i
		for j < len(s) && s[j] != '=' && s[j] != ' ' {
			j++
		}
		key := s[i:j]
		if j >= len(s) || s[j] == ' ' {
			kv[key] = append(kv[key], "")
			i = j
			continue
		}
		j++ // '='
		var val string
		switch {
		case j < len(s) && s[j] == '"':
			k := j + 1
			var b strings.Builder
			for k < len(s) && s[k] != '"' {
				if s[k] == '\\' && k+1 < len(s) {
					k++
				}
				b.WriteByte(s[k])
				k++
			}
			if k >= len(s) {
				return nil, fmt.Errorf("unclosed quote after %s=", key)
			}
			val, i = b.String(), k+1
		case j < len(s) && (s[j] == '{' || s[j] == '['):
			dec := json.NewDecoder(strings.NewReader(s[j:]))
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, fmt.Errorf("%s: %v", key, err)
			}
			n := int(dec.InputOffset())
			val, i = s[j:j+n], j+n
		default:
			k := j
			for k < len(s) && s[k] != ' ' {
				k++
			}
			val, i = s[j:k], k
		}
		kv[key] = append(kv[key], val)
	}
	return kv, nil
}

// block is a fenced block of a doc.
type block struct {
	line  int // line of the opening fence, 1-based
	lines []string
	dir   *directive
}

func (b block) text() string { return strings.Join(b.lines, "\n") }

func (b block) firstLine() string {
	for _, l := range b.lines {
		if strings.TrimSpace(l) != "" {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// steps is a doc's runnable steps in order: hidden steps, request blocks and
// their answers; plus the blocks every example must account for.
type step struct {
	ex   *example
	skip string
}

func parseDoc(t *testing.T, file string) []step {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	var items []any // hidden steps (*directive) and blocks
	var pending *directive
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if m := directiveRe.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			kv, err := parseDirective(strings.TrimSpace(m[1]))
			if err != nil {
				t.Errorf("%s:%d: directive: %v", file, i+1, err)
				continue
			}
			d := &directive{line: i + 1, kv: kv}
			if d.has("step") {
				items = append(items, d)
				continue
			}
			if pending != nil {
				t.Errorf("%s:%d: directive not followed by a block", file, pending.line)
			}
			pending = d
			continue
		}
		if fenceRe.MatchString(l) {
			b := block{line: i + 1, dir: pending}
			pending = nil
			for i++; i < len(lines) && !fenceRe.MatchString(lines[i]); i++ {
				b.lines = append(b.lines, lines[i])
			}
			items = append(items, b)
			continue
		}
		if pending != nil && strings.TrimSpace(l) != "" {
			t.Errorf("%s:%d: directive not followed by a block (a hidden step says step)", file, pending.line)
			pending = nil
		}
	}

	var steps []step
	for k := 0; k < len(items); k++ {
		switch it := items[k].(type) {
		case *directive:
			req := it.get("request")
			m := requestRe.FindStringSubmatch(req)
			if m == nil {
				t.Errorf("%s:%d: a hidden step needs request=\"METHOD /path\"", file, it.line)
				continue
			}
			steps = append(steps, step{ex: &example{file: file, line: it.line, dir: *it, method: m[1], path: m[2], body: it.get("body")}})
		case block:
			first := it.firstLine()
			isRequest := requestRe.MatchString(first)
			isError := isErrorAnswer(it.text())
			if it.dir != nil && it.dir.has("skip") {
				if it.dir.get("skip") == "" {
					t.Errorf("%s:%d: skip needs a reason", file, it.line)
				}
				steps = append(steps, step{skip: it.dir.get("skip")})
				continue
			}
			if it.dir == nil {
				if isRequest {
					t.Errorf("%s:%d: request example %q has no <!-- doctest: ... --> directive (run it, or skip=\"why\")", file, it.line, first)
				} else if isError {
					t.Errorf("%s:%d: error example without a request: give it <!-- doctest: request=\"METHOD /path\" ... --> before its request, or skip=\"why\"", file, it.line)
				}
				continue
			}
			ex := &example{file: file, line: it.line, dir: *it.dir}
			if r := it.dir.get("request"); r != "" {
				m := requestRe.FindStringSubmatch(r)
				if m == nil {
					t.Errorf("%s:%d: request=%q is not METHOD /path", file, it.line, r)
					continue
				}
				ex.method, ex.path, ex.body = m[1], m[2], it.text()
				if it.dir.has("body") || it.dir.has("answer") { // the block is the answer
					ex.body, ex.answer, ex.aLine = it.dir.get("body"), it.text(), it.line
				}
			} else if isRequest {
				m := requestRe.FindStringSubmatch(first)
				ex.method, ex.path = m[1], m[2]
				rest := it.lines
				for len(rest) > 0 && strings.TrimSpace(rest[0]) != first {
					rest = rest[1:]
				}
				rest = rest[1:]
				for len(rest) > 0 && headerRe.MatchString(rest[0]) {
					h := strings.SplitN(rest[0], ":", 2)
					ex.headers = append(ex.headers, [2]string{h[0], strings.TrimSpace(h[1])})
					rest = rest[1:]
				}
				var body []string
				for len(rest) > 0 && !statusRe.MatchString(strings.TrimSpace(rest[0])) {
					body = append(body, rest[0])
					rest = rest[1:]
				}
				ex.body = strings.TrimSpace(strings.Join(body, "\n"))
				if len(rest) > 0 {
					if !it.dir.has("status") {
						it.dir.kv["status"] = []string{strings.TrimSpace(rest[0])}
						ex.dir = *it.dir
					}
					ex.answer = strings.TrimSpace(strings.Join(rest[1:], "\n"))
					ex.aLine = it.line
				}
			} else {
				t.Errorf("%s:%d: directive on a block that is not a request (add request=\"METHOD /path\")", file, it.line)
				continue
			}
			if ex.answer == "" && k+1 < len(items) {
				if nb, ok := items[k+1].(block); ok && nb.dir == nil && !requestRe.MatchString(nb.firstLine()) && looksJSON(nb.text()) {
					ex.answer, ex.aLine = nb.text(), nb.line
					k++
				}
			}
			steps = append(steps, step{ex: ex})
		}
	}
	return steps
}

// isErrorAnswer reports whether s is an error answer: a JSON object whose
// "status" is 400 or more.
func isErrorAnswer(s string) bool {
	var v struct {
		Status float64 `json:"status"`
	}
	return json.Unmarshal([]byte(s), &v) == nil && v.Status >= 400
}

func looksJSON(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")
}

// runner sends the steps of one doc to one app.
type runner struct {
	t     *testing.T
	srv   *testapp.Server
	vars  map[string]string
	token map[string]string
}

var demoEmail = map[string]string{
	"desa": "desa@demo.jangkau.id", "verifikator": "verifikator@demo.jangkau.id",
	"sekretariat": "sekretariat@demo.jangkau.id", "anggota": "anggota@demo.jangkau.id",
	"gtkab": "gtkab@demo.jangkau.id", "opd": "opd@demo.jangkau.id",
}

func newRunner(t *testing.T) *runner {
	app := testapp.New(t)
	if err := commands.SeedDemo(app); err != nil {
		t.Fatal(err)
	}
	r := &runner{t: t, srv: testapp.Serve(t, app), vars: map[string]string{}, token: map[string]string{}}
	for name, email := range demoEmail {
		rec, err := app.FindAuthRecordByEmail("users", email)
		if err != nil {
			t.Fatal(err)
		}
		r.vars[name+".id"] = rec.Id
		tok, err := rec.NewAuthToken()
		if err != nil {
			t.Fatal(err)
		}
		r.token[name] = tok
	}
	su, err := app.FindAuthRecordByEmail("_superusers", commands.DemoSuperuser)
	if err != nil {
		t.Fatal(err)
	}
	if r.token["admin"], err = su.NewAuthToken(); err != nil {
		t.Fatal(err)
	}
	return r
}

var placeholderRe = regexp.MustCompile(`\{([a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z0-9_]+)?)\}`)

func (r *runner) expand(s string, dir directive) string {
	for _, sub := range dir.kv["sub"] {
		ab := strings.SplitN(sub, "=>", 2)
		if len(ab) == 2 {
			s = strings.ReplaceAll(s, ab[0], ab[1])
		}
	}
	return placeholderRe.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := r.vars[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

func (r *runner) run(ex *example) {
	t := r.t
	where := fmt.Sprintf("%s:%d", filepath.Base(ex.file), ex.line)
	path := r.expand(ex.path, ex.dir)
	body := r.expand(ex.body, ex.dir)
	if f := ex.dir.get("fill"); f != "" {
		body = fill(t, where, body, f)
	}
	if strings.Contains(path, "{") {
		t.Errorf("%s: placeholder left in %s (give sub= or save=)", where, path)
		return
	}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(ex.method, r.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range ex.headers {
		if h[0] != "Authorization" {
			req.Header.Set(h[0], r.expand(h[1], ex.dir))
		}
	}
	for _, h := range ex.dir.kv["send"] {
		kv := strings.SplitN(h, ":", 2)
		req.Header.Set(strings.TrimSpace(kv[0]), r.expand(strings.TrimSpace(kv[1]), ex.dir))
	}
	who := ex.dir.get("as")
	switch who {
	case "", "none":
	default:
		tok, ok := r.token[who]
		if !ok {
			tok, ok = r.vars[who]
		}
		if !ok {
			t.Errorf("%s: unknown as=%s", where, who)
			return
		}
		req.Header.Set("Authorization", tok)
	}
	repeat, _ := strconv.Atoi(ex.dir.get("repeat"))
	var res *http.Response
	var raw []byte
	for i := 0; i < max(repeat, 1); i++ {
		if i > 0 {
			req.Body = io.NopCloser(strings.NewReader(body))
		}
		if res, err = http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		}
		raw, _ = io.ReadAll(res.Body)
		res.Body.Close()
	}
	if res.Header.Get("Content-Encoding") == "gzip" { // asked for with send="Accept-Encoding: gzip"
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Errorf("%s: a gzip answer that is not gzip: %v", where, err)
			return
		}
		if raw, err = io.ReadAll(zr); err != nil {
			t.Errorf("%s: a gzip answer that does not unzip: %v", where, err)
			return
		}
	}

	want := 200
	var doc any
	if ex.answer != "" {
		if err := json.Unmarshal([]byte(ex.answer), &doc); err != nil {
			t.Errorf("%s: the documented answer (line %d) is not JSON: %v", where, ex.aLine, err)
			doc = nil
		}
		if m, ok := doc.(map[string]any); ok {
			if s, ok := m["status"].(float64); ok {
				want = int(s)
			}
		}
	}
	if s := ex.dir.get("status"); s != "" {
		want, _ = strconv.Atoi(s)
	}
	if res.StatusCode != want {
		t.Errorf("%s: %s %s answered %d, the doc says %d: %s", where, ex.method, path, res.StatusCode, want, clip(raw))
		return
	}
	for _, h := range ex.dir.kv["header"] {
		kv := strings.SplitN(h, ":", 2)
		name, val := strings.TrimSpace(kv[0]), strings.TrimSpace(kv[1])
		if got := res.Header.Get(name); got != val {
			t.Errorf("%s: header %s is %q, the doc says %q", where, name, got, val)
		}
	}
	var real any
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &real); err != nil && doc != nil {
			t.Errorf("%s: the answer is not JSON: %s", where, clip(raw))
			return
		}
	}
	if res.StatusCode >= 400 {
		for _, e := range errorShape(real) {
			t.Errorf("%s: %s %s answered %d: %s: %s", where, ex.method, path, res.StatusCode, e, clip(raw))
		}
	}
	if doc != nil {
		mt := matcher{keyed: map[string]bool{}}
		for _, k := range strings.Fields(ex.dir.get("keyed")) {
			mt.keyed[k] = true
		}
		for _, e := range mt.match("", doc, real) {
			t.Errorf("%s: %s %s: %s (answer line %d; got %s)", where, ex.method, path, e, ex.aLine, clip(raw))
		}
	}
	for _, s := range ex.dir.kv["save"] {
		kv := strings.SplitN(s, "=", 2)
		v, ok := at(real, kv[1])
		if !ok {
			t.Errorf("%s: save %s: no %s in the answer: %s", where, kv[0], kv[1], clip(raw))
			continue
		}
		switch v := v.(type) {
		case string:
			r.vars[kv[0]] = v
		default:
			b, _ := json.Marshal(v)
			r.vars[kv[0]] = string(b)
		}
	}
}

// fill makes the body's list at key (fill="key*N") N copies long.
func fill(t *testing.T, where, body, spec string) string {
	key, n, ok := strings.Cut(spec, "*")
	count, err := strconv.Atoi(n)
	var obj map[string]any
	if !ok || err != nil || json.Unmarshal([]byte(body), &obj) != nil {
		t.Errorf("%s: fill=%q needs key*N and a JSON object body", where, spec)
		return body
	}
	list, _ := obj[key].([]any)
	if len(list) == 0 {
		t.Errorf("%s: fill: no list at %s", where, key)
		return body
	}
	first, _ := json.Marshal(list[0])
	out := make([]any, count)
	for i := range out {
		var e any
		_ = json.Unmarshal([]byte(strings.ReplaceAll(string(first), "{i}", fmt.Sprintf("%04d", i))), &e)
		out[i] = e
	}
	obj[key] = out
	b, _ := json.Marshal(obj)
	return string(b)
}

// errorShape lists how an error answer departs from the one error shape
// (api.md, Errors): a bilingual message, and data naming at least one
// field, each (or each nested one) with a code and a bilingual message.
func errorShape(v any) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return []string{"not a JSON object"}
	}
	var errs []string
	if msg, _ := m["message"].(string); !isBilingual(msg) {
		errs = append(errs, fmt.Sprintf("message %q is not \"Bahasa Indonesia / English\"", msg))
	}
	data, _ := m["data"].(map[string]any)
	if len(data) == 0 {
		return append(errs, "data names no field")
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		fe, _ := v.(map[string]any)
		if code, ok := fe["code"].(string); ok {
			if code == "" {
				errs = append(errs, path+": empty code")
			}
			if msg, _ := fe["message"].(string); !isBilingual(msg) {
				errs = append(errs, fmt.Sprintf("%s: message %q is not \"Bahasa Indonesia / English\"", path, msg))
			}
			return
		}
		if len(fe) == 0 {
			errs = append(errs, path+": no code")
		}
		for k, sub := range fe {
			walk(path+"."+k, sub)
		}
	}
	for k, sub := range data {
		walk("data."+k, sub)
	}
	return errs
}

// isBilingual reports whether msg is two non-empty, different halves
// joined by " / ".
func isBilingual(msg string) bool {
	id, en, ok := strings.Cut(msg, " / ")
	return ok && strings.TrimSpace(id) != "" && strings.TrimSpace(en) != "" && id != en
}

// at reads a dotted path (object keys, list indexes) of v.
func at(v any, path string) (any, bool) {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[p]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(p)
			if i < 0 {
				i += len(x) // -1: the last element
			}
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// isEllipsis reports whether a documented key or value stands for anything:
// "...", "…", or a note that starts with one ("… one row per regency").
func isEllipsis(s string) bool {
	return strings.HasPrefix(s, "...") || strings.HasPrefix(s, "…")
}

// exactKeys are the members whose documented values must be the real ones;
// "code" only in an error (beside a "message"): elsewhere it is an area's or
// an indicator's code, which depends on the data.
var exactKeys = map[string]bool{"code": true, "reason": true, "status": true, "protocol": true, "action": true, "state": true}

// matcher compares answers with documented patterns; keyed names the
// members that are maps keyed by data (the directive's keyed=).
type matcher struct{ keyed map[string]bool }

// match lists how real differs from the documented pattern doc.
func (mt matcher) match(path string, doc, real any) []string {
	switch d := doc.(type) {
	case map[string]any:
		if real == nil && path != "" {
			return nil // an optional part with no data (a regency without case figures)
		}
		m, ok := real.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: documented an object, got %s", name(path), kind(real))}
		}
		var errs []string
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if isEllipsis(k) {
				continue
			}
			rv, ok := m[k]
			if !ok && mt.keyed[lastKey(path)] {
				continue
			}
			if !ok {
				errs = append(errs, fmt.Sprintf("%s: documented member %q is missing", name(path), k))
				continue
			}
			_, isError := d["message"]
			if s, ok := d[k].(string); ok && exactKeys[k] && (k != "code" || isError) && !strings.Contains(s, "...") && !strings.Contains(s, "…") {
				if rs, _ := rv.(string); rs != s {
					errs = append(errs, fmt.Sprintf("%s.%s: documented %q, got %v", name(path), k, s, rv))
				}
				continue
			}
			if n, ok := d[k].(float64); ok && k == "status" {
				if rn, _ := rv.(float64); rn != n {
					errs = append(errs, fmt.Sprintf("%s.status: documented %v, got %v", name(path), n, rv))
				}
				continue
			}
			if s, ok := d[k].(string); ok && k == "message" {
				rs, _ := rv.(string)
				if !readsAs(rs, s) {
					errs = append(errs, fmt.Sprintf("%s.message: documented %q, got %q", name(path), s, rs))
				}
				continue
			}
			errs = append(errs, mt.match(path+"."+k, d[k], rv)...)
		}
		return errs
	case []any:
		l, ok := real.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: documented a list, got %s", name(path), kind(real))}
		}
		var errs []string
		for i, e := range d {
			if s, ok := e.(string); ok && isEllipsis(s) {
				continue
			}
			if len(l) == 0 {
				errs = append(errs, fmt.Sprintf("%s: documented element %d, got an empty list", name(path), i))
				break
			}
			var first []string
			found := false
			for j, re := range l {
				es := mt.match(fmt.Sprintf("%s[%d]", path, j), e, re)
				if len(es) == 0 {
					found = true
					break
				}
				if j == 0 {
					first = es
				}
			}
			if !found {
				errs = append(errs, fmt.Sprintf("%s: no element matches documented element %d, e.g. %s", name(path), i, strings.Join(first, "; ")))
			}
		}
		return errs
	case string:
		if isEllipsis(d) {
			return nil
		}
		if _, ok := real.(string); !ok {
			return []string{fmt.Sprintf("%s: documented a string, got %s", name(path), kind(real))}
		}
	case float64:
		if real == nil {
			return nil // a figure of no data (a median of nothing) is null
		}
		if _, ok := real.(float64); !ok {
			return []string{fmt.Sprintf("%s: documented a number, got %s", name(path), kind(real))}
		}
	case bool:
		if _, ok := real.(bool); !ok {
			return []string{fmt.Sprintf("%s: documented a boolean, got %s", name(path), kind(real))}
		}
	}
	return nil
}

// readsAs reports whether got reads as the documented message want, where
// "..." and "…" in want stand for any text.
func readsAs(got, want string) bool {
	parts := regexp.MustCompile(`\(\.\.\.\)|\.\.\.|…`).Split(want, -1)
	if len(parts) == 1 {
		return got == want
	}
	pos := 0
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		k := strings.Index(got[pos:], p)
		if k < 0 || (i == 0 && k != 0) {
			return false
		}
		pos += k + len(p)
	}
	return true
}

// lastKey is the last member name of a path (".a[2].b" -> "b").
func lastKey(path string) string {
	if i := strings.LastIndex(path, "."); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.Index(path, "["); i >= 0 {
		path = path[:i]
	}
	return path
}

func name(path string) string {
	if path == "" {
		return "answer"
	}
	return "answer" + path
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// TestDocumentedExamples runs each doc's examples in order on a fresh app of
// its own, the demo accounts signed in.
func TestDocumentedExamples(t *testing.T) {
	files, err := filepath.Glob("*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no docs: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(f, ".md"), func(t *testing.T) {
			steps := parseDoc(t, f)
			var runnable []*example
			for _, s := range steps {
				if s.ex != nil {
					runnable = append(runnable, s.ex)
				}
			}
			if len(runnable) == 0 {
				return
			}
			r := newRunner(t)
			for _, ex := range runnable {
				r.run(ex)
			}
		})
	}
}
