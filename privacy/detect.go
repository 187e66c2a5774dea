package privacy

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The guard reads text the way a person reads it on a screen, so that
// writing an identifier differently does not get it past:
//
//   - Unicode NFKC, per character: full-width and other compatibility
//     forms become their plain letters, digits and punctuation, and every
//     kind of space becomes a space;
//   - every Unicode decimal digit (Arabic-Indic, Devanagari, ...) becomes
//     its ASCII digit;
//   - characters that show nothing (format characters such as zero-width
//     spaces, joiners, the soft hyphen and the byte order mark; combining
//     marks; variation selectors) are dropped;
//   - inside a run of digits, the letters O and o stand for 0, l and I for 1.
//
// Numbers are then read as chains of digit groups joined by separators
// (up to maxSeparators spaces of any kind, tabs, line breaks, dots, dashes,
// slashes, underscores, brackets), and a few consecutive groups of a chain
// (up to maxGroups) that spell a NIK or a mobile number are refused
// whatever their grouping. Commas, colons, semicolons and letters end a
// chain, so lists of counts ("12, 15, 20") never join into one number. A
// run of more than 16 digits without a break is refused too: it can hide
// one NIK or several side by side, and ordinary text holds none.

const (
	// maxGroups is how many groups of digits one identifier may be written
	// in: a NIK as 2-2-2-6-4, a number as +62 (0) 812 3456 7890. Six short
	// groups are dates, times or amounts side by side ("01/01/2025 -
	// 31/12/2025" holds 16 digits in six groups).
	maxGroups = 5
	// maxSeparators is the longest run of separators inside one number,
	// such as ") " or " - ".
	maxSeparators = 4
)

// unit is one character of the text as the guard reads it, and the bytes of
// the original text it comes from.
type unit struct {
	r          rune
	start, end int32
}

// unitBuffers keeps the buffers read fills: the guard runs on every text
// field of every record a sync push saves.
var unitBuffers = sync.Pool{New: func() any { return new([]unit) }}

// maxPooled is the largest buffer kept for reuse (a 16,000-character text).
const maxPooled = 16 << 10

// withUnits calls f with s read into units (see above), in a buffer that
// is reused after f returns.
func withUnits[T any](s string, f func([]unit) T) T {
	buf := unitBuffers.Get().(*[]unit)
	units := read(s, (*buf)[:0])
	out := f(units)
	if cap(units) <= maxPooled {
		*buf = units
		unitBuffers.Put(buf)
	}
	return out
}

// read normalises s into units (see above), appended to units.
func read(s string, units []unit) []unit {
	for i, end := 0, 0; i < len(s); i = end {
		r, w := utf8.DecodeRuneInString(s[i:])
		end = i + w
		if r < utf8.RuneSelf {
			units = append(units, unit{r, int32(i), int32(end)})
			continue
		}
		if invisible(r) {
			continue
		}
		if d, ok := digitValue(r); ok {
			units = append(units, unit{'0' + d, int32(i), int32(end)})
			continue
		}
		for _, x := range norm.NFKC.String(string(r)) {
			if invisible(x) {
				continue
			}
			if d, ok := digitValue(x); ok {
				x = '0' + d
			}
			units = append(units, unit{x, int32(i), int32(end)})
		}
	}
	lettersAsDigits(units)
	return units
}

// invisible reports whether r shows nothing on its own: a format character,
// a combining mark, a variation selector or another default-ignorable code
// point (Hangul fillers, for example).
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// digitValue returns the value of a Unicode decimal digit. Unicode encodes
// every decimal digit in runs of ten from 0 to 9, so the value is the
// distance from the start of its run (TestDigitRuns checks the tables).
func digitValue(r rune) (rune, bool) {
	if r >= '0' && r <= '9' {
		return r - '0', true
	}
	if r < utf8.RuneSelf || !unicode.IsDigit(r) {
		return 0, false
	}
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return (r - rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return (r - rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// lettersAsDigits reads O, o as 0 and l, I as 1 in every run of digits and
// those letters that holds at least one digit and no more letters than
// digits ("O812", "l8O1"), so that words ("Oli", "lalu") stay words.
func lettersAsDigits(units []unit) {
	for i := 0; i < len(units); {
		if !digitLike(units[i].r) {
			i++
			continue
		}
		j, digits := i, 0
		for ; j < len(units) && digitLike(units[j].r); j++ {
			if isDigit(units[j].r) {
				digits++
			}
		}
		if digits > 0 && j-i-digits <= digits {
			for k := i; k < j; k++ {
				switch units[k].r {
				case 'O', 'o':
					units[k].r = '0'
				case 'l', 'I':
					units[k].r = '1'
				}
			}
		}
		i = j
	}
}

func digitLike(r rune) bool { return isDigit(r) || r == 'O' || r == 'o' || r == 'l' || r == 'I' }

// isSeparator reports whether r may stand between the digit groups of one
// number.
func isSeparator(r rune) bool {
	switch r {
	case ' ', '.', '-', '/', '\\', '_', '(', ')', '[', ']', '\t', '\n', '\r', '\u00b7', '\u2043', '\u2212', '\u2800':
		return true
	}
	if r < utf8.RuneSelf {
		return r < 0x20 || r == 0x7f // other control characters
	}
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Pd, r)
}

// group is a run of digits: its units [from, to), one digit each.
type group struct{ from, to int }

func (g group) len() int { return g.to - g.from }

// finding is an identifier found in text: its kind (CodeNIK or CodePhone)
// and its units [from, to).
type finding struct {
	code     string
	from, to int
}

// minDigits is the fewest digits an identifier has: 0 and a national
// number of 8.
const minDigits = 9

// find returns the identifiers in units, in the order of the text. It
// reads the text once, chain by chain: a chain of digit groups ends at
// anything that is not a digit or a run of at most maxSeparators
// separators.
func find(units []unit) []finding {
	var out []finding
	var backing [16]group
	chain := backing[:0]
	digits := 0
	flush := func() {
		if digits >= minDigits {
			out = matchChain(units, chain, out)
		}
		chain, digits = chain[:0], 0
	}
	gap := 0 // separators since the last group; -1 once the chain is broken
	for i := 0; i < len(units); {
		r := units[i].r
		switch {
		case isDigit(r):
			j := i + 1
			for j < len(units) && isDigit(units[j].r) {
				j++
			}
			if len(chain) > 0 && (gap < 1 || gap > maxSeparators) {
				flush()
			}
			chain = append(chain, group{i, j})
			digits += j - i
			gap = 0
			i = j
			continue
		case isSeparator(r):
			if gap >= 0 {
				gap++
			}
		default:
			gap = -1
		}
		i++
	}
	if len(chain) > 0 {
		flush()
	}
	return out
}

// matchChain appends the identifiers of one chain to out: at each group,
// the first window of up to maxGroups groups from it that spells one.
func matchChain(units []unit, ch []group, out []finding) []finding {
	for i := 0; i < len(ch); {
		n, code := 0, ""
		total := 0
		for k := 1; k <= maxGroups && i+k <= len(ch); k++ {
			total += ch[i+k-1].len()
			window := ch[i : i+k]
			if total == 16 && !yearList(units, window) || k == 1 && total > 16 {
				n, code = k, CodeNIK
				break
			}
			if isPhone(units, window, total) {
				n, code = k, CodePhone
				break
			}
		}
		if n == 0 {
			i++
			continue
		}
		out = append(out, finding{code, ch[i].from, ch[i+n-1].to})
		i += n
	}
	return out
}

// digitAt is the digit of unit i.
func digitAt(units []unit, i int) byte { return byte(units[i].r) }

// yearList reports whether the groups are four years in a row
// ("2024 2025 2026 2027"), which hold 16 digits without being a NIK.
func yearList(units []unit, gs []group) bool {
	if len(gs) != 4 {
		return false
	}
	for _, g := range gs {
		if g.len() != 4 {
			return false
		}
		y := 0
		for i := g.from; i < g.to; i++ {
			y = 10*y + int(digitAt(units, i)-'0')
		}
		if y < 1900 || y > 2099 {
			return false
		}
	}
	return true
}

// maxPhoneDigits is the most digits a mobile number has: 62 and 12.
const maxPhoneDigits = 14

// isPhone reports whether the groups (total digits in all) spell an
// Indonesian mobile number: a prefix (0, 62 or +62, also +62 (0)) and a
// national number of 8 to 12 digits starting with 8 and a digit other
// than 0 (0800 numbers are toll-free lines). The prefix must be written
// as a phone number is, not as a date ("08-12-2025"): 08 with more digits
// in its group ("0812"), or 0, 62 or 08 alone followed by a group of three
// or more digits.
func isPhone(units []unit, gs []group, total int) bool {
	if total < minDigits || total > maxPhoneDigits {
		return false
	}
	var buf [maxPhoneDigits]byte
	d := buf[:0]
	for _, g := range gs {
		for i := g.from; i < g.to; i++ {
			d = append(d, digitAt(units, i))
		}
	}
	first := string(d[:gs[0].len()]) // at most 14 bytes
	next := 0
	if len(gs) > 1 {
		next = gs[1].len()
	}
	var national []byte
	switch {
	case len(first) >= 3 && first[:2] == "08":
		national = d[1:]
	case len(first) >= 4 && first[:3] == "628":
		national = d[2:]
	case len(first) >= 5 && first[:4] == "6208":
		national = d[3:]
	case (first == "0" || first == "62" || first == "08") && next >= 3:
		national = d[len(first):]
		if first == "08" {
			national = d[1:]
		}
	case first == "62" && next == 1 && d[2] == '0' && len(gs) > 2 && gs[2].len() >= 3:
		national = d[3:]
	default:
		return false
	}
	if len(national) < 8 || len(national) > 12 || national[0] != '8' || national[1] == '0' {
		return false
	}
	return !amount(units, gs)
}

// amount reports whether the groups are written as a rupiah amount with
// thousands dots ("62.850.000.000"): a first group of one to three digits
// not starting with 0, then groups of exactly three digits, each after a
// single dot, and no + in front.
func amount(units []unit, gs []group) bool {
	if len(gs) < 2 || gs[0].len() > 3 || digitAt(units, gs[0].from) == '0' {
		return false
	}
	if gs[0].from > 0 && units[gs[0].from-1].r == '+' {
		return false
	}
	for k := 1; k < len(gs); k++ {
		if gs[k].len() != 3 || gs[k].from-gs[k-1].to != 1 || units[gs[k].from-1].r != '.' {
			return false
		}
	}
	return true
}

// mightHoldNumber is a quick test that s cannot hold an identifier: plain
// ASCII with fewer than five digits (the shortest identifier spelt with the
// letters O and l still needs five digits).
func mightHoldNumber(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return true
		}
		if c >= '0' && c <= '9' {
			if digits++; digits >= 5 {
				return true
			}
		}
	}
	return false
}
