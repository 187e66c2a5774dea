package sync

import (
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// quiet relies on the request-store key PocketBase's request logger reads:
// its own SkipSuccessActivityLog middleware must set that same key.
func TestSkipSuccessLogKeyIsPocketBases(t *testing.T) {
	t.Parallel()
	e := &core.RequestEvent{}
	if err := apis.SkipSuccessActivityLog().Func(e); err != nil {
		t.Fatal(err)
	}
	if e.Get(skipSuccessLogKey) == nil {
		t.Fatalf("PocketBase no longer marks skipped request logs with %q: update skipSuccessLogKey (and static's)", skipSuccessLogKey)
	}
}
