package audit_test

import (
	"fmt"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/audit"
	tt "jangkau/internal/testapp"
	"jangkau/txbatch"
)

// BenchmarkWriteInBatch is one audit entry (a create with its change set)
// written in a shared transaction of 64, as a group commit writes them.
func BenchmarkWriteInBatch(b *testing.B) {
	app := tt.New(b)
	changes := map[string][2]any{"title": {nil, "Sosialisasi pencegahan TPPO"}, "village": {nil, tt.VillageA}, "male_adult": {nil, 10}, "female_adult": {nil, 12}}
	b.ResetTimer()
	for i := 0; i < b.N; i += 64 {
		err := txbatch.Run(app, func(tx core.App) error {
			for k := i; k < min(i+64, b.N); k++ {
				if err := audit.Write(tx, audit.Entry{Action: audit.ActionCreate, Collection: "activities", RecordID: fmt.Sprintf("bench%010d", k), Changes: changes}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
