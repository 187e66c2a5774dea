package hooks_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"jangkau/audit"
	tt "jangkau/internal/testapp"
)

// TestSecurityAuditLogCollectionIsFrozen: a superuser, through the API or
// the admin UI, can neither change nor drop the audit trail's collection,
// on any of the paths the admin UI has (collection update, delete, import,
// a view over it, truncate, raw SQL); migrations (Go code) still can
// (issue 12, item 10).
func TestSecurityAuditLogCollectionIsFrozen(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	su := tt.Token(t, srv.App, tt.SuperuserEmail)
	col, err := srv.App.FindCollectionByNameOrId(audit.Collection)
	if err != nil {
		t.Fatal(err)
	}
	schema := func() string {
		c, err := srv.App.FindCollectionByNameOrId(audit.Collection)
		if err != nil {
			t.Fatalf("audit_log is gone: %v", err)
		}
		raw, _ := json.Marshal(map[string]any{"fields": c.Fields, "list": c.ListRule, "view": c.ViewRule, "create": c.CreateRule,
			"update": c.UpdateRule, "delete": c.DeleteRule, "indexes": c.Indexes})
		return string(raw)
	}
	entries := func() int64 {
		n, err := srv.App.CountRecords(audit.Collection)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	beforeSchema, beforeEntries := schema(), entries()
	want := func(what string, res tt.Response, field string) {
		t.Helper()
		if res.Status != 403 || res.FieldError(field) != "audit_log_protected" {
			t.Errorf("%s: want 403 %s=audit_log_protected, got %d %s", what, field, res.Status, res.Body)
		}
	}

	// the collection itself, by name and by id
	var asServed struct {
		Fields []map[string]any `json:"fields"`
	}
	if err := json.Unmarshal(srv.Do(t, http.MethodGet, "/api/collections/"+audit.Collection, su, nil).Body, &asServed); err != nil {
		t.Fatal(err)
	}
	fieldsWithoutNote := []any{}
	for _, f := range asServed.Fields {
		if f["name"] != "note" {
			fieldsWithoutNote = append(fieldsWithoutNote, f)
		}
	}
	if len(fieldsWithoutNote) != len(asServed.Fields)-1 {
		t.Fatalf("fields: %v", asServed.Fields)
	}
	for _, ref := range []string{audit.Collection, col.Id} {
		want("rules made public", srv.Do(t, http.MethodPatch, "/api/collections/"+ref, su, map[string]any{"listRule": "", "viewRule": ""}), "collection")
		want("a column dropped", srv.Do(t, http.MethodPatch, "/api/collections/"+ref, su, map[string]any{"fields": fieldsWithoutNote}), "collection")
		want("renamed", srv.Do(t, http.MethodPatch, "/api/collections/"+ref, su, map[string]any{"name": "old_audit"}), "collection")
		want("deleted", srv.Do(t, http.MethodDelete, "/api/collections/"+ref, su, nil), "collection")
	}

	// an import: the current configuration with the trail's rules opened,
	// or without the trail and deleteMissing; the unchanged one passes
	list := srv.Do(t, http.MethodGet, "/api/collections?perPage=500", su, nil)
	var current struct {
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(list.Body, &current); err != nil || len(current.Items) == 0 {
		t.Fatalf("collections: %d %s", list.Status, list.Body)
	}
	opened, without := []map[string]any{}, []map[string]any{}
	for _, c := range current.Items {
		if c["name"] == audit.Collection {
			o := map[string]any{}
			for k, v := range c {
				o[k] = v
			}
			o["listRule"], o["viewRule"] = "", ""
			opened = append(opened, o)
			continue
		}
		opened = append(opened, c)
		without = append(without, c)
	}
	want("import with public rules", srv.Do(t, http.MethodPut, "/api/collections/import", su, map[string]any{"collections": opened}), "collection")
	want("import without the trail, deleteMissing", srv.Do(t, http.MethodPut, "/api/collections/import", su,
		map[string]any{"collections": without, "deleteMissing": true}), "collection")
	if res := srv.Do(t, http.MethodPut, "/api/collections/import", su, map[string]any{"collections": current.Items}); res.Status != 204 {
		t.Errorf("import of the unchanged configuration: %d %s", res.Status, res.Body)
	}

	// a public view over the trail
	view := map[string]any{"name": "audit_copy", "type": "view", "listRule": "", "viewRule": "",
		"viewQuery": "SELECT id, note, changes FROM AUDIT_LOG"}
	want("a public view", srv.Do(t, http.MethodPost, "/api/collections", su, view), "viewQuery")
	withView := append(append([]map[string]any{}, current.Items...), view)
	want("a public view by import", srv.Do(t, http.MethodPut, "/api/collections/import", su, map[string]any{"collections": withView}), "viewQuery")
	if _, err := srv.App.FindCollectionByNameOrId("audit_copy"); err == nil {
		t.Error("the view over the trail was created")
	}

	// truncation goes through the append-only record hooks
	if res := srv.Do(t, http.MethodDelete, "/api/collections/"+audit.Collection+"/truncate", su, nil); res.Status < 400 || res.Status >= 500 {
		t.Errorf("truncate: %d %s", res.Status, res.Body)
	}

	// the admin UI's SQL runner
	for _, q := range []string{
		"DROP TABLE audit_log",
		"ALTER TABLE audit_log DROP COLUMN note",
		"delete from [Audit_Log]",
		"UPDATE _collections SET listRule = '' WHERE name LIKE 'audit%'",
		"WITH x AS (SELECT 1) DELETE FROM audit_log",
		"SELECT 1; DELETE FROM audit_log",
	} {
		want("SQL "+q, srv.Do(t, http.MethodPost, "/api/sql", su, map[string]any{"query": q}), "query")
	}
	for _, q := range []string{"SELECT count(*) FROM audit_log;", "SELECT count(*) FROM users"} {
		if res := srv.Do(t, http.MethodPost, "/api/sql", su, map[string]any{"query": q}); res.Status != 200 {
			t.Errorf("SQL %s: %d %s", q, res.Status, res.Body)
		}
	}

	if schema() != beforeSchema {
		t.Errorf("the audit collection changed:\n%s\n%s", beforeSchema, schema())
	}
	if entries() < beforeEntries {
		t.Errorf("entries lost: %d -> %d", beforeEntries, entries())
	}

	// a migration (Go code saving the collection) still can
	col.Fields.GetByName("note").(interface{ SetHidden(bool) }).SetHidden(false)
	rule := `@request.auth.role = "province_secretariat"`
	col.ListRule = &rule
	if err := srv.App.Save(col); err != nil {
		t.Errorf("a migration's change of audit_log: %v", err)
	}
}
