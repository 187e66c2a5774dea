package devices_test

import (
	"net/http"
	"strings"
	"testing"

	tt "jangkau/internal/testapp"
)

// A devices route's body that is not the JSON it reads is refused on the
// field "body" (invalid_json), saying which member holds what or where it
// stops being JSON, in both languages.
func TestDeviceBodiesSayWhatIsWrong(t *testing.T) {
	srv := tt.NewServer(t)
	verifier := tt.Token(t, srv.App, tt.VerifierA)
	for _, c := range []struct{ path, token, body, id, en string }{
		{"/api/devices/activate", "", `{"code": 123, "name": "HP"}`, `"code" berisi angka, padahal harus teks`, `"code" holds a number where text is expected`},
		{"/api/devices/refresh", "", `{"refreshToken": ["x"]}`, `"refreshToken" berisi daftar`, `"refreshToken" holds a list`},
		{"/api/devices/enrollments", verifier, `{"user": `, "terpotong", "cut off"},
	} {
		res := srv.Do(t, http.MethodPost, c.path, c.token, c.body)
		if res.Status != http.StatusBadRequest || res.FieldError("body") != "invalid_json" {
			t.Errorf("%s: %d %s", c.path, res.Status, res.Body)
			continue
		}
		msg := res.JSON()["message"].(string)
		if !strings.Contains(msg, c.id) || !strings.Contains(msg, c.en) || !strings.Contains(msg, " / ") {
			t.Errorf("%s: %q, want %q / %q", c.path, msg, c.id, c.en)
		}
	}
}
