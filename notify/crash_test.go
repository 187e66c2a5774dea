package notify_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"jangkau/catalog"
	"jangkau/internal/crashpoint"
	tt "jangkau/internal/testapp"
	"jangkau/notify"
)

// A write that notifies commits its in-app notice with it: a server killed
// (SIGKILL) the moment after the commit, before anything that follows it
// ran, leaves each decision, enrollment and password change with its
// notice. (The notice used to be saved after the commit, on its own: the
// kill left the change without it.) The pushes, sent after the commit, are
// what such a kill loses.
func TestNoticeCommitsWithItsChange(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	srv := tt.Serve(t, app)
	patch(t, srv, tt.OfficerA, catalog.Activities, tt.ActivityA, map[string]any{"status": "submitted"})
	patch(t, srv, tt.OfficerA, catalog.OutreachLogs, tt.OutreachA, map[string]any{"status": "submitted"})
	notices := func(user, kind string) int {
		var n int
		if err := app.DB().NewQuery("SELECT COUNT(*) FROM notices WHERE user = {:u} AND kind = {:k}").Bind(dbx.Params{"u": tt.UserID(user), "k": kind}).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	status := func(col, id string) string {
		rec, err := app.FindRecordById(col, id)
		if err != nil {
			t.Fatal(err)
		}
		return rec.GetString("status")
	}

	tt.RunKilled(t, app, "TestNoticeCrashChildDecision", crashpoint.AfterCommit)
	if s := status(catalog.Activities, tt.ActivityA); s != catalog.StatusReturned || notices(tt.OfficerA, "returned") != 1 {
		t.Errorf("a decision over REST: the record is %s, with %d notices", s, notices(tt.OfficerA, "returned"))
	}
	tt.RunKilled(t, app, "TestNoticeCrashChildBatch", crashpoint.AfterCommit)
	if s := status(catalog.OutreachLogs, tt.OutreachA); s != catalog.StatusApproved || notices(tt.OfficerA, "approved") != 1 {
		t.Errorf("a decision in a batch: the record is %s, with %d notices", s, notices(tt.OfficerA, "approved"))
	}
	tt.RunKilled(t, app, "TestNoticeCrashChildEnrollment", crashpoint.AfterCommit)
	var enrolled int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM devices WHERE enrolled = 1 AND user = {:u}").Bind(dbx.Params{"u": tt.UserID(tt.OfficerA)}).Row(&enrolled)
	if enrolled != 1 || notices(tt.OfficerA, "enrollment") != 1 {
		t.Errorf("an enrollment: %d phones enrolled, %d notices", enrolled, notices(tt.OfficerA, "enrollment"))
	}
	tt.RunKilled(t, app, "TestNoticeCrashChildPassword", crashpoint.AfterCommit)
	u, err := app.FindAuthRecordByEmail(catalog.Users, tt.OfficerA2)
	if err != nil {
		t.Fatal(err)
	}
	if !u.ValidatePassword("sandi-baru-2026") || notices(tt.OfficerA2, "password") != 1 {
		t.Errorf("a password change: changed %v, %d notices", u.ValidatePassword("sandi-baru-2026"), notices(tt.OfficerA2, "password"))
	}
	tt.RunKilled(t, app, "TestNoticeCrashChildReset", crashpoint.AfterCommit)
	if u, _ := app.FindAuthRecordByEmail(catalog.Users, tt.OfficerA); !u.GetBool("must_change_password") || notices(tt.OfficerA, "password") != 1 {
		t.Errorf("a manager's reset: must change %v, %d notices", u.GetBool("must_change_password"), notices(tt.OfficerA, "password"))
	}
}

func TestNoticeCrashChildDecision(t *testing.T) {
	app, srv := tt.CrashChild(t)
	srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+tt.ActivityA, tt.Token(t, app, tt.VerifierA),
		map[string]any{"status": "returned", "review_note": "Lengkapi daftar hadir"})
	t.Fatal("not killed")
}

func TestNoticeCrashChildBatch(t *testing.T) {
	app, srv := tt.CrashChild(t)
	srv.Do(t, http.MethodPost, "/api/batch", tt.Token(t, app, tt.VerifierA), map[string]any{"requests": []any{
		map[string]any{"method": "PATCH", "url": "/api/collections/outreach_logs/records/" + tt.OutreachA, "body": map[string]any{"status": "approved"}}}})
	t.Fatal("not killed")
}

func TestNoticeCrashChildEnrollment(t *testing.T) {
	app, srv := tt.CrashChild(t)
	enr := srv.Do(t, http.MethodPost, "/api/devices/enrollments", tt.Token(t, app, tt.VerifierA), map[string]any{"user": tt.UserID(tt.OfficerA)})
	code, _ := enr.JSON()["code"].(string)
	if enr.Status != 200 || code == "" {
		t.Fatalf("enroll: %d %s", enr.Status, enr.Body)
	}
	srv.Do(t, http.MethodPost, "/api/devices/activate", "", map[string]any{"code": code, "name": "HP Desa", "platform": "android", "appVersion": "1.4.0"})
	t.Fatal("not killed")
}

func TestNoticeCrashChildPassword(t *testing.T) {
	app, srv := tt.CrashChild(t)
	srv.Do(t, http.MethodPost, "/api/accounts/password", tt.Token(t, app, tt.OfficerA2),
		map[string]any{"oldPassword": tt.Password, "password": "sandi-baru-2026", "passwordConfirm": "sandi-baru-2026"})
	t.Fatal("not killed")
}

func TestNoticeCrashChildReset(t *testing.T) {
	app, srv := tt.CrashChild(t)
	srv.Do(t, http.MethodPost, "/api/accounts/"+tt.UserID(tt.OfficerA)+"/reset-password", tt.Token(t, app, tt.VerifierA), nil)
	t.Fatal("not killed")
}

// digestDay is the morning of the digests of TestKilledDigestRunIsTakenUp.
var digestDay = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // 07:00 WIB

// A digest run killed after the first verifier's digest is taken up by
// the next run of the morning: every verifier with records waiting has
// its one digest of the day, none two. (The digest went once at 07:00 and
// marked nothing: a run killed midway left the others without one, and a
// run again would have repeated the first.)
func TestKilledDigestRunIsTakenUp(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	srv := tt.Serve(t, app)
	patch(t, srv, tt.OfficerA, catalog.Activities, tt.ActivityA, map[string]any{"status": "submitted"})
	patch(t, srv, tt.OfficerB, catalog.Activities, tt.ActivityB, map[string]any{"status": "submitted"})
	digests := func(user string) int {
		var n int
		if err := app.DB().NewQuery("SELECT COUNT(*) FROM notices WHERE user = {:u} AND kind = 'digest'").Bind(dbx.Params{"u": tt.UserID(user)}).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	tt.RunKilled(t, app, "TestDigestCrashChild", crashpoint.AfterCommit)
	if a, b := digests(tt.VerifierA), digests(tt.VerifierB); a+b != 1 {
		t.Fatalf("the killed run left %d and %d digests", a, b)
	}
	if _, err := notify.SendDigests(app, digestDay.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if a, b := digests(tt.VerifierA), digests(tt.VerifierB); a != 1 || b != 1 {
		t.Errorf("after the next run: %d and %d digests, want one each", a, b)
	}
}

func TestDigestCrashChild(t *testing.T) {
	app, _ := tt.CrashChild(t)
	_, err := notify.SendDigests(app, digestDay)
	t.Fatalf("not killed: %v", err)
}
