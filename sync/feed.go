// Package sync is Jangkau's offline sync engine: a change feed with a
// server sequence written in the same transaction as every change, scoped
// pulls from a consistent snapshot, exactly-once pushes with per-mutation
// results, and the native, WatermelonDB and RxDB protocols on top.
package sync

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/internal/recfield"
	"jangkau/txbatch"
)

// Collections are the synced collections, in the order a full pull sends
// them (reference data first).
var Collections = []string{catalog.Areas, catalog.RadIndicators, catalog.Vocabularies, catalog.VillagePrograms, catalog.Activities, catalog.OutreachLogs}

// WritableCollections are the synced collections phones may push to.
var WritableCollections = []string{catalog.Activities, catalog.OutreachLogs, catalog.VillagePrograms}

// IsSynced reports whether collection is in the change feed.
func IsSynced(collection string) bool {
	for _, c := range Collections {
		if c == collection {
			return true
		}
	}
	return false
}

// IsWritable reports whether phones may push to collection.
func IsWritable(collection string) bool {
	for _, c := range WritableCollections {
		if c == collection {
			return true
		}
	}
	return false
}

// TombstoneRetention is how long deletes stay in the feed: longer than any
// realistic offline window (the brief asks for at least 400 days).
const TombstoneRetention = 450 * 24 * time.Hour

// The feed tables (sync_changes, sync_counters, sync_mutations) are made by
// migrations/1764100050_sync_feed.go. One feed row per record and village:
// a record that moves to another village leaves a tombstone for the old one,
// so phones of the old village drop it.

// NextSeq takes the next sequence number. It must run inside the write
// transaction of the change it numbers, so numbers follow commit order.
//
// Numbers are taken after the server's clock (SeqClock) as well as after
// the last one (reserveSeqSQL): a phone sees the numbers of its own
// scope's changes (versions, cursors, the stream's position), and numbers
// counted one by one would tell it how many changes were made elsewhere
// between two of them. Numbers that follow the clock tell only the time,
// which the records' own dates already show.
//
// In a transaction with a txbatch (a sync push), numbers are taken from the
// counter in growing blocks (1, 2, 4 ... 64) instead of one statement each;
// the unused end of the last block is given back when the batch ends, so
// the committed counter is the last number used.
func NextSeq(app core.App) (int64, error) {
	if b, ok := txbatch.Deferred(app, seqPart, newSeqBlock).(*seqBlock); ok {
		if b.next > b.last {
			size := min(max(2*b.size, 1), maxSeqBlock)
			var last int64
			if err := txbatch.WriteRow(app, reserveSeqSQL, SeqClock(time.Now()), size).Scan(&last); err != nil {
				return 0, err
			}
			b.next, b.last, b.size = last-size+1, last, size
		}
		b.next++
		return b.next - 1, nil
	}
	var seq int64
	err := txbatch.WriteRow(app, reserveSeqSQL, SeqClock(time.Now()), 1).Scan(&seq)
	return seq, err
}

// SeqClock is the server's clock as sequence numbers count it: units of 10
// microseconds since 1970, 15 digits until the year 2286. Not 16: a
// 16-digit number reads as a NIK to the privacy guard, and clients put
// versions into their own ids and texts (1.8 x 10^14 in 2026, far below
// 2^53, JSON's exact integers).
func SeqClock(t time.Time) int64 { return t.UnixMicro() / 10 }

const reserveSeqSQL = `UPDATE sync_counters SET value = max(value, ?) + ? WHERE name = 'seq' RETURNING value`

// seqPart names a batch's block of sequence numbers.
const seqPart = "sync.seq"

// maxSeqBlock is the largest block of numbers a batch reserves at once.
const maxSeqBlock = 64

// seqBlock is a batch's reserved run of sequence numbers, next to last.
type seqBlock struct{ next, last, size int64 }

func newSeqBlock() txbatch.Part { return &seqBlock{next: 1, last: 0} }

// Flush gives the unused end of the last block back to the counter.
func (b *seqBlock) Flush(app core.App) error {
	if b.next > b.last {
		return nil
	}
	_, err := txbatch.Exec(app, `UPDATE sync_counters SET value = ? WHERE name = 'seq' AND value = ?`, b.next-1, b.last)
	return err
}

func counter(db dbx.Builder, name string) (int64, error) {
	var v int64
	err := db.NewQuery(`SELECT value FROM sync_counters WHERE name = {:n}`).Bind(dbx.Params{"n": name}).Row(&v)
	return v, err
}

// CurrentSeq is the sequence number of the last committed change (inside a
// write transaction: of its last change so far).
func CurrentSeq(app core.App) (int64, error) {
	if b, ok := txbatch.Lookup(app, seqPart).(*seqBlock); ok && b.next <= b.last {
		return b.next - 1, nil // the rest of the block is given back at the end
	}
	return counter(app.DB(), "seq")
}

// scopeOfRecord returns the feed scope columns of a record: records are
// scoped by village, reference data by regency (” = everyone). A village
// or a district area is in the village column under its own code, which
// only its own phones' ranges read (Scope), and its regency's.
func scopeOfRecord(rec *core.Record) (village, regency string) {
	switch rec.Collection().Name {
	case catalog.Areas:
		return AreaScope(rec.Id)
	case catalog.RadIndicators, catalog.Vocabularies:
		return "", ""
	}
	v := recfield.String(rec, "village")
	if rec.Collection().Name == catalog.Activities && v == "" {
		return activityScope(recfield.String(rec, "area"))
	}
	return v, areas.RegencyOf(v)
}

// AreaScope is the feed scope of an area: a village or a district under its
// own code and its regency, a regency under its code, the province under
// none.
func AreaScope(code string) (village, regency string) {
	switch areas.LevelOf(code) {
	case catalog.LevelVillage, catalog.LevelDistrict:
		return code, areas.RegencyOf(code)
	}
	return "", areas.RegencyOf(code)
}

// activityScope is the feed scope of an activity above village level: its
// area in the village column, which no village's range reads, and its
// regency (the province's code for a province activity, which no
// regency's range reads). Regency and province readers get it.
func activityScope(area string) (village, regency string) {
	if r := areas.RegencyOf(area); r != "" {
		return area, r
	}
	return area, area
}

func now() string { return time.Now().UTC().Format("2006-01-02 15:04:05.000Z") }

// Op is the kind of write a feed row records.
type Op int

// The kinds of write.
const (
	OpCreate Op = iota
	OpUpdate
	OpDelete
)

// ScopeBefore returns the scope village a record is stored with before
// this write: the execute hook reads it inside the write's transaction,
// before the write, so Append can tell a move. It reads the stored row, not
// Original(), which PocketBase does not refresh when one record object is
// saved twice.
func ScopeBefore(app core.App, rec *core.Record) (string, error) {
	name := rec.Collection().Name
	if rec.IsNew() || name == catalog.Areas || name == catalog.RadIndicators || name == catalog.Vocabularies {
		return "", nil
	}
	col := "village"
	if name == catalog.Activities {
		col = "area" // an activity's scope column is its area (activityScope)
	}
	var village string
	err := txbatch.QueryRow(app, `SELECT `+col+` FROM `+name+` WHERE id = ?`, fmt.Sprint(rec.LastSavedPK())).Scan(&village)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return village, err
}

// Append writes the feed row of a created, updated or deleted record. It is
// called by the execute hooks inside the transaction of the write itself;
// oldVillage is ScopeBefore(rec) taken before the write.
func Append(app core.App, rec *core.Record, op Op, oldVillage string) error {
	village, regency := scopeOfRecord(rec)
	if op == OpUpdate && oldVillage != village {
		// A record that left its village: the old village's phones must
		// drop it. The tombstone is numbered first, so a reader who sees
		// both rows (the regency's verifier) ends with the record.
		oldRegency := areas.RegencyOf(oldVillage)
		if areas.LevelOf(oldVillage) != catalog.LevelVillage {
			oldVillage, oldRegency = activityScope(oldVillage)
		}
		if _, err := upsertFeedRow(app, rec.Collection().Name, rec.Id, oldVillage, oldRegency, true); err != nil {
			return err
		}
	}
	seq, err := upsertFeedRow(app, rec.Collection().Name, rec.Id, village, regency, op == OpDelete)
	if err == nil {
		rec.SetRaw(seqKey, seq)
		if op == OpUpdate && oldVillage != village {
			rec.SetRaw(movedFromKey, oldVillage)
		} else {
			rec.SetRaw(movedFromKey, nil)
		}
	}
	return err
}

// movedFromKey holds, on a record just written, the village its write
// moved it out of (a custom key: never stored, never sent).
const movedFromKey = "@jangkauMovedFrom"

// MovedFrom returns the village the last write of rec moved it out of (""
// when it did not move).
func MovedFrom(rec *core.Record) string {
	v, _ := rec.GetRaw(movedFromKey).(string)
	return v
}

// seqKey holds, on a record just written, the sequence its write got (a
// custom key: never stored as a column, never sent to clients).
const seqKey = "@jangkauSeq"

// SeqOf returns the sequence the last write of rec got in this process (0
// when rec was not written here).
func SeqOf(rec *core.Record) int64 {
	v, _ := rec.GetRaw(seqKey).(int64)
	return v
}

const upsertFeedRowSQL = `INSERT INTO sync_changes (collection, record_id, village, regency, seq, deleted, changed_at)
	VALUES (?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (collection, record_id, village) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted, regency = excluded.regency, changed_at = excluded.changed_at`

func upsertFeedRow(app core.App, collection, id, village, regency string, deleted bool) (int64, error) {
	del := 0
	if deleted {
		del = 1
	}
	seq, err := NextSeq(app)
	if err != nil {
		return 0, err
	}
	_, err = txbatch.Exec(app, upsertFeedRowSQL, collection, id, village, regency, seq, del, now())
	return seq, err
}

// VersionOf returns the record's current version: the sequence of its last
// change (0 when the feed has never seen it).
func VersionOf(app core.App, collection, id string) (int64, error) {
	return lastSeq(app, collection, id, 0)
}

// TombstoneOf returns the sequence of a record's delete (0 when the feed
// holds no tombstone of it).
func TombstoneOf(app core.App, collection, id string) (int64, error) {
	return lastSeq(app, collection, id, 1)
}

func lastSeq(app core.App, collection, id string, deleted int) (int64, error) {
	var v sql.NullInt64
	err := txbatch.QueryRow(app, `SELECT MAX(seq) FROM sync_changes WHERE collection = ? AND record_id = ? AND deleted = ?`, collection, id, deleted).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	return v.Int64, nil
}

// MutationRetention is how long the results of a push's mutations are
// remembered for a retry of the same mutation ids: as long as deletes stay
// in the feed (a phone offline longer downloads its scope again).
const MutationRetention = TombstoneRetention

// PurgeMutations forgets the results of mutations remembered before
// olderThan, one app install (user and clientId) per short transaction, so
// that pushes wait little: sync_mutations would otherwise grow by a row per
// record ever pushed. A mutation sent again after that is applied again:
// an upsert of the same values changes nothing (duplicate), an edit made
// from an older version is a conflict, a delete of a deleted record is
// applied.
func PurgeMutations(app core.App, olderThan time.Time) (int64, error) {
	cutoff := olderThan.UTC().Format("2006-01-02 15:04:05.000Z")
	var installs []struct {
		User   string `db:"user_id"`
		Client string `db:"client_id"`
	}
	if err := app.DB().NewQuery(`SELECT user_id, client_id FROM sync_mutations GROUP BY user_id, client_id HAVING MIN(created) < {:t}`).
		Bind(dbx.Params{"t": cutoff}).All(&installs); err != nil {
		return 0, err
	}
	var purged int64
	for _, in := range installs {
		err := app.RunInTransaction(func(tx core.App) error {
			res, err := tx.DB().NewQuery(`DELETE FROM sync_mutations WHERE user_id = {:u} AND client_id = {:c} AND created < {:t}`).
				Bind(dbx.Params{"u": in.User, "c": in.Client, "t": cutoff}).Execute()
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			purged += n
			return nil
		})
		if err != nil {
			return purged, err
		}
	}
	return purged, nil
}

// PurgeTombstones removes deletes older than the retention and moves the
// horizon: a cursor older than the horizon must re-download its scope.
func PurgeTombstones(app core.App, olderThan time.Time) (int64, error) {
	var purged int64
	err := app.RunInTransaction(func(tx core.App) error {
		cutoff := olderThan.UTC().Format("2006-01-02 15:04:05.000Z")
		var maxSeq sql.NullInt64
		if err := tx.DB().NewQuery(`SELECT MAX(seq) FROM sync_changes WHERE deleted = 1 AND changed_at < {:t}`).
			Bind(dbx.Params{"t": cutoff}).Row(&maxSeq); err != nil {
			return err
		}
		if !maxSeq.Valid {
			return nil
		}
		res, err := tx.DB().NewQuery(`DELETE FROM sync_changes WHERE deleted = 1 AND changed_at < {:t}`).Bind(dbx.Params{"t": cutoff}).Execute()
		if err != nil {
			return err
		}
		purged, _ = res.RowsAffected()
		_, err = tx.DB().NewQuery(`UPDATE sync_counters SET value = MAX(value, {:s}) WHERE name = 'horizon'`).Bind(dbx.Params{"s": maxSeq.Int64}).Execute()
		return err
	})
	return purged, err
}
