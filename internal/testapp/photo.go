package testapp

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"testing"
)

// JPEG is a w×h photo with a gradient (a real image for the photo
// pipeline to decode, resize and strip).
func JPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// UploadPhoto adds photo (named name) to the photos of record id of col
// through the REST API with token, consent given, and returns the answer.
func UploadPhoto(t testing.TB, srv *Server, col, id, token, name string, photo []byte) Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("photo_consent", "true")
	fw, err := w.CreateFormFile("photos+", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(photo)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPatch, srv.URL+"/api/collections/"+col+"/records/"+id, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", token)
	return send(t, req)
}
