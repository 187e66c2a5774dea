package audit

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/tools/types"
)

// marshalChanges is json.Marshal of an entry's changes, byte for byte,
// for the values records hold (text, numbers, flags, lists of text, dates, JSON;
// anything else goes through json.Marshal): every synced write stores one,
// and json.Marshal spent ~40 µs on a created activity's, the most of any
// step of the audit entry. TestChangesMarshalAsJSONDoes compares both.
func marshalChanges(changes map[string][2]any) ([]byte, error) {
	keys := make([]string, 0, len(changes))
	for k := range changes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	buf := make([]byte, 0, 64*len(keys)+2)
	buf = append(buf, '{')
	for i, k := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, k)
		buf = append(buf, ':', '[')
		pair := changes[k]
		var ok bool
		if buf, ok = appendValue(buf, pair[0]); !ok {
			return json.Marshal(changes)
		}
		buf = append(buf, ',')
		if buf, ok = appendValue(buf, pair[1]); !ok {
			return json.Marshal(changes)
		}
		buf = append(buf, ']')
	}
	return append(buf, '}'), nil
}

// appendValue appends v as json.Marshal writes it, or reports false for a
// kind of value it leaves to json.Marshal.
func appendValue(buf []byte, v any) ([]byte, bool) {
	switch t := v.(type) {
	case nil:
		return append(buf, "null"...), true
	case string:
		return appendJSONString(buf, t), true
	case bool:
		return strconv.AppendBool(buf, t), true
	case float64:
		return appendJSONFloat(buf, t)
	case int:
		return strconv.AppendInt(buf, int64(t), 10), true
	case []string:
		if t == nil {
			return append(buf, "null"...), true
		}
		buf = append(buf, '[')
		for i, s := range t {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, s)
		}
		return append(buf, ']'), true
	case types.DateTime:
		return appendJSONString(buf, t.String()), true
	case types.JSONRaw:
		if len(t) == 0 {
			return append(buf, "null"...), true
		}
		// json.Marshal compacts a Marshaler's output and escapes HTML in it
		out := bytes.NewBuffer(buf)
		if json.Compact(out, t) != nil || bytes.ContainsAny(out.Bytes()[len(buf):], "<>&\u2028\u2029") {
			return buf, false
		}
		return out.Bytes(), true
	}
	return buf, false
}

// appendJSONFloat formats f as encoding/json does (ES6 number format).
func appendJSONFloat(buf []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return buf, false // json.Marshal's error
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if format == 'e' { // e-09 to e-9
		if n := len(buf); n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}
	return buf, true
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as json.Marshal does: HTML-safe (<, >, &
// escaped), U+2028 and U+2029 escaped, invalid UTF-8 replaced.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch b {
			case '"', '\\':
				buf = append(buf, '\\', b)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, "\ufffd"...) // the replacement rune itself
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
