package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Issue 17: passwords and notifications.
//
//   - users.must_change_password: set by a reset of a manager (a one-time
//     password) and optionally when an account is created; until the user
//     chooses a password every API but the change of password refuses it.
//     users.password_changed: when the password last changed (so that each
//     change is a line of the audit trail, which never shows the password).
//   - the password-reset e-mail in Bahasa Indonesia and English, linking to
//     the console's reset page (not PocketBase's admin UI).
//   - notify_keys (the server's VAPID key pair, made once), notify_subscriptions
//     (Web Push subscriptions of the field app), notify_prefs (what each user
//     turned off) and notices (the in-app notices): superusers only through
//     the record API; custom routes under /api/notify serve them.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.Fields.Add(&core.BoolField{Name: "must_change_password"})
		users.Fields.Add(&core.DateField{Name: "password_changed"})
		users.ResetPasswordTemplate = core.EmailTemplate{
			Subject: "Atur ulang kata sandi {APP_NAME} / Reset your {APP_NAME} password",
			Body: `<p>Halo,</p>
<p>Seseorang (semoga Anda) meminta pengaturan ulang kata sandi akun {APP_NAME} Anda. Klik tombol di bawah untuk membuat kata sandi baru. Tautan ini berlaku 30 menit dan hanya sekali pakai.</p>
<p><a class="btn" href="{APP_URL}/#/reset-password?token={TOKEN}" target="_blank" rel="noopener">Buat kata sandi baru</a></p>
<p><i>Jika Anda tidak memintanya, abaikan email ini: kata sandi Anda tidak berubah.</i></p>
<hr/>
<p>Hello,</p>
<p>Someone (hopefully you) asked to reset the password of your {APP_NAME} account. Click the button below to choose a new password. The link works once, for 30 minutes.</p>
<p><a class="btn" href="{APP_URL}/#/reset-password?token={TOKEN}" target="_blank" rel="noopener">Choose a new password</a></p>
<p><i>If you did not ask for it, ignore this e-mail: your password has not changed.</i></p>
<p>Sekretariat Gugus Tugas PP TPPO Provinsi Lampung ({APP_NAME})</p>`,
		}
		if err := app.Save(users); err != nil {
			return err
		}

		keys := core.NewBaseCollection("notify_keys")
		keys.Fields.Add(&core.TextField{Name: "public_key", Required: true, Max: 200})
		keys.Fields.Add(&core.TextField{Name: "private_key", Required: true, Max: 200, Hidden: true})
		keys.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
		if err := app.Save(keys); err != nil {
			return err
		}

		subs := core.NewBaseCollection("notify_subscriptions")
		subs.Fields.Add(&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true})
		subs.Fields.Add(&core.TextField{Name: "device", Max: 50})
		subs.Fields.Add(&core.TextField{Name: "endpoint", Required: true, Max: 1000})
		subs.Fields.Add(&core.TextField{Name: "p256dh", Required: true, Max: 200})
		subs.Fields.Add(&core.TextField{Name: "auth", Required: true, Max: 100})
		subs.Fields.Add(&core.SelectField{Name: "lang", MaxSelect: 1, Values: []string{"id", "en"}})
		subs.Fields.Add(&core.NumberField{Name: "failures", OnlyInt: true})
		subs.Fields.Add(&core.TextField{Name: "last_error", Max: 500})
		subs.Fields.Add(&core.DateField{Name: "last_sent"})
		subs.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
		subs.Fields.Add(&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true})
		subs.AddIndex("idx_notify_subscriptions_endpoint", true, "endpoint", "")
		subs.AddIndex("idx_notify_subscriptions_user", false, "user", "")
		if err := app.Save(subs); err != nil {
			return err
		}

		prefs := core.NewBaseCollection("notify_prefs")
		prefs.Fields.Add(&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true})
		// the notifications turned off, as "kind.channel" (returned.push,
		// digest.email, ...): everything is on until turned off
		prefs.Fields.Add(&core.JSONField{Name: "off", MaxSize: 2000})
		prefs.Fields.Add(&core.SelectField{Name: "lang", MaxSelect: 1, Values: []string{"id", "en"}})
		prefs.Fields.Add(&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true})
		prefs.AddIndex("idx_notify_prefs_user", true, "user", "")
		if err := app.Save(prefs); err != nil {
			return err
		}

		notices := core.NewBaseCollection("notices")
		notices.Fields.Add(&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true})
		notices.Fields.Add(&core.SelectField{Name: "kind", MaxSelect: 1, Required: true,
			Values: []string{"returned", "approved", "enrollment", "digest", "password"}})
		notices.Fields.Add(&core.TextField{Name: "title_id", Max: 300})
		notices.Fields.Add(&core.TextField{Name: "title_en", Max: 300})
		notices.Fields.Add(&core.TextField{Name: "body_id", Max: 2000})
		notices.Fields.Add(&core.TextField{Name: "body_en", Max: 2000})
		notices.Fields.Add(&core.TextField{Name: "link", Max: 500})
		notices.Fields.Add(&core.TextField{Name: "record_collection", Max: 50})
		notices.Fields.Add(&core.TextField{Name: "record_id", Max: 50})
		notices.Fields.Add(&core.DateField{Name: "read_at"})
		notices.Fields.Add(&core.AutodateField{Name: "created", OnCreate: true})
		notices.AddIndex("idx_notices_user_created", false, "user, created", "")
		return app.Save(notices)
	}, nil)
}
