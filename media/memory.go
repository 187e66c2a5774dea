package media

import (
	"math"
	"os"
	"runtime/debug"
)

// DefaultMemoryLimit is the soft memory limit LimitMemory gives the Go
// runtime. The decode limit bounds the live memory of photo processing
// (about 45 MB per decode, plus the uploads PocketBase holds in memory),
// but with the default GC the heap may grow to twice what is live before
// it is collected: ten simultaneous 12-megapixel uploads peaked anywhere
// between 420 and 570 MB resident from one run to the next. With this
// limit the GC collects earlier and the peak stayed near 420 MB (make bench).
const DefaultMemoryLimit = 400 << 20

// LimitMemory sets the Go runtime's soft memory limit to
// DefaultMemoryLimit, unless the operator chose one (GOMEMLIMIT) or the
// program already set one, and returns the limit in force.
func LimitMemory() int64 {
	current := debug.SetMemoryLimit(-1)
	if os.Getenv("GOMEMLIMIT") != "" || current != math.MaxInt64 {
		return current
	}
	debug.SetMemoryLimit(DefaultMemoryLimit)
	return DefaultMemoryLimit
}
