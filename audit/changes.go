package audit

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/internal/jsonenc"
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

// appendJSONString quotes s as json.Marshal does.
func appendJSONString(buf []byte, s string) []byte { return jsonenc.AppendString(buf, s, true) }
