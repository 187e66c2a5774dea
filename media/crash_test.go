package media_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/catalog"
	"jangkau/internal/crashpoint"
	tt "jangkau/internal/testapp"
)

// crashDraft is the draft activity whose photos the crash children replace
// and delete.
const crashDraft = "crashdraft00001"

// Photo files a killed server leaves without a row are removed when it
// starts again, and nothing a row names is: a photo stored by an upload
// killed before its row committed, a photo replaced and the photos of a
// record deleted by writes killed after the commit, before PocketBase
// removed the old files. (There was no sweep: each kill left its files
// for good.)
func TestKilledPhotoWritesLeaveNoFilesBehind(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	srv := tt.Serve(t, app)
	officer := tt.Token(t, app, tt.OfficerA)
	draft := tt.Activity(tt.VillageA)
	draft["id"] = crashDraft
	draft["status"] = catalog.StatusDraft
	if r := srv.Do(t, http.MethodPost, "/api/collections/activities/records", officer, draft); r.Status != 200 {
		t.Fatalf("draft: %d %s", r.Status, r.Body)
	}
	for i, id := range []string{tt.ActivityA, crashDraft, crashDraft} {
		if r := tt.UploadPhoto(t, srv, catalog.Activities, id, officer, "f.jpg", tt.JPEG(t, 40+i, 30)); r.Status != 200 {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
	}
	if n := len(orphans(t, app)); n != 0 {
		t.Fatalf("%d files without a row before any kill", n)
	}

	// each kill leaves files without a row (and each child's start removed
	// those of the kill before)
	for _, c := range []struct{ child, point string }{
		{"TestPhotoCrashChildUpload", crashpoint.BeforeRecordCommit}, // the new photo
		{"TestPhotoCrashChildReplace", crashpoint.AfterRecordCommit}, // the replaced photo and its thumbnail
		{"TestPhotoCrashChildDelete", crashpoint.AfterRecordCommit},  // the deleted record's photo
	} {
		tt.RunKilled(t, app, c.child, c.point)
		if left := orphans(t, app); len(left) == 0 {
			t.Fatalf("%s left no file without a row: the kill came too late", c.child)
		}
	}
	if a, err := app.FindRecordById(catalog.Activities, tt.ActivityA); err != nil || len(a.GetStringSlice("photos")) != 1 {
		t.Fatalf("the upload killed before its commit changed the row: %v", err)
	}
	if _, err := app.FindRecordById(catalog.Activities, crashDraft); err == nil {
		t.Fatal("the delete killed after its commit left the row")
	}

	// a kill while the local store wrote a photo: its attributes file
	// written, the photo not yet moved into place (never listed by the store)
	col, _ := app.FindCollectionByNameOrId(catalog.Activities)
	sidecar := filepath.Join(app.DataDir(), "storage", col.Id, tt.ActivityA, "foto_killedwhilewrit.jpg.attrs")
	if err := os.WriteFile(sidecar, []byte(`{"user.content_type":"image/jpeg"}`), 0o644); err != nil {
		t.Fatal(err)
	}

	tt.RunKilled(t, app, "TestPhotoCrashChildRestart", crashpoint.Started) // the server starts again
	if _, err := os.Stat(sidecar); !os.IsNotExist(err) {
		t.Errorf("after a restart, the attributes file of a photo never stored is still there (%v)", err)
	}
	if left := orphans(t, app); len(left) != 0 {
		t.Errorf("after a restart, %d files without a row: %v", len(left), left)
	}
	a, _ := app.FindRecordById(catalog.Activities, tt.ActivityA)
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	for _, name := range a.GetStringSlice("photos") {
		if ok, _ := fsys.Exists(a.BaseFilesPath() + "/" + name); !ok {
			t.Errorf("the sweep removed %s, which its row names", name)
		}
	}
}

// orphans lists the stored files of activities that no row names (a
// thumbnail counts as named with its photo).
func orphans(t *testing.T, app core.App) []string {
	t.Helper()
	col, err := app.FindCollectionByNameOrId(catalog.Activities)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	objs, err := fsys.List(col.Id + "/")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range objs {
		parts := strings.SplitN(strings.TrimPrefix(o.Key, col.Id+"/"), "/", 3)
		name := strings.TrimPrefix(parts[1], "thumbs_")
		rec, err := app.FindRecordById(col, parts[0])
		if err != nil || !contains(rec.GetStringSlice("photos"), name) {
			out = append(out, o.Key)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// crashBeforeCommit kills the process once an activity's write has run in
// its transaction (its files stored), before the commit.
func crashBeforeCommit(app core.App) {
	app.OnRecordUpdateExecute(catalog.Activities).Bind(&hook.Handler[*core.RecordEvent]{Id: "test.crash", Priority: 1000, Func: func(e *core.RecordEvent) error {
		err := e.Next()
		crashpoint.Here(crashpoint.BeforeRecordCommit)
		return err
	}})
}

// crashAfterCommit kills the process once an activity's update or delete
// has committed, before anything after the commit ran (PocketBase's
// removal of the files it replaced or deleted).
func crashAfterCommit(app core.App) {
	h := &hook.Handler[*core.ModelEvent]{Id: "test.crash", Priority: -1000, Func: func(e *core.ModelEvent) error {
		crashpoint.Here(crashpoint.AfterRecordCommit)
		return e.Next()
	}}
	app.OnModelAfterUpdateSuccess(catalog.Activities).Bind(h)
	app.OnModelAfterDeleteSuccess(catalog.Activities).Bind(h)
}

func TestPhotoCrashChildUpload(t *testing.T) {
	app, srv := tt.CrashChild(t, crashBeforeCommit)
	tt.UploadPhoto(t, srv, catalog.Activities, tt.ActivityA, tt.Token(t, app, tt.OfficerA), "g.jpg", tt.JPEG(t, 50, 30))
	t.Fatal("not killed")
}

func TestPhotoCrashChildReplace(t *testing.T) {
	app, srv := tt.CrashChild(t, crashAfterCommit)
	rec, err := app.FindRecordById(catalog.Activities, crashDraft)
	if err != nil {
		t.Fatal(err)
	}
	tok := tt.Token(t, app, tt.OfficerA)
	// a thumbnail of the photo replaced, as a list would have made it
	ft := srv.Do(t, http.MethodPost, "/api/files/token", tok, nil)
	srv.Do(t, http.MethodGet, "/api/files/activities/"+crashDraft+"/"+rec.GetStringSlice("photos")[0]+"?thumb=320x320f&token="+ft.JSON()["token"].(string), "", nil)
	srv.Do(t, http.MethodPatch, "/api/collections/activities/records/"+crashDraft, tok, map[string]any{"photos-": rec.GetStringSlice("photos")[:1]})
	t.Fatal("not killed")
}

func TestPhotoCrashChildDelete(t *testing.T) {
	app, srv := tt.CrashChild(t, crashAfterCommit)
	srv.Do(t, http.MethodDelete, "/api/collections/activities/records/"+crashDraft, tt.Token(t, app, tt.OfficerA), nil)
	t.Fatal("not killed")
}

func TestPhotoCrashChildRestart(t *testing.T) {
	tt.CrashChild(t)
	crashpoint.Here(crashpoint.Started)
	t.Fatal("not killed")
}
