// Package hooks wires Jangkau's capabilities into a PocketBase app: each
// capability package binds its own routes and hooks (its Register), with
// explicit ids and priorities (internal/wiring); this package lists them
// and binds what spans them all. hooks/testdata/order.golden shows every
// handler bound, in the order it runs.
package hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/accounts"
	"jangkau/apierr"
	"jangkau/areas"
	"jangkau/audit"
	"jangkau/backup"
	"jangkau/devices"
	"jangkau/imports"
	"jangkau/internal/wiring"
	"jangkau/media"
	"jangkau/metrics"
	"jangkau/notify"
	"jangkau/programs"
	"jangkau/ratelimit"
	"jangkau/records"
	"jangkau/reports"
	"jangkau/sync"
	"jangkau/txbatch"
	"jangkau/vocab"
)

// Register binds every Jangkau hook and route to app. The order of these
// calls no longer decides the order of the handlers (their priorities do);
// it is the reading order, from the storage up.
func Register(app core.App) {
	// Spanning every collection: Original() refreshed after a save, and
	// records saved in a batch transaction (sync pushes) inserted through
	// prepared statements.
	bindRefreshOriginal(app)
	txbatch.BindPreparedInsert(app)
	// Spanning every auth collection: verified tokens cached.
	bindAuthCache(app)

	apierr.Register(app)    // every refusal bilingual, PocketBase's own included
	areas.Register(app)     // an area is never deleted
	accounts.Register(app)  // users: regency, who manages whom, own password, deactivated refused, /api/accounts
	records.Register(app)   // village records and figures: scope, privacy guard, who writes what
	programs.Register(app)  // village programmes: validity periods, no overlap, the DRPPA form
	sync.Register(app)      // the change feed and /api/sync
	audit.Register(app)     // the audit trail of writes, sign-ins and reads; /api/audit
	devices.Register(app)   // enrollment, device tokens, revocation; /api/devices
	media.Register(app)     // photos: upright, resized, metadata-free
	reports.Register(app)   // report aggregates; /api/reports, /api/exports
	ratelimit.Register(app) // the bilingual 429
	metrics.Register(app)   // /metrics (Prometheus) and /api/ready
	notify.Register(app)    // Web Push, notices, the morning digest, the reset e-mail's link; /api/notify
	vocab.Register(app)     // the vocabularies: codes checked on every write, labels, built-ins
	imports.Register(app)   // spreadsheet imports: template, preview with row errors, all-or-nothing confirm; /api/imports
	backup.Register(app)    // what a killed backup or restore left beside the data, put right at start
}

// bindRefreshOriginal makes a saved record's Original() its stored state,
// once every execute hook has compared the two, inside the write's
// transaction. PocketBase keeps Original() as the record was loaded, also
// after a save: Go code saving one record object twice (in one transaction
// or not) would otherwise feed stale "before" values to the audit trail,
// the status machine and the access checks. After-success hooks therefore
// see the new state as Original(); what they need of the old one is carried
// explicitly (the village a record left: sync.MovedFrom).
func bindRefreshOriginal(app core.App) {
	refresh := func(e *core.RecordEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		return e.Record.PostScan()
	}
	app.OnRecordCreateExecute().Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.hooks.refreshOriginal", Priority: wiring.ExecRefreshOriginal, Func: refresh})
	app.OnRecordUpdateExecute().Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.hooks.refreshOriginal", Priority: wiring.ExecRefreshOriginal, Func: refresh})
}
