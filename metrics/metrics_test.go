package metrics_test

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	tt "jangkau/internal/testapp"
	"jangkau/metrics"
)

// scrape reads /metrics with the given Authorization header.
func scrape(t *testing.T, srv *tt.Server, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

// value returns the value of the sample whose line starts with name{labels}.
func value(t *testing.T, body, sample string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(sample) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no sample %s in the metrics", sample)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMetricsNeedASuperuserOrTheSecret(t *testing.T) {
	t.Setenv(metrics.EnvToken, "scraper-secret-0123456789")
	srv := tt.NewServer(t)
	for _, auth := range []string{"", "Bearer wrong", "Bearer ", tt.Token(t, srv.App, tt.Secretariat)} {
		if code, body := scrape(t, srv, auth); code != http.StatusUnauthorized || strings.Contains(body, "jangkau_") {
			t.Errorf("Authorization %.20q: status %d, want 401 without metrics", auth, code)
		}
	}
	if code, body := scrape(t, srv, "Bearer scraper-secret-0123456789"); code != http.StatusOK || !strings.Contains(body, "jangkau_db_up 1") {
		t.Errorf("the secret: status %d, body %.200s", code, body)
	}
	if code, _ := scrape(t, srv, tt.Token(t, srv.App, tt.SuperuserEmail)); code != http.StatusOK {
		t.Errorf("a superuser: status %d, want 200", code)
	}
}

func TestMetricsWithoutASecretOnlySuperusers(t *testing.T) {
	t.Setenv(metrics.EnvToken, "")
	srv := tt.NewServer(t)
	if code, _ := scrape(t, srv, "Bearer "); code != http.StatusUnauthorized {
		t.Errorf("an empty bearer with no secret configured: status %d, want 401", code)
	}
}

func TestMetricsCountSyncWritesAuditAndPhones(t *testing.T) {
	t.Setenv(metrics.EnvToken, "")
	srv := tt.NewServer(t)
	app := srv.App
	root := tt.Token(t, app, tt.SuperuserEmail)

	// a push of one record and a pull, by an officer
	officer := tt.Token(t, app, tt.OfficerA)
	act := tt.Activity(tt.VillageA)
	push := srv.Do(t, http.MethodPost, "/api/sync/push", officer, map[string]any{"clientId": "metrics-test", "mutations": []any{
		map[string]any{"mutationId": "m1", "collection": "activities", "id": "metricsact00001", "op": "upsert", "data": act}}})
	if push.Status != http.StatusOK {
		t.Fatalf("push: %d %s", push.Status, push.Body)
	}
	if res := srv.Do(t, http.MethodGet, "/api/sync/pull?cursor=0", officer, nil); res.Status != http.StatusOK {
		t.Fatalf("pull: %d %s", res.Status, res.Body)
	}
	if res := tt.UploadPhoto(t, srv, "activities", "metricsact00001", officer, "IMG_1.jpg", tt.JPEG(t, 64, 48)); res.Status != http.StatusOK {
		t.Fatalf("photo upload: %d %s", res.Status, res.Body)
	}

	// two enrolled phones in regency A, one of them silent for 30 days
	devices, err := app.FindCollectionByNameOrId("devices")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for i, last := range []time.Time{now.Add(-time.Hour), now.Add(-30 * 24 * time.Hour)} {
		d := core.NewRecord(devices)
		d.Id = "metricsdevice00" + strconv.Itoa(i)
		d.Set("user", tt.UserID(tt.OfficerA))
		d.Set("area", tt.VillageA)
		d.Set("regency", tt.RegencyA)
		d.Set("enrolled", true)
		d.Set("enrolled_at", last)
		d.Set("last_pull", last)
		if err := app.SaveNoValidate(d); err != nil {
			t.Fatal(err)
		}
	}

	code, body := scrape(t, srv, root)
	if code != http.StatusOK {
		t.Fatalf("scrape: %d", code)
	}
	for sample, want := range map[string]float64{
		`jangkau_sync_request_bytes_count{endpoint="push"}`:                      1,
		`jangkau_sync_response_bytes_count{endpoint="pull"}`:                     1,
		`jangkau_phones_active{regency="` + tt.RegencyA + `"}`:                   2,
		`jangkau_phones_stale{regency="` + tt.RegencyA + `"}`:                    1,
		`jangkau_http_request_duration_seconds_count{group="sync",status="2xx"}`: 2,
	} {
		if got := value(t, body, sample); got != want {
			t.Errorf("%s = %v, want %v", sample, got, want)
		}
	}
	if got := value(t, body, `jangkau_sync_request_bytes_sum{endpoint="push"}`); got < 200 {
		t.Errorf("push bytes %v: the body was larger", got)
	}
	if got := value(t, body, `jangkau_sync_response_bytes_sum{endpoint="pull"}`); got < 100 {
		t.Errorf("pull answer bytes %v: the answer held a record", got)
	}
	if got := value(t, body, "jangkau_audit_entries_total"); got < 2 { // the create and the pull
		t.Errorf("audit entries %v, want at least the push's and the pull's", got)
	}
	if got := value(t, body, `jangkau_db_file_bytes{db="data",file="db"}`); got < 100_000 {
		t.Errorf("data.db size %v", got)
	}
	if got := value(t, body, "jangkau_write_queue_wait_seconds_count"); got < 1 {
		t.Errorf("write queue waits counted %v, want the pull's audit entry at least", got)
	}
	if got := value(t, body, "jangkau_photo_processing_seconds_count"); got < 1 {
		t.Errorf("photos processed %v, want the upload's", got)
	}
}

func TestReadyChecksTheDatabaseAndS3(t *testing.T) {
	srv := tt.NewServer(t)
	res := srv.Do(t, http.MethodGet, "/api/ready", "", nil)
	if res.Status != http.StatusOK || res.JSON()["database"] != "ok" || res.JSON()["s3"] != "off" {
		t.Fatalf("ready: %d %s", res.Status, res.Body)
	}
	// S3 configured on a port where nothing listens: not ready
	s := srv.App.Settings()
	s.S3.Enabled, s.S3.Endpoint, s.S3.Bucket, s.S3.Region = true, "http://127.0.0.1:1", "jangkau", "us-east-1"
	s.S3.AccessKey, s.S3.Secret, s.S3.ForcePathStyle = "key", "secret", true
	res = srv.Do(t, http.MethodGet, "/api/ready", "", nil)
	if res.Status != http.StatusServiceUnavailable || res.JSON()["s3"] != "unavailable" || res.JSON()["database"] != "ok" {
		t.Fatalf("ready with S3 down: %d %s", res.Status, res.Body)
	}
}
