package imports_test

import (
	"fmt"
	"net/http"
	"testing"

	"jangkau/imports"
	tt "jangkau/internal/testapp"
)

// A case figure row's key (area, period, source) names no cluster, so it
// may find another cluster's figure. The regency task-force member of
// regency A (law enforcement) may neither read nor change the social
// rehabilitation figure the secretariat entered: its row, whether its
// counts equal the stored figure's or not, is refused the same way at
// its cluster cell, never "unchanged" nor "changed" with the fields that
// differ (before, a preview listed them, and a confirm overwrote the
// figure and moved it to law enforcement).
func TestCasesImportLeavesAnotherClustersFigure(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	secretariat := tt.Token(t, srv.App, tt.Secretariat)
	stored := caseRow(map[int]any{6: "social_rehab"})
	r, res := preview(t, srv, "cases", secretariat, book(t, "Angka kasus", caseHeader, stored))
	if r.Status != http.StatusOK || !res.OK {
		t.Fatalf("secretariat preview: %d %+v", r.Status, res.Errors)
	}
	if r, res = confirm(t, srv, "cases", secretariat, book(t, "Angka kasus", caseHeader, stored), res.File.SHA256); !res.Written {
		t.Fatalf("secretariat confirm: %d %+v", r.Status, res.Errors)
	}
	figure := "SELECT COUNT(*) FROM case_aggregates WHERE cluster = 'social_rehab' AND case_count = 5"
	before := fmt.Sprint(state(t, srv), count(t, srv, figure))
	member := tt.Token(t, srv.App, tt.RegencyMemberA)
	same := caseRow(map[int]any{6: ""})                    // its own cluster, the stored counts
	other := caseRow(map[int]any{6: "", 7: 4, 8: 5, 9: 3}) // its own cluster, other counts
	for name, row := range map[string][]any{"same counts": same, "other counts": other} {
		data := book(t, "Angka kasus", caseHeader, row)
		r, res := preview(t, srv, "cases", member, data)
		if r.Status != http.StatusOK || res.OK || res.errorAt(2, "cluster") != imports.CodeKeptElsewhere {
			t.Fatalf("%s: preview %d %+v %+v", name, r.Status, res.Counts, res.Errors)
		}
		if res.Counts.Unchanged != 0 || res.Counts.Changed != 0 || len(res.Rows) != 1 || len(res.Rows[0].Changes) != 0 {
			t.Errorf("%s: the preview tells the stored figure apart: %+v %+v", name, res.Counts, res.Rows)
		}
		if r, res := confirm(t, srv, "cases", member, data, res.File.SHA256); res.Written {
			t.Errorf("%s: confirm %d wrote %+v", name, r.Status, res.Counts)
		}
	}
	// another regency's verifier, with a row equal to the stored figure:
	// refused at its area as any row of that regency, never "unchanged"
	r, res = preview(t, srv, "cases", tt.Token(t, srv.App, tt.VerifierB), book(t, "Angka kasus", caseHeader, stored))
	if r.Status != http.StatusOK || res.errorAt(2, "area") != "not_your_area" || res.Counts.Unchanged != 0 {
		t.Errorf("regency B's verifier: preview %d %+v %+v", r.Status, res.Counts, res.Errors)
	}
	if after := fmt.Sprint(state(t, srv), count(t, srv, figure)); after != before {
		t.Errorf("the figure changed: %s -> %s", before, after)
	}
}
