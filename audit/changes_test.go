package audit

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tools/types"
)

// The audit trail's changes are written by marshalChanges: they must be
// the bytes json.Marshal writes, for every value a record field holds and
// strings of every kind (HTML characters, control characters, the line
// separators, invalid UTF-8, any rune), with json.Marshal itself taking
// what marshalChanges does not know.
func TestChangesMarshalAsJSONDoes(t *testing.T) {
	date, _ := types.ParseDateTime("2026-11-20 08:00:00.123Z")
	fixed := []any{nil, "", "Sosialisasi <TPPO> & \"migrasi\"\n\t\\", "\u2028\u2029\x00\x1f\x7f\b\f\r", "\xff\xfe ok \xc3",
		"é 日本 🙂", true, false, 0.0, math.Copysign(0, -1), 3.0, 2.5, 1e21, 1e-7, 123456789.125, -1e-300, 1, -42, []string{}, []string(nil),
		[]string{"a", "<b>"}, date, types.DateTime{}, types.JSONRaw(`{"a": 1}`), types.JSONRaw(`{ "b" : [1, "<x>"] }`), types.JSONRaw(`[ "\u2028", {} ]`), types.JSONRaw(""), types.JSONRaw("[\"\u2028\"]"), types.JSONRaw(`{bad`), map[string]any{"x": []any{1, "y"}}}
	check := func(c map[string][2]any) {
		t.Helper()
		want, werr := json.Marshal(c)
		got, gerr := marshalChanges(c)
		if (werr == nil) != (gerr == nil) || string(got) != string(want) {
			t.Fatalf("changes %#v:\n got %s (%v)\nwant %s (%v)", c, got, gerr, want, werr)
		}
	}
	for i, a := range fixed {
		for _, b := range fixed {
			check(map[string][2]any{"f<" + string(rune('a'+i%26)): {a, b}, "title": {nil, b}})
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		runes := make([]byte, rng.IntN(24))
		for j := range runes {
			runes[j] = byte(rng.IntN(256))
		}
		s := string(runes)
		if rng.IntN(2) == 0 {
			s = string([]rune{rune(rng.IntN(0x110000)), rune(rng.IntN(0x3000))}) + s
		}
		check(map[string][2]any{s: {s, rng.NormFloat64() * 1e6}, "n": {rng.Float64() * 1e-5, float64(rng.IntN(1 << 30))}})
	}
}

func BenchmarkMarshalChanges(b *testing.B) {
	date, _ := types.ParseDateTime("2026-11-20 08:00:00.000Z")
	c := map[string][2]any{}
	for i, k := range []string{"title", "village", "area", "regency", "district", "status", "type", "level", "start_date", "male_child", "female_child", "male_adult", "female_adult", "topics", "client_created_at", "created_by"} {
		switch {
		case k == "start_date":
			c[k] = [2]any{nil, date}
		case k == "topics":
			c[k] = [2]any{nil, []string{"migrasi_aman", "modus_tppo"}}
		case i%3 == 0:
			c[k] = [2]any{nil, float64(i)}
		default:
			c[k] = [2]any{nil, "Sosialisasi pencegahan TPPO"}
		}
	}
	b.Run("json.Marshal", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal(c)
		}
	})
	b.Run("marshalChanges", func(b *testing.B) {
		for b.Loop() {
			_, _ = marshalChanges(c)
		}
	})
}

// Entry ids are 15 characters of a-z and 0-9, each character drawn
// evenly, and never repeat.
func TestEntryIDs(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 20000 {
		id := newEntryID()
		if len(id) != 15 || strings.Trim(id, idAlphabet) != "" {
			t.Fatalf("id %q", id)
		}
		if seen[id] {
			t.Fatalf("id %q drawn twice", id)
		}
		seen[id] = true
		for _, r := range id {
			counts[r]++
		}
	}
	for _, r := range idAlphabet {
		// 300,000 characters, 8,333 expected each: a bias of one in
		// 36 characters (a modulo without rejection) moves it by 230+
		if n := counts[r]; n < 7900 || n > 8800 {
			t.Errorf("%q drawn %d times of 300,000", r, n)
		}
	}
}
