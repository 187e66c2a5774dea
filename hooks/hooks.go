// Package hooks wires Jangkau's rules, derivations and routes into a
// PocketBase app. Logic lives in the domain packages; this package only
// connects it to PocketBase's events.
package hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/catalog"
	"jangkau/txbatch"
	"jangkau/vocab"
)

// Register binds every Jangkau hook and route to app.
func Register(app core.App) {
	// Bound first, so it wraps every other execute hook.
	app.OnRecordCreateExecute().BindFunc(refreshOriginal)
	app.OnRecordUpdateExecute().BindFunc(refreshOriginal)

	// Records saved in a batch transaction (sync pushes) are inserted
	// through prepared statements.
	txbatch.BindPreparedInsert(app)

	registerAuthCache(app)
	registerAreas(app)
	registerUsers(app)
	registerRecords(app)
	registerInput(app)
	registerSync(app)
	registerAudit(app)
	registerDevices(app)
	registerMedia(app)
	registerReports(app)
	vocab.Register(app)

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "jangkauRefuseDeactivated",
		Func: func(e *core.ServeEvent) error {
			// A deactivated account is refused on its very next request,
			// whatever token it still holds.
			e.Router.BindFunc(func(re *core.RequestEvent) error {
				if re.Auth != nil && re.Auth.Collection().Name == catalog.Users && re.Auth.GetBool("deactivated") {
					return re.UnauthorizedError("Akun ini dinonaktifkan. / This account is deactivated.", nil)
				}
				return re.Next()
			})
			return e.Next()
		},
	})
}

// refreshOriginal makes a saved record's Original() its stored state, once
// every execute hook has compared the two, inside the write's transaction.
// PocketBase keeps Original() as the record was loaded, also after a save:
// Go code saving one record object twice (in one transaction or not) would
// otherwise feed stale "before" values to the audit trail, the status
// machine and the access checks. After-success hooks therefore see the new
// state as Original(); what they need of the old one is carried explicitly
// (the village a record left: sync.MovedFrom).
func refreshOriginal(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	return e.Record.PostScan()
}
