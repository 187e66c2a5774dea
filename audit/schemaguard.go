package audit

import (
	"encoding/json"
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"jangkau/internal/wiring"
)

const codeAuditProtected = "audit_log_protected"

var (
	errAuditSchema = router.NewForbiddenError(
		"Koleksi jejak audit (audit_log) hanya diubah lewat migrasi, tidak lewat API atau panel admin. / The audit trail collection (audit_log) is changed by migrations only, not through the API or the admin UI.",
		validation.Errors{"collection": validation.NewError(codeAuditProtected,
			"Koleksi jejak audit (audit_log) hanya diubah lewat migrasi, tidak lewat API atau panel admin. / The audit trail collection (audit_log) is changed by migrations only, not through the API or the admin UI.")})
	errAuditView = router.NewForbiddenError(
		"Koleksi view tidak boleh membaca audit_log: aturan aksesnya akan melewati aturan jejak audit. / A view collection may not read audit_log: its rules would bypass the audit trail's.",
		validation.Errors{"viewQuery": validation.NewError(codeAuditProtected,
			"Koleksi view tidak boleh membaca audit_log: aturan aksesnya akan melewati aturan jejak audit. / A view collection may not read audit_log: its rules would bypass the audit trail's.")})
	errAuditSQL = router.NewForbiddenError(
		"Kueri SQL yang menyebut audit_log, _collections atau skema SQLite hanya boleh satu SELECT. / An SQL query naming audit_log, _collections or the SQLite schema may only be a single SELECT.",
		validation.Errors{"query": validation.NewError(codeAuditProtected,
			"Kueri SQL yang menyebut audit_log, _collections atau skema SQLite hanya boleh satu SELECT. / An SQL query naming audit_log, _collections or the SQLite schema may only be a single SELECT.")})
)

// registerAuditSchemaGuard keeps the audit trail's collection as the
// migrations made it. A superuser may not, through the API or the admin UI,
// change its fields (a column of every entry would be lost) or rules (the
// trail made public), delete it, import a configuration that does any of
// that, expose it through a view collection, or write it with raw SQL.
// Migrations (Go code run at start) still can: they save the collection
// directly, not through these requests. Entries themselves are guarded by
// the record hooks in go (append-only, truncation included).
func registerSchemaGuard(app core.App) {
	isAuditLog := func(e *core.CollectionRequestEvent) bool {
		if e.Collection.Name == Collection {
			return true
		}
		// the path names the collection the request changes, whatever
		// the body set on the loaded model
		c, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection"))
		return err == nil && c.Name == Collection
	}
	refuseAuditLog := func(e *core.CollectionRequestEvent) error {
		if isAuditLog(e) {
			return errAuditSchema
		}
		if readsAuditLog(e.Collection) {
			return errAuditView
		}
		return e.Next()
	}
	app.OnCollectionCreateRequest().Bind(&hook.Handler[*core.CollectionRequestEvent]{Id: "jangkau.audit.schema", Func: func(e *core.CollectionRequestEvent) error {
		if readsAuditLog(e.Collection) {
			return errAuditView
		}
		return e.Next()
	}})
	app.OnCollectionUpdateRequest().Bind(&hook.Handler[*core.CollectionRequestEvent]{Id: "jangkau.audit.schema", Func: refuseAuditLog})
	app.OnCollectionDeleteRequest().Bind(&hook.Handler[*core.CollectionRequestEvent]{Id: "jangkau.audit.schema", Func: func(e *core.CollectionRequestEvent) error {
		if isAuditLog(e) {
			return errAuditSchema
		}
		return e.Next() // a view over the trail may go
	}})

	// An import is checked on its outcome, in its own transaction: the
	// audit collection as it was, and no view over it.
	app.OnCollectionsImportRequest().Bind(&hook.Handler[*core.CollectionsImportRequestEvent]{Id: "jangkau.audit.schema", Func: func(e *core.CollectionsImportRequestEvent) error {
		before, err := auditSchema(e.App)
		if err != nil {
			return err
		}
		return wiring.InTx(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			after, err := auditSchema(tx)
			if err != nil || after != before {
				return errAuditSchema
			}
			views, err := tx.FindAllCollections(core.CollectionTypeView)
			if err != nil {
				return err
			}
			for _, v := range views {
				if readsAuditLog(v) {
					return errAuditView
				}
			}
			return nil
		})
	}})

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.audit.sql", Priority: wiring.ServeBind, Func: func(se *core.ServeEvent) error {
		se.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "jangkau.audit.sql", Priority: wiring.MiddlewareAuditSQL, Func: func(e *core.RequestEvent) error {
			if e.Request.Method != http.MethodPost || strings.TrimRight(e.Request.URL.Path, "/") != "/api/sql" || !e.HasSuperuserAuth() {
				return e.Next()
			}
			var body struct {
				Query string `json:"query"`
			}
			if err := e.BindBody(&body); err == nil && !sqlLeavesAuditAlone(body.Query) {
				return errAuditSQL
			}
			return e.Next()
		}})
		return se.Next()
	}})
}

// readsAuditLog reports whether c is a view collection whose query names
// the audit trail's table.
func readsAuditLog(c *core.Collection) bool {
	return c.IsView() && strings.Contains(strings.ToLower(c.ViewQuery), Collection)
}

// auditSchema is the audit collection's definition (fields, rules,
// indexes, options) without its timestamps, for comparing before and after.
func auditSchema(app core.App) (string, error) {
	c, err := app.FindCollectionByNameOrId(Collection)
	if err != nil {
		return "", err
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return "", err
	}
	delete(m, "created")
	delete(m, "updated")
	raw, err = json.Marshal(m)
	return string(raw), err
}

// sqlLeavesAuditAlone reports whether a superuser's raw SQL query (the admin
// UI's SQL runner) cannot touch the audit trail: it names neither the
// trail's table nor the tables that define it (PocketBase's _collections,
// SQLite's schema), or it is a single SELECT, which SQLite never lets
// write. A table is only reachable by its literal name, which SQLite
// matches ASCII case-insensitively.
func sqlLeavesAuditAlone(query string) bool {
	q := strings.ToLower(strings.TrimSpace(query))
	named := false
	for _, t := range []string{Collection, "_collections", "sqlite_master", "sqlite_schema"} {
		named = named || strings.Contains(q, t)
	}
	if !named {
		return true
	}
	single := !strings.Contains(strings.TrimRight(q, "; \t\r\n"), ";")
	return single && strings.HasPrefix(q, "select")
}
