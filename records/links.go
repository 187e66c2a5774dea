package records

import (
	"encoding/json"
	"net/url"
	"strings"
	"unicode"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// FieldEvidenceLinks is the JSON list of web addresses of a RAD achievement.
const FieldEvidenceLinks = "evidence_links"

// MaxLinkLength is the longest evidence link accepted.
const MaxLinkLength = 2000

var errEvidenceLinks = validation.NewError("invalid_links",
	"evidence_links harus berupa daftar JSON alamat web (mis. [\"https://contoh.go.id/notulen.pdf\"]). / "+
		"evidence_links must be a JSON list of web addresses (e.g. [\"https://example.go.id/minutes.pdf\"]).")

var errEvidenceURL = validation.NewError("invalid_url",
	"Setiap tautan di evidence_links harus alamat http:// atau https:// lengkap, tanpa spasi, paling banyak 2000 karakter; "+
		"javascript:, data: dan skema lain ditolak. / "+
		"Every link in evidence_links must be a full http:// or https:// address without spaces, at most 2000 characters; "+
		"javascript:, data: and other schemes are refused.")

// CheckEvidenceLinks refuses evidence links that are not a list of plain
// web addresses: a link is shown as a link in the console and in reports,
// and a javascript: or data: address there runs in the reader's browser.
// On an update the links are checked only when they change.
func CheckEvidenceLinks(rec *core.Record) validation.Errors {
	f := rec.Collection().Fields.GetByName(FieldEvidenceLinks)
	if f == nil {
		return nil
	}
	raw := rec.GetString(FieldEvidenceLinks)
	if !rec.IsNew() && raw == rec.Original().GetString(FieldEvidenceLinks) {
		return nil
	}
	if raw == "" || raw == "null" {
		return nil
	}
	var links []any
	if err := json.Unmarshal([]byte(raw), &links); err != nil {
		return validation.Errors{FieldEvidenceLinks: errEvidenceLinks}
	}
	for _, l := range links {
		s, ok := l.(string)
		if !ok {
			return validation.Errors{FieldEvidenceLinks: errEvidenceLinks}
		}
		if !WebAddress(s) {
			return validation.Errors{FieldEvidenceLinks: errEvidenceURL}
		}
	}
	return nil
}

// WebAddress reports whether s is an absolute http or https address with a
// host, no user name or password, and no spaces or control characters.
func WebAddress(s string) bool {
	if s == "" || len(s) > MaxLinkLength || strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
	}) >= 0 {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.User != nil || u.Hostname() == "" {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}
