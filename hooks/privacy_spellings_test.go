package hooks_test

import (
	"fmt"
	"testing"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/privacy"
)

// spellingProbes are the spellings an audit got past the guard (one per
// class: the 00 international prefix, brackets and braces, runs of spaces,
// numbers split evenly into many groups, commas) and passport numbers the
// text names, each with the code it must be refused with.
var spellingProbes = []struct{ name, text, code string }{
	{"00 prefix", "0062 812 3456 7890", privacy.CodePhone},
	{"brackets and braces", "[0812]3456{7890}", privacy.CodePhone},
	{"run of spaces", "0812     3456 7890", privacy.CodePhone},
	{"six pairs", "08 12 34 56 78 90", privacy.CodePhone},
	{"NIK in pairs", "18 01 23 45 67 89 00 01", privacy.CodeNIK},
	{"one digit a group", "0 8 1 2 3 4 5 6 7 8 9 0", privacy.CodePhone},
	{"commas", "0812,3456,7890", privacy.CodePhone},
	{"passport", "paspor C1234567", privacy.CodePassport},
	{"passport number", "No. paspor X 1234567", privacy.CodePassport},
}

// TestSpellingsAndPassportsOnEveryPath: REST create and update, /api/batch,
// and the native, WatermelonDB and RxDB pushes refuse each probe with its
// code, and leave the stored text as it was.
func TestSpellingsAndPassportsOnEveryPath(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	n := 0
	for _, p := range writePaths {
		for _, probe := range spellingProbes {
			t.Run(p.name+"/"+probe.name, func(t *testing.T) {
				n++
				col, field := catalog.Activities, "materials"
				id := fmt.Sprintf("spellingProbe%03d", n)
				if p.update {
					id = fixtureOf[col]
				}
				before := storedValue(t, srv, col, id, field)
				if code := p.write(t, srv, tok, col, id, map[string]any{field: probe.text}, field); code != probe.code {
					t.Errorf("%q: got %q, want %s", probe.text, code, probe.code)
				}
				if after := storedValue(t, srv, col, id, field); after != before {
					t.Errorf("stored %q", after)
				}
			})
		}
	}
}

// ordinaryReportText is text of the kind officers write, with dates,
// counts, RAD codes, years and agencies' references in the separators the
// guard reads across: TestOrdinaryNumbersPassOnEveryPath stores it on every
// path.
const ordinaryReportText = "Sosialisasi 2025-03-10 di 3 desa: 10, 12, 15 peserta (45 laki-laki, 75 perempuan); RAD P.1.1, P.1.2; " +
	"rujukan BP3MI REG/2025/00123 tanggal 08 12 2025 - 10 12 2025; anggaran Rp 62.850.000,00; target 2025: 12 desa, 2026: 15 desa; " +
	"pukul 08:00-12:00, 13:00-15:00; tahun 2019, 2020, 2021, 2022; pengurusan paspor 12 CPMI; surat X 1234567 [1] {2}"
