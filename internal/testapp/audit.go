package testapp

import (
	"encoding/json"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// AuditEntry is one line of the audit trail as the tests read it.
type AuditEntry struct {
	User       string `db:"user"`
	Superuser  string `db:"superuser"`
	Device     string `db:"device"`
	Action     string `db:"action"`
	Collection string `db:"target_collection"`
	Record     string `db:"record"`
	Note       string `db:"note"`
}

// NoteJSON decodes the entry's note, which must be a JSON object.
func (a AuditEntry) NoteJSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(a.Note), &m); err != nil {
		t.Fatalf("note %q of a %s entry is not a JSON object: %v", a.Note, a.Action, err)
	}
	return m
}

// AuditEntries returns the audit entries of one action, oldest first.
func AuditEntries(t testing.TB, app core.App, action string) []AuditEntry {
	t.Helper()
	var out []AuditEntry
	err := app.DB().Select("user", "superuser", "device", "action", "target_collection", "record", "note").
		From("audit_log").Where(dbx.HashExp{"action": action}).OrderBy("rowid").All(&out)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
