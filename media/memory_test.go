package media

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestLimitMemory(t *testing.T) {
	old := debug.SetMemoryLimit(math.MaxInt64)
	defer debug.SetMemoryLimit(old)

	t.Setenv("GOMEMLIMIT", "")
	if got := LimitMemory(); got != DefaultMemoryLimit || debug.SetMemoryLimit(-1) != DefaultMemoryLimit {
		t.Errorf("no limit set: got %d", got)
	}
	// a limit already in force (set by the program) is kept
	debug.SetMemoryLimit(1 << 30)
	if got := LimitMemory(); got != 1<<30 {
		t.Errorf("program's limit replaced: %d", got)
	}
	// the operator's GOMEMLIMIT wins (the runtime read it at start)
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "2GiB")
	if got := LimitMemory(); got != math.MaxInt64 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Errorf("operator's GOMEMLIMIT overridden: %d", got)
	}
}
