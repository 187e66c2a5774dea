// Package jsonenc writes JSON string literals into byte slices, for the
// encoders that build JSON by hand where encoding/json costs more than the
// data: the sync answers and the audit trail's changes.
package jsonenc

import "unicode/utf8"

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string literal: quotes, backslashes
// and control characters escaped (RFC 8259), invalid UTF-8 replaced by
// U+FFFD. With likeMarshal it writes exactly what encoding/json's Marshal
// writes: also <, > and & escaped (HTML-safe), U+2028 and U+2029 escaped,
// \b and \f in their short forms, and the replacement character itself
// rather than its escape.
func AppendString(buf []byte, s string, likeMarshal bool) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!likeMarshal || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch {
			case c == '"' || c == '\\':
				buf = append(buf, '\\', c)
			case c == '\n':
				buf = append(buf, '\\', 'n')
			case c == '\r':
				buf = append(buf, '\\', 'r')
			case c == '\t':
				buf = append(buf, '\\', 't')
			case c == '\b' && likeMarshal:
				buf = append(buf, '\\', 'b')
			case c == '\f' && likeMarshal:
				buf = append(buf, '\\', 'f')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, s[start:i]...)
			if likeMarshal {
				buf = append(buf, "\ufffd"...)
			} else {
				buf = append(buf, `\ufffd`...)
			}
			start = i + size
		case likeMarshal && (r == '\u2028' || r == '\u2029'):
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			start = i + size
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}
