package audit

import (
	"database/sql"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/catalog"
)

// recordHistory answers GET /api/audit/{collection}/{id}: the record's audit
// entries, oldest first, for whoever may read the record: its changes, and
// with ?reads=1 also who was shown it. The read is itself recorded, as a
// view with note NoteHistory.
func recordHistory(e *core.RequestEvent) error {
	name := e.Request.PathValue("collection")
	if !IsAudited(name) {
		return e.NotFoundError("Koleksi ini tidak diaudit. / This collection is not audited.", nil)
	}
	col, err := e.App.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return e.NotFoundError("", err)
	}
	id := e.Request.PathValue("id")
	info, err := e.RequestInfo()
	if err != nil {
		return e.BadRequestError("", err)
	}
	rec, err := e.App.FindRecordById(col, id)
	switch {
	case err == nil:
		if ok, err := e.App.CanAccessRecord(rec, info, col.ViewRule); err != nil || !ok {
			return e.NotFoundError("", nil)
		}
	case access.Can(access.ActorOf(e.Auth), catalog.AuditLog, access.List):
		// a deleted record's history: whoever may list the audit trail
	default:
		return e.NotFoundError("", nil)
	}
	// Reading a record's history is reading the record (its past values
	// are in the diffs): recorded first, so the answer lists this read too.
	if err := Read(e, Entry{Action: ActionView, Collection: name, RecordID: id, Note: NoteHistory}); err != nil {
		return err
	}
	var entries []struct {
		ID         string         `db:"id" json:"id"`
		User       string         `db:"user" json:"user"`
		Superuser  string         `db:"superuser" json:"superuser"`
		Device     string         `db:"device" json:"device"`
		Action     string         `db:"action" json:"action"`
		Changes    sql.NullString `db:"changes" json:"-"`
		Note       string         `db:"note" json:"note"`
		ClientTime string         `db:"client_time" json:"clientTime"`
		ServerTime string         `db:"server_time" json:"serverTime"`
		ChangesOut any            `db:"-" json:"changes"`
		UserName   string         `db:"user_name" json:"userName"`
		UserHidden bool           `db:"-" json:"userHidden,omitempty"` // an account the caller may not see: no id, no name
	}
	err = e.App.DB().NewQuery(`SELECT a.id, a.user, a.superuser, a.device, a.action, a.changes, a.note, a.client_time, a.server_time,
		COALESCE(u.name, '') AS user_name
		FROM audit_log a LEFT JOIN users u ON u.id = a.user
		WHERE a.target_collection = {:c} AND a.record = {:id} AND ({:reads} OR a.action NOT IN ({:view}, {:list}, {:report}, {:pull}))
		ORDER BY a.server_time, a.rowid`).
		Bind(dbx.Params{"c": name, "id": id, "reads": e.Request.URL.Query().Get("reads") == "1",
			"view": ActionView, "list": ActionList, "report": ActionReport, "pull": ActionSyncPull}).All(&entries)
	if err != nil {
		return e.InternalServerError("", err)
	}
	// Who did what is named only to a caller who may see the account: the
	// users' view rule, as on every other path (names are personal data).
	visible := map[string]bool{}
	for i := range entries {
		entries[i].ChangesOut = rawJSON(entries[i].Changes.String)
		uid := entries[i].User
		if uid == "" {
			continue
		}
		ok, known := visible[uid]
		if !known {
			ok = canViewUser(e.App, info, uid)
			visible[uid] = ok
		}
		if !ok {
			entries[i].User, entries[i].UserName, entries[i].UserHidden = "", "", true
		}
	}
	return e.JSON(http.StatusOK, map[string]any{"collection": name, "id": id, "entries": entries})
}

type rawJSON string

// MarshalJSON writes the stored JSON as it is.
func (r rawJSON) MarshalJSON() ([]byte, error) {
	if r == "" {
		return []byte("null"), nil
	}
	return []byte(r), nil
}

// canViewUser reports whether the caller of info may view the account id
// (the users collection's view rule).
func canViewUser(app core.App, info *core.RequestInfo, id string) bool {
	users, err := app.FindCachedCollectionByNameOrId(catalog.Users)
	if err != nil {
		return false
	}
	rec, err := app.FindRecordById(users, id)
	if err != nil {
		return false
	}
	ok, err := app.CanAccessRecord(rec, info, users.ViewRule)
	return err == nil && ok
}
