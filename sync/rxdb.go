package sync

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/apierr"
	"jangkau/audit"
	"jangkau/devices"

	"jangkau/areas"
)

// RxCheckpoint is the position of an RxDB replication: the last sequence
// returned, the scope it was read in and when. While a changed scope is
// being cleaned up, Drop names the old scope and DropSeq the position in
// it; DropFrom and DropAt are where and when the phone had last read the
// old scope, DropUpto the position of the caller's change of scope. Sig is
// the server's signature of the rest, bound to the caller and the
// collection: the scope read is always the caller's own, and a checkpoint
// names an old scope to drop only if the server issued it to that caller.
type RxCheckpoint struct {
	Seq      int64  `json:"seq"`
	Scope    string `json:"scope"`
	At       string `json:"at,omitempty"`
	Drop     string `json:"drop,omitempty"`
	DropSeq  int64  `json:"dropSeq,omitempty"`
	DropFrom int64  `json:"dropFrom,omitempty"`
	DropUpto int64  `json:"dropUpto,omitempty"`
	DropAt   string `json:"dropAt,omitempty"`
	Sig      string `json:"sig,omitempty"`
	// Epoch is the server's data epoch when the checkpoint was issued
	// (docs/sync.md "After a restore"). It is outside the signature: a
	// forged epoch only earns its sender a 409 server_restored.
	Epoch int64 `json:"epoch,omitempty"`
}

// signature is the MAC of the checkpoint for the caller auth and the
// collection, keyed with the secret of the caller's auth tokens (rotating
// it invalidates the tokens and the checkpoints alike).
func (cp RxCheckpoint) signature(auth *core.Record, collection string) string {
	mac := hmac.New(sha256.New, []byte(auth.Collection().AuthToken.Secret))
	fmt.Fprintf(mac, "jangkau.rxdb.checkpoint\x00%s\x00%s\x00%s\x00%d\x00%s\x00%s\x00%s\x00%d\x00%d\x00%d\x00%s",
		auth.Collection().Id, auth.Id, collection, cp.Seq, cp.Scope, cp.At, cp.Drop, cp.DropSeq, cp.DropFrom, cp.DropUpto, cp.DropAt)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:18])
}

// signedBy reports whether the server issued this checkpoint to auth for
// the collection.
func (cp RxCheckpoint) signedBy(auth *core.Record, collection string) bool {
	return cp.Sig != "" && hmac.Equal([]byte(cp.Sig), []byte(cp.signature(auth, collection)))
}

// scopeFromKey reads a scope back from its key.
func scopeFromKey(key string) (Scope, bool) {
	switch {
	case key == "province":
		return Scope{All: true}, true
	case strings.HasPrefix(key, "village:"):
		v := strings.TrimPrefix(key, "village:")
		return Scope{Village: v, Regency: areas.RegencyOf(v)}, areas.LevelOf(v) == "village"
	case strings.HasPrefix(key, "regency:"):
		r := strings.TrimPrefix(key, "regency:")
		return Scope{Regency: r}, areas.LevelOf(r) == "regency"
	}
	return Scope{}, false
}

// rxCollection reads the collection of the path; for an unknown one it
// answers 400 itself and returns ok false.
func rxCollection(e *core.RequestEvent) (name string, ok bool, err error) {
	name = e.Request.PathValue("collection")
	if !IsSynced(name) {
		return name, false, badRequest(e, "collection", "unknown_collection", fmt.Sprintf("Koleksi %q tidak disinkronkan. / Collection %q is not synced.", name, name))
	}
	return name, true, nil
}

// RxPull answers GET /api/sync/rxdb/{collection}/pull?checkpoint=&limit= with
// {"documents": [...], "checkpoint": {...}}; deleted documents carry
// "_deleted": true. When the user's scope changed since the checkpoint, the
// documents that left the scope come first, as deletes, then the new scope
// from the start.
func RxPull(e *core.RequestEvent) error {
	_, scope, apiErr := caller(e)
	if apiErr != nil {
		return apiErr
	}
	if ok, err := checkClientReport(e); !ok {
		return err
	}
	collection, ok, err := rxCollection(e)
	if !ok {
		return err
	}
	q := e.Request.URL.Query()
	var cp RxCheckpoint
	if raw := q.Get("checkpoint"); raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &cp); err != nil || cp.Seq < 0 || cp.DropSeq < 0 || cp.DropFrom < 0 || cp.DropUpto < 0 {
			return badRequest(e, "checkpoint", "invalid_checkpoint", "Checkpoint bukan JSON {seq, scope} yang sah. / The checkpoint is not a valid {seq, scope} JSON object.")
		}
	}
	limit, ok := parseLimit(q.Get("limit"))
	if !ok {
		return badRequest(e, "limit", "invalid_limit", msgInvalidLimit)
	}
	from := cp

	r, err := OpenReader(e.Request.Context(), e.App)
	if err != nil {
		return e.InternalServerError("", err)
	}
	defer r.Close()
	if cp.Epoch < 0 {
		return badRequest(e, "checkpoint", "invalid_checkpoint", "Checkpoint bukan JSON {seq, scope} yang sah. / The checkpoint is not a valid {seq, scope} JSON object.")
	}
	if restoredSince(r, cp.Epoch, cp.Seq, cp.DropSeq, cp.DropFrom, cp.DropUpto) {
		return restoredAnswer(e, "checkpoint", r.Epoch)
	}
	// The scope read is always the caller's (from its token). A scope the
	// checkpoint names is never a grant: the server drops an old scope only
	// from a checkpoint it signed for this caller, and only what the caller
	// could read there; any other checkpoint of another scope starts over.
	key := scope.Key()
	signed := cp.signedBy(e.Auth, collection)
	switch {
	case cp.Drop != "" && !signed:
		cp = RxCheckpoint{Scope: key}
	case cp.Drop == "" && cp.Scope != "" && cp.Scope != key && signed:
		// the user moved: drop what the old scope showed, then start over
		upto := cp.Seq
		if e.Auth.Collection().Name == "users" {
			upto = max(upto, int64(e.Auth.GetInt("scope_seq")))
		}
		cp = RxCheckpoint{Scope: key, Drop: cp.Scope, DropFrom: cp.Seq, DropUpto: min(upto, r.Upto), DropAt: cp.At}
	case cp.Drop == "" && cp.Scope != "" && cp.Scope != key:
		cp = RxCheckpoint{Scope: key}
	case cp.Scope == "" && cp.Seq > 0:
		cp.Scope = key
	}
	if cp.Drop == "" && resetNeeded(r, cp.Seq, nil) {
		cp.Seq = 0 // purged tombstones: download the scope again
	}

	docs := make([]json.RawMessage, 0, limit)
	if cp.Drop != "" {
		// RxDB takes a page shorter than the limit for "caught up": fill it
		old, ok := scopeFromKey(cp.Drop)
		for ok && len(docs) < limit {
			dropped, next, more, err := dropPage(r, old, scope, collection, cp, limit-len(docs))
			if err != nil {
				return e.InternalServerError("", err)
			}
			docs = append(docs, dropped...)
			cp.DropSeq = next
			ok = more
		}
		if ok {
			return rxAnswer(e, r, docs, len(docs), from, cp)
		}
		cp = RxCheckpoint{Scope: key}
		if len(docs) == limit {
			return rxAnswer(e, r, docs, len(docs), from, cp)
		}
	}
	changes, next, _, err := r.Page(scope, cp.Seq, []string{collection}, limit-len(docs), Native)
	if err != nil {
		return e.InternalServerError("", err)
	}
	tombstones := len(docs)
	for _, c := range changes {
		docs = append(docs, rxDocument(c))
		if c.Deleted {
			tombstones++
		}
	}
	cp.Seq, cp.Scope = next, key
	return rxAnswer(e, r, docs, tombstones, from, cp)
}

// rxAnswer writes the audit entry of a pull (its documents, tombstones of
// which are deletes, from the checkpoint the phone sent to the one it gets),
// then sends the documents.
func rxAnswer(e *core.RequestEvent, r *Reader, docs []json.RawMessage, tombstones int, from, cp RxCheckpoint) error {
	r.Close()
	collection := e.Request.PathValue("collection")
	from.Sig = ""
	if err := auditPull(e, collection, map[string]int{collection: len(docs) - tombstones}, map[string]int{collection: tombstones},
		map[string]any{"protocol": "rxdb", "from": from, "to": cp}); err != nil {
		return err
	}
	if cp.Drop == "" {
		cp.At = now()
	}
	cp.Sig = cp.signature(e.Auth, collection)
	cp.Epoch = r.Epoch
	contact := clientReport(e)
	contact.Pull, contact.Cursor = true, cp.Seq
	touch(e, contact)
	return e.JSON(http.StatusOK, map[string]any{"documents": docs, "checkpoint": cp})
}

func rxDocument(c Change) json.RawMessage {
	if c.Deleted {
		return rxTombstone(c.ID, c.Seq)
	}
	buf := append([]byte(`{"_deleted":false,"version":`), strconv.FormatInt(c.Seq, 10)...)
	buf = append(buf, ',')
	buf = append(buf, c.Doc...)
	return append(buf, '}')
}

func rxTombstone(id string, seq int64) json.RawMessage {
	buf := append([]byte(`{"id":`), appendJSONString(nil, id)...)
	buf = append(buf, `,"_deleted":true,"version":`...)
	buf = strconv.AppendInt(buf, seq, 10)
	return append(buf, '}')
}

// dropPage lists, as deletes, records the old scope showed that the new
// scope does not, from position cp.DropSeq: those of the old scope changed
// before the caller's scope changed (cp.DropUpto), those changed later that
// existed when the phone last read the old scope (cp.DropAt), and deletes
// there since the phone last read it (cp.DropFrom) until the change. What
// the old scope got later is no longer the caller's business.
func dropPage(r *Reader, old, current Scope, collection string, cp RxCheckpoint, limit int) ([]json.RawMessage, int64, bool, error) {
	var rows []struct {
		Seq      int64  `db:"seq"`
		RecordID string `db:"record_id"`
		Village  string `db:"village"`
		Regency  string `db:"regency"`
	}
	// collection is a synced collection's name (checked by rxCollection)
	err := r.db().Select("seq", "record_id", "village", "regency").From("sync_changes").
		Where(dbx.NewExp("collection = {:c} AND seq > {:after} AND seq <= {:upto}", dbx.Params{"c": collection, "after": cp.DropSeq, "upto": r.Upto})).
		AndWhere(dbx.NewExp(`(deleted = 0 AND (seq <= {:moved} OR record_id IN (SELECT id FROM `+collection+` WHERE created <= {:at})))
			OR (deleted = 1 AND seq > {:from} AND seq <= {:moved})`,
			dbx.Params{"moved": cp.DropUpto, "at": cp.DropAt, "from": cp.DropFrom})).
		AndWhere(old.where()).OrderBy("seq").Limit(int64(limit + 1)).All(&rows)
	if err != nil {
		return nil, cp.DropSeq, false, err
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	var docs []json.RawMessage
	next := cp.DropSeq
	for _, row := range rows {
		next = row.Seq
		if !current.Covers(collection, row.Village, row.Regency) {
			docs = append(docs, rxTombstone(row.RecordID, row.Seq))
		}
	}
	return docs, next, more, nil
}

// rxPushRow is one entry of an RxDB push.
type rxPushRow struct {
	AssumedMasterState map[string]any `json:"assumedMasterState"`
	NewDocumentState   map[string]any `json:"newDocumentState"`
}

// RxPush answers POST /api/sync/rxdb/{collection}/push with the array of the
// current master states of the documents that conflicted. A document the
// server refuses for good (locked, out of scope) also comes back with the
// server's state, so the phone takes it; an invalid new document has no
// master state and is listed only with ?details=1, which answers
// {"conflicts": [...], "rejected": [...]}.
func RxPush(e *core.RequestEvent) error {
	actor, scope, apiErr := caller(e)
	if apiErr != nil {
		return apiErr
	}
	if ok, err := checkClientReport(e); !ok {
		return err
	}
	collection, ok, err := rxCollection(e)
	if !ok {
		return err
	}
	if !IsWritable(collection) {
		return badRequest(e, "collection", "read_only_collection", fmt.Sprintf("Koleksi %q hanya bisa dibaca. / Collection %q is read-only.", collection, collection))
	}
	var rows []rxPushRow
	if err := decodeBody(e, &rows, false); err != nil {
		return apierr.InvalidJSON("Isi permintaan bukan larik {assumedMasterState, newDocumentState} yang sah", "The body is not a valid array of {assumedMasterState, newDocumentState}", err)
	}
	if len(rows) > MaxMutations {
		return badRequest(e, "body", "too_many_mutations", fmt.Sprintf("Paling banyak %d dokumen per kiriman. / At most %d documents per push.", MaxMutations, MaxMutations))
	}
	for i, row := range rows {
		if row.NewDocumentState == nil {
			return badRequest(e, fmt.Sprintf("%d.newDocumentState", i), "missing_document", "newDocumentState wajib. / newDocumentState is required.")
		}
	}
	p := &Pusher{Actor: actor, Auth: e.Auth, DeviceID: devices.FromRequest(e), Flavor: Native, Scope: scope, Viewer: audit.ActorFromRequest(e)}
	conflicts := []map[string]any{}
	rejectedDocs := []Result{}
	health := newPushHealth(e, clientReport(e))
	muts := make([]Mutation, len(rows))
	for i, row := range rows {
		doc := row.NewDocumentState
		id, _ := doc["id"].(string)
		muts[i] = Mutation{Collection: collection, ID: id, Op: "upsert", Data: doc}
		if del, _ := doc["_deleted"].(bool); del {
			muts[i].Op, muts[i].Data = "delete", nil
		}
	}
	err = runPush(e, func(tx core.App) error {
		conflicts, rejectedDocs = conflicts[:0], rejectedDocs[:0]
		p.Prebuild(e.App, muts)
		if err := p.Prepare(tx, muts); err != nil {
			return err
		}
		for i, row := range rows {
			m, id := muts[i], muts[i].ID
			assumed := row.AssumedMasterState
			var tombstone int64
			res, err := p.Apply(tx, m, func(existing *core.Record, version int64) bool {
				if existing == nil {
					// The phone edits a document it saw on the server: if the
					// server has deleted it since, the deleted master wins
					// (RxDB's rule: the assumed master is not the server's).
					if assumed == nil {
						return false
					}
					if del, _ := assumed["_deleted"].(bool); del {
						return false
					}
					var err error
					tombstone, err = p.Tombstone(tx, collection, id)
					return err == nil && tombstone > 0
				}
				if del, _ := assumed["_deleted"].(bool); assumed == nil || del {
					return true
				}
				if v, ok := assumed["version"].(float64); ok && int64(v) == version {
					return false
				}
				// RxDB assumes the master is the document it pushed last,
				// which does not carry the version the server gave it: what
				// counts is whether the server still holds that content.
				return !p.SameAsServer(existing, assumed)
			})
			if err != nil {
				return err
			}
			switch res.Status {
			case StatusConflict:
				if res.Record != nil {
					conflicts = append(conflicts, rxMaster(res.Record))
				} else {
					conflicts = append(conflicts, map[string]any{"id": id, "_deleted": true, "version": tombstone})
				}
			case StatusRejected:
				rejectedDocs = append(rejectedDocs, res)
				// (not for an id the privacy guard refuses: showing a record
				// stored under it before the guard would write the id into
				// the append-only audit trail again)
				if !res.identifier && (res.Reason == ReasonLocked || res.Reason == ReasonForbidden || (res.Reason == ReasonInvalid && assumed != nil)) {
					// hand the phone the server's state, if it may see it
					col, err := tx.FindCachedCollectionByNameOrId(collection)
					if err != nil {
						return err
					}
					master, err := p.Shown(tx, col, id, res.Reason)
					if err != nil {
						return err
					}
					if master != nil {
						conflicts = append(conflicts, rxMaster(master))
					}
				}
			}
		}
		return health.write(tx)
	})
	if err != nil {
		return e.InternalServerError("Sinkronisasi gagal; tidak ada yang tersimpan, kirim ulang. / Sync failed; nothing was saved, push again.", err)
	}
	if e.Request.URL.Query().Get("details") == "1" {
		return e.JSON(http.StatusOK, map[string]any{"conflicts": conflicts, "rejected": rejectedDocs})
	}
	return e.JSON(http.StatusOK, conflicts)
}

func rxMaster(doc map[string]any) map[string]any {
	doc["_deleted"] = false
	return doc
}
