package audit

import (
	"encoding/json"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/privacy"
	"jangkau/txbatch"
)

// MessageReadNotRecorded is the error a read answers when its entry cannot
// be written: no entry, no data.
const MessageReadNotRecorded = "Akses ini tidak dapat dicatat di jejak audit, jadi data tidak dikirim. Coba lagi. / " +
	"This read could not be recorded in the audit trail, so no data was sent. Try again."

// Read records that the caller of e is about to be shown record data. Call
// it after every check has passed and before the first byte of the data is
// sent; the actor is the request's (ActorFromRequest) unless en names one.
// A non-nil result is a 500 API error ready to return: send nothing then.
func Read(e *core.RequestEvent, en Entry) error {
	if en.Actor == (Actor{}) {
		en.Actor = ActorFromRequest(e)
	}
	// durable before the caller sends anything: Run returns once the entry's
	// transaction has committed, shared with other requests' writes
	if err := txbatch.RunContext(e.Request.Context(), e.App, func(tx core.App) error { return Write(tx, en) }); err != nil {
		return e.InternalServerError(MessageReadNotRecorded, err)
	}
	return nil
}

// NoteHistory is the note of the view entry that reading a record's
// history (GET /api/audit/{collection}/{id}) leaves.
const NoteHistory = "history"

// MaxNoteValue is the most characters a text value of a read note keeps.
const MaxNoteValue = 500

// Note encodes the fields of a read entry's note as JSON. Empty strings are
// left out; text is cut to MaxNoteValue characters, and NIK-like and phone
// numbers in it (typed into a search, say) are masked: the trail must not
// become a store of the identifiers the records may not hold.
func Note(fields map[string]any) string {
	m := make(map[string]any, len(fields))
	for k, v := range fields {
		if s, ok := v.(string); ok {
			if s == "" {
				continue
			}
			if r := []rune(s); len(r) > MaxNoteValue {
				s = string(r[:MaxNoteValue]) + "…"
			}
			v = privacy.Redact(s)
		}
		m[k] = v
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return ""
	}
	return string(raw)
}
