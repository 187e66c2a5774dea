package jsonenc_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"jangkau/internal/jsonenc"
)

// Both ways of writing a string decode to the string (invalid UTF-8 as
// U+FFFD), and likeMarshal writes json.Marshal's bytes: on fixed strings of
// every kind and on random bytes and runes.
func TestStringsDecodeBackAndMatchMarshal(t *testing.T) {
	texts := []string{"", "Sosialisasi <TPPO> & \"migrasi\"\n\t\\", "\u2028\u2029\x00\x1f\x7f\b\f\r", "\xff\xfe ok \xc3", "é 日本 🙂"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		b := make([]byte, rng.IntN(24))
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		texts = append(texts, string(b), string([]rune{rune(rng.IntN(0x110000)), rune(rng.IntN(0x3000))}))
	}
	for _, s := range texts {
		want, _ := json.Marshal(s)
		if got := jsonenc.AppendString(nil, s, true); string(got) != string(want) {
			t.Fatalf("%q: likeMarshal wrote %s, json.Marshal %s", s, got, want)
		}
		var back string
		plain := jsonenc.AppendString(nil, s, false)
		if err := json.Unmarshal(plain, &back); err != nil || back != strings.ToValidUTF8(s, "\ufffd") && back != validRunes(s) {
			t.Fatalf("%q: wrote %s, which reads back as %q (%v)", s, plain, back, err)
		}
	}
}

// validRunes replaces each invalid byte of s by U+FFFD, as a range over s
// reads it.
func validRunes(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}
