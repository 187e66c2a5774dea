package sync_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	tt "jangkau/internal/testapp"
)

// A push whose body is not the JSON its protocol reads is refused on the
// field "body" (invalid_json), saying in both languages where it stops
// being JSON or which member holds what, never the decoder's own words (Go
// types such as sync.nativePushBody), on each of the three pushes.
func TestPushBodyRefusalsSayWhatIsWrong(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	paths := []string{
		"/api/sync/push",
		fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", currentSeq(t, srv)),
		"/api/sync/rxdb/activities/push",
	}
	bodies := []struct{ body, id, en string }{
		{`{x`, "karakter ke-2", "at character 2"},
		{``, "kosong", "empty"},
		{`{"mutations": "x", "activities": "x"}`, "berisi teks", "holds text"},
		{`[1]`, "", ""},
		{`{"a": 1}{"b": 2}`, "", ""},
	}
	for _, path := range paths {
		for _, b := range bodies {
			res := srv.Do(t, http.MethodPost, path, tok, b.body)
			label := path + " " + b.body
			if res.Status != http.StatusBadRequest || res.FieldError("body") != "invalid_json" {
				t.Errorf("%s: %d %s, want 400 body invalid_json", label, res.Status, res.Body)
				continue
			}
			msg := res.JSON()["data"].(map[string]any)["body"].(map[string]any)["message"].(string)
			id, en, ok := strings.Cut(msg, " / ")
			if !ok {
				t.Errorf("%s: %q is not bilingual", label, msg)
			}
			for _, leak := range []string{"json: ", "Go ", "sync.", "invalid character", "unmarshal"} {
				if strings.Contains(msg, leak) {
					t.Errorf("%s: %q says %q", label, msg, leak)
				}
			}
			if (b.id != "" && !strings.Contains(id, b.id) && !strings.Contains(id, "objek")) || (b.en != "" && !strings.Contains(en, b.en) && !strings.Contains(en, "object")) {
				t.Errorf("%s: %q, want %q / %q", label, msg, b.id, b.en)
			}
		}
	}
}
