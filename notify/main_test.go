package notify_test

import (
	"os"
	"testing"

	"jangkau/internal/testapp"
)

// TestMain removes what the tests leave in the temporary directory, and
// admits the tests' local push service (httptest on 127.0.0.1) among the
// push services.
func TestMain(m *testing.M) {
	os.Setenv("JANGKAU_PUSH_HOSTS", "127.0.0.1")
	testapp.Main(m)
}
