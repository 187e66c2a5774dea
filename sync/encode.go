package sync

import (
	"database/sql"
	"encoding/json"
	"strconv"
	"unicode/utf8"

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

// appendMembers appends `"name":value,...` (no braces) for one row.
func (enc *rowEncoder) appendMembers(buf []byte, vals []sql.NullString) []byte {
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
			s := v.String
			if !v.Valid || s == "" {
				if _, isJSON := f.(*core.JSONField); isJSON {
					s = "null"
				} else {
					s = "[]"
				}
			}
			if enc.flavor == Watermelon {
				buf = appendJSONString(buf, s)
			} else if json.Valid([]byte(s)) {
				buf = append(buf, s...)
			} else {
				buf = append(buf, "null"...)
			}
		case f.Type() == core.FieldTypeNumber:
			n, err := strconv.ParseFloat(v.String, 64)
			if err != nil {
				n = 0
			}
			buf = strconv.AppendFloat(buf, n, 'f', -1, 64)
		case f.Type() == core.FieldTypeBool:
			buf = strconv.AppendBool(buf, v.String == "1" || v.String == "true")
		default:
			buf = appendJSONString(buf, v.String)
		}
	}
	return buf
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal (RFC 8259 escaping;
// invalid UTF-8 becomes U+FFFD).
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
