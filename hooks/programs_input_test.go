package hooks_test

import (
	"fmt"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/programs"
	"jangkau/sync"
)

// A complete DRPPA self-assessment (indicator 8 left out: a case fact).
func drppaForm() map[string]any {
	return map[string]any{
		"program": "drppa", "status": "aktif", "drppa_assessed_on": "2025-07-01",
		"drppa_women_children_groups": "terpenuhi", "drppa_disaggregated_data": "belum", "drppa_village_regulation": "terpenuhi",
		"drppa_village_budget": "terpenuhi", "drppa_women_representation_pct": 30, "drppa_women_entrepreneurs_pct": 12.5,
		"drppa_rights_based_care_pct": 0, "drppa_no_child_labour": "terpenuhi", "drppa_no_child_marriage": "belum",
	}
}

// The programme checks (package programs) on every write path: validity
// period, overlap with another row of the same programme, the DRPPA form as
// a whole, the earlier free-form assessment read only. Each refusal names
// the field with its code and leaves the record as it was.
func TestProgrammeChecksOnEveryPath(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	incomplete := drppaForm()
	delete(incomplete, "drppa_no_child_marriage")
	cases := []struct {
		name, field, code string
		fields            map[string]any
		createOnly        bool
	}{
		{"to before from", "valid_to", "valid_to_before_from", map[string]any{"valid_from": "2025-05-01", "valid_to": "2025-04-30"}, false},
		{"DRPPA field on another programme", "drppa_village_budget", "drppa_only", map[string]any{"drppa_village_budget": "terpenuhi"}, false},
		{"undated DRPPA answers", "drppa_assessed_on", "drppa_assessed_on_required",
			map[string]any{"program": "drppa", "drppa_village_budget": "terpenuhi"}, true},
		{"incomplete DRPPA form", "drppa_no_child_marriage", "drppa_answer_required", incomplete, true},
		{"unknown answer", "drppa_no_child_labour", "validation_invalid_value", merge(drppaForm(), map[string]any{"drppa_no_child_labour": "ya"}), true},
		{"percentage over 100", "drppa_women_entrepreneurs_pct", "validation_max_number_constraint",
			merge(drppaForm(), map[string]any{"drppa_women_entrepreneurs_pct": 101}), true},
		{"free-form assessment", "drppa_assessment", "drppa_assessment_read_only", map[string]any{"drppa_assessment": map[string]any{"indikator_1": true}}, false},
		// ProgramA: VillageA's PATBM, valid from the day the fixture was made, open-ended
		{"overlap", "valid_from", "programme_period_overlap", map[string]any{"program": "patbm", "valid_from": "2020-01-01"}, true},
	}
	n := 0
	for _, p := range programmePaths() {
		for _, c := range cases {
			if c.createOnly && p.update {
				continue
			}
			t.Run(p.name+"/"+c.name, func(t *testing.T) {
				n++
				id := fmt.Sprintf("programmeProbe%04d", n)
				if p.update {
					id = tt.ProgramA
				}
				before := storedValue(t, srv, catalog.VillagePrograms, id, c.field)
				if got := p.write(t, srv, tok, catalog.VillagePrograms, id, c.fields, c.field); got != c.code {
					t.Errorf("code %q, want %q", got, c.code)
				}
				if after := storedValue(t, srv, catalog.VillagePrograms, id, c.field); after != before {
					t.Errorf("stored %q, was %q", after, before)
				}
			})
		}
	}
	// Accepted on every create path: a complete DRPPA form, each path in a
	// period of its own (the rows of one programme do not overlap).
	for i, p := range writePaths {
		if p.update {
			continue
		}
		t.Run(p.name+"/accepted", func(t *testing.T) {
			id := fmt.Sprintf("programmeGood%04d", i)
			year := 2010 + i
			fields := merge(drppaForm(), map[string]any{"valid_from": fmt.Sprintf("%d-01-01", year), "valid_to": fmt.Sprintf("%d-12-31", year)})
			if code := p.write(t, srv, tok, catalog.VillagePrograms, id, fields, "valid_from"); code != "" {
				t.Fatalf("refused: %s", code)
			}
			rec, err := srv.App.FindRecordById(catalog.VillagePrograms, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.GetFloat("drppa_women_entrepreneurs_pct"); got != 12.5 {
				t.Errorf("stored %v", got)
			}
			if got := rec.GetString("drppa_no_child_marriage"); got != "belum" {
				t.Errorf("stored %q", got)
			}
		})
	}
}

// Without a valid-from date a programme holds from the day it is recorded.
func TestProgrammeValidFromDefaultsToToday(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	rec, err := srv.App.FindRecordById(catalog.VillagePrograms, tt.ProgramA)
	if err != nil {
		t.Fatal(err)
	}
	if rec.GetDateTime("valid_from").IsZero() {
		t.Fatal("no valid_from")
	}
	want := rec.GetDateTime("created").Time().In(programs.WIB).Format("2006-01-02")
	if got := rec.GetDateTime("valid_from").Time().Format("2006-01-02"); got != want {
		t.Errorf("valid_from %s, want %s", got, want)
	}
}

// programmePaths are writePaths with a native update whose mutation ids
// differ per write (the shared one names a mutation by record and version,
// so a second refused update of the same version would be answered as a
// replay of the first).
func programmePaths() []writePath {
	out := make([]writePath, 0, len(writePaths))
	k := 0
	for _, p := range writePaths {
		if p.name == "native push update" {
			p.write = func(t *testing.T, srv *tt.Server, tok, col, id string, fields map[string]any, field string) string {
				v, err := sync.VersionOf(srv.App, col, id)
				if err != nil {
					t.Fatal(err)
				}
				k++
				m := sync.Mutation{MutationID: fmt.Sprintf("m-%s-v%d-k%d", id, v, k), Collection: col, ID: id, Op: "upsert", BaseVersion: &v, Data: fields}
				return resultCode(t, nativePush(t, srv, tok, m), field)
			}
		}
		out = append(out, p)
	}
	return out
}
