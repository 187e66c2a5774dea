package wiring_test

import (
	"context"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/internal/wiring"
)

// Only the very record marked is let through unchecked: another record
// saved with the same context (a hook's own write, a second record of the
// push) is checked, and so is any save without the mark.
func TestCheckedAheadIsTheMarkedRecordOnly(t *testing.T) {
	col := core.NewBaseCollection("activities")
	marked, other := core.NewRecord(col), core.NewRecord(col)
	ctx := wiring.WithCheckedAhead(context.Background(), marked)
	event := func(ctx context.Context, rec *core.Record) *core.RecordEvent {
		e := &core.RecordEvent{}
		e.Context, e.Record = ctx, rec
		return e
	}
	if !wiring.CheckedAhead(event(ctx, marked)) {
		t.Error("the marked record is not let through")
	}
	if wiring.CheckedAhead(event(ctx, other)) {
		t.Error("another record saved with the mark's context is let through")
	}
	if wiring.CheckedAhead(event(context.Background(), marked)) || wiring.CheckedAhead(event(nil, marked)) {
		t.Error("a save without the mark is let through")
	}
}
