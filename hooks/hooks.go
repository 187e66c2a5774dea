// Package hooks wires Jangkau's rules, derivations and routes into a
// PocketBase app. Logic lives in the domain packages; this package only
// connects it to PocketBase's events.
package hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/catalog"
)

// Register binds every Jangkau hook and route to app.
func Register(app core.App) {
	// Bound first, so it wraps every other after-success hook.
	app.OnRecordAfterCreateSuccess().BindFunc(refreshOriginal)
	app.OnRecordAfterUpdateSuccess().BindFunc(refreshOriginal)

	registerAreas(app)
	registerUsers(app)
	registerRecords(app)
	registerSync(app)
	registerAudit(app)
	registerDevices(app)
	registerMedia(app)
	registerReports(app)

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
// every after-success hook has compared the two. PocketBase keeps Original()
// as the record was loaded, also after a save: Go code saving one record
// object twice would otherwise feed stale "before" values to the audit
// trail, the status machine and the access checks. (Within one transaction
// the after-success hooks run at commit; the feed and the report statistics
// read the stored row for that case.)
func refreshOriginal(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	return e.Record.PostScan()
}
