// Package privacy keeps what the law protects out of Jangkau: it refuses free
// text that carries personal identifiers (UU 27/2022, UU 21/2007 Pasal 44,
// UU 35/2014 Pasal 17) and hides small case counts below province level,
// with the counts beside them that would give them away (suppress.go).
package privacy

import (
	"encoding/json"
	"regexp"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
)

// A NIK or family-card number: 16 digits in a row, or written in the groups
// people use (4-4-4-4, or 2-2-2-6-4 after the area code), not part of a longer
// number. Loose groupings are left alone so that lists of counts pass.
var nikRe = regexp.MustCompile(`(?:^|[^0-9])([0-9]{16}|[0-9]{4}([ .-])[0-9]{4}[ .-][0-9]{4}[ .-][0-9]{4}|[0-9]{2}[ .-][0-9]{2}[ .-][0-9]{2}[ .-][0-9]{6}[ .-][0-9]{4})(?:$|[^0-9])`)

// An Indonesian mobile number: 08.., 628.. or +628.. followed by 7 to 11 more
// digits, possibly grouped by spaces or hyphens (dots are left out so that
// rupiah amounts such as 62.850.000 pass).
var phoneRe = regexp.MustCompile(`(?:^|[^0-9+])((?:\+62|62|0)[ -]?8(?:[ -]?[0-9]){7,11})(?:$|[^0-9])`)

// Error codes of the guard; clients may key translations on them.
const (
	CodeNIK   = "privacy_nik"
	CodePhone = "privacy_phone"
)

// Bilingual messages: Bahasa Indonesia first, English second.
const (
	MessageNIK = "Tidak boleh memuat nomor 16 digit seperti NIK atau nomor KK: identitas orang dilarang disimpan (UU 27/2022). / " +
		"Must not contain a 16-digit number such as a NIK or family-card number: personal identifiers may not be stored."
	MessagePhone = "Tidak boleh memuat nomor telepon: identitas orang dilarang disimpan (UU 27/2022). / " +
		"Must not contain a phone number: personal identifiers may not be stored."
)

// CheckText returns the privacy violation in s, or nil.
func CheckText(s string) validation.Error {
	if nikRe.MatchString(s) {
		return validation.NewError(CodeNIK, MessageNIK)
	}
	if phoneRe.MatchString(s) {
		return validation.NewError(CodePhone, MessagePhone)
	}
	return nil
}

// GuardedCollections are the collections whose free text is checked.
var GuardedCollections = map[string]bool{
	catalog.Activities:      true,
	catalog.OutreachLogs:    true,
	catalog.VillagePrograms: true,
	catalog.CaseAggregates:  true,
	catalog.RadAchievements: true,
	catalog.RadIndicators:   true,
}

// CheckRecord checks every free-text field of rec (text, editor, URL and the
// strings inside JSON fields) and returns one error per offending field.
func CheckRecord(rec *core.Record) validation.Errors {
	errs := validation.Errors{}
	for _, f := range rec.Collection().Fields {
		name := f.GetName()
		if name == "id" {
			continue
		}
		switch f.Type() {
		case core.FieldTypeText, core.FieldTypeEditor, core.FieldTypeURL:
			if err := CheckText(rec.GetString(name)); err != nil {
				errs[name] = err
			}
		case core.FieldTypeJSON:
			raw, _ := json.Marshal(rec.Get(name))
			if err := checkJSON(raw); err != nil {
				errs[name] = err
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// A sha256 digest in hex (photo hashes, issue 5) is a machine value, not
// text a person wrote; about one random digest in 150 holds a run of digits
// that would otherwise be refused as a NIK or a phone number.
var digestRe = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

func checkJSON(raw []byte) validation.Error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil
	}
	var walk func(v any) validation.Error
	walk = func(v any) validation.Error {
		switch t := v.(type) {
		case string:
			if digestRe.MatchString(t) {
				return nil
			}
			return CheckText(t)
		case []any:
			for _, x := range t {
				if err := walk(x); err != nil {
					return err
				}
			}
		case map[string]any:
			for k, x := range t {
				if digestRe.MatchString(k) {
					// a digest key, checked like a digest value
				} else if err := CheckText(k); err != nil {
					return err
				}
				if err := walk(x); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(v)
}

// Masked stands in for an identifier Redact takes out.
const Masked = "[disamarkan]"

// Redact replaces every NIK-like and phone number CheckText would refuse
// with Masked. It is for text the server keeps without refusing it, such as
// the search a person typed into a list filter, written to the audit trail.
func Redact(s string) string {
	for _, re := range []*regexp.Regexp{nikRe, phoneRe} {
		// a match takes the character after it, so numbers side by side
		// need more than one pass; each pass removes one
		for range 1000 {
			m := re.FindStringSubmatchIndex(s)
			if m == nil {
				break
			}
			s = s[:m[2]] + Masked + s[m[3]:]
		}
	}
	return s
}
