package devices_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"jangkau/devices"
	tt "jangkau/internal/testapp"
)

// decodeQR reads a QR code the way a scanner app does. The images are pure
// codes (no photo around them), so the decoder is told so: without the
// hint, ZXing's finder-pattern search misses a few percent of perfectly
// valid synthetic codes, which would make the test flaky, not stricter.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatalf("QR does not decode: %v", err)
	}
	return res.GetText()
}

var svgRun = regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-\d+z`)

// rasterSVG draws the SVG's module runs at 4 px a module.
func rasterSVG(t *testing.T, svg []byte) image.Image {
	t.Helper()
	var doc struct {
		ViewBox string `xml:"viewBox,attr"`
		Path    struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("SVG is not well-formed: %v", err)
	}
	var n int
	if _, err := parseViewBox(doc.ViewBox, &n); err != nil {
		t.Fatalf("viewBox %q", doc.ViewBox)
	}
	const s = 4
	img := image.NewGray(image.Rect(0, 0, n*s, n*s))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for _, m := range svgRun.FindAllStringSubmatch(doc.Path.D, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for px := x * s; px < (x+w)*s; px++ {
			for py := y * s; py < (y+1)*s; py++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
	}
	return img
}

func parseViewBox(viewBox string, n *int) (int, error) {
	m := regexp.MustCompile(`^0 0 (\d+) (\d+)$`).FindStringSubmatch(viewBox)
	if m == nil || m[1] != m[2] {
		return 0, strconv.ErrSyntax
	}
	v, err := strconv.Atoi(m[1])
	*n = v
	return 1, err
}

func getRaw(t *testing.T, srv *tt.Server, path, token string) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), b.Bytes()
}

func TestQRCodes(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	b := mustEnroll(t, srv, tt.VerifierA, tt.OfficerA)
	verifier := tt.Token(t, srv.App, tt.VerifierA)

	status, ctype, body := getRaw(t, srv, str(b["qr"]), verifier)
	if status != 200 || ctype != "image/png" {
		t.Fatalf("png: %d %s %s", status, ctype, body)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	text := decodeQR(t, img)
	if text != b["uri"] {
		t.Fatalf("PNG says %q, want %q", text, b["uri"])
	}
	u, _ := url.Parse(text)
	_, fragQuery, _ := strings.Cut(u.Fragment, "?") // /activate?code=…&server=…
	q, _ := url.ParseQuery(fragQuery)
	if u.Fragment[:len("/activate?")] != "/activate?" || q.Get("code") != b["code"] || q.Get("server") == "" {
		t.Errorf("uri %q", text)
	}

	status, ctype, body = getRaw(t, srv, str(b["qrSvg"]), verifier)
	if status != 200 || ctype != "image/svg+xml" {
		t.Fatalf("svg: %d %s", status, ctype)
	}
	if text := decodeQR(t, rasterSVG(t, body)); text != b["uri"] {
		t.Fatalf("SVG says %q", text)
	}

	// only the user's managers see it; an <img> may use a file token
	for _, c := range []struct {
		who    string
		status int
	}{{"", 401}, {tt.OfficerA, 403}, {tt.Taskforce, 403}, {tt.VerifierB, 404}, {tt.Secretariat, 200}} {
		tok := ""
		if c.who != "" {
			tok = tt.Token(t, srv.App, c.who)
		}
		if status, _, body := getRaw(t, srv, str(b["qr"]), tok); status != c.status {
			t.Errorf("%q: %d %s", c.who, status, body)
		}
	}
	ft := srv.Do(t, http.MethodPost, "/api/files/token", verifier, nil)
	fileToken := str(ft.JSON()["token"])
	if status, _, _ := getRaw(t, srv, str(b["qr"])+"?token="+fileToken, ""); status != 200 || fileToken == "" {
		t.Errorf("file token: %d (%s)", status, ft.Body)
	}
	if status, _, _ := getRaw(t, srv, str(b["qr"])+"?token=nonsense", ""); status != 401 {
		t.Errorf("bad file token: %d", status)
	}
	if status, _, _ := getRaw(t, srv, "/api/devices/enrollments/nosuchenrolment/qr.png", verifier); status != 404 {
		t.Errorf("unknown enrollment: %d", status)
	}
	// another regency's verifier gets the answer of an unknown id, byte for
	// byte: which enrollments exist elsewhere is not told
	other := tt.Token(t, srv.App, tt.VerifierB)
	_, _, elsewhere := getRaw(t, srv, str(b["qr"]), other)
	_, _, unknown := getRaw(t, srv, "/api/devices/enrollments/nosuchenrolment/qr.png", other)
	if string(elsewhere) != string(unknown) {
		t.Errorf("an enrollment of another regency answers %s, an unknown one %s", elsewhere, unknown)
	}
	// once used, the image is gone
	phoneFrom(t, activate(t, srv, str(b["code"])))
	if status, _, _ := getRaw(t, srv, str(b["qr"]), verifier); status != 410 {
		t.Errorf("used enrollment: %d", status)
	}
}

func TestQRSVGMatchesPNG(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"jangkau://enroll?code=x", "a", string(bytes.Repeat([]byte("z"), 400))} {
		p, err := devices.QRPNG(s, 4)
		if err != nil {
			t.Fatal(err)
		}
		img, _ := png.Decode(bytes.NewReader(p))
		svg, err := devices.QRSVG(s)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := decodeQR(t, img), decodeQR(t, rasterSVG(t, svg)); a != s || b != s {
			t.Errorf("%q: png %q svg %q", s, a, b)
		}
	}
}

// TestQRImagesScanForManyCodes draws many random enrollment links and
// decodes both images of each: a rendering bug that only shows for some
// contents (a mask pattern, a version boundary) cannot hide.
func TestQRImagesScanForManyCodes(t *testing.T) {
	t.Parallel()
	for i := 0; i < 100; i++ {
		b := make([]byte, 20+i*2)
		_, _ = rand.Read(b)
		s := "jangkau://enroll?server=https%3A%2F%2Fjangkau.lampungprov.go.id&code=" + hex.EncodeToString(b)
		p, err := devices.QRPNG(s, 4)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		svg, err := devices.QRSVG(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQR(t, img); got != s {
			t.Fatalf("png %d: %q", i, got)
		}
		if got := decodeQR(t, rasterSVG(t, svg)); got != s {
			t.Fatalf("svg %d: %q", i, got)
		}
	}
}

// enrollVia asks for an enrollment as the console would when it reached the
// server as host (the Host header a browser sends), with extra headers.
func enrollVia(t *testing.T, srv *tt.Server, host string, headers map[string]string) map[string]any {
	t.Helper()
	body := strings.NewReader(`{"user":"` + tt.UserID(tt.OfficerA) + `"}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/devices/enrollments", body)
	req.Host = host
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", tt.Token(t, srv.App, tt.VerifierA))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 {
		t.Fatalf("enroll via %s: %d %v", host, res.StatusCode, err)
	}
	return out
}

// qrVia fetches and decodes the PNG QR of an enrollment through host.
func qrVia(t *testing.T, srv *tt.Server, host, path string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	req.Host = host
	req.Header.Set("Authorization", tt.Token(t, srv.App, tt.VerifierA))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	img, err := png.Decode(res.Body)
	if err != nil {
		t.Fatalf("qr via %s: %d %v", host, res.StatusCode, err)
	}
	return decodeQR(t, img)
}

// TestEnrollmentLinkUsesTheServedAddress: a phone scanning the QR must reach
// the server the verifier reached, not PocketBase's placeholder
// http://localhost:8090; an Application URL an operator set wins.
func TestEnrollmentLinkUsesTheServedAddress(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	if srv.App.Settings().Meta.AppURL != devices.DefaultAppURL {
		t.Fatalf("fixture's Application URL %q is not PocketBase's default", srv.App.Settings().Meta.AppURL)
	}
	want := "http://10.0.0.5:8090/app/#/activate?"
	b := enrollVia(t, srv, "10.0.0.5:8090", nil)
	if uri := str(b["uri"]); !strings.HasPrefix(uri, want) || b["server"] != "http://10.0.0.5:8090" || b["serverFrom"] != "request" || b["serverLoopback"] != false {
		t.Fatalf("answer %v", b)
	}
	if got := qrVia(t, srv, "10.0.0.5:8090", str(b["qr"])); got != b["uri"] {
		t.Errorf("QR says %q, want %q", got, b["uri"])
	}
	u, _ := url.Parse(str(b["uri"]))
	_, fq, _ := strings.Cut(u.Fragment, "?")
	if q, _ := url.ParseQuery(fq); q.Get("server") != "http://10.0.0.5:8090" {
		t.Errorf("server parameter %q", q.Get("server"))
	}

	// X-Forwarded-Proto from a client is not believed without a trusted proxy
	if b := enrollVia(t, srv, "jangkau.lan", map[string]string{"X-Forwarded-Proto": "https"}); b["server"] != "http://jangkau.lan" {
		t.Errorf("untrusted forwarded proto: %v", b["server"])
	}
	srv.App.Settings().TrustedProxy.Headers = []string{"X-Forwarded-For"}
	if b := enrollVia(t, srv, "jangkau.lan", map[string]string{"X-Forwarded-Proto": "https"}); b["server"] != "https://jangkau.lan" {
		t.Errorf("behind a trusted proxy: %v", b["server"])
	}
	srv.App.Settings().TrustedProxy.Headers = nil

	// reached on the machine itself: the answer says a phone cannot open it
	if b := enrollVia(t, srv, "127.0.0.1:8090", nil); b["serverLoopback"] != true {
		t.Errorf("loopback not flagged: %v", b)
	}

	// the operator's Application URL wins over the request
	srv.App.Settings().Meta.AppURL = "https://jangkau.lampungprov.go.id/"
	b = enrollVia(t, srv, "10.0.0.5:8090", nil)
	if !strings.HasPrefix(str(b["uri"]), "https://jangkau.lampungprov.go.id/app/#/activate?") || b["serverFrom"] != "settings" {
		t.Fatalf("settings answer %v", b)
	}
	if got := qrVia(t, srv, "10.0.0.5:8090", str(b["qr"])); got != b["uri"] {
		t.Errorf("QR says %q, want %q", got, b["uri"])
	}
}

func TestIsLoopbackURL(t *testing.T) {
	t.Parallel()
	for u, want := range map[string]bool{
		"http://localhost:8090": true, "http://127.0.0.1:8090": true, "http://127.1.2.3": true, "http://[::1]:8090": true,
		"http://10.0.0.5:8090": false, "https://jangkau.lampungprov.go.id": false, "": false,
	} {
		if got := devices.IsLoopbackURL(u); got != want {
			t.Errorf("%q: %v", u, got)
		}
	}
}
