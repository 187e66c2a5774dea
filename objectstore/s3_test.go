//go:build ops

package objectstore_test

// These tests start a real S3 server (versitygw, built once into the tools
// cache) on loopback: make test-ops.

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/audit"
	tt "jangkau/internal/testapp"
	"jangkau/internal/tools"
	"jangkau/objectstore"
)

func photo(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
	for x := range 1200 {
		for y := range 900 {
			img.Set(x, y, color.RGBA{uint8(x / 5), uint8(y / 4), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func get(t *testing.T, url string) (int, []byte) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, raw
}

// onS3 starts an S3 server and a Jangkau server whose files and backups
// go to it.
func onS3(t *testing.T) (*tt.Server, *tools.S3) {
	t.Helper()
	s3 := tools.StartS3(t)
	srv := tt.NewServer(t)
	err := objectstore.Apply(srv.App, objectstore.Config{Endpoint: s3.Endpoint, Bucket: s3.Bucket, Region: s3.Region,
		AccessKey: s3.AccessKey, Secret: s3.Secret, ForcePathStyle: true, BackupsKeep: 3})
	if err != nil {
		t.Fatal(err)
	}
	return srv, s3
}

func TestPhotosLiveOnS3(t *testing.T) {
	srv, s3 := onS3(t)
	app := srv.App
	officer := tt.Token(t, app, tt.OfficerA)
	res := srv.Do(t, http.MethodPost, "/api/collections/activities/records", officer, tt.Activity(tt.VillageA))
	if res.Status != http.StatusOK {
		t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	id := res.JSON()["id"].(string)

	// upload through the unchanged photo pipeline
	orig := photo(t)
	if up := tt.UploadPhoto(t, srv, "activities", id, officer, "IMG_20250310_rumah.jpg", orig); up.Status != http.StatusOK {
		t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	rec, err := app.FindRecordById("activities", id)
	if err != nil {
		t.Fatal(err)
	}
	name := rec.GetStringSlice("photos")[0]
	objPath := filepath.Join(s3.Dir, s3.Bucket, rec.Collection().Id, id, name)
	stored, err := os.ReadFile(objPath)
	if err != nil {
		t.Fatalf("the photo is not in the S3 bucket: %v", err)
	}
	if _, err := os.Stat(filepath.Join(app.DataDir(), "storage", rec.Collection().Id, id, name)); err == nil {
		t.Fatal("the photo was also written to the local disk")
	}
	img, _, err := image.Decode(bytes.NewReader(stored))
	if err != nil || img.Bounds().Dx() != 1200 || bytes.Equal(stored, orig) {
		t.Fatalf("the stored photo is not the pipeline's re-encoded JPEG (err %v)", err)
	}

	// downloads need a file token (protected), from S3 through the server
	fileURL := srv.URL + "/api/files/activities/" + id + "/" + name
	if code, _ := get(t, fileURL); code == http.StatusOK {
		t.Fatal("a protected photo was served without a file token")
	}
	tres := srv.Do(t, http.MethodPost, "/api/files/token", officer, nil)
	ftok, _ := tres.JSON()["token"].(string)
	code, got := get(t, fileURL+"?token="+ftok)
	if code != http.StatusOK || !bytes.Equal(got, stored) {
		t.Fatalf("download: %d, %d bytes (stored %d)", code, len(got), len(stored))
	}
	code, thumb := get(t, fileURL+"?thumb=320x320f&token="+ftok)
	timg, _, err := image.Decode(bytes.NewReader(thumb))
	if code != http.StatusOK || err != nil || timg.Bounds().Dx() > 320 {
		t.Fatalf("thumbnail: %d %v", code, err)
	}
	if _, err := os.Stat(filepath.Join(s3.Dir, s3.Bucket, rec.Collection().Id, id, "thumbs_"+name, "320x320f_"+name)); err != nil {
		t.Fatalf("the thumbnail is not kept on S3: %v", err)
	}

	// deleting the record deletes its objects
	if res := srv.Do(t, http.MethodDelete, "/api/collections/activities/records/"+id, officer, nil); res.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	deadline := time.Now().Add(10 * time.Second) // PocketBase deletes files after the commit
	for {
		if _, err := os.Stat(objPath); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the photo is still on S3 after its record was deleted")
		}
		time.Sleep(100 * time.Millisecond)
	}

	if res := srv.Do(t, http.MethodGet, "/api/ready", "", nil); res.Status != http.StatusOK || res.JSON()["s3"] != "ok" {
		t.Fatalf("ready: %d %s", res.Status, res.Body)
	}
}

func TestBackupsAndAuditArchivesGoToS3(t *testing.T) {
	srv, s3 := onS3(t)
	app := srv.App
	if err := app.CreateBackup(context.Background(), "nightly.zip"); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(s3.Dir, s3.Bucket, "nightly.zip")); err != nil || st.Size() < 10_000 {
		t.Fatalf("the backup is not in the bucket: %v", err)
	}
	// everything is old 800 days from now: archived to S3, then verified from there
	res, err := audit.Archive(app, audit.Retention{ArchiveAfter: 730 * 24 * time.Hour}, time.Now().Add(800*24*time.Hour))
	if err != nil || res.Archived == 0 {
		t.Fatalf("archive: %+v %v", res, err)
	}
	if _, err := os.Stat(filepath.Join(s3.Dir, s3.Bucket, res.Files[0])); err != nil {
		t.Fatalf("the archive is not in the bucket: %v", err)
	}
	v, err := audit.Verify(app)
	if err != nil || len(v.Problems) > 0 || v.Archived != res.Archived {
		t.Fatalf("verify over S3: %+v %v", v, err)
	}
}

func TestSettingsFromEnvironment(t *testing.T) {
	t.Setenv("JANGKAU_S3_BUCKET", "b")
	t.Setenv("JANGKAU_S3_ENDPOINT", "http://127.0.0.1:9")
	t.Setenv("JANGKAU_S3_FORCE_PATH_STYLE", "maybe")
	if _, err := objectstore.FromEnv(); err == nil {
		t.Fatal("a bad boolean was accepted")
	}
	t.Setenv("JANGKAU_S3_FORCE_PATH_STYLE", "false")
	cfg, err := objectstore.FromEnv()
	if err != nil || cfg.Bucket != "b" || cfg.ForcePathStyle || cfg.BackupsKeep != 7 {
		t.Fatalf("%+v %v", cfg, err)
	}
	app := tt.New(t)
	if err := objectstore.Apply(app, cfg); err == nil {
		t.Fatal("a bucket without credentials was accepted")
	}
	var _ core.App = app
}
