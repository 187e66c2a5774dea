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
		for _, code := range codesOf(rec.GetRaw(field), b.keys) {
			e, ok := set.Lookup(b.kind, code)
			switch {
			case !ok:
				errs[field] = validation.NewError(CodeUnknown, fmt.Sprintf(
					"Kode %q tidak ada dalam daftar %s. / Code %q is not in the list of %s.",
					code, catalog.LabelOf("vocabulary_kinds", b.kind, "id"), code, catalog.LabelOf("vocabulary_kinds", b.kind, "en")))
			case !e.Active && !had[code]:
				errs[field] = validation.NewError(CodeRetired, fmt.Sprintf(
					"Pilihan %q sudah tidak dipakai; pilih yang lain. / The choice %q is retired; pick another.",
					e.LabelID, e.LabelEN))
			}
			if errs[field] != nil {
				break
			}
		}
	}
	if len(errs) == 0 {
		return nil, nil
	}
	return errs, nil
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
