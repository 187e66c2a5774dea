package media_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/media"
	"jangkau/review"
)

const activities = "/api/collections/activities/records"

var consent = map[string]string{"photo_consent": "true"}

// smallPhoto is a 1200 x 900 camera JPEG with EXIF and GPS; seeds give
// different bytes.
func smallPhoto(t testing.TB, seed uint64) []byte {
	return withMetadata(encodeJPEG(t, photoLike(1200, 900, seed), 90), 1)
}

// storedFiles lists the files kept for a record (thumbnails included).
func storedFiles(t *testing.T, app core.App, col, id string) map[string]int64 {
	t.Helper()
	rec, err := app.FindRecordById(col, id)
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	objs, err := fsys.List(rec.BaseFilesPath() + "/")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, o := range objs {
		if strings.HasSuffix(o.Key, ".attrs") {
			continue // the local driver's metadata sidecar
		}
		out[strings.TrimPrefix(o.Key, rec.BaseFilesPath()+"/")] = o.Size
	}
	return out
}

func TestRESTUploadIsUprightSmallAndClean(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	orig := orientedJPEG(t, 3200, 1800) // orientation 6, GPS, serial

	res := addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, consent, orig)
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	rec := res.JSON()
	names := stringList(rec, "photos")
	if len(names) != 1 || !strings.HasPrefix(names[0], "foto_") || !strings.HasSuffix(names[0], ".jpg") {
		t.Fatalf("photos %v", names)
	}
	if strings.Contains(strings.ToLower(names[0]), "budi") {
		t.Errorf("the phone's file name (which names a person) was kept: %s", names[0])
	}
	if h := hashMap(rec); len(h) != 1 || h[sha(orig)] != names[0] {
		t.Errorf("photo_hashes %v, want the original's sha256 -> %s", h, names[0])
	}
	if p := stringList(rec, "photos_pending"); len(p) != 0 {
		t.Errorf("photos_pending %v", p)
	}

	// the original is not kept: the record's only file is the processed one
	files := storedFiles(t, srv.App, catalog.Activities, tt.ActivityA)
	if len(files) != 1 || files[names[0]] == 0 || files[names[0]] >= int64(len(orig)) {
		t.Fatalf("stored files %v (original was %d bytes)", files, len(orig))
	}

	ft := fileToken(t, srv, tok)
	status, body := download(t, srv, catalog.Activities, tt.ActivityA, names[0], ft, "")
	if status != 200 {
		t.Fatalf("download: %d", status)
	}
	img := decode(t, body)
	if b := img.Bounds(); b.Dx() != 900 || b.Dy() != 1600 {
		t.Fatalf("stored %dx%d, want 900x1600: upright (portrait) with the long side at 1600", b.Dx(), b.Dy())
	}
	if !isReddish(img.At(800, 800)) || !isBluish(img.At(100, 800)) {
		t.Errorf("not upright: right half %v, left half %v; orientation 6 puts red on the right", img.At(800, 800), img.At(100, 800))
	}
	assertClean(t, body)

	// the 320 px list thumbnail
	status, thumb := download(t, srv, catalog.Activities, tt.ActivityA, names[0], ft, media.ListThumb)
	if status != 200 {
		t.Fatalf("thumb: %d", status)
	}
	if b := decode(t, thumb).Bounds(); b.Dx() != 180 || b.Dy() != 320 {
		t.Errorf("thumb %dx%d, want 180x320", b.Dx(), b.Dy())
	}
	assertClean(t, thumb)
}

func TestSamePhotoStoredOnce(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	a, b, c, d := smallPhoto(t, 1), smallPhoto(t, 2), smallPhoto(t, 3), smallPhoto(t, 4)
	photos := func(res tt.Response) []string {
		t.Helper()
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		return stringList(res.JSON(), "photos")
	}

	first := photos(addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, consent, a))
	again := photos(addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, nil, a))
	if len(first) != 1 || !slices.Equal(first, again) {
		t.Fatalf("same photo twice: %v then %v", first, again)
	}
	// twice in one request, and a stored one beside a new one
	if got := photos(addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, nil, b, b)); len(got) != 2 {
		t.Fatalf("b twice in one request: %v", got)
	}
	got := photos(addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, nil, a, c))
	if len(got) != 3 || got[0] != first[0] {
		t.Fatalf("a again with c: %v", got)
	}

	// a phone retrying while its first attempt is still being processed
	var wg sync.WaitGroup
	body, ct := multipartBody(t, nil, part{"photos+", "retry.jpg", d})
	errs := make(chan string, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := send(srv, http.MethodPatch, activities+"/"+tt.ActivityA, tok, body, ct)
			if err != nil || res.Status != 200 {
				errs <- string(res.Body)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent retry failed: %s", e)
	}
	rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
	if n := len(rec.GetStringSlice("photos")); n != 4 {
		t.Errorf("after 4 concurrent retries of one photo: %d photos, want 4 (a, b, c, d)", n)
	}
	if n := len(media.Hashes(rec)); n != 4 {
		t.Errorf("photo_hashes has %d entries, want 4", n)
	}
	if n := len(storedFiles(t, srv.App, catalog.Activities, tt.ActivityA)); n != 4 {
		t.Errorf("%d files on disk, want 4", n)
	}

	// idempotency is per record: the same photo on another record is stored
	other := photos(addPhotos(t, srv, catalog.OutreachLogs, tt.OutreachA, tok, consent, a))
	if len(other) != 1 {
		t.Errorf("outreach log photos %v", other)
	}
}

func TestConsentRequired(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	res := addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, nil, smallPhoto(t, 1))
	if res.Status != 400 || res.FieldError(media.FieldConsent) != media.CodeConsent {
		t.Fatalf("photo without consent: %d %s", res.Status, res.Body)
	}
	if msg := fieldMessage(res, media.FieldConsent); !strings.Contains(msg, "wajah anak") || !strings.Contains(msg, "child's face") {
		t.Errorf("message %q", msg)
	}
	if n := len(storedFiles(t, srv.App, catalog.Activities, tt.ActivityA)); n != 0 {
		t.Errorf("%d files stored", n)
	}
	// announcing photos needs consent too
	body := tt.Activity(tt.VillageA)
	body[media.FieldExpected] = []string{sha([]byte("x"))}
	if res := srv.Do(t, http.MethodPost, activities, tok, body); res.Status != 400 || res.FieldError(media.FieldConsent) != media.CodeConsent {
		t.Errorf("announced without consent: %d %s", res.Status, res.Body)
	}
	// consent cannot be withdrawn while photos are kept
	if res := addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, consent, smallPhoto(t, 1)); res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	res = srv.Do(t, http.MethodPatch, activities+"/"+tt.ActivityA, tok, map[string]any{"photo_consent": false})
	if res.Status != 400 || res.FieldError(media.FieldConsent) != media.CodeConsent {
		t.Errorf("consent withdrawn with a photo kept: %d %s", res.Status, res.Body)
	}
}

func TestOtherVillageCannotAttachPhotos(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	photo := smallPhoto(t, 1)
	for _, who := range []string{tt.OfficerA2, tt.OfficerB} {
		res := addPhotos(t, srv, catalog.Activities, tt.ActivityA, tt.Token(t, srv.App, who), consent, photo)
		if res.Status != 404 && res.Status != 403 {
			t.Errorf("%s attached a photo to village A's record: %d %s", who, res.Status, res.Body)
		}
	}
	// the regency's verifier reviews, it does not edit the village's content
	res := addPhotos(t, srv, catalog.Activities, tt.ActivityA, tt.Token(t, srv.App, tt.VerifierA), consent, photo)
	if res.Status != 400 {
		t.Errorf("verifier attached a photo: %d %s", res.Status, res.Body)
	}
	// a new record for another village, photo included
	fields := map[string]string{"village": tt.VillageB, "title": "Sosialisasi", "start_date": "2025-03-10 08:00:00.000Z",
		"type": "sosialisasi", "status": "draft", "photo_consent": "true", "id": "otherVillagePhot"}
	res = upload(t, srv, http.MethodPost, activities, tt.Token(t, srv.App, tt.OfficerA), fields, part{"photos", "a.jpg", photo})
	if res.Status != 400 || res.FieldError("village") != "not_your_area" {
		t.Errorf("record with photo for another village: %d %s", res.Status, res.Body)
	}
	if n := len(storedFiles(t, srv.App, catalog.Activities, tt.ActivityA)); n != 0 {
		t.Errorf("%d files stored on village A's record", n)
	}
	// refused before any decoding work
	if p := media.For(srv.App).Limiter().Peak(); p != 0 {
		t.Errorf("%d photos decoded for refused requests", p)
	}
}

func TestProtectedDownloadsFollowScope(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	res := addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, consent, smallPhoto(t, 1))
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	name := stringList(res.JSON(), "photos")[0]
	isJPEG := func(b []byte) bool { return bytes.HasPrefix(b, []byte{0xFF, 0xD8}) }

	for _, thumb := range []string{"", media.ListThumb} {
		if status, body := download(t, srv, catalog.Activities, tt.ActivityA, name, "", thumb); status == 200 || isJPEG(body) {
			t.Errorf("thumb %q without token: %d", thumb, status)
		}
		// an auth token is not a file token
		if status, body := download(t, srv, catalog.Activities, tt.ActivityA, name, tok, thumb); status == 200 || isJPEG(body) {
			t.Errorf("thumb %q with an auth token: %d", thumb, status)
		}
		for _, who := range []string{tt.OfficerA, tt.VerifierA, tt.Secretariat, tt.Taskforce} {
			ft := fileToken(t, srv, tt.Token(t, srv.App, who))
			if status, body := download(t, srv, catalog.Activities, tt.ActivityA, name, ft, thumb); status != 200 || !isJPEG(body) {
				t.Errorf("thumb %q, %s (in scope): %d", thumb, who, status)
			}
		}
		for _, who := range []string{tt.OfficerA2, tt.OfficerB, tt.VerifierB} {
			ft := fileToken(t, srv, tt.Token(t, srv.App, who))
			if status, body := download(t, srv, catalog.Activities, tt.ActivityA, name, ft, thumb); status == 200 || isJPEG(body) {
				t.Errorf("thumb %q, %s (out of scope) downloaded: %d", thumb, who, status)
			}
		}
	}
}

func TestBadInputsAreRefusedAndKeepTheRecord(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	good := smallPhoto(t, 1)
	if res := addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, consent, good); res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	before, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)

	full := orientedJPEG(t, 800, 600)
	huge := make([]byte, media.MaxUploadBytes+1024)
	copy(huge, full)
	_, _ = rand.Read(huge[len(full):])
	cases := []struct {
		name, code string
		data       []byte
	}{
		{"not an image", media.CodeNotImage, []byte("nama,usia\nA,12\n")},
		{"truncated jpeg", media.CodeCorrupt, full[:len(full)*2/3]},
		{"decompression bomb", media.CodeTooManyPixels, bombPNG(20000, 20000)},
		{"above 20 MB", media.CodeTooLarge, huge},
		{"heic", media.CodeHEIC, heicHeader()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// a bad photo beside a data change: the save is refused as a whole
			res := upload(t, srv, http.MethodPatch, activities+"/"+tt.ActivityA, tok,
				map[string]string{"title": "Judul yang diubah"}, part{"photos+", "x.jpg", c.data})
			if res.Status != 400 || res.FieldError("photos") != c.code {
				t.Fatalf("want 400 photos=%s, got %d %s", c.code, res.Status, res.Body)
			}
			msg := fieldMessage(res, "photos")
			if !strings.Contains(msg, " / ") || !strings.Contains(msg, "photos") {
				t.Errorf("message not bilingual or not naming the field: %q", msg)
			}
			if c.code == media.CodeHEIC && !strings.Contains(msg, "JPEG") {
				t.Errorf("HEIC message does not ask for JPEG: %q", msg)
			}
			after, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
			for _, f := range []string{"title", "photos", "photo_hashes", "updated"} {
				if after.GetString(f) != before.GetString(f) {
					t.Errorf("%s changed: %q -> %q", f, before.GetString(f), after.GetString(f))
				}
			}
			if files := storedFiles(t, srv.App, catalog.Activities, tt.ActivityA); len(files) != 1 {
				t.Errorf("stored files %v", files)
			}
		})
	}
	// a refused photo in a create stores nothing; the data alone is then accepted
	fields := map[string]string{"id": "createBadPhoto01", "village": tt.VillageA, "title": "Sosialisasi",
		"start_date": "2025-03-10 08:00:00.000Z", "type": "sosialisasi", "status": "draft", "photo_consent": "true"}
	res := upload(t, srv, http.MethodPost, activities, tok, fields, part{"photos", "x.heic", heicHeader()})
	if res.Status != 400 || res.FieldError("photos") != media.CodeHEIC {
		t.Fatalf("create with HEIC: %d %s", res.Status, res.Body)
	}
	if _, err := srv.App.FindRecordById(catalog.Activities, "createBadPhoto01"); err == nil {
		t.Error("record created with a refused photo")
	}
	if res := upload(t, srv, http.MethodPost, activities, tok, fields); res.Status != 200 {
		t.Errorf("the same data without the photo: %d %s", res.Status, res.Body)
	}
}

func TestTransparentPNGAndAnimatedGIFAreConverted(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	ft := fileToken(t, srv, tok)
	cases := []struct {
		name string
		data []byte
		at   [2]int
		ok   func(c interface{ RGBA() (r, g, b, a uint32) }) bool
	}{
		{"banner.png", transparentPNG(t, 400, 300), [2]int{5, 5}, func(c interface{ RGBA() (r, g, b, a uint32) }) bool { return isWhite(c) }},
		{"poster.gif", animatedGIF(t, 200, 100), [2]int{100, 50}, func(c interface{ RGBA() (r, g, b, a uint32) }) bool { return isReddish(c) }},
	}
	for _, c := range cases {
		res := upload(t, srv, http.MethodPatch, activities+"/"+tt.ActivityA, tok, consent, part{"photos+", c.name, c.data})
		if res.Status != 200 {
			t.Fatalf("%s: %d %s", c.name, res.Status, res.Body)
		}
		names := stringList(res.JSON(), "photos")
		status, body := download(t, srv, catalog.Activities, tt.ActivityA, names[len(names)-1], ft, "")
		if status != 200 {
			t.Fatalf("%s: download %d", c.name, status)
		}
		img := decode(t, body)
		if px := img.At(c.at[0], c.at[1]); !c.ok(px) {
			t.Errorf("%s: pixel %v at %v (want white background / first frame)", c.name, px, c.at)
		}
	}
}

func TestSyncFlowShowsPendingPhotos(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	p1, p2, p3 := smallPhoto(t, 1), smallPhoto(t, 2), smallPhoto(t, 3)
	h1, h2 := sha(p1), sha(p2)
	const id = "syncPhotoFlow001"

	// 1. data sync: the record, submitted, announcing two photos
	body := tt.Activity(tt.VillageA)
	body["id"], body["status"], body["photo_consent"] = id, catalog.StatusSubmitted, true
	body[media.FieldExpected] = []string{h1, strings.ToUpper(h2)}
	body[media.FieldHashes] = map[string]string{h1: "forged.jpg"} // server-owned: ignored
	res := srv.Do(t, http.MethodPost, activities, tok, body)
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	if p := stringList(res.JSON(), media.FieldPending); !slices.Equal(p, []string{h1, h2}) {
		t.Fatalf("photos_pending %v, want both", p)
	}
	if h := hashMap(res.JSON()); len(h) != 0 {
		t.Errorf("client-sent photo_hashes kept: %v", h)
	}
	pending := func() []string {
		rec, err := srv.App.FindRecordById(catalog.Activities, id)
		if err != nil {
			t.Fatal(err)
		}
		var p []string
		_ = json.Unmarshal([]byte(rec.GetString(media.FieldPending)), &p)
		return p
	}

	// 2. the first photo lands while the record is under review
	res = addPhotos(t, srv, catalog.Activities, id, tok, nil, p1)
	if res.Status != 200 || res.JSON()["status"] != catalog.StatusSubmitted {
		t.Fatalf("announced photo on a submitted record: %d %s", res.Status, res.Body)
	}
	if p := pending(); !slices.Equal(p, []string{h2}) {
		t.Errorf("pending %v, want [h2]", p)
	}
	if res := addPhotos(t, srv, catalog.Activities, id, tok, nil, p1); res.Status != 200 {
		t.Errorf("retried photo: %d %s", res.Status, res.Body)
	}

	// 3. the lock still holds for everything else
	name := stringList(res.JSON(), "photos")[0]
	locked := []struct {
		name, field, code string
		do                func() tt.Response
	}{
		{"unannounced photo", "photos", media.CodeNotDeclared, func() tt.Response { return addPhotos(t, srv, catalog.Activities, id, tok, nil, p3) }},
		{"unannounced HEIC", "photos", media.CodeNotDeclared, func() tt.Response {
			return upload(t, srv, http.MethodPatch, activities+"/"+id, tok, nil, part{"photos+", "IMG.HEIC", heicHeader()})
		}},
		{"photo removed", "photos", media.CodeLocked, func() tt.Response {
			return srv.Do(t, http.MethodPatch, activities+"/"+id, tok, map[string]any{"photos-": name})
		}},
		{"announcement added", media.FieldExpected, media.CodeNotDeclared, func() tt.Response {
			return srv.Do(t, http.MethodPatch, activities+"/"+id, tok, map[string]any{media.FieldExpected: []string{h1, h2, sha(p3)}})
		}},
		{"photo with a data change", "status", review.CodeLocked, func() tt.Response {
			return addPhotos(t, srv, catalog.Activities, id, tok, map[string]string{"title": "Lain"}, p2)
		}},
	}
	for _, c := range locked {
		res := c.do()
		if res.Status != 400 || res.FieldError(c.field) != c.code {
			t.Errorf("%s on a submitted record: want 400 %s=%s, got %d %s", c.name, c.field, c.code, res.Status, res.Body)
		}
		if msg := fieldMessage(res, c.field); !strings.Contains(msg, " / ") {
			t.Errorf("%s: message %q", c.name, msg)
		}
	}
	if rec, _ := srv.App.FindRecordById(catalog.Activities, id); len(rec.GetStringSlice("photos")) != 1 || rec.GetString("title") != body["title"] {
		t.Errorf("refused changes left a trace: photos %v title %q", rec.GetStringSlice("photos"), rec.GetString("title"))
	}

	// 4. approved before the second photo arrived: it still lands
	ver := tt.Token(t, srv.App, tt.VerifierA)
	if res := srv.Do(t, http.MethodPatch, activities+"/"+id, ver, map[string]any{"status": catalog.StatusApproved}); res.Status != 200 {
		t.Fatalf("approve: %d %s", res.Status, res.Body)
	}
	if res := addPhotos(t, srv, catalog.Activities, id, tok, nil, p2); res.Status != 200 {
		t.Fatalf("announced photo on an approved record: %d %s", res.Status, res.Body)
	}
	if p := pending(); len(p) != 0 {
		t.Errorf("pending %v after both photos", p)
	}
	rec, _ := srv.App.FindRecordById(catalog.Activities, id)
	if rec.GetString("status") != catalog.StatusApproved || len(rec.GetStringSlice("photos")) != 2 {
		t.Errorf("status %s photos %v", rec.GetString("status"), rec.GetStringSlice("photos"))
	}

	// 5. a pull (list API) shows the pending photos of every record
	res = srv.Do(t, http.MethodGet, activities+"?filter="+strings.ReplaceAll(`photos_pending != "[]"`, " ", "%20"), tok, nil)
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	if items, _ := res.JSON()["items"].([]any); len(items) != 0 {
		t.Errorf("%d records listed as pending", len(items))
	}
}

func TestPhotosExpectedIsValidated(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = sha([]byte{byte(i)})
	}
	for name, v := range map[string]any{
		"not hex":     []string{"IMG_0001.jpg"},
		"short":       []string{"abc123"},
		"a NIK":       []string{"1801234567890001"},
		"not a list":  map[string]any{"a": 1},
		"eleven":      eleven,
		"with spaces": []string{sha([]byte("a")) + " x"},
	} {
		body := tt.Activity(tt.VillageA)
		body["photo_consent"] = true
		body[media.FieldExpected] = v
		res := srv.Do(t, http.MethodPost, activities, tok, body)
		if res.Status != 400 || (res.FieldError(media.FieldExpected) != media.CodeExpected && res.FieldError(media.FieldExpected) == "") {
			t.Errorf("%s: %d %s", name, res.Status, res.Body)
		}
	}
}

func TestEveryPathProcesses(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	orig := orientedJPEG(t, 3200, 1800)
	check := func(col, id string) {
		t.Helper()
		rec, err := srv.App.FindRecordById(col, id)
		if err != nil {
			t.Fatal(err)
		}
		names := rec.GetStringSlice("photos")
		if len(names) != 1 {
			t.Fatalf("%s/%s photos %v", col, id, names)
		}
		fsys, err := srv.App.NewFilesystem()
		if err != nil {
			t.Fatal(err)
		}
		defer fsys.Close()
		r, err := fsys.GetReader(rec.BaseFilesPath() + "/" + names[0])
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(r)
		if b := decode(t, buf.Bytes()).Bounds(); b.Dx() != 900 || b.Dy() != 1600 {
			t.Errorf("%s/%s: %dx%d", col, id, b.Dx(), b.Dy())
		}
		assertClean(t, buf.Bytes())
	}

	t.Run("go save", func(t *testing.T) {
		rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityB)
		f, err := filesystem.NewFileFromBytes(orig, "camera.jpg")
		if err != nil {
			t.Fatal(err)
		}
		rec.Set("photo_consent", true)
		rec.Set("photos+", f)
		if err := srv.App.Save(rec); err != nil {
			t.Fatal(err)
		}
		check(catalog.Activities, tt.ActivityB)
	})
	t.Run("batch", func(t *testing.T) {
		payload, _ := json.Marshal(map[string]any{"requests": []map[string]any{{
			"method": "PATCH", "url": "/api/collections/outreach_logs/records/" + tt.OutreachA,
			"body": map[string]any{"photo_consent": true},
		}}})
		res := upload(t, srv, http.MethodPost, "/api/batch", tt.Token(t, srv.App, tt.OfficerA),
			map[string]string{"@jsonPayload": string(payload)}, part{"requests.0.photos+", "camera.jpg", orig})
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		check(catalog.OutreachLogs, tt.OutreachA)
	})
}

func TestTenSimultaneousUploadsDecodeTwoAtATime(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	photo := withMetadata(encodeJPEG(t, photoLike(2400, 1800, 9), 90), 1)
	body, ct := multipartBody(t, consent, part{"photos+", "a.jpg", photo})
	ids := make([]string, 10)
	for i := range ids {
		rec := tt.Activity(tt.VillageA)
		res := srv.Do(t, http.MethodPost, activities, tok, rec)
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		ids[i] = res.JSON()["id"].(string)
	}
	lim := media.For(srv.App).Limiter()
	lim.ResetPeak()
	var wg sync.WaitGroup
	failed := make(chan string, len(ids))
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := send(srv, http.MethodPatch, activities+"/"+id, tok, body, ct)
			if err != nil || res.Status != 200 {
				failed <- id + ": " + string(res.Body)
			}
		}()
	}
	wg.Wait()
	close(failed)
	for f := range failed {
		t.Error(f)
	}
	if p := lim.Peak(); p < 1 || p > media.DefaultDecodeSlots {
		t.Errorf("peak concurrent decodes %d, want at most %d", p, media.DefaultDecodeSlots)
	}
	for _, id := range ids {
		rec, _ := srv.App.FindRecordById(catalog.Activities, id)
		if len(rec.GetStringSlice("photos")) != 1 {
			t.Errorf("%s: photos %v", id, rec.GetStringSlice("photos"))
		}
	}
}

func TestRemovedPhotoLeavesNoHashBehind(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	a, b := smallPhoto(t, 1), smallPhoto(t, 2)
	fields := map[string]string{"photo_consent": "true", media.FieldExpected: `["` + sha(a) + `","` + sha(b) + `"]`}
	res := addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, fields, a, b)
	if res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	nameA := hashMap(res.JSON())[sha(a)]
	res = srv.Do(t, http.MethodPatch, activities+"/"+tt.ActivityA, tok, map[string]any{"photos-": nameA})
	if res.Status != 200 {
		t.Fatalf("remove: %d %s", res.Status, res.Body)
	}
	rec := res.JSON()
	if h := hashMap(rec); len(h) != 1 || h[sha(b)] == "" {
		t.Errorf("photo_hashes after removal: %v", h)
	}
	// still announced, no longer stored: pending again, and accepted again
	if p := stringList(rec, media.FieldPending); !slices.Equal(p, []string{sha(a)}) {
		t.Errorf("pending %v, want a", p)
	}
	if files := storedFiles(t, srv.App, catalog.Activities, tt.ActivityA); len(files) != 1 {
		t.Errorf("files %v", files)
	}
	res = addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, nil, a)
	if res.Status != 200 || len(stringList(res.JSON(), "photos")) != 2 || len(stringList(res.JSON(), media.FieldPending)) != 0 {
		t.Errorf("a again: %d %s", res.Status, res.Body)
	}
}

func TestAnnouncedBadPhotoOnSubmittedRecordGetsThePhotoError(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	heic := heicHeader()
	body := tt.Activity(tt.VillageA)
	body["id"], body["status"], body["photo_consent"] = "announcedHeic001", catalog.StatusSubmitted, true
	body[media.FieldExpected] = []string{sha(heic)}
	if res := srv.Do(t, http.MethodPost, activities, tok, body); res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	res := upload(t, srv, http.MethodPatch, activities+"/announcedHeic001", tok, nil, part{"photos+", "IMG_0001.HEIC", heic})
	if res.Status != 400 || res.FieldError("photos") != media.CodeHEIC {
		t.Fatalf("want the HEIC error, got %d %s", res.Status, res.Body)
	}
	// the phone gives up on it: the announcement may shrink on a submitted record
	res = srv.Do(t, http.MethodPatch, activities+"/announcedHeic001", tok, map[string]any{media.FieldExpected: []string{}})
	if res.Status != 200 || len(stringList(res.JSON(), media.FieldPending)) != 0 {
		t.Errorf("giving up on an announced photo: %d %s", res.Status, res.Body)
	}
}

// A phone keeps syncing data while its photos upload in the background, so
// a save often carries a copy of the record older than the stored row.
// These build the stale copy on purpose (no timing involved).
func TestStaleSavesNeitherUndoDataNorDropPhotos(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	if res := srv.Do(t, http.MethodPatch, activities+"/"+tt.ActivityA, tok, map[string]any{"photo_consent": true}); res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}

	t.Run("a photo upload does not undo a data edit", func(t *testing.T) {
		stale, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
		res := srv.Do(t, http.MethodPatch, activities+"/"+tt.ActivityA, tok, map[string]any{"title": "Judul dari sinkronisasi", "male_adult": 42})
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		f, _ := filesystem.NewFileFromBytes(smallPhoto(t, 1), "a.jpg")
		stale.Set("photos+", f)
		if err := srv.App.Save(stale); err != nil {
			t.Fatal(err)
		}
		rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
		if rec.GetString("title") != "Judul dari sinkronisasi" || rec.GetInt("male_adult") != 42 || len(rec.GetStringSlice("photos")) != 1 {
			t.Errorf("title %q male_adult %d photos %v", rec.GetString("title"), rec.GetInt("male_adult"), rec.GetStringSlice("photos"))
		}
	})

	t.Run("a data edit does not drop a photo", func(t *testing.T) {
		stale, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
		res := addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, nil, smallPhoto(t, 2))
		if res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		stale.Set("venue", "Aula kecamatan")
		if err := srv.App.Save(stale); err != nil {
			t.Fatal(err)
		}
		rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
		if rec.GetString("venue") != "Aula kecamatan" || len(rec.GetStringSlice("photos")) != 2 || len(media.Hashes(rec)) != 2 {
			t.Errorf("venue %q photos %v hashes %v", rec.GetString("venue"), rec.GetStringSlice("photos"), media.Hashes(rec))
		}
		if n := len(storedFiles(t, srv.App, catalog.Activities, tt.ActivityA)); n != 2 {
			t.Errorf("%d files on disk, want 2", n)
		}
	})

	t.Run("a stale upload of a stored photo stores nothing", func(t *testing.T) {
		stale, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
		photo := smallPhoto(t, 3)
		if res := addPhotos(t, srv, catalog.Activities, tt.ActivityA, tok, nil, photo); res.Status != 200 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		f, _ := filesystem.NewFileFromBytes(photo, "again.jpg")
		stale.Set("photos+", f)
		if err := srv.App.Save(stale); err != nil {
			t.Fatal(err)
		}
		rec, _ := srv.App.FindRecordById(catalog.Activities, tt.ActivityA)
		if n := len(rec.GetStringSlice("photos")); n != 3 {
			t.Errorf("%d photos, want 3", n)
		}
		if n := len(storedFiles(t, srv.App, catalog.Activities, tt.ActivityA)); n != 3 {
			t.Errorf("%d files on disk, want 3", n)
		}
	})
}
