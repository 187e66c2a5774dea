package sync

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/apierr"
	"jangkau/audit"
	"jangkau/catalog"
	"jangkau/internal/recfield"
	"jangkau/internal/wiring"
	"jangkau/privacy"
	"jangkau/records"
	"jangkau/review"
	"jangkau/txbatch"
)

// Mutation statuses.
const (
	StatusApplied   = "applied"   // written
	StatusDuplicate = "duplicate" // the server already holds exactly this; nothing written
	StatusConflict  = "conflict"  // the server's record changed since the version the phone edited
	StatusRejected  = "rejected"  // refused for good: fix it or drop it, never retry as is
)

// Rejection reasons.
const (
	ReasonInvalid   = "invalid"
	ReasonLocked    = "locked"
	ReasonForbidden = "forbidden"
	ReasonIDTaken   = "id_taken"
)

// MaxMutations caps one push.
const MaxMutations = 500

// Mutation is one change a phone made offline.
type Mutation struct {
	MutationID  string         `json:"mutationId"`
	Collection  string         `json:"collection"`
	ID          string         `json:"id"`
	Op          string         `json:"op"` // "upsert" or "delete"
	BaseVersion *int64         `json:"baseVersion"`
	Data        map[string]any `json:"data"`
	ClientTime  string         `json:"clientTime,omitempty"`
}

// FieldError is the refusal of one field, bilingual.
type FieldError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Result is what happened to one mutation.
type Result struct {
	MutationID string                `json:"mutationId,omitempty"`
	Collection string                `json:"collection"`
	ID         string                `json:"id"`
	Status     string                `json:"status"`
	Reason     string                `json:"reason,omitempty"`
	Version    int64                 `json:"version,omitempty"`
	Record     map[string]any        `json:"record,omitempty"` // the server's record, on conflict
	Errors     map[string]FieldError `json:"errors,omitempty"`
	Replayed   bool                  `json:"replayed,omitempty"` // this mutation id was applied before

	// identifier: rejected by identifierRefusal. Nothing may then be
	// written under its ids, not even a view entry for the server's record.
	identifier bool
}

// ConflictCheck decides whether a mutation conflicts with the server's
// record (existing, at version; nil and 0 when the server has no such
// record). Each protocol has its own notion of the base.
type ConflictCheck func(existing *core.Record, version int64) bool

// Pusher applies mutations of one authenticated caller.
type Pusher struct {
	Actor    access.Actor
	Auth     *core.Record
	ClientID string      // enrolled device id, or the client's own id; keys replays
	DeviceID string      // enrolled device id, when the request came with a device token
	Flavor   Flavor      // how values arrive and conflict records are returned
	Scope    Scope       // the caller's sync scope: which tombstones it may be told of
	Viewer   audit.Actor // who is shown the server's records a push answers with
	// SendOnly: a phone revoked with wipe sends what it holds and is shown
	// nothing (devices.SendOnly): no record in the answer, no view entry.
	SendOnly bool

	prior    map[string]Result          // results of mutation ids seen before, loaded by Prepare
	pending  []pendingResult            // results to store, written by Flush
	existing map[string]map[string]bool // ids that exist, per collection, loaded by Prepare
	taken    map[string]map[string]bool // lowercased ids in use, per collection (new ids must avoid them)
	related  map[string]map[string]bool // ids of related records found to exist, per collection
	prebuilt map[[2]string]*prebuilt    // records of creates built beside the transaction (Prebuild), per collection and id
}

// prebuilt is the record an upsert creates when its id is free, built
// outside the write transaction by Prebuild.
type prebuilt struct {
	ready chan struct{}    // closed once col and rec are set
	col   *core.Collection // the schema it was built with
	rec   *core.Record     // nil when decoding or the create's checks refused it: Apply builds it again and answers why
	taken bool             // handed to Apply (a push run again builds afresh)
}

// Prebuild starts building, in a goroutine of its own, the record each
// upsert of muts creates when its id turns out to be free: the values
// decoded and set, and the create's own checks (records.PrepareVillageCreate)
// made. These need no database, and a push's transaction runs in the one
// writer that every push waits for: built beside it while it checks and
// saves the records before them, they leave the writer only the checks that
// read the database, and the save. Call it in the push's transaction, before
// Prepare: records built earlier (while the push waits for the writer) would
// be held in memory by every waiting push of a burst. Apply builds the
// record itself as before when none was built (an id that appears twice in
// the push, a schema changed meanwhile).
func (p *Pusher) Prebuild(app core.App, muts []Mutation) {
	p.prebuilt = nil
	times := map[[2]string]int{}
	for _, m := range muts {
		times[[2]string{m.Collection, m.ID}]++
	}
	var todo []Mutation
	for _, m := range muts {
		key := [2]string{m.Collection, m.ID}
		if m.Op != "upsert" || times[key] != 1 || !IsWritable(m.Collection) || !idRe.MatchString(m.ID) {
			continue
		}
		if p.prebuilt == nil {
			p.prebuilt = map[[2]string]*prebuilt{}
		}
		p.prebuilt[key] = &prebuilt{ready: make(chan struct{})}
		todo = append(todo, m)
	}
	if len(todo) == 0 {
		return
	}
	built := p.prebuilt // a push run again replaces p.prebuilt while this one may still build
	go func() {
		for _, m := range todo {
			p.buildAhead(app, m, built[[2]string{m.Collection, m.ID}])
		}
	}()
}

// buildAhead builds one prebuilt record; a panic leaves it unbuilt (Apply
// then builds it in the transaction, where a panic fails the push).
func (p *Pusher) buildAhead(app core.App, m Mutation, pb *prebuilt) {
	defer close(pb.ready)
	defer func() {
		if recover() != nil {
			pb.col, pb.rec = nil, nil
		}
	}()
	col, err := app.FindCachedCollectionByNameOrId(m.Collection)
	if err != nil {
		return
	}
	values, errs := p.decode(col, m.Data)
	if len(errs) > 0 {
		return
	}
	rec := p.newRecord(col, m, values)
	if records.PrepareVillageCreate(p.Actor, rec) != nil {
		return
	}
	// the model hooks' checks and the fields' validation that read no table,
	// in the order the save makes them: the writer is left the rest
	if records.CheckAhead(app, rec) != nil || !validateAhead(app, rec) {
		return
	}
	pb.col, pb.rec = col, rec
}

// takePrebuilt returns what Prebuild built for m's create with the schema
// col, once; nil when there is no record.
func (p *Pusher) takePrebuilt(col *core.Collection, m Mutation) *prebuilt {
	pb := p.prebuilt[[2]string{m.Collection, m.ID}]
	if pb == nil || pb.taken {
		return nil
	}
	pb.taken = true
	<-pb.ready
	if pb.col != col || pb.rec == nil {
		return nil
	}
	return pb
}

// newRecord is the record a create of m makes, with its decoded values.
func (p *Pusher) newRecord(col *core.Collection, m Mutation, values map[string]any) *core.Record {
	rec := recfield.New(col)
	rec.Id = m.ID
	for k, v := range values {
		recfield.Set(rec, k, v)
	}
	if m.ClientTime != "" && values["client_created_at"] == nil {
		recfield.Set(rec, "client_created_at", m.ClientTime)
	}
	return rec
}

// Prepare loads, in one query for the push and one per collection instead
// of several per mutation, the earlier results of these mutation ids and
// which records already exist (and which ids are taken in another case).
// Call it inside the push transaction, before Apply; a prepared push also
// makes the lookups of record validation once for all its records.
func (p *Pusher) Prepare(tx core.App, muts []Mutation) error {
	p.prior = map[string]Result{}
	p.existing = map[string]map[string]bool{}
	p.taken = map[string]map[string]bool{}
	p.related = map[string]map[string]bool{}
	p.pending = nil
	var mids []any
	ids := map[string][]any{}
	for _, m := range muts {
		if m.MutationID != "" {
			mids = append(mids, m.MutationID)
		}
		if IsWritable(m.Collection) {
			ids[m.Collection] = append(ids[m.Collection], m.ID)
		}
	}
	if p.ClientID != "" && len(mids) > 0 {
		in, padded := txbatch.ListOf(mids)
		rows, err := txbatch.Query(tx, `SELECT mutation_id, result FROM sync_mutations WHERE user_id = ? AND client_id = ? AND mutation_id IN `+
			in, append([]any{p.Actor.ID, p.ClientID}, padded...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var mid, raw string
			var res Result
			if err := rows.Scan(&mid, &raw); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal([]byte(raw), &res); err != nil {
				rows.Close()
				return err
			}
			res.Replayed = true
			p.prior[mid] = res
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	for col, list := range ids {
		// PocketBase refuses a new id that differs only in case from one in
		// use: found case-insensitively (through the NOCASE id index)
		found, err := storedIDs(tx, col, ` COLLATE NOCASE`, list)
		if err != nil {
			return err
		}
		p.existing[col], p.taken[col] = map[string]bool{}, map[string]bool{}
		for _, id := range found {
			p.existing[col][id] = true
			p.taken[col][strings.ToLower(id)] = true
		}
	}
	return nil
}

// storedIDs returns which of ids table holds, the id compared with the
// given collation clause ("" for exact).
func storedIDs(tx core.App, table, collate string, ids []any) ([]string, error) {
	in, padded := txbatch.ListOf(ids)
	rows, err := txbatch.Query(tx, `SELECT id FROM `+table+` WHERE id`+collate+` IN `+in, padded...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		found = append(found, id)
	}
	return found, rows.Err()
}

var idRe = regexp.MustCompile(`^[A-Za-z0-9_-]{15,36}$`)

// ignoredFields travel with documents but are never taken from a client.
var ignoredFields = map[string]bool{
	"id": true, "collectionId": true, "collectionName": true, "created": true, "updated": true,
	"version": true, "_status": true, "_changed": true, "_deleted": true, "_rev": true, "_meta": true,
	"_attachments": true, "district": true, "regency": true, "created_by": true, "updated_by": true,
	"reviewed_by": true, "reviewed_at": true, "submitted_at": true,
}

func fieldErr(code, message string) FieldError { return FieldError{Code: code, Message: message} }

func rejected(m Mutation, reason string, errs map[string]FieldError) Result {
	return Result{MutationID: m.MutationID, Collection: m.Collection, ID: m.ID, Status: StatusRejected, Reason: reason, Errors: errs}
}

// Apply applies one mutation inside the caller's write transaction tx. A
// refused mutation writes nothing (every check runs before the first write)
// and does not stop the others. A replayed mutation id returns the first
// result. The error is for failures of the server itself; the whole push
// must then be rolled back.
func (p *Pusher) Apply(tx core.App, m Mutation, conflict ConflictCheck) (Result, error) {
	if res, refused := identifierRefusal(m); refused {
		return res, nil // not remembered: that would store the identifier
	}
	if m.MutationID != "" && p.ClientID != "" {
		if prev, ok := p.prior[m.MutationID]; ok {
			return prev, nil
		}
		if p.prior == nil {
			if prev, ok, err := p.previous(tx, m.MutationID); err != nil || ok {
				return prev, err
			}
		}
	}
	res, err := p.apply(tx, m, conflict)
	if err != nil {
		return res, err
	}
	// applied, duplicate and rejected are final answers: remember them so a
	// retry gets the same one. A conflict is not: the phone rebases and may
	// send the same mutation again.
	if res.Status != StatusConflict && m.MutationID != "" && p.ClientID != "" {
		if p.prior == nil {
			if err := p.remember(tx, m.MutationID, res); err != nil {
				return res, err
			}
		} else {
			replay := res
			replay.Replayed = true
			p.prior[m.MutationID] = replay
			p.pending = append(p.pending, pendingResult{m.MutationID, res})
		}
	}
	return res, nil
}

// identifierRefusal rejects a mutation whose mutation id, collection or
// record id carries what the privacy guard refuses (privacy.CheckID): an
// id such as "081234567890123" matches the id pattern, and the server
// stores all three (the record, sync_changes, sync_mutations). Nothing of
// it is written, not even its result, which would hold the identifier; a
// retry gets the same answer, as the check reads the mutation alone. It
// holds for every op: an update or delete of a record stored under such an
// id before the guard existed is refused too (privacy-scan lists them).
func identifierRefusal(m Mutation) (Result, bool) {
	var errs map[string]FieldError
	for _, f := range [...]struct{ name, value string }{{"mutationId", m.MutationID}, {"collection", m.Collection}, {"id", m.ID}} {
		if v := privacy.CheckID(f.name, f.value); v != nil {
			if errs == nil {
				errs = map[string]FieldError{}
			}
			code, message := apierr.Describe(v)
			errs[f.name] = fieldErr(code, message)
		}
	}
	if errs == nil {
		return Result{}, false
	}
	res := rejected(m, ReasonInvalid, errs)
	res.identifier = true
	return res, true
}

// stored is the result as sync_mutations keeps it: a message that repeats
// a value the client sent (an unknown vocabulary code, say) has what the
// privacy guard refuses masked (privacy.Redact), the answer itself as sent.
func stored(res Result) Result {
	var errs map[string]FieldError
	for field, fe := range res.Errors {
		masked := privacy.Redact(fe.Message)
		if masked == fe.Message {
			continue
		}
		if errs == nil {
			errs = maps.Clone(res.Errors)
		}
		fe.Message = masked
		errs[field] = fe
	}
	if errs != nil {
		res.Errors = errs
	}
	return res
}

type pendingResult struct {
	mutationID string
	result     Result
}

// Flush stores the results of this push's mutations (one prepared
// statement run per result). Call it inside the push transaction after the
// last Apply.
func (p *Pusher) Flush(tx core.App) error {
	t := now()
	for _, pr := range p.pending {
		raw, err := json.Marshal(stored(pr.result))
		if err != nil {
			return err
		}
		if _, err := txbatch.Exec(tx, rememberSQL, p.Actor.ID, p.ClientID, pr.mutationID, string(raw), t); err != nil {
			return err
		}
	}
	p.pending = p.pending[:0]
	return nil
}

const rememberSQL = `INSERT OR IGNORE INTO sync_mutations (user_id, client_id, mutation_id, result, created) VALUES (?, ?, ?, ?, ?)`

func (p *Pusher) previous(tx core.App, mutationID string) (Result, bool, error) {
	var raw string
	err := tx.DB().NewQuery(`SELECT result FROM sync_mutations WHERE user_id = {:u} AND client_id = {:c} AND mutation_id = {:m}`).
		Bind(dbx.Params{"u": p.Actor.ID, "c": p.ClientID, "m": mutationID}).Row(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, err
	}
	var res Result
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		return Result{}, false, err
	}
	res.Replayed = true
	return res, true, nil
}

func (p *Pusher) remember(tx core.App, mutationID string, res Result) error {
	raw, err := json.Marshal(stored(res))
	if err != nil {
		return err
	}
	_, err = tx.DB().NewQuery(`INSERT OR IGNORE INTO sync_mutations (user_id, client_id, mutation_id, result, created) VALUES ({:u}, {:c}, {:m}, {:r}, {:t})`).
		Bind(dbx.Params{"u": p.Actor.ID, "c": p.ClientID, "m": mutationID, "r": string(raw), "t": now()}).Execute()
	return err
}

func (p *Pusher) apply(tx core.App, m Mutation, conflict ConflictCheck) (Result, error) {
	if !IsWritable(m.Collection) {
		return rejected(m, ReasonInvalid, map[string]FieldError{"collection": fieldErr("unknown_collection",
			fmt.Sprintf("Koleksi %q tidak bisa dikirim dari ponsel. / Collection %q cannot be pushed.", m.Collection, m.Collection))}), nil
	}
	if !idRe.MatchString(m.ID) {
		return rejected(m, ReasonInvalid, map[string]FieldError{"id": fieldErr("invalid_id",
			"Id harus 15-36 karakter A-Z a-z 0-9 _ -. / The id must be 15-36 characters A-Z a-z 0-9 _ -.")}), nil
	}
	if m.Op != "upsert" && m.Op != "delete" {
		return rejected(m, ReasonInvalid, map[string]FieldError{"op": fieldErr("invalid_op",
			`Operasi harus "upsert" atau "delete". / The op must be "upsert" or "delete".`)}), nil
	}
	col, err := tx.FindCachedCollectionByNameOrId(m.Collection)
	if err != nil {
		return Result{}, err
	}
	info := &core.RequestInfo{Auth: p.Auth}
	// A record the caller may not see is, for every answer below, a record
	// that does not exist: its content, version and deletes never shape
	// an answer. Only a create with its id is refused (the id is taken).
	existing, err := p.visible(tx, col, m.ID)
	if err != nil {
		return Result{}, err
	}
	var version int64
	if existing != nil {
		if version, err = VersionOf(tx, col.Name, m.ID); err != nil {
			return Result{}, err
		}
	}

	if m.Op == "delete" {
		if existing == nil {
			return Result{MutationID: m.MutationID, Collection: m.Collection, ID: m.ID, Status: StatusApplied}, nil
		}
		if conflict != nil && conflict(existing, version) {
			return p.conflictResult(tx, m, existing, version)
		}
		if ok, err := tx.CanAccessRecord(existing, info, col.DeleteRule); err != nil {
			return Result{}, err
		} else if !ok {
			return p.refusal(m, existing), nil
		}
		p.setActor(existing, m)
		if err := tx.Delete(existing); err != nil {
			return Result{}, err
		}
		if p.existing != nil {
			p.forget(col.Name, m.ID)
		}
		return Result{MutationID: m.MutationID, Collection: m.Collection, ID: m.ID, Status: StatusApplied}, nil
	}

	if existing == nil {
		// built ahead: its values decoded without error and its checks
		// passed, so the answers below are the ones it would get here
		if pb := p.takePrebuilt(col, m); pb != nil {
			if conflict != nil && conflict(nil, 0) {
				return Result{MutationID: m.MutationID, Collection: m.Collection, ID: m.ID, Status: StatusConflict}, nil
			}
			return p.save(tx, m, pb.rec, true)
		}
	}

	values, errs := p.decode(col, m.Data)
	if len(errs) > 0 {
		return rejected(m, ReasonInvalid, errs), nil
	}

	if existing == nil {
		if conflict != nil && conflict(nil, 0) {
			// the phone edited a record the server has deleted since
			return Result{MutationID: m.MutationID, Collection: m.Collection, ID: m.ID, Status: StatusConflict}, nil
		}
		rec := p.newRecord(col, m, values)
		if verrs := records.PrepareVillageCreate(p.Actor, rec); verrs != nil {
			return p.validationResult(m, verrs), nil
		}
		return p.save(tx, m, rec, false)
	}

	candidate := existing.Clone()
	for k, v := range values {
		candidate.Set(k, v)
	}
	if changed := access.ChangedFields(candidate); len(changed) == 0 {
		return Result{MutationID: m.MutationID, Collection: m.Collection, ID: m.ID, Status: StatusDuplicate, Version: version}, nil
	}
	if conflict != nil && conflict(existing, version) {
		return p.conflictResult(tx, m, existing, version)
	}
	if ok, err := tx.CanAccessRecord(existing, info, col.UpdateRule); err != nil {
		return Result{}, err
	} else if !ok {
		return p.refusal(m, existing), nil
	}
	if verrs := records.PrepareVillageUpdate(p.Actor, candidate); verrs != nil {
		return p.validationResult(m, verrs), nil
	}
	return p.save(tx, m, candidate, false)
}

// visible returns the stored record of col with id when it exists and the
// caller may view it, else nil.
func (p *Pusher) visible(tx core.App, col *core.Collection, id string) (*core.Record, error) {
	if known, loaded := p.existing[col.Name]; loaded && !known[id] {
		return nil, nil
	}
	rec, err := tx.FindRecordById(col, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ok, err := tx.CanAccessRecord(rec, &core.RequestInfo{Auth: p.Auth}, col.ViewRule)
	if err != nil || !ok {
		return nil, err
	}
	return rec, nil
}

// Tombstone returns the sequence of the latest delete of a record in the
// caller's scope (0 when there is none): deletes elsewhere, like the
// records there, are none of the caller's business.
func (p *Pusher) Tombstone(tx core.App, collection, id string) (int64, error) {
	var v sql.NullInt64
	err := tx.DB().Select("MAX(seq)").From("sync_changes").
		Where(dbx.HashExp{"collection": collection, "record_id": id, "deleted": 1}).
		AndWhere(p.Scope.where()).Row(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	return v.Int64, nil
}

// Shown returns the server's document of a record the caller may view, to
// send in a push answer, and writes the view entry of that read in tx (no
// entry, no data); nil when the record is gone or out of the caller's scope.
func (p *Pusher) Shown(tx core.App, col *core.Collection, id, why string) (map[string]any, error) {
	if p.SendOnly {
		return nil, nil
	}
	rec, err := p.visible(tx, col, id)
	if err != nil || rec == nil {
		return nil, err
	}
	doc, err := Document(tx, col, id, p.Flavor)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(audit.ReadAudited, col.Name) {
		return doc, nil
	}
	viewer := p.Viewer
	if viewer == (audit.Actor{}) {
		viewer = audit.Actor{DeviceID: p.DeviceID}
		if p.Actor.Superuser {
			viewer.SuperuserID = p.Actor.ID
		} else {
			viewer.UserID = p.Actor.ID
		}
	}
	err = audit.Write(tx, audit.Entry{Actor: viewer, Action: audit.ActionView, Collection: col.Name, RecordID: id,
		Note: audit.Note(map[string]any{"sync_push": why})})
	return doc, err
}

// setActor tells the audit trail who (user, device) and when (phone time)
// made the change.
func (p *Pusher) setActor(rec *core.Record, m Mutation) {
	a := audit.Actor{DeviceID: p.DeviceID, ClientTime: m.ClientTime}
	if p.Actor.Superuser {
		a.SuperuserID = p.Actor.ID
	} else {
		a.UserID = p.Actor.ID
	}
	audit.SetActor(rec, a)
}

// save saves rec, made by m; ahead: its checks that read no table were
// made before the transaction (Prebuild) and passed.
func (p *Pusher) save(tx core.App, m Mutation, rec *core.Record, ahead bool) (Result, error) {
	p.setActor(rec, m)
	var err error
	if p.existing != nil {
		// prepared: the lookups of the validation are made for the whole push
		ctx := context.Background()
		if b, ok := tx.(*txbatch.Batch); ok {
			ctx = b.Context() // the request's
		}
		// validated by p.validate, in PocketBase's place (after the model
		// hooks, as on REST): bindValidation
		ctx = context.WithValue(ctx, pushValidationKey{}, &pushValidation{pusher: p, rec: rec, ahead: ahead})
		if ahead {
			ctx = wiring.WithCheckedAhead(ctx, rec)
		}
		err = tx.SaveWithContext(ctx, rec)
	} else {
		err = tx.Save(rec)
	}
	if err != nil {
		var verrs validation.Errors
		if errors.As(err, &verrs) {
			return p.validationResult(m, verrs), nil
		}
		return Result{}, err
	}
	if p.existing != nil {
		name := rec.Collection().Name
		if p.existing[name] == nil {
			p.existing[name], p.taken[name] = map[string]bool{}, map[string]bool{}
		}
		p.existing[name][rec.Id] = true
		p.taken[name][strings.ToLower(rec.Id)] = true
	}
	version := SeqOf(rec)
	if version == 0 {
		var err error
		if version, err = VersionOf(tx, rec.Collection().Name, rec.Id); err != nil {
			return Result{}, err
		}
	}
	return Result{MutationID: m.MutationID, Collection: m.Collection, ID: m.ID, Status: StatusApplied, Version: version}, nil
}

// refusal explains a write the rules refuse: approved records are locked.
func (p *Pusher) refusal(m Mutation, existing *core.Record) Result {
	if existing.GetString("status") == catalog.StatusApproved {
		return rejected(m, ReasonLocked, map[string]FieldError{"status": fieldErr(review.CodeLocked,
			"Catatan sudah disetujui dan terkunci. / The record is approved and locked.")})
	}
	return rejected(m, ReasonForbidden, map[string]FieldError{"id": fieldErr("forbidden",
		"Anda tidak boleh mengubah atau menghapus catatan ini. / You may not change or delete this record.")})
}

// codePKInvalid is PocketBase's code for an id that is malformed or in use.
const codePKInvalid = "validation_pk_invalid"

// msgIDTaken explains an id in use, whoever's record holds it.
const msgIDTaken = "Id ini sudah dipakai catatan lain. Buat id baru. / This id is already used by another record. Make a new id."

func (p *Pusher) validationResult(m Mutation, verrs validation.Errors) Result {
	if e, ok := verrs["id"]; ok {
		var ve validation.Error
		if errors.As(e, &ve) && ve.Code() == codePKInvalid {
			// The id is in use, maybe by a record the caller may not see:
			// the create is otherwise answered as for a free id, and only
			// a create that would succeed learns that the id is taken.
			if len(verrs) > 1 {
				delete(verrs, "id")
			} else {
				return rejected(m, ReasonIDTaken, map[string]FieldError{"id": fieldErr(codePKInvalid, msgIDTaken)})
			}
		}
	}
	errs := map[string]FieldError{}
	reason := ReasonInvalid
	for field, e := range verrs {
		// PocketBase's own messages are English: apierr gives them their
		// Indonesian half, as on REST
		fe := FieldError{Code: "validation_invalid_value", Message: apierr.Bilingual("validation_invalid_value", e.Error(), nil)}
		var ve validation.Error
		if errors.As(e, &ve) {
			fe.Code, fe.Message = apierr.Describe(ve)
		}
		if fe.Code == review.CodeLocked {
			reason = ReasonLocked
		}
		if fe.Code == "not_your_area" || fe.Code == "forbidden_role" {
			reason = ReasonForbidden
		}
		errs[field] = fe
	}
	return rejected(m, reason, errs)
}

func (p *Pusher) conflictResult(tx core.App, m Mutation, existing *core.Record, version int64) (Result, error) {
	doc, err := p.Shown(tx, existing.Collection(), existing.Id, StatusConflict)
	if err != nil {
		return Result{}, err
	}
	return Result{MutationID: m.MutationID, Collection: m.Collection, ID: m.ID, Status: StatusConflict, Version: version, Record: doc}, nil
}

// SameAsServer reports whether a document a client sent (a record it pushes,
// or the master state it assumes) holds the server's current values in
// every field the client may write that it names. Server-owned fields,
// versions and bookkeeping are ignored, as are fields it does not name.
// Clients that hold exactly the server's state have nothing to conflict
// with, whatever version they carry: RxDB keeps as its assumed master the
// document it last pushed (without the version the server gave it), and a
// retried WatermelonDB push finds its own first attempt on the server.
func (p *Pusher) SameAsServer(existing *core.Record, doc map[string]any) bool {
	values, errs := p.decode(existing.Collection(), doc)
	if len(errs) > 0 {
		return false
	}
	candidate := existing.Clone()
	for k, v := range values {
		candidate.Set(k, v)
	}
	return len(access.ChangedFields(candidate)) == 0
}

// Document returns the current stored document of a record in the flavor,
// with its version.
func Document(app core.App, col *core.Collection, id string, flavor Flavor) (map[string]any, error) {
	r, err := openOn(app, nil)
	if err != nil {
		return nil, err
	}
	docs := map[[2]string][]byte{}
	if err := r.loadDocs(col, []any{id}, flavor, docs); err != nil {
		return nil, err
	}
	members, ok := docs[[2]string{col.Name, id}]
	if !ok {
		return nil, sql.ErrNoRows
	}
	v, err := VersionOf(app, col.Name, id)
	if err != nil {
		return nil, err
	}
	raw := append([]byte(`{"version":`+strconv.FormatInt(v, 10)+","), members...)
	raw = append(raw, '}')
	var doc map[string]any
	return doc, json.Unmarshal(raw, &doc)
}

// decode checks the types of a mutation's fields against the collection and
// returns the values to set. Unknown fields are refused; server-owned
// fields are ignored (phones echo back what they pulled).
func (p *Pusher) decode(col *core.Collection, data map[string]any) (map[string]any, map[string]FieldError) {
	values := map[string]any{}
	errs := map[string]FieldError{}
	for name, v := range data {
		if ignoredFields[name] {
			continue
		}
		f := col.Fields.GetByName(name)
		if f == nil || f.GetHidden() || f.Type() == core.FieldTypeFile || f.Type() == core.FieldTypeAutodate {
			if f != nil && f.Type() == core.FieldTypeFile {
				continue // photos travel through the media upload, not the data sync
			}
			if v := privacy.CheckText(name); v != nil {
				// a name that carries an identifier is not repeated back
				// (a native push's result is stored)
				code, message := apierr.Describe(v)
				errs["data"] = fieldErr(code, message)
				continue
			}
			errs[name] = fieldErr("unknown_field", fmt.Sprintf("Kolom %q tidak dikenal. / Unknown field %q.", name, name))
			continue
		}
		val, fe := decodeValue(f, v, p.Flavor)
		if fe != nil {
			errs[name] = *fe
			continue
		}
		values[name] = val
	}
	return values, errs
}

// typeErr refuses a value of the wrong JSON type: wantID and wantEN say
// what the field takes, in Bahasa Indonesia and in English.
func typeErr(name, wantID, wantEN string) *FieldError {
	fe := fieldErr(records.CodeInvalidType, records.InvalidTypeMessage(name, wantID, wantEN))
	return &fe
}

func decodeValue(f core.Field, v any, flavor Flavor) (any, *FieldError) {
	name := f.GetName()
	if v == nil {
		return nil, nil
	}
	if isMulti(f) {
		if s, ok := v.(string); ok {
			// WatermelonDB sends lists and objects as JSON-encoded strings
			if strings.TrimSpace(s) == "" {
				return nil, nil
			}
			var decoded any
			if err := json.Unmarshal([]byte(s), &decoded); err != nil {
				return nil, typeErr(name, "berupa daftar JSON", "a JSON list")
			}
			v = decoded
		}
		if _, isJSON := f.(*core.JSONField); isJSON {
			return v, nil
		}
		list, ok := v.([]any)
		if !ok {
			return nil, typeErr(name, "berupa daftar teks", "a list of strings")
		}
		for _, item := range list {
			if _, ok := item.(string); !ok {
				return nil, typeErr(name, "berupa daftar teks", "a list of strings")
			}
		}
		return list, nil
	}
	switch f.Type() {
	case core.FieldTypeNumber:
		if _, ok := v.(float64); !ok {
			return nil, typeErr(name, "berupa angka", "a number")
		}
	case core.FieldTypeBool:
		if _, ok := v.(bool); !ok {
			return nil, typeErr(name, "true atau false", "true or false")
		}
	case core.FieldTypeDate:
		// as on REST: a value that is no date is refused, never stored empty
		if err := records.CheckDateValue(f, v); err != nil {
			fe := fieldErr(err.Code(), err.Error())
			return nil, &fe
		}
	default:
		if _, ok := v.(string); !ok {
			return nil, typeErr(name, "berupa teks", "text")
		}
	}
	return v, nil
}
