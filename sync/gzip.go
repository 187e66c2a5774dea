package sync

import (
	"compress/gzip"
	"io"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// Compress is the middleware of the sync routes that answer in one piece
// (pushes, RxDB pulls): an answer of GzipMin bytes or more is
// gzip-compressed when the client accepts it. Unlike PocketBase's Gzip
// middleware it takes a compressor (about 1 MB each) only for answers that
// are compressed, so hundreds of phones pushing at once cost none.
func Compress(e *core.RequestEvent) error {
	orig := e.Response
	orig.Header().Add("Vary", "Accept-Encoding")
	w := &lazyGzip{ResponseWriter: orig, accept: acceptsGzip(e.Request)}
	e.Response = w
	err := e.Next()
	w.finish()
	e.Response = orig
	return err
}

// lazyGzip holds back the first GzipMin bytes of an answer, then chooses.
type lazyGzip struct {
	http.ResponseWriter
	accept  bool
	status  int // from WriteHeader, sent when the choice is made
	head    []byte
	gz      *gzip.Writer
	started bool
}

// Unwrap gives PocketBase (status tracking) and http.ResponseController
// the response underneath.
func (w *lazyGzip) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *lazyGzip) WriteHeader(code int) {
	if !w.started && w.status == 0 {
		w.status = code
	}
}

func (w *lazyGzip) Write(p []byte) (int, error) {
	if w.started {
		if w.gz != nil {
			return w.gz.Write(p)
		}
		return w.ResponseWriter.Write(p)
	}
	w.head = append(w.head, p...)
	if len(w.head) >= GzipMin {
		if err := w.start(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush sends what is held back (compressed if it is long enough).
func (w *lazyGzip) Flush() {
	if !w.started && (w.head != nil || w.status != 0) {
		_ = w.start()
	}
	if w.gz != nil {
		_ = w.gz.Flush()
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *lazyGzip) start() error {
	w.started = true
	h := w.Header()
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	if w.accept && len(w.head) >= GzipMin && h.Get("Content-Encoding") == "" && status != http.StatusNoContent && status != http.StatusNotModified {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		w.gz = gzipWriters.Get().(*gzip.Writer)
		w.gz.Reset(w.ResponseWriter)
	}
	w.ResponseWriter.WriteHeader(status)
	head := w.head
	w.head = nil
	if len(head) == 0 {
		return nil
	}
	var err error
	if w.gz != nil {
		_, err = w.gz.Write(head)
	} else {
		_, err = w.ResponseWriter.Write(head)
	}
	return err
}

// finish sends what is still held back and ends the compression; an
// answer nothing was written to is left to PocketBase (its error answer).
func (w *lazyGzip) finish() {
	if !w.started && (w.head != nil || w.status != 0) {
		_ = w.start()
	}
	if w.gz != nil {
		_ = w.gz.Close()
		w.gz.Reset(io.Discard)
		gzipWriters.Put(w.gz)
		w.gz = nil
	}
}
