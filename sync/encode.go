package sync

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/internal/jsonenc"
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

// rowEncoder writes table rows of one collection as JSON object members,
// straight from the SQL values: a full download moves hundreds of thousands
// of rows, and maps plus reflection would cost most of the time.
type rowEncoder struct {
	names  []string     // the JSON key of each column, pre-quoted, with colon
	fields []core.Field // nil for columns that are not sent
	flavor Flavor
}

func newRowEncoder(col *core.Collection, columns []string, flavor Flavor) *rowEncoder {
	enc := &rowEncoder{names: make([]string, len(columns)), fields: make([]core.Field, len(columns)), flavor: flavor}
	for i, c := range columns {
		f := col.Fields.GetByName(c)
		if f == nil || f.GetHidden() {
			continue
		}
		enc.fields[i] = f
		enc.names[i] = string(appendJSONString(nil, c)) + ":"
	}
	return enc
}

// appendMembers appends `"name":value,...` (no braces) for one row, from
// the values the SQLite driver returns (nil, int64, float64, string or
// []byte): a number is written from the stored number, not through text.
func (enc *rowEncoder) appendMembers(buf []byte, vals []any) []byte {
	first := true
	for i, f := range enc.fields {
		if f == nil {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, enc.names[i]...)
		v := vals[i]
		switch {
		case isMulti(f):
			s := text(v)
			if s == "" {
				if _, isJSON := f.(*core.JSONField); isJSON {
					s = "null"
				} else {
					s = "[]"
				}
			}
			if enc.flavor == Watermelon {
				buf = appendJSONString(buf, s)
			} else if validJSON(s) {
				buf = append(buf, s...)
			} else {
				buf = append(buf, "null"...)
			}
		case f.Type() == core.FieldTypeNumber:
			switch n := v.(type) {
			case int64:
				if n > -1<<53 && n < 1<<53 {
					buf = strconv.AppendInt(buf, n, 10)
				} else {
					buf = strconv.AppendFloat(buf, float64(n), 'f', -1, 64)
				}
			case float64:
				buf = strconv.AppendFloat(buf, n, 'f', -1, 64)
			default:
				x, err := strconv.ParseFloat(text(v), 64)
				if err != nil {
					x = 0
				}
				buf = strconv.AppendFloat(buf, x, 'f', -1, 64)
			}
		case f.Type() == core.FieldTypeBool:
			switch b := v.(type) {
			case int64:
				buf = strconv.AppendBool(buf, b == 1)
			default:
				s := text(v)
				buf = strconv.AppendBool(buf, s == "1" || s == "true")
			}
		default:
			buf = appendJSONString(buf, text(v))
		}
	}
	return buf
}

// text is a stored value as text ("" for NULL), as database/sql would
// convert it to a string.
func text(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case []byte:
		return string(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case float64:
		return strconv.FormatFloat(t, 'g', -1, 64)
	case bool:
		if t {
			return "1"
		}
		return "0"
	case time.Time:
		return t.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// validJSON reports whether s is JSON. The stored lists are mostly arrays
// of plain strings, checked here without a decoder; anything else goes to
// encoding/json.
func validJSON(s string) bool {
	if len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' {
		if simpleStringArray(s) {
			return true
		}
	}
	return json.Valid([]byte(s))
}

// simpleStringArray reports whether s is `[]` or `["a","b",...]` with
// strings of printable ASCII without quotes or backslashes (no spaces
// between items).
func simpleStringArray(s string) bool {
	body := s[1 : len(s)-1]
	if body == "" {
		return true
	}
	for len(body) > 0 {
		if body[0] != '"' {
			return false
		}
		i := 1
		for i < len(body) && body[i] != '"' {
			c := body[i]
			if c < 0x20 || c >= 0x7f || c == '\\' {
				return false
			}
			i++
		}
		if i == len(body) {
			return false
		}
		body = body[i+1:]
		if len(body) == 0 {
			return true
		}
		if body[0] != ',' || len(body) == 1 {
			return false
		}
		body = body[1:]
	}
	return false
}

// appendJSONString appends s as a JSON string literal (RFC 8259 escaping;
// invalid UTF-8 becomes U+FFFD).
func appendJSONString(buf []byte, s string) []byte { return jsonenc.AppendString(buf, s, false) }
