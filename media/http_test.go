package media_test

// HTTP helpers for the media tests: multipart uploads, file tokens and
// downloads against a real Jangkau server (internal/testapp).

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	tt "jangkau/internal/testapp"
)

// part is one file of a multipart upload.
type part struct {
	field, filename string
	data            []byte
}

// multipartBody encodes fields and files as multipart/form-data.
func multipartBody(t testing.TB, fields map[string]string, files ...part) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.field, f.filename)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(f.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.FormDataContentType()
}

// send posts a multipart body; safe from several goroutines (no t.Fatal).
func send(srv *tt.Server, method, path, token string, body []byte, contentType string) (tt.Response, error) {
	req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	if err != nil {
		return tt.Response{}, err
	}
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return tt.Response{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return tt.Response{Status: res.StatusCode, Body: raw}, err
}

// sendStream streams a multipart body from fields and files without
// building it in memory first, as a phone's HTTP client does; the
// memory benchmark uses it so that it measures the server.
func sendStream(srv *tt.Server, method, path, token string, fields map[string]string, files ...part) (tt.Response, error) {
	pr, pw := io.Pipe()
	w := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			for k, v := range fields {
				if err := w.WriteField(k, v); err != nil {
					return err
				}
			}
			for _, f := range files {
				fw, err := w.CreateFormFile(f.field, f.filename)
				if err != nil {
					return err
				}
				if _, err := fw.Write(f.data); err != nil {
					return err
				}
			}
			return w.Close()
		}()
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequest(method, srv.URL+path, pr)
	if err != nil {
		return tt.Response{}, err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return tt.Response{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return tt.Response{Status: res.StatusCode, Body: raw}, err
}

// upload sends fields and files as multipart/form-data.
func upload(t testing.TB, srv *tt.Server, method, path, token string, fields map[string]string, files ...part) tt.Response {
	t.Helper()
	body, ct := multipartBody(t, fields, files...)
	res, err := send(srv, method, path, token, body, ct)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// addPhotos appends files to a record's photos (PATCH with photos+), the
// way a phone delivers photos after the data.
func addPhotos(t testing.TB, srv *tt.Server, col, id, token string, fields map[string]string, photos ...[]byte) tt.Response {
	t.Helper()
	var files []part
	for _, p := range photos {
		files = append(files, part{"photos+", "IMG_20250310_Budi_rumah.jpg", p})
	}
	return upload(t, srv, http.MethodPatch, "/api/collections/"+col+"/records/"+id, token, fields, files...)
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// fileToken returns a file token for the holder of the auth token.
func fileToken(t testing.TB, srv *tt.Server, authToken string) string {
	t.Helper()
	res := srv.Do(t, http.MethodPost, "/api/files/token", authToken, nil)
	tok, _ := res.JSON()["token"].(string)
	if res.Status != 200 || tok == "" {
		t.Fatalf("file token: %d %s", res.Status, res.Body)
	}
	return tok
}

// download fetches a record file; token and thumb may be empty.
func download(t testing.TB, srv *tt.Server, col, id, name, token, thumb string) (int, []byte) {
	t.Helper()
	q := url.Values{}
	if token != "" {
		q.Set("token", token)
	}
	if thumb != "" {
		q.Set("thumb", thumb)
	}
	u := srv.URL + "/api/files/" + col + "/" + id + "/" + name
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// strings returns a JSON list field of a response record.
func stringList(m map[string]any, field string) []string {
	var out []string
	raw, _ := json.Marshal(m[field])
	_ = json.Unmarshal(raw, &out)
	return out
}

// hashMap returns the photo_hashes of a response record.
func hashMap(m map[string]any) map[string]string {
	out := map[string]string{}
	raw, _ := json.Marshal(m["photo_hashes"])
	_ = json.Unmarshal(raw, &out)
	return out
}

// fieldMessage returns the message of the field error for field.
func fieldMessage(r tt.Response, field string) string {
	data, _ := r.JSON()["data"].(map[string]any)
	fe, _ := data[field].(map[string]any)
	msg, _ := fe["message"].(string)
	return msg
}
