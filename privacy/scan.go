package privacy

import (
	"errors"
	"sort"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
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
	return res, nil
}

// rowID is the SQLite rowid of the record of table with id (0 when it
// cannot be read): it locates a record whose id may not be printed.
func rowID(app core.App, table, id string) int64 {
	var n int64
	_ = app.DB().Select("rowid").From(table).Where(dbx.HashExp{"id": id}).Row(&n)
	return n
}
