package audit

import (
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

// MaxClientTime is the longest client time stored (the client_time field's
// limit): an RFC 3339 time with nanoseconds and an offset has 35 characters.
const MaxClientTime = 40

// CodeClientTime is the error code of a client time that is not one.
const CodeClientTime = "invalid_client_time"

// ErrClientTime refuses a client time (the X-Client-Time header, or a sync
// mutation's clientTime) that is not an RFC 3339 timestamp of at most
// MaxClientTime characters.
var ErrClientTime = validation.NewError(CodeClientTime,
	"Waktu ponsel harus berupa waktu RFC 3339, paling banyak 40 karakter (mis. 2025-03-10T09:12:00+07:00). / "+
		"The client time must be an RFC 3339 timestamp of at most 40 characters (e.g. 2025-03-10T09:12:00+07:00).")

// clientTimeLayouts are the forms a client time may take: RFC 3339 with or
// without fractions of a second, and PocketBase's own form with a space.
var clientTimeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00"}

// CheckClientTime returns nil for "" (the client did not say) and for a
// timestamp clients may send, ErrClientTime otherwise. What it accepts is
// stored as sent: the audit trail keeps the phone's own clock, offset
// included.
func CheckClientTime(s string) validation.Error {
	if s == "" {
		return nil
	}
	if len(s) > MaxClientTime || strings.TrimSpace(s) != s {
		return ErrClientTime
	}
	for _, layout := range clientTimeLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			return nil
		}
	}
	return ErrClientTime
}
