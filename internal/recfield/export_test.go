package recfield

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// KeepAutodates is New's keeping of the autodate fields at a chosen time.
func KeepAutodates(rec *core.Record, at types.DateTime) { keepAutodates(rec, at) }
