package privacy

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
)

// The guard checks a value when it is written, and on an update only the
// fields that change: text stored before a check existed (or before it
// learnt a spelling) stays until someone edits it. Scan finds it.

// Finding is a stored value the current guard refuses: where it is and
// the guard's code, never the value. When the record's id is itself the
// refused value (Field "id"), ID is the id with the identifier masked
// (Redact) and RowID locates the row.
type Finding struct {
	Collection string
	ID         string
	RowID      int64
	Field      string
	Rule       string // CodeNIK, CodePhone or CodePassport
}

// ScanResult counts what Scan read.
type ScanResult struct {
	Collections int
	Records     int
	Findings    int
}

// scanPage is how many records Scan holds at once.
const scanPage = 500

// Scan reads every record of every collection the guard covers and calls
// found for each guarded field (Guarded, as CheckRecord checks it on
// create) and each client-chosen record id (CheckID) the current guard
// refuses. The ids of collections listed whole in Unguarded, and those
// Unguarded lists ("areas": BPS codes), are not read; view collections
// hold no values of their own. Records are read in pages of scanPage, in
// id order.
func Scan(app core.App, found func(Finding)) (ScanResult, error) {
	var res ScanResult
	cols, err := app.FindAllCollections()
	if err != nil {
		return res, err
	}
	sort.Slice(cols, func(i, j int) bool { return cols[i].Name < cols[j].Name })
	for _, col := range cols {
		_, allExempt := Unguarded[col.Name]["*"]
		_, idExempt := Unguarded[col.Name]["id"]
		if col.IsView() || allExempt {
			continue
		}
		res.Collections++
		last := ""
		for {
			recs := []*core.Record{}
			q := app.RecordQuery(col).AndWhere(dbx.NewExp("[[id]] > {:last}", dbx.Params{"last": last})).OrderBy("id").Limit(scanPage)
			if err := q.All(&recs); err != nil {
				return res, err
			}
			for _, rec := range recs {
				res.Records++
				report := func(field, rule string) {
					res.Findings++
					f := Finding{Collection: col.Name, ID: rec.Id, Field: field, Rule: rule}
					if field == "id" {
						f.ID = Redact(rec.Id)
						f.RowID = rowID(app, col.Name, rec.Id)
					}
					found(f)
				}
				if !idExempt {
					if v := CheckID("id", rec.Id); v != nil {
						report("id", v.Code())
					}
				}
				errs := checkFields(rec, nil)
				fields := make([]string, 0, len(errs))
				for field := range errs {
					fields = append(fields, field)
				}
				sort.Strings(fields)
				for _, field := range fields {
					var ve validation.Error
					if errors.As(errs[field], &ve) {
						report(field, ve.Code())
					}
				}
			}
			if len(recs) < scanPage {
				break
			}
			last = recs[len(recs)-1].Id
		}
	}
	return res, scanCopies(app, found, &res)
}

// Copies is where values of records are copied by the server itself: the
// audit trail's changes, notes and record ids; the results a push
// remembers (sync_mutations: the mutation id, the server's record sent back
// on a conflict); the feed's record ids (sync_changes). A value the guard
// refuses now, fixed in its record, stays in these copies: the audit trail
// until its entries are archived (it is append-only and chained), the
// others for as long as they are kept.
var Copies = []string{catalog.AuditLog, "sync_mutations", "sync_changes"}

// scanCopies reports, in Copies, the values the guard refuses: guarded
// fields checked as in their collection, record and mutation ids as ids
// (masked in the finding), an audit note that is free text (a review
// note) as text.
func scanCopies(app core.App, found func(Finding), res *ScanResult) error {
	asRecord := func(collection string, values map[string]any) validation.Errors {
		col, err := app.FindCachedCollectionByNameOrId(collection)
		if err != nil || len(values) == 0 {
			return nil
		}
		rec := core.NewRecord(col)
		for k, v := range values {
			if Guarded(collection, k) {
				rec.Set(k, v)
			}
		}
		return checkFields(rec, nil)
	}
	report := func(table, id, field string, err error) {
		var ve validation.Error
		if errors.As(err, &ve) {
			res.Findings++
			found(Finding{Collection: table, ID: id, Field: field, Rule: ve.Code()})
		}
	}
	reportFields := func(table, id, prefix string, errs validation.Errors) {
		fields := make([]string, 0, len(errs))
		for f := range errs {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			report(table, id, prefix+f, errs[f])
		}
	}

	// the audit trail, in pages of its sequence
	res.Collections++
	for after := int64(-1); ; {
		var rows []struct {
			Seq        int64  `db:"seq"`
			ID         string `db:"id"`
			Collection string `db:"target_collection"`
			Record     string `db:"record"`
			Changes    string `db:"changes"`
			Note       string `db:"note"`
		}
		if err := app.DB().NewQuery(`SELECT seq, id, target_collection, record, COALESCE(changes, '') AS changes, note FROM ` + catalog.AuditLog +
			` WHERE seq > {:after} ORDER BY seq LIMIT {:n}`).Bind(dbx.Params{"after": after, "n": scanPage}).All(&rows); err != nil {
			return err
		}
		for _, r := range rows {
			res.Records++
			if r.Record != "" {
				if err := CheckID("record", r.Record); err != nil {
					report(catalog.AuditLog, r.ID, "record", err)
				}
			}
			var changes map[string][2]any
			if r.Changes != "" && json.Unmarshal([]byte(r.Changes), &changes) == nil {
				before, afterValues := map[string]any{}, map[string]any{}
				for f, pair := range changes {
					before[f], afterValues[f] = pair[0], pair[1]
				}
				errs := asRecord(r.Collection, before)
				for f, e := range asRecord(r.Collection, afterValues) {
					if errs == nil {
						errs = validation.Errors{}
					}
					errs[f] = e
				}
				reportFields(catalog.AuditLog, r.ID, "changes.", errs)
			}
			if note := strings.TrimSpace(r.Note); note != "" && !json.Valid([]byte(note)) {
				report(catalog.AuditLog, r.ID, "note", CheckText(note))
			}
		}
		if len(rows) < scanPage {
			break
		}
		after = rows[len(rows)-1].Seq
	}

	// the results pushes remember
	res.Collections++
	type mutationKey struct{ User, Client, Mutation string }
	var last mutationKey
	for {
		var rows []struct {
			User     string `db:"user_id"`
			Client   string `db:"client_id"`
			Mutation string `db:"mutation_id"`
			Result   string `db:"result"`
		}
		if err := app.DB().NewQuery(`SELECT user_id, client_id, mutation_id, result FROM sync_mutations
			WHERE (user_id, client_id, mutation_id) > ({:u}, {:c}, {:m}) ORDER BY user_id, client_id, mutation_id LIMIT {:n}`).
			Bind(dbx.Params{"u": last.User, "c": last.Client, "m": last.Mutation, "n": scanPage}).All(&rows); err != nil {
			return err
		}
		for _, r := range rows {
			res.Records++
			id := Redact(r.Mutation)
			if err := CheckID("mutation_id", r.Mutation); err != nil {
				report("sync_mutations", id, "mutation_id", err)
			}
			var result struct {
				Collection string         `json:"collection"`
				Record     map[string]any `json:"record"`
			}
			if json.Unmarshal([]byte(r.Result), &result) == nil {
				reportFields("sync_mutations", id, "result.record.", asRecord(result.Collection, result.Record))
			}
		}
		if len(rows) < scanPage {
			break
		}
		r := rows[len(rows)-1]
		last = mutationKey{r.User, r.Client, r.Mutation}
	}

	// the feed's record ids
	res.Collections++
	var lastCol, lastID string
	for {
		var rows []struct {
			Collection string `db:"collection"`
			RecordID   string `db:"record_id"`
		}
		if err := app.DB().NewQuery(`SELECT DISTINCT collection, record_id FROM sync_changes WHERE (collection, record_id) > ({:c}, {:r})
			ORDER BY collection, record_id LIMIT {:n}`).Bind(dbx.Params{"c": lastCol, "r": lastID, "n": scanPage}).All(&rows); err != nil {
			return err
		}
		for _, r := range rows {
			res.Records++
			if err := CheckID("record_id", r.RecordID); err != nil {
				report("sync_changes", r.Collection+"/"+Redact(r.RecordID), "record_id", err)
			}
		}
		if len(rows) < scanPage {
			break
		}
		lastCol, lastID = rows[len(rows)-1].Collection, rows[len(rows)-1].RecordID
	}
	return nil
}

// rowID is the SQLite rowid of the record of table with id (0 when it
// cannot be read): it locates a record whose id may not be printed.
func rowID(app core.App, table, id string) int64 {
	var n int64
	_ = app.DB().Select("rowid").From(table).Where(dbx.HashExp{"id": id}).Row(&n)
	return n
}
