package notify

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/catalog"
)

// A notice about a record (its title, the verifier's note) is a read of
// that record: it is made, pushed, mailed and listed only while its
// recipient may view the record (the policy table). An officer moved to
// another village keeps the records it wrote there as their created_by,
// but no longer reads them, so neither the decisions on them.

// recordCollections are the collections whose notices name a record.
var recordCollections = []string{catalog.Activities, catalog.OutreachLogs}

// mayView reports whether the account with id userID may view rec now.
func mayView(app core.App, userID string, rec *core.Record) bool {
	u, err := app.FindRecordById(catalog.Users, userID)
	if err != nil || u.GetBool("deactivated") {
		return false
	}
	return access.Reaches(access.ActorOf(u), rec.Collection().Name, access.View, rec)
}

// hiddenNotices lists the ids of u's notices about records u may no longer
// view (or that are gone): left out of its list and its unread count.
func hiddenNotices(app core.App, u *core.Record) ([]any, error) {
	actor := access.ActorOf(u)
	var hidden []any
	for _, col := range recordCollections {
		p := access.Placements[col]
		var fields []string
		for _, f := range []string{p.Area, p.Regency, p.Cluster, p.Status, p.Level} {
			if f != "" {
				fields = append(fields, f)
			}
		}
		sel := "n.id AS notice, (r.id IS NULL) AS gone"
		for i, f := range fields {
			sel += ", COALESCE(r.[[" + f + "]], '') AS f" + string(rune('0'+i))
		}
		rows, err := app.DB().NewQuery(`SELECT ` + sel + ` FROM notices n LEFT JOIN [[` + col + `]] r ON r.id = n.record_id
			WHERE n.user = {:u} AND n.record_collection = {:c}`).Bind(dbx.Params{"u": u.Id, "c": col}).Rows()
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var notice string
			var gone bool
			vals := make([]string, len(fields))
			dest := []any{&notice, &gone}
			for i := range vals {
				dest = append(dest, &vals[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, err
			}
			t := access.Fields{}
			for i, f := range fields {
				t[f] = vals[i]
			}
			if gone || !access.Reaches(actor, col, access.View, t) {
				hidden = append(hidden, notice)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return hidden, nil
}
