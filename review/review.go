// Package review is the status machine of activities and outreach logs:
// villages draft and submit, the regency's verifier approves or returns with
// a note, the province may reopen an approved record with a reason, and an
// approved record is locked for everyone else.
package review

import (
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/access"
	"jangkau/catalog"
)

// Error codes clients can key on.
const (
	CodeLocked     = "locked"
	CodeTransition = "invalid_transition"
	CodeNoteNeeded = "note_required"
)

var (
	errLocked = validation.NewError(CodeLocked,
		"Catatan sudah disetujui dan terkunci. / The record is approved and locked.")
	errSubmittedLocked = validation.NewError(CodeLocked,
		"Catatan sedang diperiksa verifikator; tunggu hasilnya. / The record is under review; wait for the verifier.")
	errTransition = validation.NewError(CodeTransition,
		"Perubahan status ini tidak diizinkan untuk peran Anda. / This status change is not allowed for your role.")
	errNoteNeeded = validation.NewError(CodeNoteNeeded,
		"Tulis alasan pengembalian. / Write the reason for returning the record.")
)

// Check validates the status change of rec (new or updated) by the actor,
// and stamps the server-owned review fields. Superusers may make any change;
// they are audited like everyone else.
func Check(a access.Actor, rec *core.Record) validation.Errors {
	to := rec.GetString("status")
	if to == "" {
		to = catalog.StatusDraft
		rec.Set("status", to)
	}
	from := ""
	if !rec.IsNew() {
		from = rec.Original().GetString("status")
	}
	if a.Superuser {
		stamp(a, rec, from, to)
		return nil
	}
	if replay(a, rec, from, to) {
		return nil
	}
	// The status changes allowed come from the policy table (access.Table):
	// the term of the actor's grant that covers this write.
	moves, author := access.Moves(a, rec)
	if !slices.Contains(moves[from], to) {
		switch {
		case from == catalog.StatusApproved:
			return validation.Errors{"status": errLocked}
		case from == catalog.StatusSubmitted && author:
			return validation.Errors{"status": errSubmittedLocked}
		}
		return validation.Errors{"status": errTransition}
	}
	if to == catalog.StatusReturned && from != catalog.StatusReturned {
		note := strings.TrimSpace(rec.GetString("review_note"))
		if note == "" || note == strings.TrimSpace(rec.Original().GetString("review_note")) {
			return validation.Errors{"review_note": errNoteNeeded}
		}
	}
	stamp(a, rec, from, to)
	return nil
}

// replay reports whether the write is the decision the record holds, sent
// again by the reviewer who made it and changing nothing: a retry whose
// first answer was lost (the connection dropped, or the server stopped
// right after the commit). It succeeds as the first did, so that the
// retry gets the right answer rather than "locked"; it stamps nothing, and
// the audit trail, which skips an update without changes, has one entry.
func replay(a access.Actor, rec *core.Record, from, to string) bool {
	if rec.IsNew() || from != to || (to != catalog.StatusApproved && to != catalog.StatusReturned) {
		return false
	}
	return rec.GetString("reviewed_by") == reviewer(a) && len(access.ChangedFields(rec)) == 0
}

// stamp sets the review fields the server owns.
func stamp(a access.Actor, rec *core.Record, from, to string) {
	if from == to {
		return
	}
	now := types.NowDateTime()
	switch to {
	case catalog.StatusSubmitted:
		rec.Set("submitted_at", now)
	case catalog.StatusApproved, catalog.StatusReturned:
		if !a.Superuser || rec.GetString("reviewed_by") == "" {
			rec.Set("reviewed_by", reviewer(a))
		}
		rec.Set("reviewed_at", now)
	}
}

func reviewer(a access.Actor) string {
	if a.Superuser {
		return "" // superusers are not users; the audit log names them
	}
	return a.ID
}
