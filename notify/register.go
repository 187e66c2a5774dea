package notify

import (
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/catalog"
	"jangkau/devices"
	"jangkau/internal/wiring"
)

// resetBaseKey carries the address a password-reset request reached the
// server at, from the request to its e-mail (a custom key, never stored).
const resetBaseKey = "@notifyResetBase"

// Register wires notifications into app: the /api/notify routes, the
// triggers of record events, the daily digest and the password-reset
// e-mail's link.
func Register(app core.App) {
	bindTriggers(app)

	// Pushes go in the background and write their outcome to the database:
	// the app waits for those in flight before it closes the database.
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "jangkau.notify.drain",
		Func: func(e *core.TerminateEvent) error {
			Wait()
			return e.Next()
		},
	})

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "jangkau.notify.routes", Priority: wiring.ServeBind,
		Func: func(se *core.ServeEvent) error {
			g := se.Router.Group("/api/notify")
			g.GET("/vapid", getVapid)
			g.GET("/prefs", getPrefs).Bind(apis.RequireAuth(catalog.Users))
			g.PUT("/prefs", putPrefs).Bind(apis.RequireAuth(catalog.Users))
			g.POST("/subscriptions", postSubscription).Bind(apis.RequireAuth(catalog.Users))
			g.DELETE("/subscriptions", deleteSubscription).Bind(apis.RequireAuth(catalog.Users))
			g.GET("/notices", getNotices).Bind(apis.RequireAuth(catalog.Users))
			g.POST("/notices/read", readNotices).Bind(apis.RequireAuth(catalog.Users))
			return se.Next()
		},
	})

	app.Cron().MustAdd(DigestJobID, DigestCron, func() {
		if n, err := SendDigests(app, time.Now()); err != nil {
			app.Logger().Error("queue digest failed", "error", err, "sent", n)
		}
	})

	// PocketBase builds the reset link from the Application URL; while that
	// is still the default (localhost), the address the user reached the
	// server at is the one that works (as for the enrollment QR).
	app.OnRecordRequestPasswordResetRequest(catalog.Users).Bind(&hook.Handler[*core.RecordRequestPasswordResetRequestEvent]{Id: "jangkau.notify.resetAddress", Func: func(e *core.RecordRequestPasswordResetRequestEvent) error {
		if base, from := devices.PublicURL(e.App, e.Request); from == devices.URLFromRequest {
			e.Record.SetRaw(resetBaseKey, base)
		}
		return e.Next()
	}})
	app.OnMailerRecordPasswordResetSend(catalog.Users).Bind(&hook.Handler[*core.MailerRecordEvent]{Id: "jangkau.notify.resetLink", Func: func(e *core.MailerRecordEvent) error {
		if base, _ := e.Record.GetRaw(resetBaseKey).(string); base != "" {
			set := strings.TrimRight(e.App.Settings().Meta.AppURL, "/")
			e.Message.HTML = strings.ReplaceAll(e.Message.HTML, set+"/#/reset-password", base+"/#/reset-password")
		}
		return e.Next()
	}})
	// A password chosen through the e-mailed link is a notice too (someone
	// who did not ask learns of it).
	app.OnRecordConfirmPasswordResetRequest(catalog.Users).Bind(&hook.Handler[*core.RecordConfirmPasswordResetRequestEvent]{Id: "jangkau.notify.resetDone", Func: func(e *core.RecordConfirmPasswordResetRequestEvent) error {
		Pending(e.Record, PasswordMessage(e.Record.Id, false))
		return e.Next()
	}})
}

// PasswordMessage is the notice of a password change: by the user itself
// (through the e-mailed link or the settings), or reset by a manager.
func PasswordMessage(userID string, byManager bool) Message {
	if byManager {
		return Message{User: userID, Kind: KindPassword,
			Title: [2]string{"Kata sandi Anda diatur ulang", "Your password was reset"},
			Body: [2]string{"Sekretariat atau verifikator memberi Anda kata sandi sekali pakai; ganti saat masuk berikutnya.",
				"The secretariat or your verifier gave you a one-time password; change it at your next sign-in."}}
	}
	return Message{User: userID, Kind: KindPassword,
		Title: [2]string{"Kata sandi Anda diganti", "Your password was changed"},
		Body: [2]string{"Kata sandi akun Anda baru saja diganti. Jika bukan Anda, hubungi verifikator atau sekretariat segera.",
			"Your account's password was just changed. If this was not you, contact your verifier or the secretariat at once."}}
}
