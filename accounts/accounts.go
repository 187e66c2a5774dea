// Package accounts serves what the account-management screens need beyond
// the users collection's record API (which already creates, deactivates and
// moves accounts under access.UserRules): a list of the accounts the caller
// manages, with area names and their phones' sync health.
package accounts

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/audit"
	"jangkau/catalog"
	"jangkau/reports"
)

// Account is one line of the list.
type Account struct {
	ID          string          `db:"id" json:"id"`
	Email       string          `db:"email" json:"email"`
	Name        string          `db:"name" json:"name"`
	Role        string          `db:"role" json:"role"`
	AreaCode    string          `db:"area" json:"-"`
	Area        reports.AreaRef `db:"-" json:"area"`
	Regency     string          `db:"regency" json:"regency"`
	RegencyName string          `db:"-" json:"regencyName"`
	Cluster     string          `db:"cluster" json:"cluster"`
	Position    string          `db:"position" json:"position"`
	Agency      string          `db:"agency" json:"agency"`
	Phone       string          `db:"phone" json:"phone"`
	Deactivated bool            `db:"deactivated" json:"deactivated"`
	Verified    bool            `db:"verified" json:"verified"`
	ScopeSeq    int64           `db:"scope_seq" json:"scopeSeq"`
	Created     string          `db:"created" json:"created"`
	Updated     string          `db:"updated" json:"updated"`
	Devices     int64           `db:"devices" json:"devices"`
	LastSeen    string          `db:"last_seen" json:"lastSeen"`
	MaxQueue    int64           `db:"max_queue" json:"maxQueueLength"`
}

// MaxPerPage caps one page of the list.
const MaxPerPage = 500

// HandleList answers GET /api/accounts: the accounts the caller manages
// (the secretariat: every account; a district verifier: the village
// officers of its regency), filtered by role, area (and everything under
// it), deactivated and a search text over name, email and position. Each
// answer is written to the audit trail first (action list on users).
func HandleList(e *core.RequestEvent) error {
	a := access.ActorOf(e.Auth)
	params := dbx.Params{}
	where := []string{"1=1"}
	// the accounts the caller manages, from the policy table
	managed, managedParams, ok := access.ManagedSQL(a, "u")
	if !ok {
		return e.ForbiddenError("Hanya sekretariat provinsi dan verifikator kabupaten/kota yang mengelola akun. / Only the province secretariat and district verifiers manage accounts.", nil)
	}
	if managed != "" {
		where = append(where, managed)
		for k, v := range managedParams {
			params[k] = v
		}
	}
	q := e.Request.URL.Query()
	if role := q.Get("role"); role != "" {
		where = append(where, "u.role = {:role}")
		params["role"] = role
	}
	if area := strings.TrimSpace(q.Get("area")); area != "" {
		where = append(where, "(u.area = {:area} OR u.area LIKE {:under})")
		params["area"], params["under"] = area, area+".%"
	}
	switch q.Get("deactivated") {
	case "true", "1":
		where = append(where, "u.deactivated = TRUE")
	case "false", "0":
		where = append(where, "u.deactivated = FALSE")
	}
	if s := strings.TrimSpace(q.Get("q")); s != "" {
		where = append(where, "(u.name LIKE {:q} OR u.email LIKE {:q} OR u.position LIKE {:q})")
		params["q"] = "%" + strings.NewReplacer("%", "", "_", "").Replace(s) + "%"
	}
	page, _ := strconv.Atoi(q.Get("page"))
	perPage, _ := strconv.Atoi(q.Get("perPage"))
	page = max(page, 1)
	if perPage <= 0 || perPage > MaxPerPage {
		perPage = 100
	}
	cond := strings.Join(where, " AND ")
	var total int64
	if err := e.App.DB().NewQuery(`SELECT COUNT(*) FROM users u WHERE ` + cond).Bind(params).Row(&total); err != nil {
		return e.InternalServerError("", err)
	}
	params["limit"], params["offset"] = perPage, (page-1)*perPage
	items := []Account{}
	err := e.App.DB().NewQuery(`SELECT u.id, u.email, u.name, u.role, u.area, u.regency, u.cluster, u.position, u.agency, u.phone,
		u.deactivated, u.verified, COALESCE(u.scope_seq, 0) AS scope_seq, u.created, u.updated,
		COUNT(d.id) AS devices, COALESCE(MAX(d.last_seen), '') AS last_seen, COALESCE(MAX(d.queue_length), 0) AS max_queue
		FROM users u LEFT JOIN devices d ON d.user = u.id AND d.revoked_at = ''
		WHERE ` + cond + ` GROUP BY u.id ORDER BY u.area, u.role, u.name, u.email LIMIT {:limit} OFFSET {:offset}`).Bind(params).All(&items)
	if err != nil {
		return e.InternalServerError("", err)
	}
	dir, err := reports.Areas(e.App)
	if err != nil {
		return e.InternalServerError("", err)
	}
	for i := range items {
		items[i].Area = dir.Ref(items[i].AreaCode)
		items[i].RegencyName = dir.Name(items[i].Regency)
	}
	note := audit.Note(map[string]any{"route": "/api/accounts", "role": q.Get("role"), "area": q.Get("area"),
		"deactivated": q.Get("deactivated"), "q": q.Get("q"), "page": page, "perPage": perPage, "returned": len(items), "total": total})
	if err := audit.Read(e, audit.Entry{Action: audit.ActionList, Collection: catalog.Users, Note: note}); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, map[string]any{"page": page, "perPage": perPage, "totalItems": total, "items": items})
}
