// Package static serves the embedded web apps (pb_public): gzip-compressed
// when the browser accepts it (compressed once, when first asked for),
// with an ETag so a revalidation costs a 304, and cache headers that let a
// browser keep a bundle for good when its URL names its content.
//
// The builds (web/build.mjs, web/app/build.mjs) link each bundle as
// `name.js?v=<first 12 hex digits of its SHA-256>`. A request whose v is
// the hash of the file served is answered "immutable" for a year: a new
// build has a new URL. Everything else (index.html, the service worker,
// the manifest, a bundle asked for with a stale or no v) is "no-cache":
// the browser revalidates it each time, with its ETag.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Immutable and Revalidate are the Cache-Control values of hashed bundles
// and of everything else.
const (
	Immutable  = "public, max-age=31536000, immutable"
	Revalidate = "no-cache"
)

// skipSuccessLogKey tells PocketBase's request logger to leave a
// successful request out (its own Static handler sets it for files too;
// TestStaticLeavesNoRequestLog pins it).
const skipSuccessLogKey = "__skipSuccessActivityLogger"

// file is one embedded file, ready to send.
type file struct {
	name    string
	ctype   string
	hash    string // first 12 hex digits of the SHA-256 of the content
	etag    string
	content []byte
	gz      []byte // nil when compressing would not help
}

// Handler serves fsys like apis.Static(fsys, true): a missing file gets the
// root index.html (the apps route in the browser), a directory its
// index.html.
func Handler(fsys fs.FS) func(*core.RequestEvent) error {
	var mu sync.Mutex
	files := map[string]*file{}
	load := func(name string) (*file, error) {
		mu.Lock()
		defer mu.Unlock()
		if f, ok := files[name]; ok {
			return f, nil
		}
		content, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(content)
		f := &file{name: name, content: content, hash: hex.EncodeToString(sum[:])[:12]}
		f.etag = `"` + hex.EncodeToString(sum[:])[:20] + `"`
		f.ctype = mime.TypeByExtension(path.Ext(name))
		if f.ctype == "" {
			f.ctype = http.DetectContentType(content)
		}
		if compressible(f.ctype) && len(content) > 512 {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			_, _ = zw.Write(content)
			_ = zw.Close()
			if buf.Len() < len(content)*9/10 {
				f.gz = buf.Bytes()
			}
		}
		files[name] = f
		return f, nil
	}

	return func(e *core.RequestEvent) error {
		e.Set(skipSuccessLogKey, true)
		urlPath := e.Request.URL.Path
		name := path.Clean("/" + e.Request.PathValue(apis.StaticWildcardParam))[1:]
		if name == "" {
			name = router.IndexPage
		}
		st, err := fs.Stat(fsys, name)
		switch {
		case err != nil:
			name = router.IndexPage // the apps' own routes
		case st.IsDir():
			if !strings.HasSuffix(urlPath, "/") {
				return e.Redirect(http.StatusMovedPermanently, safeRedirect(urlPath+"/"))
			}
			name = path.Join(name, router.IndexPage)
			if _, err := fs.Stat(fsys, name); err != nil {
				name = router.IndexPage
			}
		case strings.HasSuffix(urlPath, "/"):
			if trimmed := strings.TrimRight(urlPath, "/"); trimmed != "" {
				return e.Redirect(http.StatusMovedPermanently, safeRedirect(trimmed))
			}
		default:
			if stripped, ok := strings.CutSuffix(urlPath, "/"+router.IndexPage); ok {
				return e.Redirect(http.StatusMovedPermanently, safeRedirect(stripped+"/"))
			}
		}
		f, err := load(name)
		if err != nil {
			return router.ErrFileNotFound
		}
		serve(e, f)
		return nil
	}
}

func serve(e *core.RequestEvent, f *file) {
	h := e.Response.Header()
	h.Set("Content-Type", f.ctype)
	h.Add("Vary", "Accept-Encoding")
	if v := e.Request.URL.Query().Get("v"); v != "" && v == f.hash {
		h.Set("Cache-Control", Immutable)
	} else {
		h.Set("Cache-Control", Revalidate)
	}
	body, etag := f.content, f.etag
	if f.gz != nil && AcceptsGzip(e.Request) {
		body, etag = f.gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	http.ServeContent(e.Response, e.Request, "", time.Time{}, bytes.NewReader(body))
}

// compressible reports whether a content type is text that gzip shrinks.
func compressible(ctype string) bool {
	ctype, _, _ = strings.Cut(ctype, ";")
	switch {
	case strings.HasPrefix(ctype, "text/"), strings.HasSuffix(ctype, "+json"), strings.HasSuffix(ctype, "+xml"):
		return true
	}
	switch ctype {
	case "application/javascript", "application/json", "image/svg+xml", "application/manifest+json", "application/xml":
		return true
	}
	return false
}

// AcceptsGzip reports whether the request's Accept-Encoding allows gzip.
func AcceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// safeRedirect keeps a redirect on this host ("//evil" is a host).
func safeRedirect(p string) string {
	if len(p) > 1 && (p[0] == '\\' || p[0] == '/') && (p[1] == '\\' || p[1] == '/') {
		p = "/" + strings.TrimLeft(p, `/\`)
	}
	return p
}
