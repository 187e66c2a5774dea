package privacy

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

// An identifier a client chooses and the server stores (a record id sent
// on create, a sync mutation id, an app install's clientId) is read as
// text is (CheckText): an id such as "081234567890123" matches every id
// pattern and would carry a phone number into the tables, the audit trail
// and every phone that pulls the record. What a machine makes passes:
//
//   - a random id of letters and digits (PocketBase's [a-z0-9]{15}, the
//     field app's and WatermelonDB's [A-Za-z0-9]{16}) holds a run of digits
//     that reads as a phone number about once in millions (measured:
//     none of 2,000,000 of the field app's ids, one of 2,000,000
//     PocketBase ids, TestRandomIDsPass);
//   - a canonical UUID, alone or inside the id ("m-" + a UUID, the field
//     app's mutation ids), is a machine value: its 32 hex digits read as a
//     number in about one UUID in 200, so it is read as one letter. A UUID
//     run into letters or digits ("...c3e2x") is not canonical and is read
//     as text.

// uuidInRe finds a canonical UUID (uuidRe) standing alone inside an id:
// at its start or end, or beside a character that is no letter or digit.
var uuidInRe = regexp.MustCompile(`(^|[^0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}($|[^0-9A-Za-z])`)

// CheckID checks an identifier a client chooses for the server to store,
// as the field named field (its name appears in the message): nil when it
// carries nothing CheckText refuses once the canonical UUIDs in it are
// read as machine values (see above). The error has CheckText's code
// (CodeNIK, CodePhone, CodePassport) and a message that names the field
// and asks for a new random id.
func CheckID(field, s string) validation.Error {
	err := checkIDText(s) // first: most ids hold too few digits to be read at all
	if err == nil {
		return nil
	}
	if strings.Count(s, "-") >= 4 && uuidInRe.MatchString(s) {
		if err = checkIDText(uuidInRe.ReplaceAllString(s, "${1}u${2}")); err == nil {
			return nil
		}
	}
	return IDError(field, err.Code())
}

// lookalikes are the letters text's reading takes for digits (O, o, l, I).
var lookalikes = strings.NewReplacer("O", "x", "o", "x", "l", "x", "I", "x")

// minPhoneDigits is the fewest digits of a phone number written into an
// id as one run: Indonesian numbers hold 10 to 13 with their leading 0.
const minPhoneDigits = 10

// checkIDText is CheckText for an id. An id of letters and digits only
// is what machines make (random ids), and two readings made for people's
// writing are left out there for phone numbers: its O, o, l and I are
// letters (read as 0 and 1, one PocketBase id in 220,000 was refused), and
// a number must stand as one run of at least minPhoneDigits digits (a run
// of nine inside a random id read as one about once in a million).
// TestRandomIDsPass measures both. An id with any other mark in it
// ("korban-O8l2-3456-7890") is read as text, and NIK and passport numbers
// are read as in text.
func checkIDText(s string) validation.Error {
	err := CheckText(s)
	if err == nil || err.Code() != CodePhone || !lettersAndDigits(s) {
		return err
	}
	if err = CheckText(lookalikes.Replace(s)); err == nil {
		return nil
	}
	if err.Code() == CodePhone && longestDigitRun(s) < minPhoneDigits {
		return nil
	}
	return err
}

// lettersAndDigits reports whether s holds letters and digits only.
func lettersAndDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// longestDigitRun is the length of the longest run of digits in s.
func longestDigitRun(s string) int {
	run, longest := 0, 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// IDError is the refusal of the identifier in field for the guard's code
// (CodeNIK, CodePhone or CodePassport), bilingual and naming the field.
func IDError(field, code string) validation.Error {
	what := idWhat[code]
	return validation.NewError(code, fmt.Sprintf(
		"%s tidak boleh memuat %s: identitas orang dilarang disimpan (UU 27/2022). Buat id acak yang baru. / "+
			"%s must not contain %s: personal identifiers may not be stored. Make a new random id.",
		field, what[0], field, what[1]))
}

// idWhat names, per code, what an identifier must not hold.
var idWhat = map[string][2]string{
	CodeNIK:      {"nomor 16 digit seperti NIK atau nomor KK", "a 16-digit number such as a NIK or family-card number"},
	CodePhone:    {"nomor telepon", "a phone number"},
	CodePassport: {"nomor paspor", "a passport number"},
}
