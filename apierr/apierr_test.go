package apierr_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/pocketbase/pocketbase/tools/router"

	"jangkau/apierr"
)

// A refusal wrapped by any layer is still found as PocketBase's ApiError,
// and serializes to the documented body: the message as written, and the
// field's code and message.
func TestRefusalIsPocketBasesErrorShape(t *testing.T) {
	refusal := apierr.BadRequest("asOf", "invalid_value", apierr.Text("asOf harus YYYY-MM-DD.", "asOf must be YYYY-MM-DD."))
	var ae *router.ApiError
	if !errors.As(fmt.Errorf("wrapped: %w", refusal), &ae) {
		t.Fatal("not found as *router.ApiError")
	}
	raw, err := json.Marshal(ae)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Status  int
		Message string
		Data    map[string]struct{ Code, Message string }
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	want := "asOf harus YYYY-MM-DD. / asOf must be YYYY-MM-DD."
	if body.Status != 400 || body.Message != want || body.Data["asOf"].Code != "invalid_value" || body.Data["asOf"].Message != want {
		t.Fatalf("body %s", raw)
	}
}
