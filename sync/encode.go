package sync

import (
	"encoding/json"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Flavor is how a protocol wants field values.
type Flavor int

const (
	// Native and RxDB documents carry arrays and objects as JSON.
	Native Flavor = iota
	// Watermelon columns hold only strings, numbers and booleans: arrays and
	// objects travel as JSON-encoded strings.
	Watermelon
)

// isMulti reports whether a field holds a list or an object.
func isMulti(f core.Field) bool {
	switch ff := f.(type) {
	case *core.SelectField:
		return ff.IsMultiple()
	case *core.RelationField:
		return ff.IsMultiple()
	case *core.FileField:
		return ff.IsMultiple()
	case *core.JSONField:
		return true
	}
	return false
}

// encodeRow turns a raw table row into a document of the flavor.
func encodeRow(col *core.Collection, row dbx.NullStringMap, flavor Flavor) map[string]any {
	doc := make(map[string]any, len(col.Fields))
	for _, f := range col.Fields {
		name := f.GetName()
		if f.GetHidden() {
			continue
		}
		raw := row[name]
		switch {
		case isMulti(f):
			s := raw.String
			if !raw.Valid || s == "" {
				if _, isJSON := f.(*core.JSONField); isJSON {
					s = "null"
				} else {
					s = "[]"
				}
			}
			if flavor == Watermelon {
				doc[name] = s
			} else {
				doc[name] = json.RawMessage(s)
			}
		case f.Type() == core.FieldTypeNumber:
			n, _ := strconv.ParseFloat(raw.String, 64)
			doc[name] = n
		case f.Type() == core.FieldTypeBool:
			doc[name] = raw.String == "1" || raw.String == "true"
		default:
			doc[name] = raw.String
		}
	}
	return doc
}
