package sync

import (
	"github.com/pocketbase/pocketbase/core"

	"jangkau/audit"
)

// auditPull writes the audit entry of a pull (action sync_pull) before its
// answer is written: how many records and deletes it sends, per
// collection, and the cursor range in note. A pull that sends nothing (a
// phone that is up to date) leaves no entry. A non-nil result is a 500 API
// error ready to return.
func auditPull(e *core.RequestEvent, collection string, records, deleted map[string]int, note map[string]any) error {
	n, d := 0, 0
	for _, v := range records {
		n += v
	}
	for _, v := range deleted {
		d += v
	}
	if n == 0 && d == 0 {
		quiet(e)
		return nil
	}
	note["records"], note["deleted"] = n, d
	if collection == "" {
		note["collections"] = records
	}
	return audit.Read(e, audit.Entry{Action: audit.ActionSyncPull, Collection: collection, Note: audit.Note(note)})
}

// skipSuccessLogKey is the request-store key that tells PocketBase's
// request logger to leave a successful request out of the request log
// (apis.SkipSuccessActivityLog sets it; TestSkipSuccessLogKey pins it).
const skipSuccessLogKey = "__skipSuccessActivityLogger"

// quiet leaves a successful pull that sends nothing out of PocketBase's
// request log: it is the most frequent request (an up-to-date phone
// polling), and the log is a write per request. Failures are still logged.
func quiet(e *core.RequestEvent) { e.Set(skipSuccessLogKey, true) }

// countChanges counts, per collection, the records and the deletes of a page.
func countChanges(changes []Change) (records, deleted map[string]int) {
	records, deleted = map[string]int{}, map[string]int{}
	for _, c := range changes {
		if c.Deleted {
			deleted[c.Collection]++
		} else {
			records[c.Collection]++
		}
	}
	return records, deleted
}

// Count adds to records and deleted, per collection, how many records and
// deletes of the snapshot in scope come after the cursor: what paging from
// there sends, read before the first byte of a streamed answer. (A
// tombstone that a later row of the same record replaces within one page is
// counted but not sent: a record moved between two villages of the
// caller's regency.)
func (r *Reader) Count(scope Scope, after int64, collections []string, records, deleted map[string]int) error {
	if len(collections) == 0 {
		return nil
	}
	return r.countRows(scope, after, collections, records, deleted)
}
