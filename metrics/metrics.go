// Package metrics serves Jangkau's Prometheus metrics at /metrics (for a
// superuser token or a configured bearer secret) and its readiness at
// /api/ready (the database answers; the S3 store, when configured, too).
package metrics

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"jangkau/internal/wiring"
	"jangkau/media"
	"jangkau/txbatch"
)

// EnvToken names the environment variable holding the bearer secret that
// may read /metrics besides superusers (a Prometheus scraper's).
const EnvToken = "JANGKAU_METRICS_TOKEN"

// EnvStaleDays names the environment variable with the days without a sync
// after which an enrolled phone counts as stale (default DefaultStaleDays).
const EnvStaleDays = "JANGKAU_STALE_DAYS"

// DefaultStaleDays is when a phone counts as stale unless EnvStaleDays says.
const DefaultStaleDays = 7

// Process-wide collectors: the write queue and the photo decoder are shared
// by every app of the process, so their observers are set once.
var (
	writeWait = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "jangkau_write_queue_wait_seconds",
		Help:    "Time a grouped write (txbatch.Run) waited before its transaction began.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	})
	photoTime = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "jangkau_photo_processing_seconds",
		Help:    "Time to process one uploaded photo (decode slot wait, decode, resize, encode).",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	})
	observersOnce sync.Once
)

// Register serves /metrics and /api/ready on app and binds the request
// middleware that times every request by route group.
func Register(app core.App) {
	observersOnce.Do(func() {
		txbatch.ObserveWait(func(d time.Duration) { writeWait.Observe(d.Seconds()) })
		media.ObserveProcess(func(d time.Duration) { photoTime.Observe(d.Seconds()) })
	})
	m := newAppMetrics(app)
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id:       "jangkau.metrics.routes",
		Priority: wiring.ServeBind,
		Func: func(e *core.ServeEvent) error {
			e.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id:       "jangkau.metrics.timer",
				Func:     m.observe,
				Priority: wiring.MiddlewareMetrics,
			})
			e.Router.GET("/metrics", m.serve)
			e.Router.GET("/api/ready", func(re *core.RequestEvent) error { return ready(re) })
			return e.Next()
		},
	})
}

// appMetrics holds one app's registry: the request metrics and the
// collectors that read the app's database at scrape time.
type appMetrics struct {
	app      core.App
	reg      *prometheus.Registry
	handler  http.Handler
	latency  *prometheus.HistogramVec
	syncReq  *prometheus.HistogramVec
	syncResp *prometheus.HistogramVec
}

func newAppMetrics(app core.App) *appMetrics {
	m := &appMetrics{app: app, reg: prometheus.NewRegistry()}
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "jangkau_http_request_duration_seconds",
		Help:    "Request latency by route group and status class.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"group", "status"})
	sizes := prometheus.ExponentialBuckets(256, 4, 10) // 256 B .. 64 MB
	m.syncReq = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "jangkau_sync_request_bytes", Help: "Size of sync request bodies by endpoint (push bodies carry the mutations).",
		Buckets: sizes,
	}, []string{"endpoint"})
	m.syncResp = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "jangkau_sync_response_bytes", Help: "Size of sync answers as sent (compressed when the client accepts gzip) by endpoint.",
		Buckets: sizes,
	}, []string{"endpoint"})
	m.reg.MustRegister(m.latency, m.syncReq, m.syncResp, writeWait, photoTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&dbCollector{app: app})
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return m
}

// serve answers /metrics for a superuser or the configured bearer secret.
func (m *appMetrics) serve(e *core.RequestEvent) error {
	if !e.HasSuperuserAuth() && !bearerOK(e.Request.Header.Get("Authorization")) {
		return e.UnauthorizedError("Metrik hanya untuk superuser atau pemegang token metrik. / Metrics are for superusers or the holder of the metrics token.", nil)
	}
	m.handler.ServeHTTP(e.Response, e.Request)
	return nil
}

// bearerOK reports whether header carries the configured metrics secret.
func bearerOK(header string) bool {
	secret := os.Getenv(EnvToken)
	token, ok := strings.CutPrefix(header, "Bearer ")
	return secret != "" && ok && subtle.ConstantTimeCompare([]byte(token), []byte(secret)) == 1
}

// observe times a request and, for sync endpoints, counts the bytes in
// and out.
func (m *appMetrics) observe(e *core.RequestEvent) error {
	start := time.Now()
	group, endpoint := Group(e.Request.URL.Path)
	var body *countingReader
	if endpoint != "" && e.Request.Body != nil {
		body = &countingReader{r: e.Request.Body}
		e.Request.Body = body
	}
	w := &countingWriter{ResponseWriter: e.Response}
	e.Response = w
	err := e.Next()
	status := w.status
	if err != nil { // PocketBase writes the error answer after the chain
		status = http.StatusInternalServerError
		var apiErr *router.ApiError
		if errors.As(err, &apiErr) {
			status = apiErr.Status
		}
	}
	if status == 0 {
		status = http.StatusOK
	}
	m.latency.WithLabelValues(group, strconv.Itoa(status/100)+"xx").Observe(time.Since(start).Seconds())
	if endpoint != "" {
		m.syncReq.WithLabelValues(endpoint).Observe(float64(body.n))
		m.syncResp.WithLabelValues(endpoint).Observe(float64(w.n))
	}
	return err
}

// Group names the route group of a request path (a bounded set, for
// labels) and, for sync requests, the sync endpoint.
func Group(path string) (group, syncEndpoint string) {
	switch {
	case strings.HasPrefix(path, "/api/sync/"):
		rest := strings.TrimPrefix(path, "/api/sync/")
		switch {
		case rest == "pull", rest == "push", rest == "watermelon":
			return "sync", rest
		case rest == "stream":
			return "stream", ""
		case strings.HasPrefix(rest, "rxdb/"):
			switch {
			case strings.HasSuffix(rest, "/pull_stream"):
				return "stream", ""
			case strings.HasSuffix(rest, "/pull"):
				return "sync", "rxdb_pull"
			case strings.HasSuffix(rest, "/push"):
				return "sync", "rxdb_push"
			}
		}
		return "sync", "other"
	case path == "/api/realtime":
		return "stream", ""
	case strings.HasPrefix(path, "/api/collections/") && strings.Contains(path, "/auth-"):
		return "auth", ""
	case strings.HasPrefix(path, "/api/collections/"):
		return "records", ""
	case strings.HasPrefix(path, "/api/files/"):
		return "files", ""
	case path == "/api/batch":
		return "batch", ""
	case path == "/metrics", path == "/api/ready", path == "/api/health":
		return "health", ""
	}
	for _, g := range []string{"reports", "devices", "audit", "accounts", "backups", "settings"} {
		if strings.HasPrefix(path, "/api/"+g) {
			return g, ""
		}
	}
	switch {
	case strings.HasPrefix(path, "/_/"):
		return "admin", ""
	case strings.HasPrefix(path, "/api/"):
		return "api_other", ""
	}
	return "static", ""
}

type countingReader struct {
	r io.ReadCloser
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Close() error { return c.r.Close() }

// countingWriter counts the bytes of an answer and keeps its status. It
// unwraps to the writer it wraps, so flushing (streams) still works.
type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (w *countingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *countingWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

// Unwrap returns the wrapped writer (for http.ResponseController).
func (w *countingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// dbCollector reads, at scrape time, what lives in the app's database and
// data directory.
type dbCollector struct{ app core.App }

var (
	descFileSize = prometheus.NewDesc("jangkau_db_file_bytes", "Size of the SQLite files in pb_data (database and write-ahead log).",
		[]string{"db", "file"}, nil)
	descAudit = prometheus.NewDesc("jangkau_audit_entries_total",
		"Audit entries ever written (the highest entry number; rate()*60 is entries per minute).", nil, nil)
	descAuditLive = prometheus.NewDesc("jangkau_audit_live_rows", "Audit entries in the live table (not archived).", nil, nil)
	descStale     = prometheus.NewDesc("jangkau_phones_stale",
		"Enrolled, not revoked phones without a sync for the stale days (JANGKAU_STALE_DAYS, default 7), by regency.",
		[]string{"regency"}, nil)
	descPhones = prometheus.NewDesc("jangkau_phones_active", "Enrolled, not revoked phones, by regency.", []string{"regency"}, nil)
	descUp     = prometheus.NewDesc("jangkau_db_up", "1 when the database answered the scrape's queries.", nil, nil)
)

func (c *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descFileSize, descAudit, descAuditLive, descStale, descPhones, descUp} {
		ch <- d
	}
}

func (c *dbCollector) Collect(ch chan<- prometheus.Metric) {
	dir := c.app.DataDir()
	for _, db := range []string{"data", "auxiliary"} {
		for suffix, file := range map[string]string{".db": "db", ".db-wal": "wal"} {
			var size float64
			if st, err := os.Stat(filepath.Join(dir, db+suffix)); err == nil {
				size = float64(st.Size())
			}
			ch <- prometheus.MustNewConstMetric(descFileSize, prometheus.GaugeValue, size, db, file)
		}
	}
	up := 1.0
	var top, live sql.NullInt64
	if err := c.app.DB().NewQuery("SELECT MAX(rowid), COUNT(*) FROM audit_log").Row(&top, &live); err != nil {
		up = 0
	} else {
		ch <- prometheus.MustNewConstMetric(descAudit, prometheus.CounterValue, float64(top.Int64))
		ch <- prometheus.MustNewConstMetric(descAuditLive, prometheus.GaugeValue, float64(live.Int64))
	}
	days := DefaultStaleDays
	if n, err := strconv.Atoi(os.Getenv(EnvStaleDays)); err == nil && n > 0 {
		days = n
	}
	threshold := time.Now().UTC().Add(-time.Duration(days) * 24 * time.Hour).Format("2006-01-02 15:04:05.000Z")
	var rows []struct {
		Regency string `db:"regency"`
		Active  int    `db:"active"`
		Stale   int    `db:"stale"`
	}
	// the last sync as the fleet list computes it (devices.lastSyncSQL)
	err := c.app.DB().NewQuery(`SELECT regency, COUNT(*) AS active,
		SUM(COALESCE(NULLIF(MAX(last_pull, last_push), ''), NULLIF(enrolled_at, ''), created) < {:t}) AS stale
		FROM devices WHERE enrolled = TRUE AND revoked_at = '' GROUP BY regency`).
		Bind(map[string]any{"t": threshold}).All(&rows)
	if err != nil {
		up = 0
	}
	for _, r := range rows {
		ch <- prometheus.MustNewConstMetric(descPhones, prometheus.GaugeValue, float64(r.Active), r.Regency)
		ch <- prometheus.MustNewConstMetric(descStale, prometheus.GaugeValue, float64(r.Stale), r.Regency)
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up)
}

// ready answers /api/ready: 200 when the database answers a query and the
// S3 store (when files are on S3) answers a lookup, else 503 naming what
// failed. It reveals nothing else, so it needs no sign-in.
func ready(e *core.RequestEvent) error {
	status := map[string]string{"database": "ok", "s3": "off"}
	code := http.StatusOK
	ctx, cancel := context.WithTimeout(e.Request.Context(), 5*time.Second)
	defer cancel()
	var one int
	if err := e.App.DB().NewQuery("SELECT 1").WithContext(ctx).Row(&one); err != nil {
		status["database"], code = "unavailable", http.StatusServiceUnavailable
		e.App.Logger().Error("readiness: database", "error", err)
	}
	if e.App.Settings().S3.Enabled {
		status["s3"] = "ok"
		if err := checkS3(e.App); err != nil {
			status["s3"], code = "unavailable", http.StatusServiceUnavailable
			e.App.Logger().Error("readiness: s3", "error", err)
		}
	}
	return e.JSON(code, status)
}

// checkS3 looks up a key in the files store: a missing key is an answer,
// a refused connection or bad credentials are not.
func checkS3(app core.App) error {
	fs, err := app.NewFilesystem()
	if err != nil {
		return err
	}
	defer fs.Close()
	_, err = fs.Exists(".jangkau-ready")
	return err
}
