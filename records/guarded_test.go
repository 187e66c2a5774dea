package records_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/privacy"
)

// textTypes are the field types that can hold what a person writes.
var textTypes = map[string]bool{core.FieldTypeText: true, core.FieldTypeEditor: true, core.FieldTypeURL: true,
	core.FieldTypeEmail: true, core.FieldTypeJSON: true, core.FieldTypePassword: true}

// TestEveryTextFieldIsGuardedOrExempt reads every collection of the schema
// the migrations build: each text, editor, URL, email, password and JSON
// field must be checked by the privacy guard on save, or listed in
// privacy.Unguarded with its reason. A field added later without either
// fails here. Each guarded field is then saved with a phone number through
// the app (the hooks every path runs), which must refuse it.
func TestEveryTextFieldIsGuardedOrExempt(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, col := range cols {
		exempt := privacy.Unguarded[col.Name]
		for _, f := range col.Fields {
			name := f.GetName()
			if !textTypes[f.Type()] {
				continue
			}
			if _, ok := exempt["*"]; ok {
				listed[col.Name+".*"] = true
				continue
			}
			if reason, ok := exempt[name]; ok {
				listed[col.Name+"."+name] = true
				if reason == "" {
					t.Errorf("%s.%s: exempt without a reason", col.Name, name)
				}
				if privacy.Guarded(col.Name, name) {
					t.Errorf("%s.%s: both guarded and exempt", col.Name, name)
				}
				continue
			}
			if name == "id" && f.(*core.TextField).Pattern != "" {
				continue // a record id: pattern-checked (e.g. ^[a-z0-9]+$, ^[A-Za-z0-9_-]+$)
			}
			if !privacy.Guarded(col.Name, name) {
				t.Errorf("%s.%s (%s) is neither guarded (privacy.GuardedFields) nor exempt (privacy.Unguarded)", col.Name, name, f.Type())
				continue
			}
			if f.GetHidden() {
				t.Errorf("%s.%s is hidden: CheckRecord skips hidden fields, list it in privacy.Unguarded", col.Name, name)
				continue
			}
			checkSaveRefuses(t, app, col, name)
		}
	}
	// no stale exemption: every listed field exists
	for col, fields := range privacy.Unguarded {
		for field := range fields {
			if !listed[col+"."+field] {
				t.Errorf("privacy.Unguarded lists %s.%s, which the schema does not hold as text", col, field)
			}
		}
	}
}

// saveBase are the values a new record needs before its text is checked
// (an account's role and area are checked first).
var saveBase = map[string]map[string]any{catalog.Users: {"role": catalog.RoleVillageOfficer, "area": tt.VillageA}}

// checkSaveRefuses saves a new record of col with field holding a phone
// number and expects the privacy guard's refusal of that field.
func checkSaveRefuses(t *testing.T, app core.App, col *core.Collection, field string) {
	t.Helper()
	rec := core.NewRecord(col)
	if col.IsAuth() {
		rec.SetEmail("guard-probe@test.jangkau.id")
		rec.SetPassword(tt.Password)
	}
	for k, v := range saveBase[col.Name] {
		rec.Set(k, v)
	}
	rec.Set(field, "hubungi 0812-3456-7890")
	err := app.Save(rec)
	var errs validation.Errors
	if !errors.As(err, &errs) {
		t.Errorf("%s.%s: a phone number saved or refused otherwise: %v", col.Name, field, err)
		return
	}
	ve, ok := errs[field].(validation.Error)
	if !ok || ve.Code() != privacy.CodePhone {
		t.Errorf("%s.%s: %v", col.Name, field, err)
	}
}

// TestVocabularyLabelsAreGuarded: the secretariat's labels reach every
// phone and every export, so a label holding a phone number or a NIK is
// refused on REST create and update and in a batch, nothing written.
func TestVocabularyLabelsAreGuarded(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	sec := tt.Token(t, srv.App, tt.Secretariat)
	const url = "/api/collections/vocabularies/records"
	count := func() int {
		n, err := srv.App.CountRecords(catalog.Vocabularies)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	good := map[string]any{"kind": "topics", "code": "audit_r1", "label_id": "Topik uji", "label_en": "Test topic", "order": 98, "active": true}
	with := func(k, v string) map[string]any {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		m[k] = v
		return m
	}
	probes := []struct{ field, value, code string }{
		{"label_id", "Hubungi 0812-3456-7890", privacy.CodePhone},
		{"label_en", "NIK 1801234567890001", privacy.CodeNIK},
		{"label_en", "Call 0062 812 3456 7890", privacy.CodePhone},
		{"label_id", "Paspor C1234567", privacy.CodePassport},
	}
	before := count()
	for _, p := range probes {
		res := srv.Do(t, http.MethodPost, url, sec, with(p.field, p.value))
		checkRefusal(t, "REST create "+p.value, res, p.field, p.code)
		res = srv.Do(t, http.MethodPost, "/api/batch", sec, map[string]any{"requests": []map[string]any{
			{"method": "POST", "url": url, "body": with("code", "audit_r2")},
			{"method": "POST", "url": url, "body": with(p.field, p.value)},
		}})
		if res.Status != 400 || fieldCodeAt(res, "requests", "1", "response", "data", p.field) != p.code {
			t.Errorf("batch %q: %d %s", p.value, res.Status, res.Body)
		}
	}
	if n := count(); n != before {
		t.Fatalf("%d vocabulary rows written", n-before)
	}
	res := srv.Do(t, http.MethodPost, url, sec, good)
	if res.Status != 200 {
		t.Fatalf("ordinary label: %d %s", res.Status, res.Body)
	}
	id, _ := res.JSON()["id"].(string)
	for _, p := range probes {
		res := srv.Do(t, http.MethodPatch, url+"/"+id, sec, map[string]any{p.field: p.value})
		checkRefusal(t, "REST update "+p.value, res, p.field, p.code)
	}
	rec, err := srv.App.FindRecordById(catalog.Vocabularies, id)
	if err != nil || rec.GetString("label_id") != "Topik uji" || rec.GetString("label_en") != "Test topic" {
		t.Errorf("labels changed: %v %v", err, rec)
	}
}

// checkRefusal expects a 400 naming field with code and a bilingual message.
func checkRefusal(t *testing.T, what string, res tt.Response, field, code string) {
	t.Helper()
	if res.Status != 400 || res.FieldError(field) != code {
		t.Errorf("%s: %d %s", what, res.Status, res.Body)
		return
	}
	if msg := fieldMessage(res.Body, field); !strings.Contains(msg, "Tidak boleh") || !strings.Contains(msg, " / Must not") {
		t.Errorf("%s: not the guard's bilingual message: %q", what, msg)
	}
}

// fieldCodeAt reads data.<path...>.code from an error body.
func fieldCodeAt(res tt.Response, path ...string) string {
	var v any = res.JSON()
	for _, p := range append([]string{"data"}, path...) {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	m, _ := v.(map[string]any)
	code, _ := m["code"].(string)
	return code
}
