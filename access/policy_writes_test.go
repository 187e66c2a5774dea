package access_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
)

// writeCase is one write of the policy test: a create (body, no target),
// an update (body holds the changed fields) or a delete of a target made
// fresh for the case.
type writeCase struct {
	col, name string
	op        access.Op
	// target makes the record to update or delete (nil for creates);
	// self cases get the caller's own account.
	target func(h *harness, c caller) *core.Record
	body   func(h *harness) map[string]any
	// restore undoes a write to a shared target (areas, one's own account)
	restore func(h *harness, rec *core.Record)
}

// copyOf makes a fresh record like the template (id tmpl of col), with a
// new id and the overrides; files are not copied.
func copyOf(col, tmpl string, over map[string]any) func(h *harness, c caller) *core.Record {
	return func(h *harness, c caller) *core.Record {
		src, err := h.app.FindRecordById(col, tmpl)
		if err != nil {
			h.t.Fatal(err)
		}
		rec := core.NewRecord(src.Collection())
		rec.Id = h.id()
		for _, f := range src.Collection().Fields {
			name := f.GetName()
			switch f.Type() {
			case core.FieldTypeFile, core.FieldTypeAutodate, core.FieldTypePassword:
				continue
			}
			if name == "id" || name == "tokenKey" || name == "email" {
				continue
			}
			rec.Set(name, src.Get(name))
		}
		switch col {
		case catalog.Users:
			rec.SetEmail(rec.Id + "@test.jangkau.id")
			if pw, ok := src.GetRaw("password").(*core.PasswordFieldValue); ok {
				rec.SetRaw("password", &core.PasswordFieldValue{Hash: pw.Hash}) // no new hash to compute
			}
		case catalog.RadIndicators:
			rec.Set("code", "Q."+rec.Id)
		case catalog.Devices:
			rec.Set("client_id", "")
		case catalog.DeviceEnrollments:
			rec.Set("short_hash", "")
		case catalog.DeviceKeys:
			rec.Set("active", false)
		}
		for k, v := range over {
			rec.Set(k, v)
		}
		if err := h.app.Save(rec); err != nil {
			h.t.Fatalf("copy of %s/%s: %v", col, tmpl, err)
		}
		return rec
	}
}

func shared(col, id string) func(h *harness, c caller) *core.Record {
	return func(h *harness, c caller) *core.Record {
		rec, err := h.app.FindRecordById(col, id)
		if err != nil {
			h.t.Fatal(err)
		}
		return rec
	}
}

func self(h *harness, c caller) *core.Record {
	if c.email == "" || c.actor.Superuser {
		return nil
	}
	rec, err := h.app.FindAuthRecordByEmail(catalog.Users, c.email)
	if err != nil {
		h.t.Fatal(err)
	}
	return rec
}

// restoreFields puts back the stored values of the named fields.
func restoreFields(fields ...string) func(h *harness, rec *core.Record) {
	return func(h *harness, rec *core.Record) {
		now, err := h.app.FindRecordById(rec.Collection(), rec.Id)
		if err != nil {
			h.t.Fatal(err)
		}
		for _, f := range fields {
			now.Set(f, rec.Get(f))
		}
		if err := h.app.Save(now); err != nil {
			h.t.Fatal(err)
		}
	}
}

func fixed(m map[string]any) func(h *harness) map[string]any {
	return func(h *harness) map[string]any { return m }
}

func words(fields ...string) func(h *harness) map[string]any {
	return func(h *harness) map[string]any {
		m := map[string]any{}
		for _, f := range fields {
			m[f] = h.word()
		}
		return m
	}
}

func plus(base map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func writeCases() []writeCase {
	var cs []writeCase
	add := func(c ...writeCase) { cs = append(cs, c...) }
	draft := func(col, tmpl string) func(h *harness, c caller) *core.Record { return copyOf(col, tmpl, nil) }
	// activities and outreach logs: creates, content edits, status moves, deletes
	for _, v := range []struct{ name, village string }{{"A", tt.VillageA}, {"B", tt.VillageB}} {
		add(writeCase{col: catalog.Activities, name: "create draft " + v.name, op: access.Create, body: fixed(tt.Activity(v.village))},
			writeCase{col: catalog.OutreachLogs, name: "create draft " + v.name, op: access.Create, body: fixed(tt.Outreach(v.village))})
	}
	add(writeCase{col: catalog.Activities, name: "create submitted A", op: access.Create, body: fixed(plus(tt.Activity(tt.VillageA), "status", catalog.StatusSubmitted))},
		writeCase{col: catalog.Activities, name: "create approved A", op: access.Create, body: fixed(plus(tt.Activity(tt.VillageA), "status", catalog.StatusApproved))},
		writeCase{col: catalog.Activities, name: "edit draft A", op: access.Update, target: draft(catalog.Activities, tt.ActivityA), body: words("venue")},
		writeCase{col: catalog.Activities, name: "edit draft B", op: access.Update, target: draft(catalog.Activities, tt.ActivityB), body: words("venue")},
		writeCase{col: catalog.Activities, name: "submit draft A", op: access.Update, target: draft(catalog.Activities, tt.ActivityA), body: fixed(map[string]any{"status": catalog.StatusSubmitted})},
		writeCase{col: catalog.Activities, name: "edit submitted A", op: access.Update, target: draft(catalog.Activities, actSubmittedA), body: words("venue")},
		writeCase{col: catalog.Activities, name: "approve submitted A", op: access.Update, target: draft(catalog.Activities, actSubmittedA), body: fixed(map[string]any{"status": catalog.StatusApproved})},
		writeCase{col: catalog.Activities, name: "approve submitted B", op: access.Update, target: draft(catalog.Activities, actSubmittedB), body: fixed(map[string]any{"status": catalog.StatusApproved})},
		writeCase{col: catalog.Activities, name: "return approved A", op: access.Update, target: draft(catalog.Activities, actApprovedA),
			body: func(h *harness) map[string]any {
				return map[string]any{"status": catalog.StatusReturned, "review_note": h.word()}
			}},
		writeCase{col: catalog.Activities, name: "delete draft A", op: access.Delete, target: draft(catalog.Activities, tt.ActivityA)},
		writeCase{col: catalog.Activities, name: "delete draft B", op: access.Delete, target: draft(catalog.Activities, tt.ActivityB)},
		writeCase{col: catalog.Activities, name: "delete submitted A", op: access.Delete, target: draft(catalog.Activities, actSubmittedA)},
		writeCase{col: catalog.OutreachLogs, name: "edit draft A", op: access.Update, target: draft(catalog.OutreachLogs, tt.OutreachA), body: words("note")},
		writeCase{col: catalog.OutreachLogs, name: "edit draft B", op: access.Update, target: draft(catalog.OutreachLogs, tt.OutreachB), body: words("note")},
		writeCase{col: catalog.OutreachLogs, name: "approve submitted A", op: access.Update, target: draft(catalog.OutreachLogs, outSubmittedA), body: fixed(map[string]any{"status": catalog.StatusApproved})},
		writeCase{col: catalog.OutreachLogs, name: "delete draft A", op: access.Delete, target: draft(catalog.OutreachLogs, tt.OutreachA)},
		writeCase{col: catalog.OutreachLogs, name: "delete submitted A", op: access.Delete, target: draft(catalog.OutreachLogs, outSubmittedA)},
	)
	// village programmes: one programme kind per kind of case, so that
	// copies never collide on (village, program)
	for _, v := range []struct{ name, village, tmpl string }{{"A", tt.VillageA, tt.ProgramA}, {"B", tt.VillageB, tt.ProgramB}} {
		add(writeCase{col: catalog.VillagePrograms, name: "create " + v.name, op: access.Create,
			body: fixed(map[string]any{"village": v.village, "program": "desmigratif", "status": "rintisan"})},
			writeCase{col: catalog.VillagePrograms, name: "edit " + v.name, op: access.Update,
				target: copyOf(catalog.VillagePrograms, v.tmpl, map[string]any{"program": "drppa"}), body: words("legal_basis_number")},
			writeCase{col: catalog.VillagePrograms, name: "delete " + v.name, op: access.Delete,
				target: copyOf(catalog.VillagePrograms, v.tmpl, map[string]any{"program": "perdes_tppo"})},
			// issue 16: ending a programme, and a DRPPA self-assessment (a past period of its own)
			writeCase{col: catalog.VillagePrograms, name: "end " + v.name, op: access.Update,
				target: copyOf(catalog.VillagePrograms, v.tmpl, map[string]any{"program": "satgas_ppa"}), body: fixed(map[string]any{"valid_to": "2099-12-31 00:00:00.000Z"})},
			writeCase{col: catalog.VillagePrograms, name: "assess DRPPA " + v.name, op: access.Update,
				target: copyOf(catalog.VillagePrograms, v.tmpl, map[string]any{"program": "drppa", "valid_from": "2020-01-01", "valid_to": "2020-12-31"}),
				body: fixed(map[string]any{"drppa_assessed_on": "2020-06-01 00:00:00.000Z", "drppa_women_children_groups": "terpenuhi", "drppa_disaggregated_data": "belum",
					"drppa_village_regulation": "terpenuhi", "drppa_village_budget": "belum", "drppa_women_representation_pct": 20,
					"drppa_women_entrepreneurs_pct": 5, "drppa_rights_based_care_pct": 40, "drppa_no_child_labour": "terpenuhi", "drppa_no_child_marriage": "terpenuhi"})})
	}
	// case figures and RAD achievements
	for _, v := range []struct{ name, area, cluster, tmpl string }{
		{"A", tt.RegencyA, "law_enforcement", tt.CaseA}, {"B", tt.RegencyB, "social_rehab", tt.CaseB}, {"P", tt.Province, "law_enforcement", tt.CaseProvince},
	} {
		add(writeCase{col: catalog.CaseAggregates, name: "create " + v.name, op: access.Create, body: fixed(tt.CaseFigure(v.area, v.cluster))},
			writeCase{col: catalog.CaseAggregates, name: "edit " + v.name, op: access.Update, target: copyOf(catalog.CaseAggregates, v.tmpl, nil), body: words("source_note")},
			writeCase{col: catalog.CaseAggregates, name: "delete " + v.name, op: access.Delete, target: copyOf(catalog.CaseAggregates, v.tmpl, nil)})
	}
	add(writeCase{col: catalog.CaseAggregates, name: "create A of another cluster", op: access.Create, body: fixed(tt.CaseFigure(tt.RegencyA, "prevention"))},
		writeCase{col: catalog.CaseAggregates, name: "move A to another cluster", op: access.Update, target: copyOf(catalog.CaseAggregates, tt.CaseA, nil), body: fixed(map[string]any{"cluster": "prevention"})},
		writeCase{col: catalog.CaseAggregates, name: "edit A without cluster", op: access.Update, target: copyOf(catalog.CaseAggregates, tt.CaseA, map[string]any{"cluster": ""}), body: words("source_note")})
	for _, v := range []struct{ name, area, tmpl string }{{"A", tt.RegencyA, tt.AchievementA}, {"B", tt.RegencyB, tt.AchievementB}} {
		add(writeCase{col: catalog.RadAchievements, name: "create " + v.name, op: access.Create,
			body: fixed(map[string]any{"indicator": tt.IndicatorID, "area": v.area, "year": 2026, "period_type": "year", "value": 1})},
			writeCase{col: catalog.RadAchievements, name: "edit " + v.name, op: access.Update, target: copyOf(catalog.RadAchievements, v.tmpl, nil), body: words("note")},
			writeCase{col: catalog.RadAchievements, name: "delete " + v.name, op: access.Delete, target: copyOf(catalog.RadAchievements, v.tmpl, nil)})
	}
	// reference data
	add(writeCase{col: catalog.RadIndicators, name: "create", op: access.Create, body: func(h *harness) map[string]any {
		return map[string]any{"code": "N." + h.id(), "rad_period": "2022-2026", "cluster": "prevention", "level": "province", "counting": "manual"}
	}},
		writeCase{col: catalog.RadIndicators, name: "edit", op: access.Update, target: copyOf(catalog.RadIndicators, tt.IndicatorFree, nil), body: words("unit")},
		writeCase{col: catalog.RadIndicators, name: "delete", op: access.Delete, target: copyOf(catalog.RadIndicators, tt.IndicatorFree, nil)},
		writeCase{col: catalog.Areas, name: "create", op: access.Create,
			body: fixed(map[string]any{"id": "18.01.99", "name": "Kecamatan Baru", "level": "district", "kind": "kecamatan", "parent": tt.RegencyA, "active": true})},
		writeCase{col: catalog.Areas, name: "set local term", op: access.Update, target: shared(catalog.Areas, tt.RegencyA), body: words("local_term"), restore: restoreFields("local_term")},
		writeCase{col: catalog.Areas, name: "rename", op: access.Update, target: shared(catalog.Areas, tt.RegencyA), body: words("name"), restore: restoreFields("name")},
		writeCase{col: catalog.Areas, name: "delete", op: access.Delete, target: shared(catalog.Areas, tt.VillageB)},
	)
	// accounts
	for _, v := range []struct {
		name, role, area, tmpl string
	}{{"officer A", catalog.RoleVillageOfficer, tt.VillageA, tt.OfficerA}, {"officer B", catalog.RoleVillageOfficer, tt.VillageB, tt.OfficerB}, {"verifier A", catalog.RoleDistrictVerifier, tt.RegencyA, tt.VerifierA}} {
		add(writeCase{col: catalog.Users, name: "create " + v.name, op: access.Create, body: func(h *harness) map[string]any {
			return plus(newUser(h.id()+"@test.jangkau.id", v.role, v.area), "id", h.id())
		}},
			writeCase{col: catalog.Users, name: "edit " + v.name, op: access.Update, target: copyOf(catalog.Users, tt.UserID(v.tmpl), nil), body: words("position")},
			writeCase{col: catalog.Users, name: "delete " + v.name, op: access.Delete, target: copyOf(catalog.Users, tt.UserID(v.tmpl), nil)})
	}
	add(writeCase{col: catalog.Users, name: "set scope_seq of officer A", op: access.Update, target: copyOf(catalog.Users, tt.UserID(tt.OfficerA), nil), body: fixed(map[string]any{"scope_seq": 99999})},
		writeCase{col: catalog.Users, name: "make officer A a verifier", op: access.Update, target: copyOf(catalog.Users, tt.UserID(tt.OfficerA), nil),
			body: fixed(map[string]any{"role": catalog.RoleDistrictVerifier, "area": tt.RegencyA})},
		writeCase{col: catalog.Users, name: "move officer A to village B", op: access.Update, target: copyOf(catalog.Users, tt.UserID(tt.OfficerA), nil), body: fixed(map[string]any{"area": tt.VillageB})},
		writeCase{col: catalog.Users, name: "own position", op: access.Update, target: self, body: words("position"), restore: restoreFields("position")},
		writeCase{col: catalog.Users, name: "own scope_seq", op: access.Update, target: self, body: fixed(map[string]any{"scope_seq": 99999}), restore: restoreFields("scope_seq")},
		writeCase{col: catalog.Users, name: "own role", op: access.Update, target: self, body: fixed(map[string]any{"role": catalog.RoleProvinceSecretariat, "area": tt.Province}),
			restore: restoreFields("role", "area", "regency", "cluster", "scope_seq")},
		writeCase{col: catalog.Users, name: "own cluster", op: access.Update, target: self, body: fixed(map[string]any{"cluster": "prevention"}), restore: restoreFields("cluster")},
		writeCase{col: catalog.Users, name: "own deactivated", op: access.Update, target: self, body: fixed(map[string]any{"deactivated": true}), restore: restoreFields("deactivated")},
	)
	// server-side collections
	add(writeCase{col: catalog.Devices, name: "create", op: access.Create, body: func(h *harness) map[string]any {
		return map[string]any{"id": h.id(), "user": tt.UserID(tt.OfficerA), "name": "HP baru"}
	}},
		writeCase{col: catalog.Devices, name: "rename", op: access.Update, target: deviceCopy, body: words("name")},
		writeCase{col: catalog.Devices, name: "delete", op: access.Delete, target: deviceCopy},
		writeCase{col: catalog.AuditLog, name: "create", op: access.Create, body: fixed(map[string]any{"action": "create", "target_collection": "activities", "note": "palsu"})},
		writeCase{col: catalog.AuditLog, name: "edit", op: access.Update, target: auditEntry, body: words("note")},
		writeCase{col: catalog.AuditLog, name: "delete", op: access.Delete, target: auditEntry},
		writeCase{col: catalog.DeviceKeys, name: "create", op: access.Create, body: fixed(map[string]any{"purpose": "access", "secret": strings.Repeat("k", 48), "active": false})},
		writeCase{col: catalog.DeviceKeys, name: "edit", op: access.Update, target: firstCopy(catalog.DeviceKeys), body: fixed(map[string]any{"secret": strings.Repeat("s", 48)})},
		writeCase{col: catalog.DeviceKeys, name: "delete", op: access.Delete, target: firstCopy(catalog.DeviceKeys)},
		writeCase{col: catalog.DeviceEnrollments, name: "create", op: access.Create, body: fixed(map[string]any{"user": tt.UserID(tt.OfficerA), "expires_at": "2030-01-01 00:00:00.000Z"})},
		writeCase{col: catalog.DeviceEnrollments, name: "edit", op: access.Update, target: firstCopy(catalog.DeviceEnrollments), body: fixed(map[string]any{"expires_at": "2031-01-01 00:00:00.000Z"})},
		writeCase{col: catalog.DeviceEnrollments, name: "delete", op: access.Delete, target: firstCopy(catalog.DeviceEnrollments)},
	)
	return cs
}

func deviceCopy(h *harness, c caller) *core.Record { return firstCopy(catalog.Devices)(h, c) }

// firstCopy copies the oldest record of col.
func firstCopy(col string) func(h *harness, c caller) *core.Record {
	return func(h *harness, c caller) *core.Record {
		recs, err := h.app.FindRecordsByFilter(col, "", "created", 1, 0)
		if err != nil || len(recs) == 0 {
			h.t.Fatalf("no %s to copy: %v", col, err)
		}
		return copyOf(col, recs[0].Id, nil)(h, c)
	}
}

// auditEntry is an existing audit entry (the trail is append-only: it
// cannot be copied, and no write to it may succeed).
func auditEntry(h *harness, c caller) *core.Record {
	recs, err := h.app.FindRecordsByFilter(catalog.AuditLog, "", "created", 1, 0)
	if err != nil || len(recs) == 0 {
		h.t.Fatalf("no audit entry: %v", err)
	}
	return recs[0]
}

// prepared is a write case made ready for one caller.
type prepared struct {
	c       writeCase
	id      string
	stored  *core.Record // nil for creates
	body    map[string]any
	want    bool
	skipped bool
}

func (h *harness) prepare(c writeCase, who caller) prepared {
	p := prepared{c: c}
	if c.body != nil {
		p.body = c.body(h)
	}
	if c.op != access.Create {
		if spare := h.spare[c.col+"/"+c.name]; spare != nil && c.restore == nil {
			// a copy an earlier caller left untouched
			delete(h.spare, c.col+"/"+c.name)
			if fresh, err := h.app.FindRecordById(c.col, spare.Id); err == nil {
				c.target = func(*harness, caller) *core.Record { return fresh }
			}
		}
	}
	switch c.op {
	case access.Create:
		p.id, _ = p.body["id"].(string)
		if p.id == "" && c.col != catalog.Areas {
			p.id = h.id()
		}
		p.body = plus(p.body, "id", p.id)
		p.want = access.Decide(who.actor, c.col, access.Create, nil, bodyTarget(p.body), nil)
	default:
		p.stored = c.target(h, who)
		if p.stored == nil {
			p.skipped = true
			return p
		}
		p.id = p.stored.Id
		before := recordTarget(h.t, h.app, p.stored)
		if c.op == access.Delete {
			p.want = access.Decide(who.actor, c.col, access.Delete, before, nil, nil)
		} else {
			next, changed := overlay(before, p.body)
			if len(changed) == 0 {
				p.skipped = true // already so (the secretariat's own role): nothing to ask
				return p
			}
			p.want = access.Decide(who.actor, c.col, access.Update, before, next, changed)
		}
	}
	return p
}

// effect reports whether the case's write is in the database.
func (h *harness) effect(p prepared) bool {
	switch p.c.op {
	case access.Create:
		if p.c.col == catalog.Users {
			_, err := h.app.FindAuthRecordByEmail(catalog.Users, p.body["email"].(string))
			return err == nil
		}
		_, err := h.app.FindRecordById(p.c.col, p.id)
		return err == nil
	case access.Delete:
		_, err := h.app.FindRecordById(p.c.col, p.id)
		return err != nil
	}
	rec, err := h.app.FindRecordById(p.c.col, p.id)
	if err != nil {
		return false
	}
	for k, v := range p.body {
		if k == "id" {
			continue
		}
		if fmt.Sprint(rec.Get(k)) != fmt.Sprint(v) {
			return false
		}
	}
	return true
}

// cleanup removes what the case made (or put back what it changed). A
// copy the write left as it was is kept for the next caller's case.
func (h *harness) cleanup(p prepared) {
	if p.skipped {
		return
	}
	if p.c.op != access.Create && p.c.restore == nil && p.c.col != catalog.AuditLog && p.c.col != catalog.Areas {
		if now, err := h.app.FindRecordById(p.c.col, p.id); err == nil &&
			reflect.DeepEqual(recordTarget(h.t, h.app, now), recordTarget(h.t, h.app, p.stored)) {
			h.spare[p.c.col+"/"+p.c.name] = now
			return
		}
	}
	if p.c.restore != nil {
		p.c.restore(h, p.stored)
		return
	}
	if p.c.col == catalog.AuditLog || p.c.col == catalog.Areas {
		return
	}
	var rec *core.Record
	var err error
	if p.c.op == access.Create && p.c.col == catalog.Users {
		rec, err = h.app.FindAuthRecordByEmail(catalog.Users, p.body["email"].(string))
	} else {
		rec, err = h.app.FindRecordById(p.c.col, p.id)
	}
	if err == nil {
		if err := h.app.Delete(rec); err != nil {
			h.t.Fatalf("cleanup %s/%s: %v", p.c.col, p.id, err)
		}
	}
}

// verdict compares a path's answer (ok: the path says it wrote) and the
// database with the table.
func (h *harness) verdict(t *testing.T, path string, who caller, p prepared, ok bool, detail string) {
	t.Helper()
	done := h.effect(p)
	if !p.want && p.stored != nil && !access.Decide(who.actor, p.c.col, access.View, recordTarget(t, h.app, p.stored), nil, nil) {
		// a record the caller may not see: nothing may change, and the
		// answer may be anything that does not tell the record exists (a
		// sync push answers as for a free id: noLeak checks its content)
		if done {
			t.Errorf("%s %s %s by %s: a record it may not see was changed: %s", path, p.c.col, p.c.name, who.label, detail)
		}
		return
	}
	switch {
	case p.want && (!ok || !done):
		t.Errorf("%s %s %s by %s: refused (answered ok %v, stored %v), table allows: %s", path, p.c.col, p.c.name, who.label, ok, done, detail)
	case !p.want && (ok || done):
		t.Errorf("%s %s %s by %s: allowed (answered ok %v, stored %v), table refuses: %s", path, p.c.col, p.c.name, who.label, ok, done, detail)
	}
}

// writes runs every write case for every caller on REST, /api/batch and,
// for the collections phones push, the three sync protocols.
func (h *harness) writes(t *testing.T) int {
	cases := 0
	all := writeCases()
	for _, who := range h.callers {
		for _, c := range all {
			for _, path := range []string{"rest", "batch"} {
				if path == "batch" && who.device {
					continue // a device token is its user's token once authenticated (REST checks it)
				}
				p := h.prepare(c, who)
				if p.skipped {
					continue
				}
				method, url := http.MethodPost, "/api/collections/"+c.col+"/records"
				switch c.op {
				case access.Update:
					method, url = http.MethodPatch, url+"/"+p.id
				case access.Delete:
					method, url = http.MethodDelete, url+"/"+p.id
				}
				var body any
				if c.op != access.Delete {
					body = p.body
				}
				var res tt.Response
				ok := false
				if path == "rest" {
					res = h.srv.Do(t, method, url, who.token, body)
					ok = res.Status == 200 || res.Status == 204
				} else {
					req := map[string]any{"method": method, "url": url}
					if body != nil {
						req["body"] = body
					}
					res = h.srv.Do(t, http.MethodPost, "/api/batch", who.token, map[string]any{"requests": []any{req}})
					ok = res.Status == 200
				}
				h.verdict(t, path, who, p, ok, fmt.Sprintf("%d %s", res.Status, res.Body))
				h.cleanup(p)
				cases++
			}
		}
		cases += h.syncWrites(t, who, all)
	}
	return cases
}

// syncWrites sends every case of the synced collections in one push per
// protocol (per collection for RxDB), as a phone with a queue does.
func (h *harness) syncWrites(t *testing.T, who caller, all []writeCase) int {
	var mine []writeCase
	for _, c := range all {
		if sync.IsWritable(c.col) {
			mine = append(mine, c)
		}
	}
	cases := 0
	// native
	{
		var ps []prepared
		var muts []map[string]any
		for i, c := range mine {
			p := h.prepare(c, who)
			ps = append(ps, p)
			m := map[string]any{"mutationId": fmt.Sprintf("m%d", i), "collection": c.col, "id": p.id, "op": "upsert", "data": p.body}
			if c.op != access.Create {
				v, err := sync.VersionOf(h.app, c.col, p.id)
				if err != nil {
					t.Fatal(err)
				}
				m["baseVersion"] = v
			}
			if c.op == access.Delete {
				m["op"] = "delete"
				delete(m, "data")
			}
			muts = append(muts, m)
		}
		res := h.srv.Do(t, http.MethodPost, "/api/sync/push", who.token, map[string]any{"clientId": "policy-" + strings.ReplaceAll(who.label, "@", "-"), "mutations": muts})
		var ans struct {
			Results []sync.Result `json:"results"`
		}
		_ = json.Unmarshal(res.Body, &ans)
		for i, p := range ps {
			ok, detail := false, fmt.Sprintf("status %d %s", res.Status, res.Body)
			if res.Status == 200 && i < len(ans.Results) {
				r := ans.Results[i]
				ok = r.Status == sync.StatusApplied
				raw, _ := json.Marshal(r)
				detail = string(raw)
				h.noLeak(t, "native push", who, p, r.Record)
			}
			h.verdict(t, "native push", who, p, ok, detail)
			h.cleanup(p)
			cases++
		}
	}
	// WatermelonDB
	{
		var ps []prepared
		body := map[string]map[string][]any{}
		for _, c := range mine {
			p := h.prepare(c, who)
			ps = append(ps, p)
			tbl := body[c.col]
			if tbl == nil {
				tbl = map[string][]any{"created": {}, "updated": {}, "deleted": {}}
				body[c.col] = tbl
			}
			switch c.op {
			case access.Create:
				tbl["created"] = append(tbl["created"], watermelonRecord(p.body))
			case access.Update:
				tbl["updated"] = append(tbl["updated"], watermelonRecord(plus(p.body, "id", p.id)))
			case access.Delete:
				tbl["deleted"] = append(tbl["deleted"], p.id)
			}
		}
		seq, err := sync.CurrentSeq(h.app)
		if err != nil {
			t.Fatal(err)
		}
		res := h.srv.Do(t, http.MethodPost, fmt.Sprintf("/api/sync/watermelon?last_pulled_at=%d", seq), who.token, body)
		var ans struct {
			Rejected map[string][]string `json:"experimentalRejectedIds"`
		}
		_ = json.Unmarshal(res.Body, &ans)
		for _, p := range ps {
			ok := res.Status == 200 && !slices.Contains(ans.Rejected[p.c.col], p.id)
			h.verdict(t, "watermelon push", who, p, ok, fmt.Sprintf("%d %s", res.Status, res.Body))
			h.cleanup(p)
			cases++
		}
	}
	// RxDB, one push per collection
	for _, col := range sync.WritableCollections {
		var ps []prepared
		var rows []map[string]any
		colRec, err := h.app.FindCachedCollectionByNameOrId(col)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range mine {
			if c.col != col {
				continue
			}
			p := h.prepare(c, who)
			ps = append(ps, p)
			if c.op == access.Create {
				rows = append(rows, map[string]any{"assumedMasterState": nil, "newDocumentState": p.body})
				continue
			}
			doc, err := sync.Document(h.app, colRec, p.id, sync.Native)
			if err != nil {
				t.Fatal(err)
			}
			doc["_deleted"] = false
			next := plus(doc)
			if c.op == access.Delete {
				next["_deleted"] = true
			} else {
				for k, v := range p.body {
					next[k] = v
				}
			}
			rows = append(rows, map[string]any{"assumedMasterState": doc, "newDocumentState": next})
		}
		res := h.srv.Do(t, http.MethodPost, "/api/sync/rxdb/"+col+"/push?details=1", who.token, rows)
		var ans struct {
			Conflicts []map[string]any `json:"conflicts"`
			Rejected  []sync.Result    `json:"rejected"`
		}
		_ = json.Unmarshal(res.Body, &ans)
		for _, p := range ps {
			ok := res.Status == 200
			for _, r := range ans.Rejected {
				ok = ok && r.ID != p.id
			}
			for _, m := range ans.Conflicts {
				if m["id"] == p.id {
					ok = false
					h.noLeak(t, "rxdb push", who, p, m)
				}
			}
			h.verdict(t, "rxdb push", who, p, ok, fmt.Sprintf("%d %s", res.Status, res.Body))
			h.cleanup(p)
			cases++
		}
	}
	// collections phones may not push: refused to everyone on every protocol
	for _, col := range access.Collections() {
		if sync.IsWritable(col) {
			continue
		}
		id := h.id()
		res := h.srv.Do(t, http.MethodPost, "/api/sync/push", who.token, map[string]any{"clientId": "policy-ro", "mutations": []any{
			map[string]any{"mutationId": "ro-" + id, "collection": col, "id": id, "op": "upsert", "data": map[string]any{"name": "x"}}}})
		var ans struct {
			Results []sync.Result `json:"results"`
		}
		_ = json.Unmarshal(res.Body, &ans)
		if res.Status == 200 && (len(ans.Results) != 1 || ans.Results[0].Status != sync.StatusRejected) {
			t.Errorf("native push to %s by %s not refused: %s", col, who.label, res.Body)
		}
		if res := h.srv.Do(t, http.MethodPost, "/api/sync/rxdb/"+col+"/push", who.token, []any{map[string]any{"assumedMasterState": nil, "newDocumentState": map[string]any{"id": id}}}); res.Status < 400 {
			t.Errorf("rxdb push to %s by %s: status %d", col, who.label, res.Status)
		}
		cases += 2
	}
	return cases
}

// noLeak fails when a push answer hands over a record the caller may not
// view (a refusal must not be a way to read another village's record).
func (h *harness) noLeak(t *testing.T, path string, who caller, p prepared, doc map[string]any) {
	t.Helper()
	if len(doc) <= 3 || p.stored == nil { // {"id", "_deleted", "version"} carries nothing
		return
	}
	if !access.Decide(who.actor, p.c.col, access.View, recordTarget(t, h.app, p.stored), nil, nil) {
		t.Errorf("%s %s %s by %s: the answer holds the record, which the table does not let it view: %v", path, p.c.col, p.c.name, who.label, doc)
	}
}

// watermelonRecord encodes lists and objects as JSON strings, as
// WatermelonDB columns hold them.
func watermelonRecord(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		switch v.(type) {
		case []string, []any, map[string]any:
			raw, _ := json.Marshal(v)
			out[k] = string(raw)
		default:
			out[k] = v
		}
	}
	return out
}
