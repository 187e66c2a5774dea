package vocab

import (
	"encoding/json"
	"fmt"
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/list"

	"jangkau/catalog"
)

// Error codes of a value refused by the vocabularies.
const (
	CodeUnknown = "unknown_code"
	CodeRetired = "retired_code"
)

// Check refuses, field by field, a code its vocabulary does not hold, and a
// retired code the write newly sets: a retired code stays valid on the
// records that already carry it (an edit that keeps it passes), and no new
// record or change may take it.
func Check(app core.App, rec *core.Record) (validation.Errors, error) {
	fields := fieldKinds[rec.Collection().Name]
	if len(fields) == 0 {
		return nil, nil
	}
	set, err := For(app)
	if err != nil {
		return nil, err
	}
	errs := validation.Errors{}
	for field, b := range fields {
		if rec.Collection().Fields.GetByName(field) == nil {
			continue
		}
		had := map[string]bool{}
		if !rec.IsNew() {
			for _, c := range codesOf(rec.Original().GetRaw(field), b.keys) {
				had[c] = true
			}
		}
		if err := set.checkCodes(b.kind, codesOf(rec.GetRaw(field), b.keys), had); err != nil {
			errs[field] = err
		}
	}
	if len(errs) == 0 {
		return nil, nil
	}
	return errs, nil
}

// CheckCodes refuses the first of codes that kind does not hold, or that is
// retired and not in had (the codes the value held before the write): the
// check of Check, for codes a record keeps inside a field of its own (a RAD
// rule's filters). nil when every code passes.
func CheckCodes(app core.App, kind string, codes []string, had map[string]bool) (validation.Error, error) {
	set, err := For(app)
	if err != nil {
		return nil, err
	}
	return set.checkCodes(kind, codes, had), nil
}

func (set *Set) checkCodes(kind string, codes []string, had map[string]bool) validation.Error {
	for _, code := range codes {
		e, ok := set.Lookup(kind, code)
		switch {
		case !ok:
			return validation.NewError(CodeUnknown, fmt.Sprintf(
				"Kode %q tidak ada dalam daftar %s. / Code %q is not in the list of %s.",
				code, catalog.LabelOf("vocabulary_kinds", kind, "id"), code, catalog.LabelOf("vocabulary_kinds", kind, "en")))
		case !e.Active && !had[code]:
			return validation.NewError(CodeRetired, fmt.Sprintf(
				"Pilihan %q sudah tidak dipakai; pilih yang lain. / The choice %q is retired; pick another.",
				e.LabelID, e.LabelEN))
		}
	}
	return nil
}

// codesOf reads the codes a field value holds: a code, a list of codes, or
// (keys) the keys of a JSON object.
func codesOf(v any, keys bool) []string {
	if !keys {
		out := list.ToUniqueStringSlice(v)
		return slices.DeleteFunc(out, func(s string) bool { return s == "" })
	}
	var m map[string]any
	switch x := v.(type) {
	case map[string]any:
		m = x
	case string:
		_ = json.Unmarshal([]byte(x), &m)
	case []byte:
		_ = json.Unmarshal(x, &m)
	default:
		if raw, err := json.Marshal(x); err == nil {
			_ = json.Unmarshal(raw, &m)
		}
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
