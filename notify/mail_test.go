package notify_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/notify"
)

func noticeTitles(t *testing.T, srv *tt.Server, email, kind string) []string {
	t.Helper()
	var out []string
	if err := srv.App.DB().NewQuery("SELECT title_en FROM notices WHERE user = {:u} AND kind = {:k} ORDER BY rowid").
		Bind(dbx.Params{"u": tt.UserID(email), "k": kind}).Column(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// "Lupa kata sandi": PocketBase's reset flow through a real SMTP server
// (Mailpit), the bilingual e-mail linking to the console's reset page at
// the address the user reached, the new password, a notice.
func TestPasswordResetByEmail(t *testing.T) {
	t.Parallel()
	mp := tt.StartMailpit(t)
	app := tt.New(t)
	tt.UseMailpit(t, app, mp)
	srv := tt.Serve(t, app)

	if r := srv.Do(t, http.MethodPost, "/api/collections/users/request-password-reset", "", map[string]any{"email": tt.OfficerA}); r.Status != 204 {
		t.Fatalf("request: %d %s", r.Status, r.Body)
	}
	mail := mp.WaitMessage(t, tt.OfficerA)
	if !strings.Contains(mail.Subject, "Atur ulang kata sandi") || !strings.Contains(mail.Subject, "Reset your") {
		t.Errorf("subject %q", mail.Subject)
	}
	if !strings.Contains(mail.HTML, "Buat kata sandi baru") || !strings.Contains(mail.HTML, "Choose a new password") {
		t.Errorf("the e-mail is not in both languages: %s", mail.HTML)
	}
	m := regexp.MustCompile(regexp.QuoteMeta(srv.URL) + `/#/reset-password\?token=([A-Za-z0-9._-]+)`).FindStringSubmatch(mail.HTML)
	if m == nil {
		t.Fatalf("no link to %s/#/reset-password in %s", srv.URL, mail.HTML)
	}
	bad := srv.Do(t, http.MethodPost, "/api/collections/users/confirm-password-reset", "", map[string]any{"token": m[1], "password": "sandi-baru-desa-1", "passwordConfirm": "lain"})
	if bad.Status != 400 || bad.FieldError("passwordConfirm") == "" {
		t.Errorf("mismatched confirmation: %d %s", bad.Status, bad.Body)
	}
	ok := srv.Do(t, http.MethodPost, "/api/collections/users/confirm-password-reset", "", map[string]any{"token": m[1], "password": "sandi-baru-desa-1", "passwordConfirm": "sandi-baru-desa-1"})
	if ok.Status != 204 {
		t.Fatalf("confirm: %d %s", ok.Status, ok.Body)
	}
	if r := srv.Do(t, http.MethodPost, "/api/collections/users/auth-with-password", "", map[string]any{"identity": tt.OfficerA, "password": "sandi-baru-desa-1"}); r.Status != 200 {
		t.Errorf("new password: %d", r.Status)
	}
	if again := srv.Do(t, http.MethodPost, "/api/collections/users/confirm-password-reset", "", map[string]any{"token": m[1], "password": "sandi-baru-desa-2", "passwordConfirm": "sandi-baru-desa-2"}); again.Status != 400 {
		t.Errorf("the link worked twice: %d", again.Status)
	}
	if got := noticeTitles(t, srv, tt.OfficerA, notify.KindPassword); len(got) != 1 || got[0] != "Your password was changed" {
		t.Errorf("notices: %v", got)
	}
	// an unknown address gets the same answer and no e-mail
	if r := srv.Do(t, http.MethodPost, "/api/collections/users/request-password-reset", "", map[string]any{"email": "nobody@test.jangkau.id"}); r.Status != 204 {
		t.Errorf("unknown address: %d", r.Status)
	}
	if n := len(mp.Messages(t, "nobody@test.jangkau.id")); n != 0 {
		t.Errorf("%d e-mails to an unknown address", n)
	}
}

// The morning digest: an e-mail (through Mailpit) and a notice to each
// verifier with records waiting, none to one with an empty queue, and
// nothing by e-mail once the verifier turns digest.email off.
func TestQueueDigest(t *testing.T) {
	t.Parallel()
	mp := tt.StartMailpit(t)
	app := tt.New(t)
	tt.UseMailpit(t, app, mp)
	srv := tt.Serve(t, app)
	patch(t, srv, tt.OfficerA, catalog.Activities, tt.ActivityA, map[string]any{"status": "submitted"})
	patch(t, srv, tt.OfficerA, catalog.OutreachLogs, tt.OutreachA, map[string]any{"status": "submitted"})

	// Two days after the submissions, and never in the last hour of a WIB
	// day: the second run, half an hour later, must fall on the same day
	// whatever the hour the tests run at (CI once ran it at 23:3x WIB).
	now := time.Now().Add(49 * time.Hour)
	if now.In(time.FixedZone("WIB", 7*3600)).Hour() == 23 {
		now = now.Add(2 * time.Hour)
	}
	sent, err := notify.SendDigests(app, now)
	if err != nil || sent != 1 {
		t.Fatalf("sent %d, %v", sent, err)
	}
	mail := mp.WaitMessage(t, tt.VerifierA)
	if mail.Subject != "2 catatan menunggu verifikasi / 2 records waiting for review" {
		t.Errorf("subject %q", mail.Subject)
	}
	for _, want := range []string{"1 kegiatan dan 1 catatan penjangkauan", "1 activities and 1 outreach logs", "(2 hari)", "(2 days ago)", "/#/queue"} {
		if !strings.Contains(mail.HTML, want) {
			t.Errorf("digest lacks %q: %s", want, mail.HTML)
		}
	}
	if n := len(mp.Messages(t, tt.VerifierB)); n != 0 {
		t.Errorf("verifier B (empty queue) got %d e-mails", n)
	}
	if got := noticeTitles(t, srv, tt.VerifierA, notify.KindDigest); len(got) != 1 || got[0] != "2 records waiting for review" {
		t.Errorf("notices: %v", got)
	}

	if r := srv.Do(t, http.MethodPut, "/api/notify/prefs", tt.Token(t, app, tt.VerifierA), map[string]any{"off": []string{"digest.email"}}); r.Status != 200 {
		t.Fatalf("prefs: %d %s", r.Status, r.Body)
	}
	if sent, err := notify.SendDigests(app, now.Add(30*time.Minute)); err != nil || sent != 0 {
		t.Errorf("a second run of the day: sent %d, %v", sent, err)
	}
	if got := noticeTitles(t, srv, tt.VerifierA, notify.KindDigest); len(got) != 1 {
		t.Errorf("a second run of the day: notices %v", got)
	}
	if sent, err := notify.SendDigests(app, now.Add(24*time.Hour)); err != nil || sent != 0 {
		t.Errorf("with digest.email off: sent %d, %v", sent, err)
	}
	if n := len(mp.Messages(t, tt.VerifierA)); n != 1 {
		t.Errorf("verifier A has %d e-mails, want still 1", n)
	}
	if got := noticeTitles(t, srv, tt.VerifierA, notify.KindDigest); len(got) != 2 {
		t.Errorf("the notice stays on: %v", got)
	}
}
