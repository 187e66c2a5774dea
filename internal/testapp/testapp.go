// Package testapp gives tests a real Jangkau app: the real migrations and
// hooks on a real SQLite file, copied from a template built once per state
// of the sources (template.go), served over real HTTP.
//
// A package whose tests use it has this TestMain (main_test.go), which
// keeps every copy in one directory of the test binary, removed at the end:
//
//	func TestMain(m *testing.M) { testapp.Main(m) }
package testapp

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"jangkau/hooks"
	"jangkau/internal/dbconn"
	_ "jangkau/migrations"
)

// Config is the app configuration of tests for the data in dataDir: the
// server's database connections (dbconn: write transactions begin
// IMMEDIATE), the test encryption key.
func Config(dataDir string) core.BaseAppConfig {
	return core.BaseAppConfig{DataDir: dataDir, EncryptionEnv: "pb_test_env", DBConnect: dbconn.Connect()}
}

// New returns a fresh app on its own copy of the template, with Jangkau's
// hooks registered. It is removed when the test ends.
func New(t testing.TB) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestAppWithConfig(Config(Template(t)))
	if err != nil {
		t.Fatal(err)
	}
	hooks.Register(app)
	t.Cleanup(app.Cleanup)
	return app
}

// Server is a Jangkau app served over real HTTP on a loopback port.
type Server struct {
	App *tests.TestApp
	URL string
}

// Serve starts app's router (with every OnServe route and middleware) on an
// httptest server, closed when the test ends.
func Serve(t testing.TB, app *tests.TestApp) *Server {
	t.Helper()
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	ev := &core.ServeEvent{App: app, Router: router}
	err = app.OnServe().Trigger(ev, func(e *core.ServeEvent) error {
		mux, err := e.Router.BuildMux()
		if err != nil {
			return err
		}
		srv = httptest.NewServer(mux)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &Server{App: app, URL: srv.URL}
}

// NewServer is New followed by Serve.
func NewServer(t testing.TB) *Server {
	return Serve(t, New(t))
}

// Response is an HTTP answer with its decoded JSON body.
type Response struct {
	Status int
	Body   []byte
}

// JSON decodes the body into a map (nil when it is not a JSON object).
func (r Response) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// FieldError returns the code of the field error the body reports for field.
func (r Response) FieldError(field string) string {
	data, _ := r.JSON()["data"].(map[string]any)
	fe, _ := data[field].(map[string]any)
	code, _ := fe["code"].(string)
	return code
}

// Do sends a request with an optional JSON body and Authorization token.
func (s *Server) Do(t testing.TB, method, path, token string, body any) Response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case []byte:
			rd = bytes.NewReader(b)
		case string:
			rd = bytes.NewReader([]byte(b))
		default:
			raw, err := json.Marshal(b)
			if err != nil {
				t.Fatal(err)
			}
			rd = bytes.NewReader(raw)
		}
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	return send(t, req)
}

// send sends req and reads its whole answer.
func send(t testing.TB, req *http.Request) Response {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return Response{Status: res.StatusCode, Body: raw}
}

// Token returns a fresh auth token of the user (or superuser) with that email.
func Token(t testing.TB, app core.App, email string) string {
	t.Helper()
	col := "users"
	if email == SuperuserEmail {
		col = core.CollectionNameSuperusers
	}
	rec, err := app.FindAuthRecordByEmail(col, email)
	if err != nil {
		t.Fatalf("no account %s: %v", email, err)
	}
	tok, err := rec.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// DataFile is the path of the app's SQLite file.
func DataFile(app core.App) string {
	return filepath.Join(app.DataDir(), "data.db")
}
