package notify_test

import (
	"testing"

	"jangkau/internal/testapp"
)

// TestMain removes what the tests leave in the temporary directory.
func TestMain(m *testing.M) { testapp.Main(m) }
