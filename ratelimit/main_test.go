package ratelimit_test

import (
	"testing"

	"jangkau/internal/testapp"
)

// TestMain keeps this package's test data in one directory, removed at exit.
func TestMain(m *testing.M) { testapp.Main(m) }
