package privacy

import (
	"sort"
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
// Numbers are then read as chains of digit groups: anything but a letter
// may stand between two groups (spaces of any kind and any number of them,
// tabs, line breaks, dots, dashes, slashes, underscores, brackets, braces,
// commas, symbols), up to maxSeparators marks in one gap. A chain's
// consecutive groups that spell a NIK or a mobile number are refused
// (matchChain says how a window of groups is read: as written by hand, or
// split evenly). A comma, semicolon or colon beside a space is a list
// mark: lists of counts ("10, 12, 15 peserta") never join into a NIK. A
// run of more than 16 digits without a break is refused too: it can hide
// one NIK or several side by side, and ordinary text holds none. A
// passport number is refused where the text names it (findPassports).

const (
	// maxGroups is how many groups of digits one identifier may be written
	// in by hand, with gaps of any kind: a NIK as 2-2-2-6-4, a number as
	// +62 (0) 812 3456 7890. Six short groups are dates, times or amounts
	// side by side ("01/01/2025 - 31/12/2025" holds 16 digits in six
	// groups). More groups count only when every gap is the same.
	maxGroups = 5
	// maxSeparators is the most marks in one gap inside a number, such as
	// ") " or " - " (a run of spaces counts as one).
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

// group is a run of digits: its units [from, to), one digit each.
type group struct{ from, to int }

func (g group) len() int { return g.to - g.from }

// gap is what stands between two groups of a chain: its units [from, to),
// and whether it is a list mark (a comma, semicolon or colon followed or
// preceded by a space: "12, 15").
type gap struct {
	from, to int
	list     bool
}

// finding is an identifier found in text: its kind (CodeNIK, CodePhone or
// CodePassport) and its units [from, to).
type finding struct {
	code     string
	from, to int
}

// minDigits is the fewest digits an identifier has: 0 and a national
// number of 8.
const minDigits = 9

// nikDigits is the length of a NIK or family-card number.
const nikDigits = 16

// find returns the identifiers in units, in the order of the text. It
// reads the text once, chain by chain: a chain of digit groups ends at a
// letter or at a gap of more than maxSeparators separators (a run of
// spaces, tabs and line breaks counts as one). Anything else that is not a
// letter or a digit separates groups: spaces, dots, dashes, slashes,
// brackets and braces, commas, symbols.
func find(units []unit) []finding {
	var out []finding
	var backing [16]group
	var gapBacking [16]gap
	chain, gaps := backing[:0], gapBacking[:0]
	digits := 0
	flush := func() {
		if digits >= minDigits {
			out = matchChain(units, chain, gaps, out)
		}
		chain, gaps, digits = chain[:0], gaps[:0], 0
	}
	var wordBacking [4]int
	words := wordBacking[:0] // where the words naming a passport end
	seps, inSpace, listMark, spaced, broken := 0, false, false, false, false
	gapFrom := 0
	for i := 0; i < len(units); {
		r := units[i].r
		switch {
		case isDigit(r):
			j := i + 1
			for j < len(units) && isDigit(units[j].r) {
				j++
			}
			if len(chain) > 0 {
				if broken || seps < 1 || seps > maxSeparators {
					flush()
				} else {
					gaps = append(gaps, gap{gapFrom, i, listMark && spaced})
				}
			}
			chain = append(chain, group{i, j})
			digits += j - i
			seps, inSpace, listMark, spaced, broken = 0, false, false, false, false
			gapFrom = j
			i = j
			continue
		case isLetter(r):
			broken = true
			if r == 'p' || r == 'P' {
				if w := passportWordAt(units, i); w > 0 {
					words = append(words, i+w)
					i += w
					continue
				}
			}
		case isBlank(r):
			if !inSpace {
				seps++
				inSpace = true
			}
			spaced = true
		default:
			seps++
			inSpace = false
			if r == ',' || r == ';' || r == ':' || r == '\u3001' {
				listMark = true
			}
		}
		i++
	}
	if len(chain) > 0 {
		flush()
	}
	return findPassports(units, words, out)
}

// matchChain appends the identifiers of one chain (gaps[k] stands between
// groups k and k+1) to out: at each group, the first window of groups from
// it that spells one. A window is read two ways:
//
//   - as written by hand, in up to maxGroups groups with no list mark
//     between them: any 16 digits (a NIK, unless four years in a row), or
//     a mobile number with its prefix written as one (0812.., 62 812..);
//   - as a number split evenly, every gap the same ("08 12 34 56 78 90",
//     "0 8 1 2 3 4 5 6 7 8 9 0", "18 01 23 45 67 89 00 01"), in any number
//     of groups: a mobile number whatever its prefix's grouping, and 16
//     digits that start with a province code (11 Aceh to 96 Papua Barat
//     Daya) and are no dates side by side. Lists of counts ("10 20 30 40
//     50 60 70 80") start with none. After a list mark ("12, 15, 20") only
//     a mobile number whose first group spells its prefix counts
//     ("0812, 3456, 7890").
func matchChain(units []unit, ch []group, gaps []gap, out []finding) []finding {
	for i := 0; i < len(ch); {
		n, code := 0, ""
		total := 0
		listed, even := false, true
		for k := 1; i+k <= len(ch); k++ {
			total += ch[i+k-1].len()
			if k > 1 && total > nikDigits {
				break
			}
			window := ch[i : i+k]
			if k > 1 {
				// the gaps of the window: listed and even as a whole
				last := gaps[i+k-2]
				listed = listed || last.list
				even = even && sameGap(units, gaps[i], last)
			}
			byHand := k <= maxGroups && !listed
			// a phone first: its reading is the narrower one ("0062 (0)
			// 812 3456 7890" has 16 digits)
			if total >= minDigits && isPhone(units, window, total, byHand, even, listed) {
				n, code = k, CodePhone
				break
			}
			if k == 1 && total > nikDigits ||
				total == nikDigits && (byHand && !yearList(units, window) || even && !listed && provinceFirst(units, window) && !dates(units, window)) {
				n, code = k, CodeNIK
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

// sameGap reports whether two gaps read the same (a run of spaces, tabs
// and line breaks as one space): a number split evenly has every gap the
// same.
func sameGap(units []unit, a, b gap) bool {
	i, j := a.from, b.from
	for i < a.to && j < b.to {
		ri, rj := units[i].r, units[j].r
		if isBlank(ri) && isBlank(rj) {
			for i < a.to && isBlank(units[i].r) {
				i++
			}
			for j < b.to && isBlank(units[j].r) {
				j++
			}
			continue
		}
		if ri != rj {
			return false
		}
		i++
		j++
	}
	return i == a.to && j == b.to
}

// isBlank reports whether r is a space of any kind, a control character
// or the blank Braille pattern.
func isBlank(r rune) bool {
	if r < utf8.RuneSelf {
		return r <= ' ' || r == 0x7f
	}
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u2800'
}

// isLetter is unicode.IsLetter, quick for ASCII.
func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

// digitAt is the digit of unit i.
func digitAt(units []unit, i int) byte { return byte(units[i].r) }

// value is the number group g spells (groups of at most 4 digits).
func value(units []unit, g group) int {
	v := 0
	for i := g.from; i < g.to; i++ {
		v = 10*v + int(digitAt(units, i)-'0')
	}
	return v
}

// yearList reports whether the groups are four years in a row
// ("2024 2025 2026 2027"), which hold 16 digits without being a NIK.
func yearList(units []unit, gs []group) bool {
	if len(gs) != 4 {
		return false
	}
	for _, g := range gs {
		if !isYear(units, g) {
			return false
		}
	}
	return true
}

func isYear(units []unit, g group) bool {
	if g.len() != 4 {
		return false
	}
	y := value(units, g)
	return y >= 1900 && y <= 2099
}

// dates reports whether the groups hold a date written day month year or
// year month day ("08 12 2025", "2025 12 08").
func dates(units []unit, gs []group) bool {
	small := func(g group, max int) bool { return g.len() <= 2 && value(units, g) >= 1 && value(units, g) <= max }
	for k := 0; k+2 < len(gs); k++ {
		if small(gs[k], 31) && small(gs[k+1], 12) && isYear(units, gs[k+2]) ||
			isYear(units, gs[k]) && small(gs[k+1], 12) && small(gs[k+2], 31) {
			return true
		}
	}
	return false
}

// provinces are the first two digits of a NIK: the codes of Indonesia's
// provinces (BPS).
var provinces = map[int]bool{11: true, 12: true, 13: true, 14: true, 15: true, 16: true, 17: true, 18: true, 19: true, 21: true,
	31: true, 32: true, 33: true, 34: true, 35: true, 36: true, 51: true, 52: true, 53: true,
	61: true, 62: true, 63: true, 64: true, 65: true, 71: true, 72: true, 73: true, 74: true, 75: true, 76: true,
	81: true, 82: true, 91: true, 92: true, 93: true, 94: true, 95: true, 96: true}

// provinceFirst reports whether the digits of gs start with a province code.
func provinceFirst(units []unit, gs []group) bool {
	d := digitsOf(units, gs, make([]byte, 0, nikDigits))
	return len(d) >= 2 && provinces[int(d[0]-'0')*10+int(d[1]-'0')]
}

func digitsOf(units []unit, gs []group, d []byte) []byte {
	for _, g := range gs {
		for i := g.from; i < g.to; i++ {
			d = append(d, digitAt(units, i))
		}
	}
	return d
}

// maxPhoneDigits is the most digits a mobile number has: 00, 62 and 12.
const maxPhoneDigits = 16

// isPhone reports whether the groups (total digits in all) spell an
// Indonesian mobile number: a prefix (0, 62, +62 or 0062, also with (0)
// after 62) and a national number of 8 to 12 digits starting with 8 and
// a digit other than 0 (0800 numbers are toll-free lines).
//
// Written by hand (byHand), the prefix must be written as a phone number
// is, not as a date ("08-12-2025"): 08 with more digits in its group
// ("0812"), or 0, 62 or 08 alone followed by a group of three or more
// digits. Split evenly (even), any grouping counts unless the groups hold
// a date. After a list mark (listed) the first group must hold the prefix
// and the start of the national number ("0812, 3456, 7890").
func isPhone(units []unit, gs []group, total int, byHand, even, listed bool) bool {
	if total < minDigits || total > maxPhoneDigits {
		return false
	}
	var buf [maxPhoneDigits]byte
	d := digitsOf(units, gs, buf[:0])
	var lens [maxPhoneDigits]int
	for k, g := range gs {
		lens[k] = g.len()
	}
	l := lens[:len(gs)]
	// 00 for +: the international prefix must then be 62
	intl := d[0] == '0' && d[1] == '0'
	if intl {
		if l[0] == 1 && (!even || listed) {
			return false // "0 0..." is a number split evenly or none
		}
		d = d[2:]
		l = dropDigits(l, 2)
		if len(d) < 2 || d[0] != '6' || d[1] != '2' || len(l) == 0 {
			return false
		}
	}
	var national []byte
	if byHand || listed {
		national = handPrefix(d, l, intl)
		if listed && (l[0] < 4 || national == nil || len(d)-len(national) >= l[0]) {
			national = nil
		}
	}
	if listed && !even {
		return false
	}
	if national == nil && even && !listed && !dates(units, gs) {
		switch {
		case d[0] == '6' && d[1] == '2' && len(d) > 2 && d[2] == '0':
			national = d[3:]
		case d[0] == '6' && d[1] == '2':
			national = d[2:]
		case d[0] == '0' && !intl:
			national = d[1:]
		}
	}
	if len(national) < 8 || len(national) > 12 || national[0] != '8' || national[1] == '0' {
		return false
	}
	return !amount(units, gs)
}

// dropDigits returns the group lengths l without their first n digits.
func dropDigits(l []int, n int) []int {
	for n > 0 && len(l) > 0 {
		if l[0] > n {
			l[0] -= n
			return l
		}
		n -= l[0]
		l = l[1:]
	}
	return l
}

// handPrefix returns the national number of the digits d in groups of
// lens l, when its prefix is written as one is by hand; nil otherwise.
func handPrefix(d []byte, l []int, intl bool) []byte {
	first := string(d[:l[0]])
	next := 0
	if len(l) > 1 {
		next = l[1]
	}
	switch {
	case !intl && len(first) >= 3 && first[:2] == "08":
		return d[1:]
	case len(first) >= 4 && first[:3] == "628":
		return d[2:]
	case len(first) >= 5 && first[:4] == "6208":
		return d[3:]
	case !intl && (first == "0" || first == "08") && next >= 3:
		return d[1:]
	case first == "62" && next >= 3:
		return d[2:]
	case first == "62" && next == 1 && d[2] == '0' && len(l) > 2 && l[2] >= 3:
		return d[3:]
	}
	return nil
}

// amount reports whether the groups are written as a rupiah amount with
// thousands dots ("62.850.000.000", also with cents: "62.850.000,00"): a
// first group of one to three digits not starting with 0, then groups of
// exactly three digits, each after a single dot, the last one possibly of
// one or two digits after a single comma, and no + in front.
func amount(units []unit, gs []group) bool {
	if len(gs) < 2 || gs[0].len() > 3 || digitAt(units, gs[0].from) == '0' {
		return false
	}
	if gs[0].from > 0 && units[gs[0].from-1].r == '+' {
		return false
	}
	for k := 1; k < len(gs); k++ {
		single := gs[k].from-gs[k-1].to == 1
		sep := units[gs[k].from-1].r
		switch {
		case single && sep == '.' && gs[k].len() == 3:
		case single && sep == ',' && gs[k].len() <= 2 && k == len(gs)-1 && k > 1:
		default:
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

// passportWords name a passport: the Indonesian and English words and
// their common misspellings, lower case.
var passportWords = []string{"paspor", "pasport", "passport", "passpor"}

// passportReach is how far after the word a passport number is looked
// for, in characters ("paspor atas nama korban: C1234567").
const passportReach = 40

// findPassports adds to out the Indonesian passport numbers in units that
// follow a word naming a passport (ending at words, as find read them)
// within passportReach characters of the
// same sentence (sentenceEnd): one or
// two letters, then 6 to 8 digits (C1234567, AB1234567, "X 1234567"),
// and returns out in the order of the text. Without the word, a letter and
// digits are left alone: agencies' references look like that.
func findPassports(units []unit, words []int, out []finding) []finding {
	n, at := len(out), 0
	for _, end := range words {
		for j := max(end, at); j < len(units) && j < end+passportReach && !sentenceEnd(units, j); j++ {
			if to := passportAt(units, j); to > 0 {
				out = append(out, finding{CodePassport, j, to})
				at = to
				break
			}
		}
	}
	if len(out) > n && n > 0 {
		sort.SliceStable(out, func(a, b int) bool { return out[a].from < out[b].from })
	}
	return out
}

// sentenceEnd reports whether unit j ends the sentence that names a
// passport: a semicolon, a line break, ? or !, or a full stop before a
// space after a word of more than three letters (not "No." or "a.n.").
func sentenceEnd(units []unit, j int) bool {
	switch units[j].r {
	case ';', '\n', '\r', '?', '!':
		return true
	case '.':
		if j+1 < len(units) && !isBlank(units[j+1].r) {
			return false
		}
		k := j
		for k > 0 && isLetter(units[k-1].r) {
			k--
		}
		return j-k > 3
	}
	return false
}

// passportWordAt returns the length of the passport word starting at unit
// i (at the start of a word), 0 if there is none.
func passportWordAt(units []unit, i int) int {
	if r := units[i].r; r != 'p' && r != 'P' || i > 0 && isLetter(units[i-1].r) {
		return 0
	}
	for _, w := range passportWords {
		if i+len(w) > len(units) {
			continue
		}
		ok := true
		for k := 0; k < len(w) && ok; k++ {
			ok = unicode.ToLower(units[i+k].r) == rune(w[k])
		}
		if ok {
			return len(w)
		}
	}
	return 0
}

// passportAt returns the end of a passport number starting at unit j (one
// or two ASCII letters starting a word, at most one space, dash or dot,
// then 6 to 8 digits ending there), 0 if there is none.
func passportAt(units []unit, j int) int {
	if j > 0 && (isLetter(units[j-1].r) || isDigit(units[j-1].r)) {
		return 0
	}
	k := j
	for k < len(units) && k-j < 3 && isASCIILetter(units[k].r) {
		k++
	}
	if letters := k - j; letters < 1 || letters > 2 {
		return 0
	}
	if k < len(units) && (units[k].r == ' ' || units[k].r == '-' || units[k].r == '.') {
		k++
	}
	d := k
	for d < len(units) && isDigit(units[d].r) {
		d++
	}
	if n := d - k; n < 6 || n > 8 || d < len(units) && (isLetter(units[d].r)) {
		return 0
	}
	return d
}

func isASCIILetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
