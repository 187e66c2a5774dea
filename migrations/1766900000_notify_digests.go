package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The verifiers' queue digest marks each user's day in its own table, in
// the transaction that writes the day's notice, before the e-mail goes: a
// run killed midway, or missed while the server was down, is taken up by
// the next half-hourly run of the morning and repeats no one.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(`CREATE TABLE IF NOT EXISTS notify_digests (
			user TEXT NOT NULL,
			day  TEXT NOT NULL,
			PRIMARY KEY (user, day)
		) WITHOUT ROWID`).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery(`DROP TABLE IF EXISTS notify_digests`).Execute()
		return err
	})
}
