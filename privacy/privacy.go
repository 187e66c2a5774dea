// Package privacy keeps what the law protects out of Jangkau: it refuses free
// text that carries personal identifiers (UU 27/2022, UU 21/2007 Pasal 44,
// UU 35/2014 Pasal 17) and hides small case counts below province level,
// with the counts beside them that would give them away (suppress.go).
package privacy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"math/big"
	"regexp"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	"jangkau/internal/recfield"
	"jangkau/media"
)

// The guard refuses a NIK or family-card number (16 digits, however they
// are grouped), an Indonesian mobile number (08.., 628.., +62 8..,
// 0062 8..) and a passport number the text names as one ("paspor
// C1234567"), however they are written: detect.go normalises the text
// first (Unicode digits, full-width forms, invisible characters, O and l
// for 0 and 1) and reads digit groups across separators.

// Error codes of the guard; clients may key translations on them.
const (
	CodeNIK      = "privacy_nik"
	CodePhone    = "privacy_phone"
	CodePassport = "privacy_passport"
)

// Bilingual messages: Bahasa Indonesia first, English second.
const (
	MessageNIK = "Tidak boleh memuat nomor 16 digit seperti NIK atau nomor KK: identitas orang dilarang disimpan (UU 27/2022). / " +
		"Must not contain a 16-digit number such as a NIK or family-card number: personal identifiers may not be stored."
	MessagePhone = "Tidak boleh memuat nomor telepon: identitas orang dilarang disimpan (UU 27/2022). / " +
		"Must not contain a phone number: personal identifiers may not be stored."
	MessagePassport = "Tidak boleh memuat nomor paspor: identitas orang dilarang disimpan (UU 27/2022). / " +
		"Must not contain a passport number: personal identifiers may not be stored."
)

// CheckText returns the privacy violation in s, or nil.
func CheckText(s string) validation.Error {
	if !mightHoldNumber(s) {
		return nil
	}
	return withUnits(s, func(units []unit) validation.Error {
		var phone, passport bool
		for _, f := range find(units) {
			switch f.code {
			case CodeNIK:
				return errNIK
			case CodePhone:
				phone = true
			default:
				passport = true
			}
		}
		switch {
		case phone:
			return errPhone
		case passport:
			return errPassport
		}
		return nil
	})
}

var (
	errNIK      = validation.NewError(CodeNIK, MessageNIK)
	errPhone    = validation.NewError(CodePhone, MessagePhone)
	errPassport = validation.NewError(CodePassport, MessagePassport)
)

// GuardedCollections are the collections whose free text is checked.
var GuardedCollections = map[string]bool{
	catalog.Activities:      true,
	catalog.OutreachLogs:    true,
	catalog.VillagePrograms: true,
	catalog.CaseAggregates:  true,
	catalog.RadAchievements: true,
	catalog.RadIndicators:   true,
}

// GuardedFields are the collections other than GuardedCollections whose
// text is checked, with the fields a person or a client fills: the rest
// are machine values (ids, hashes, the server's stamps) or, for an
// account, its owner's own work phone.
var GuardedFields = map[string][]string{
	catalog.Users:        {"name", "position", "agency"},
	catalog.Devices:      {"client_id", "name", "platform", "app_version"},
	catalog.Areas:        {"name", "local_term"},
	catalog.Vocabularies: {"label_id", "label_en"},
}

// Unguarded lists, with the reason, every text, editor, URL, email,
// password and JSON field the guard does not check, collection by
// collection ("*" for the whole collection). Every such field is either
// guarded (Guarded) or listed here: TestEveryTextFieldIsGuardedOrExempt
// (records) fails on a field added to the schema without a decision.
var Unguarded = map[string]map[string]string{
	core.CollectionNameSuperusers:    {"*": "PocketBase's own superuser accounts (the operator's email, password hash, token key)"},
	core.CollectionNameMFAs:          {"*": "PocketBase's own: multi-factor sessions (ids, method names)"},
	core.CollectionNameOTPs:          {"*": "PocketBase's own: one-time password hashes"},
	core.CollectionNameAuthOrigins:   {"*": "PocketBase's own: sign-in origins (fingerprints of devices)"},
	core.CollectionNameExternalAuths: {"*": "PocketBase's own: OAuth links (provider names and ids)"},
	catalog.AuditLog: {"*": "written by the server alone (raw SQL; nobody creates entries through the API): copies of values " +
		"the guard already checked, ids, hashes; a list filter's search text is redacted (Redact) before it is written"},
	catalog.DeviceKeys: {"*": "server-made signing secrets"},
	catalog.DeviceEnrollments: {"*": "server-made: ids, a hash of the short code, the role, area, regency and cluster " +
		"copied from the account (codes checked by the policy)"},
	catalog.NotifyKeys: {"*": "the server's VAPID key pair"},
	catalog.NotifySubscriptions: {"*": "the browser's push service's endpoint URL and keys (machine values, random " +
		"digits among them), the device id and the server's last error"},
	catalog.NotifyPrefs: {"*": "switch names checked against the known kinds and channels (unknown_switch)"},
	catalog.Notices: {"*": "written by the server from texts the guard already checked (record titles, names, " +
		"review notes) and fixed sentences"},
	catalog.Users: {"email": "the account's own sign-in address (the official's, not a victim's)",
		"phone":    "the official's own work number (pattern-checked), shown to colleagues on purpose",
		"tokenKey": "PocketBase's session key", "password": "a hash"},
	catalog.Devices: {"refresh_hash": "a hash of the device's refresh token",
		"revoked_by_superuser": "a superuser id", "enrolled_by_superuser": "a superuser id"},
	catalog.Areas:        {"id": "the BPS area code (pattern-checked)"},
	catalog.Vocabularies: {"kind": "a code (pattern ^[a-z][a-z0-9_]*$)", "code": "a code (pattern ^[a-z0-9][a-z0-9_]*$)"},
}

// Guarded reports whether CheckRecord checks field of the named collection.
func Guarded(collection, field string) bool {
	if field == "id" {
		return false
	}
	if GuardedCollections[collection] {
		return true
	}
	return contains(GuardedFields[collection], field)
}

// digestFields hold sha256 digests of photos (hex): only there is a
// string of exactly 64 hexadecimal characters a machine value rather than
// text (one random digest in about 150 holds a run of digits that reads as
// a NIK or a phone number). Their other strings are checked as text.
var digestFields = map[string]bool{media.FieldExpected: true, media.FieldPending: true, media.FieldHashes: true}

var digestRe = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// machineIDFields hold an identifier an app install chose for itself
// (devices.client_id): checked as one (CheckID), so that a canonical
// random UUID passes.
var machineIDFields = map[string]bool{"client_id": true}

// CheckRecord checks the free text of rec, one error per offending field:
// text, editor (without its markup) and URL fields, the strings, keys and
// numbers inside JSON fields, and number fields (a NIK typed as a number).
// Every field of GuardedCollections is checked, only the listed ones of
// GuardedFields. On an update only the fields that change are checked, so
// that a review or a server update of a record saved under an older guard
// is never blocked by a field nobody touched.
func CheckRecord(rec *core.Record) validation.Errors {
	var orig *core.Record
	if !rec.IsNew() {
		orig = rec.Original()
	}
	return checkFields(rec, orig)
}

// checkFields is CheckRecord: every guarded field of rec, or only those
// that differ from orig when it is not nil.
func checkFields(rec, orig *core.Record) validation.Errors {
	name := rec.Collection().Name
	if _, listed := GuardedFields[name]; !listed && !GuardedCollections[name] {
		return nil
	}
	errs := validation.Errors{}
	for _, f := range rec.Collection().Fields {
		field := f.GetName()
		if f.GetHidden() || !Guarded(name, field) {
			continue
		}
		check := checkerOf(f)
		if check == nil {
			continue
		}
		if orig != nil && fmt.Sprint(recfield.Value(orig, f)) == fmt.Sprint(recfield.Value(rec, f)) {
			continue
		}
		if err := check(rec, field); err != nil {
			errs[field] = err
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func checkerOf(f core.Field) func(*core.Record, string) validation.Error {
	switch f.Type() {
	case core.FieldTypeText, core.FieldTypeURL:
		if machineIDFields[f.GetName()] {
			return func(rec *core.Record, name string) validation.Error { return CheckID(name, recfield.String(rec, name)) }
		}
		return func(rec *core.Record, name string) validation.Error { return CheckText(recfield.String(rec, name)) }
	case core.FieldTypeEditor:
		return func(rec *core.Record, name string) validation.Error {
			return CheckText(plainText(recfield.String(rec, name)))
		}
	case core.FieldTypeNumber:
		return func(rec *core.Record, name string) validation.Error { return checkNumber(rec.GetFloat(name)) }
	case core.FieldTypeJSON:
		return func(rec *core.Record, name string) validation.Error {
			raw, _ := json.Marshal(recfield.Get(rec, name))
			return checkJSON(raw, digestFields[name])
		}
	}
	return nil
}

var tagRe = regexp.MustCompile(`<[^>]*>`)

// plainText is what an editor (HTML) field shows: markup between digits
// would otherwise split a number that reads as one.
func plainText(s string) string {
	return html.UnescapeString(tagRe.ReplaceAllString(s, ""))
}

// checkNumber refuses a whole number of 16 digits: a NIK typed into a
// number field. Phone-like numbers are left alone there (a budget in
// rupiah may have 13 digits).
func checkNumber(v float64) validation.Error {
	if v != math.Trunc(v) {
		return nil
	}
	if a := math.Abs(v); a >= 1e15 && a < 1e16 {
		return errNIK
	}
	return nil
}

// checkJSON checks every string, key and number in a JSON value; a number
// is read as the digits of its value, so that a NIK sent as a JSON number
// is refused like one sent as a string. In a digest field a sha256 hex
// digest is a machine value and passes.
func checkJSON(raw []byte, digests bool) validation.Error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	text := func(s string) validation.Error {
		if digests && digestRe.MatchString(s) {
			return nil
		}
		return CheckText(s)
	}
	var walk func(v any) validation.Error
	walk = func(v any) validation.Error {
		switch t := v.(type) {
		case string:
			return text(t)
		case json.Number:
			return CheckText(numberDigits(t))
		case []any:
			for _, x := range t {
				if err := walk(x); err != nil {
					return err
				}
			}
		case map[string]any:
			for k, x := range t {
				if err := text(k); err != nil {
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

// numberDigits writes a JSON number as the guard reads it: a whole number
// as its digits (1.801234567890001e15 as 1801234567890001), anything else
// as sent.
func numberDigits(n json.Number) string {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		return s
	}
	f, ok := new(big.Float).SetPrec(256).SetString(s)
	if !ok || !f.IsInt() || f.MantExp(nil) > 64 {
		return s
	}
	i, _ := f.Int(nil)
	return i.String()
}

// Masked stands in for an identifier Redact takes out.
const Masked = "[disamarkan]"

// Redact replaces every NIK-like and phone number CheckText would refuse
// with Masked. It is for text the server keeps without refusing it, such as
// the search a person typed into a list filter, written to the audit trail.
func Redact(s string) string {
	if !mightHoldNumber(s) {
		return s
	}
	return withUnits(s, func(units []unit) string {
		found := find(units)
		if len(found) == 0 {
			return s
		}
		var b strings.Builder
		at := 0
		for _, f := range found {
			start, end := int(units[f.from].start), int(units[f.to-1].end)
			if start < at {
				continue
			}
			b.WriteString(s[at:start])
			b.WriteString(Masked)
			at = end
		}
		b.WriteString(s[at:])
		return b.String()
	})
}
