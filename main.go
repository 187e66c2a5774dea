// Command jangkau is the offline-first sync server of Lampung's
// anti-trafficking task force (GT PP TPPO), built on PocketBase.
package main

import (
	"embed"
	"io/fs"
	"log"
	"mime"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"

	"jangkau/commands"
	"jangkau/hooks"
	"jangkau/internal/dbconn"
	"jangkau/media"
	_ "jangkau/migrations"
	"jangkau/objectstore"
	"jangkau/static"
)

//go:embed all:pb_public
var publicFiles embed.FS

func init() {
	// The field app's manifest (pb_public/app/manifest.webmanifest): Go's
	// table does not know the extension, and browsers want this type.
	_ = mime.AddExtensionType(".webmanifest", "application/manifest+json")
}

// readConns is the size of the pool of read connections to the data database.
const readConns = 32

func main() {
	// A fixed pool of read connections, all kept open: with PocketBase's
	// default (120 open, 15 kept) a burst of phones opens connections and
	// closes them again, and each new one pays SQLite's connection set-up
	// and re-prepares the sync statements (measured: about 15% of the
	// server's CPU in a 500-phone burst). Requests beyond the pool wait
	// for a connection, which on 2 cores costs less than running at once.
	//
	// Write transactions begin IMMEDIATE (dbconn): with Litestream writing
	// its bookkeeping into data.db, a transaction that read before writing
	// could not upgrade and failed with SQLITE_BUSY.
	app := pocketbase.NewWithConfig(pocketbase.Config{DataMaxOpenConns: readConns, DataMaxIdleConns: readConns, DBConnect: dbconn.Connect()})

	// Migrations are hand-written Go (migrations/); never generated from the admin UI.
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{TemplateLang: migratecmd.TemplateLangGo, Automigrate: false})
	commands.Register(app, app.RootCmd)
	objectstore.Register(app, app.RootCmd) // files and backups on S3 (flags or JANGKAU_S3_*)
	hooks.Register(app)
	// The photo decode limit bounds live memory; the soft memory limit
	// stops the GC from letting the heap double on top of it (unless
	// GOMEMLIMIT says otherwise).
	media.LimitMemory()

	public, err := fs.Sub(publicFiles, "pb_public")
	if err != nil {
		log.Fatal(err)
	}
	static.Register(app, public)

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
