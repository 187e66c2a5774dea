package privacy

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/examples.json from the tests' examples")

// examplesFile is where the tests' examples are written for the field
// app's copy of the guard (web/app/src/privacy.js), which
// tests/clients/privacy.test.js checks against them.
const examplesFile = "testdata/examples.json"

// examples are refusedText and acceptedText as the field app's test reads
// them.
type examples struct {
	Note     string    `json:"note"`
	Refused  []example `json:"refused"`
	Accepted []string  `json:"accepted"`
	// Generated are random texts of digit groups, separators and words
	// with the server's answer (Code "" for accepted): the cases nobody
	// thought of.
	Generated []example `json:"generated"`
}

type example struct {
	Text string `json:"text"`
	Code string `json:"code"`
}

func currentExamples() examples {
	ex := examples{Note: "Written by `go test ./privacy -run TestExamplesFile -update` from refusedText and acceptedText " +
		"(privacy_test.go); read by tests/clients/privacy.test.js. Do not edit by hand."}
	for s, code := range refusedText {
		ex.Refused = append(ex.Refused, example{s, code})
	}
	sort.Slice(ex.Refused, func(i, j int) bool { return ex.Refused[i].Text < ex.Refused[j].Text })
	ex.Accepted = append(ex.Accepted, acceptedText...)
	sort.Strings(ex.Accepted)
	ex.Generated = generatedExamples(3000)
	return ex
}

// generatedExamples makes n texts from a fixed seed (the same every run)
// out of pieces that take the guard's every branch: digit groups starting
// like prefixes, years, province codes; separators of every kind, list
// marks, full-width and invisible characters; letters read as digits,
// passport words and letters.
func generatedExamples(n int) []example {
	rng := rand.New(rand.NewPCG(1766700001, 2025))
	starts := []string{"0", "08", "081", "0812", "62", "628", "+62", "0062", "00", "18", "1801", "32", "2025", "20", "1", "5", "9"}
	seps := []string{" ", " ", "-", ".", "/", ",", ", ", "; ", ":", " - ", "(", ") ", "[", "]", "{", "}", "_", "  ", "\t", "\n",
		"\u00a0", "\u200b", "\u2013", "\u3001", "*", "'", "", ""}
	words := []string{"paspor ", "Paspor: ", "passport no ", "NIK ", "hp ", "Rp ", "C", "AB", "X ", "tahun ", "peserta", "O", "l", "I",
		"o", "No. ", "a.n. ", "desa. Surat ", "\uff10\uff18", "\u0661\u0662", "\ufe0f", "\u0301"}
	digits := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	out := make([]example, 0, n)
	for len(out) < n {
		var b strings.Builder
		for range 1 + rng.IntN(7) {
			switch x := rng.IntN(10); {
			case x < 5:
				if rng.IntN(2) == 0 {
					b.WriteString(starts[rng.IntN(len(starts))])
				}
				b.WriteString(digits(1 + rng.IntN(6)))
			case x < 8:
				b.WriteString(seps[rng.IntN(len(seps))])
			default:
				b.WriteString(words[rng.IntN(len(words))])
			}
		}
		s := b.String()
		code := ""
		if err := CheckText(s); err != nil {
			code = err.Code()
		}
		out = append(out, example{s, code})
	}
	return out
}

// TestExamplesFile keeps testdata/examples.json equal to the examples of
// these tests: the field app's guard is held to the same list, so an
// example added here reaches its test too (run with -update to rewrite).
func TestExamplesFile(t *testing.T) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(currentExamples()); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(examplesFile, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(examplesFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Errorf("%s is stale: go test ./privacy -run TestExamplesFile -update", examplesFile)
	}
}
