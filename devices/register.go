package devices

import (
	"errors"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/access"
	"jangkau/catalog"
	"jangkau/internal/wiring"
)

// Register binds enrollment, device tokens, revocation and the fleet list
// to app: the device-token middleware and the /api/devices routes; what a
// phone's token may not write; file tokens that die with the device; the
// last guard before each realtime message; and a user's phones revoked
// with its deactivation or a change of its reach, in the same transaction.
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.devices.routes", Priority: wiring.ServeBind, Func: func(se *core.ServeEvent) error {
		// Right after PocketBase's own token loader and before every
		// other middleware and route: the rest of the stack sees a
		// device request as its user's, with the device id beside it.
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       DeviceAuthMiddlewareID,
			Priority: apis.DefaultLoadAuthTokenMiddlewarePriority + 1,
			Func:     deviceAuth,
		})
		g := se.Router.Group("/api/devices")
		g.GET("", listDevices)
		g.POST("/enrollments", createEnrollment)
		g.GET("/enrollments/{id}/qr.png", enrollmentQR(false))
		g.GET("/enrollments/{id}/qr.svg", enrollmentQR(true))
		g.POST("/activate", activateDevice)
		g.POST("/refresh", refreshDevice)
		g.POST("/{id}/revoke", revokeDevice)
		g.POST("/wiped", confirmWipe)
		return se.Next()
	}})

	// What a device token may never write comes from the policy table; it
	// is answered before the account checks (package accounts), so that a
	// phone is told why whatever it sent.
	noAccounts := func(id string) *hook.Handler[*core.RecordRequestEvent] {
		return &hook.Handler[*core.RecordRequestEvent]{Id: id, Priority: wiring.RequestDeviceToken, Func: deviceNoAccounts}
	}
	if cols := consoleOnly(access.Create); len(cols) > 0 {
		app.OnRecordCreateRequest(cols...).Bind(noAccounts("jangkau.devices.consoleOnly"))
	}
	if cols := consoleOnly(access.Update); len(cols) > 0 {
		app.OnRecordUpdateRequest(cols...).Bind(noAccounts("jangkau.devices.consoleOnly"))
	}
	if cols := consoleOnly(access.Delete); len(cols) > 0 {
		app.OnRecordDeleteRequest(cols...).Bind(noAccounts("jangkau.devices.consoleOnly"))
	}
	app.OnFileTokenRequest().Bind(&hook.Handler[*core.FileTokenRequestEvent]{Id: "jangkau.devices.fileToken", Func: fileToken})

	// A photo fetched with a file token minted by a phone is that phone's
	// read: the device goes into the request store, for the audit entry
	// written next (package audit).
	app.OnFileDownloadRequest().Bind(&hook.Handler[*core.FileDownloadRequestEvent]{Id: "jangkau.devices.fileDevice", Priority: wiring.FileDevice, Func: func(e *core.FileDownloadRequestEvent) error {
		if e.Auth == nil {
			if tok := e.Request.URL.Query().Get("token"); tok != "" {
				if dev := FileTokenDevice(tok); dev != "" {
					if _, err := e.App.FindAuthRecordByToken(tok, core.TokenTypeFile); err == nil {
						e.Set(RequestKey, dev)
					}
				}
			}
		}
		return e.Next()
	}})

	// The realtime client remembers which device subscribed, so that a
	// revocation can find and close its connection.
	app.OnRealtimeSubscribeRequest().Bind(&hook.Handler[*core.RealtimeSubscribeRequestEvent]{Id: "jangkau.devices.subscribe", Func: func(e *core.RealtimeSubscribeRequestEvent) error {
		if dev := FromRequest(e.RequestEvent); dev != "" {
			e.Client.Set(RequestKey, dev)
		} else {
			e.Client.Unset(RequestKey)
		}
		return e.Next()
	}})
	// Last guard before each realtime message, and before the message is
	// recorded as a read (package audit): a subscription that raced a
	// revocation or a deactivation gets nothing more, and is closed.
	app.OnRealtimeMessageSend().Bind(&hook.Handler[*core.RealtimeMessageEvent]{Id: "jangkau.devices.realtimeGuard", Priority: wiring.RealtimeGuard, Func: func(e *core.RealtimeMessageEvent) error {
		if dev, _ := e.Client.Get(RequestKey).(string); dev != "" && WasRevoked(e.App, dev) {
			return errors.New("device revoked")
		}
		if auth, _ := e.Client.Get(apis.RealtimeClientAuthKey).(*core.Record); auth != nil && auth.Collection().Name == catalog.Users && auth.GetBool("deactivated") {
			return errors.New("account deactivated")
		}
		return e.Next()
	}})

	// A deactivated user loses all its devices, on every path (REST,
	// batch, admin UI, Go), in the same transaction as the deactivation;
	// so does a user whose role, area or cluster changes: a phone was
	// enrolled for the reach the account had then, never for a new one.
	// Pending enrollment codes are voided alike.
	app.OnRecordUpdate(catalog.Users).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.devices.revokeWithUser", Priority: wiring.ModelRevoke, Func: revokeWithUser})
	app.OnRecordAfterUpdateSuccess(catalog.Users).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.devices.endSessions", Func: func(e *core.RecordEvent) error {
		if e.Record.GetBool("deactivated") {
			AfterUserRevoked(e.App, e.Record.Id)
		}
		return e.Next()
	}})

	// A key added or removed by a superuser is used from the next request.
	forget := &hook.Handler[*core.RecordEvent]{Id: "jangkau.devices.forgetKeys", Func: func(e *core.RecordEvent) error {
		ForgetKeys(e.App)
		return e.Next()
	}}
	app.OnRecordAfterCreateSuccess(catalog.DeviceKeys).Bind(forget)
	app.OnRecordAfterUpdateSuccess(catalog.DeviceKeys).Bind(forget)
	app.OnRecordAfterDeleteSuccess(catalog.DeviceKeys).Bind(forget)
}

// revokeWithUser revokes a user's devices in the transaction that
// deactivates it or changes its role, area or cluster.
func revokeWithUser(e *core.RecordEvent) error {
	orig := e.Record.Original()
	deactivated := !orig.GetBool("deactivated") && e.Record.GetBool("deactivated")
	moved := false
	for _, f := range []string{"role", "area", "cluster"} {
		moved = moved || orig.GetString(f) != e.Record.GetString(f)
	}
	if !deactivated && !moved {
		return e.Next()
	}
	reason := ReasonAccountChanged
	if deactivated {
		reason = ReasonUserDeactivated
	}
	var revoked []string
	err := wiring.InTx(&e.App, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		var err error
		revoked, err = RevokeUserDevices(tx, e.Record.Id, reason)
		return err
	})
	if err != nil || deactivated {
		return err // a deactivation ends every session after success (endSessions)
	}
	// Its phones are revoked; its other requests in flight (a password
	// session's sync hint stream) were opened with the old reach: they end
	// too, and the client reconnects with the new one.
	id := e.Record.Id
	afterMove := func(app core.App) {
		AfterDevicesRevoked(app, revoked)
		cancelSessions(app, func(dev, user string) bool { return user == id })
	}
	if info := e.App.TxInfo(); info != nil {
		app := e.App
		info.OnComplete(func(txErr error) error {
			if txErr == nil {
				afterMove(app)
			}
			return nil
		})
	} else {
		afterMove(e.App)
	}
	return nil
}
