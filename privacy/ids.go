package privacy

import (
	"fmt"
	"regexp"
	"strings"

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
	err := CheckText(s) // first: most ids hold too few digits to be read at all
	if err == nil {
		return nil
	}
	if strings.Count(s, "-") >= 4 && uuidInRe.MatchString(s) {
		if err = CheckText(uuidInRe.ReplaceAllString(s, "${1}u${2}")); err == nil {
			return nil
		}
	}
	return IDError(field, err.Code())
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
