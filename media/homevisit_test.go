package media_test

import (
	"net/http"
	"strings"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/media"
)

// TestHomeVisitTakesNoPhotos: a home-visit outreach log refuses photos
// (a route to homes and faces) on upload and on announcement, with a
// bilingual error on the field; other outreach keeps its photos.
func TestHomeVisitTakesNoPhotos(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	const outreach = "/api/collections/outreach_logs/records"
	if res := srv.Do(t, http.MethodPatch, outreach+"/"+tt.OutreachA, tok, map[string]any{"outreach_type": "home_visit"}); res.Status != 200 {
		t.Fatalf("made a home visit: %d %s", res.Status, res.Body)
	}
	res := addPhotos(t, srv, catalog.OutreachLogs, tt.OutreachA, tok, consent, smallPhoto(t, 1))
	if res.Status != 400 || res.FieldError(media.FieldPhotos) != "photos_home_visit" {
		t.Fatalf("photo on a home visit: %d %s", res.Status, res.Body)
	}
	if msg := fieldMessage(res, media.FieldPhotos); !strings.Contains(msg, "Kunjungan rumah") || !strings.Contains(msg, "home visit") {
		t.Errorf("message %q", msg)
	}
	if n := len(storedFiles(t, srv.App, catalog.OutreachLogs, tt.OutreachA)); n != 0 {
		t.Errorf("%d files stored", n)
	}
	body := tt.Outreach(tt.VillageA)
	body["outreach_type"], body["photo_consent"] = "home_visit", true
	body[media.FieldExpected] = []string{sha([]byte("x"))}
	if res := srv.Do(t, http.MethodPost, outreach, tok, body); res.Status != 400 || res.FieldError(media.FieldExpected) != "photos_home_visit" {
		t.Errorf("photos announced on a home visit: %d %s", res.Status, res.Body)
	}
	// a service post keeps its photos, and cannot then become a home visit
	if res := srv.Do(t, http.MethodPatch, outreach+"/"+tt.OutreachA, tok, map[string]any{"outreach_type": "migration_service_post"}); res.Status != 200 {
		t.Fatalf("%d %s", res.Status, res.Body)
	}
	if res := addPhotos(t, srv, catalog.OutreachLogs, tt.OutreachA, tok, consent, smallPhoto(t, 2)); res.Status != 200 {
		t.Fatalf("photo on a service post: %d %s", res.Status, res.Body)
	}
	res = srv.Do(t, http.MethodPatch, outreach+"/"+tt.OutreachA, tok, map[string]any{"outreach_type": "home_visit"})
	if res.Status != 400 || res.FieldError(media.FieldPhotos) != "photos_home_visit" {
		t.Errorf("a log with photos made a home visit: %d %s", res.Status, res.Body)
	}
}
