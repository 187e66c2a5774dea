package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

var bundle = []byte(strings.Repeat("export const x = 'Sosialisasi pencegahan TPPO';\n", 200))

func hash12(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])[:12]
}

var files = fstest.MapFS{
	"index.html":        {Data: []byte(`<!doctype html><script src="/assets/console.js?v=` + hash12(bundle) + `"></script>`)},
	"assets/console.js": {Data: bundle},
	"app/index.html":    {Data: []byte("<!doctype html><title>Jangkau Lapangan</title>")},
	"app/icon.png":      {Data: []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 2000))},
}

// get runs the handler as the router would for target.
func get(t *testing.T, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.SetPathValue(apis.StaticWildcardParam, strings.TrimPrefix(req.URL.Path, "/"))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e := &core.RequestEvent{}
	e.Request, e.Response = req, rec
	if err := Handler(files)(e); err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	if e.Get(skipSuccessLogKey) == nil {
		t.Errorf("%s: a file request would be written to the request log", target)
	}
	return rec
}

func TestBundlesAreImmutableAtTheirHashedURLOnly(t *testing.T) {
	v := hash12(bundle)
	res := get(t, "/assets/console.js?v="+v, nil)
	if cc := res.Header().Get("Cache-Control"); cc != Immutable {
		t.Errorf("hashed URL: Cache-Control %q", cc)
	}
	for _, target := range []string{"/assets/console.js", "/assets/console.js?v=0123456789ab", "/", "/app/"} {
		if cc := get(t, target, nil).Header().Get("Cache-Control"); cc != Revalidate {
			t.Errorf("%s: Cache-Control %q, want %q", target, cc, Revalidate)
		}
	}
}

func TestFilesAreGzippedAndRevalidatedByETag(t *testing.T) {
	res := get(t, "/assets/console.js", map[string]string{"Accept-Encoding": "gzip, br"})
	if res.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header().Get("Vary"), "Accept-Encoding") {
		t.Fatalf("headers: %v", res.Header())
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !bytes.Equal(body, bundle) || res.Body.Len() > len(bundle)/4 {
		t.Errorf("gzipped body: %d bytes for %d, equal %v", res.Body.Len(), len(bundle), bytes.Equal(body, bundle))
	}
	plain := get(t, "/assets/console.js", nil)
	if plain.Header().Get("Content-Encoding") != "" || !bytes.Equal(plain.Body.Bytes(), bundle) {
		t.Errorf("without Accept-Encoding: %q, %d bytes", plain.Header().Get("Content-Encoding"), plain.Body.Len())
	}
	etag := plain.Header().Get("ETag")
	if etag == "" || etag == res.Header().Get("ETag") {
		t.Fatalf("ETags: plain %q, gzip %q (each representation its own)", etag, res.Header().Get("ETag"))
	}
	if again := get(t, "/assets/console.js", map[string]string{"If-None-Match": etag}); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("revalidation: %d with %d bytes, want 304", again.Code, again.Body.Len())
	}
	if png := get(t, "/app/icon.png", map[string]string{"Accept-Encoding": "gzip"}); png.Header().Get("Content-Encoding") != "" || png.Header().Get("Content-Type") != "image/png" {
		t.Errorf("an image is sent as it is: %v", png.Header())
	}
}

func TestAppRoutesGetTheirIndex(t *testing.T) {
	if res := get(t, "/reports/regency/18.01", nil); res.Code != 200 || !strings.Contains(res.Body.String(), "console.js") {
		t.Errorf("unknown path: %d %s", res.Code, res.Body)
	}
	if res := get(t, "/app/", nil); res.Code != 200 || !strings.Contains(res.Body.String(), "Lapangan") {
		t.Errorf("/app/: %d %s", res.Code, res.Body)
	}
	for target, to := range map[string]string{"/app": "/app/", "/index.html": "/", "/app/index.html": "/app/"} {
		if res := get(t, target, nil); res.Code != http.StatusMovedPermanently || res.Header().Get("Location") != to {
			t.Errorf("%s: %d to %q, want a redirect to %q", target, res.Code, res.Header().Get("Location"), to)
		}
	}
}
