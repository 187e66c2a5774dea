package records_test

import (
	"testing"

	"jangkau/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }
