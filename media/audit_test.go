package media_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"jangkau/audit"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/media"
)

// Every photo shown (original or thumbnail) is a view of its record in the
// audit trail, named by the server's file name; a refused download is not.
func TestPhotoDownloadsAreAudited(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	res := addPhotos(t, srv, catalog.OutreachLogs, tt.OutreachA, tok, consent, smallPhoto(t, 1))
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	name := stringList(res.JSON(), "photos")[0]
	views := func() []tt.AuditEntry { return tt.AuditEntries(t, srv.App, audit.ActionView) }
	before := len(views())

	ft := fileToken(t, srv, tt.Token(t, srv.App, tt.VerifierA))
	if status, _ := download(t, srv, catalog.OutreachLogs, tt.OutreachA, name, ft, ""); status != 200 {
		t.Fatalf("download: %d", status)
	}
	if status, _ := download(t, srv, catalog.OutreachLogs, tt.OutreachA, name, ft, media.ListThumb); status != 200 {
		t.Fatalf("thumb: %d", status)
	}
	entries := views()[before:]
	if len(entries) != 2 {
		t.Fatalf("%d view entries for two downloads, want 2", len(entries))
	}
	for i, e := range entries {
		if e.User != tt.UserID(tt.VerifierA) || e.Collection != catalog.OutreachLogs || e.Record != tt.OutreachA {
			t.Errorf("download %d audited as %+v", i, e)
		}
		note := e.NoteJSON(t)
		if note["file"] != name || note["field"] != media.FieldPhotos || !strings.HasPrefix(name, "foto_") {
			t.Errorf("download %d note %v", i, note)
		}
		if want := []any{nil, media.ListThumb}[i]; note["thumb"] != want {
			t.Errorf("download %d thumb %v, want %v", i, note["thumb"], want)
		}
	}

	// no token, an auth token, another village's or regency's file token
	before = len(views())
	for _, token := range []string{"", tok, fileToken(t, srv, tt.Token(t, srv.App, tt.OfficerB)), fileToken(t, srv, tt.Token(t, srv.App, tt.VerifierB))} {
		if status, _ := download(t, srv, catalog.OutreachLogs, tt.OutreachA, name, token, media.ListThumb); status == 200 {
			t.Errorf("refused download served")
		}
	}
	if n := len(views()) - before; n != 0 {
		t.Errorf("%d view entries for refused downloads", n)
	}

	// no entry, no photo
	if _, err := srv.App.DB().NewQuery(`CREATE TRIGGER audit_log_refuse BEFORE INSERT ON audit_log
		BEGIN SELECT RAISE(ABORT, 'audit_log is read-only in this test'); END`).Execute(); err != nil {
		t.Fatal(err)
	}
	if status, body := download(t, srv, catalog.OutreachLogs, tt.OutreachA, name, ft, ""); status != 500 || bytes.HasPrefix(body, []byte{0xFF, 0xD8}) {
		t.Errorf("download without its audit entry: %d", status)
	}
}

// Photos and thumbnails are answered private: no proxy or shared cache
// keeps one (PocketBase's own header lets any cache keep a file 30 days).
func TestPhotosAreNeverKeptBySharedCaches(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	res := addPhotos(t, srv, catalog.OutreachLogs, tt.OutreachA, tok, consent, smallPhoto(t, 1))
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	name := stringList(res.JSON(), "photos")[0]
	ft := fileToken(t, srv, tok)
	for _, thumb := range []string{"", media.ListThumb} {
		u := srv.URL + "/api/files/" + catalog.OutreachLogs + "/" + tt.OutreachA + "/" + name + "?token=" + ft
		if thumb != "" {
			u += "&thumb=" + thumb
		}
		r, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 200 || r.Header.Get("Cache-Control") != media.PhotoCacheControl {
			t.Errorf("thumb %q: %d, Cache-Control %q", thumb, r.StatusCode, r.Header.Get("Cache-Control"))
		}
	}
}
