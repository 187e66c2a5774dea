package migrations

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The audit trail becomes a hash chain: each entry gets its number (seq),
// the hash of the entry before it (prev_hash) and its own hash. Entries
// already written are chained here, oldest first (created, then rowid);
// new ones are chained by the server as it inserts them. An index on
// server_time serves the archiver, which moves old entries to archive
// files. Going down drops the three columns (the chain is lost).
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("audit_log")
		if err != nil {
			return err
		}
		min := 0.0
		c.Fields.Add(&core.NumberField{Name: "seq", OnlyInt: true, Min: &min})
		c.Fields.Add(&core.TextField{Name: "prev_hash", Max: 64})
		c.Fields.Add(&core.TextField{Name: "hash", Max: 64})
		if err := app.Save(c); err != nil {
			return err
		}
		if err := chainAuditEntries(app); err != nil {
			return err
		}
		c.AddIndex("idx_audit_log_seq", true, "seq", "")
		c.AddIndex("idx_audit_log_server_time", false, "server_time", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("audit_log")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_audit_log_seq")
		c.RemoveIndex("idx_audit_log_server_time")
		for _, f := range []string{"seq", "prev_hash", "hash"} {
			c.Fields.RemoveByName(f)
		}
		return app.Save(c)
	})
}

// chainAuditEntries numbers and hashes every entry, oldest first, a page
// at a time. The hash is a frozen copy of audit.Hash (version 1).
func chainAuditEntries(app core.App) error {
	type row struct {
		Rowid      int64          `db:"rowid"`
		ID         sql.NullString `db:"id"`
		User       sql.NullString `db:"user"`
		Superuser  sql.NullString `db:"superuser"`
		Device     sql.NullString `db:"device"`
		ClientTime sql.NullString `db:"client_time"`
		Action     sql.NullString `db:"action"`
		Collection sql.NullString `db:"target_collection"`
		Record     sql.NullString `db:"record"`
		Changes    sql.NullString `db:"changes"`
		Note       sql.NullString `db:"note"`
		ServerTime sql.NullString `db:"server_time"`
		Created    sql.NullString `db:"created"`
	}
	var (
		seq         int64
		prev        string
		lastCreated string
		lastRowid   int64 = -1
	)
	for {
		var page []row
		err := app.DB().NewQuery(`SELECT rowid, id, user, superuser, device, client_time, action, target_collection, record,
			CAST(changes AS TEXT) AS changes, note, server_time, created FROM audit_log
			WHERE (created, rowid) > ({:c}, {:r}) ORDER BY created, rowid LIMIT 5000`).
			Bind(dbx.Params{"c": lastCreated, "r": lastRowid}).All(&page)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		for _, r := range page {
			seq++
			cols := []sql.NullString{r.ID, r.User, r.Superuser, r.Device, r.ClientTime, r.Action, r.Collection, r.Record,
				r.Changes, r.Note, r.ServerTime, r.Created}
			h := sha256.New()
			h.Write([]byte("jangkau-audit-v1\n"))
			write := func(s string) {
				h.Write([]byte(strconv.Itoa(len(s)) + ":" + s + "\n"))
			}
			write(prev)
			write(strconv.FormatInt(seq, 10))
			for _, c := range cols {
				write(c.String)
			}
			hash := hex.EncodeToString(h.Sum(nil))
			if _, err := app.DB().NewQuery("UPDATE audit_log SET seq = {:s}, prev_hash = {:p}, hash = {:h} WHERE rowid = {:r}").
				Bind(dbx.Params{"s": seq, "p": prev, "h": hash, "r": r.Rowid}).Execute(); err != nil {
				return err
			}
			prev, lastCreated, lastRowid = hash, r.Created.String, r.Rowid
		}
	}
}
