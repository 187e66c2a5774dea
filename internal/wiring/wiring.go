// Package wiring holds what the capability packages share when they bind
// their hooks: the priorities that order handlers of different packages on
// one event, and the write transaction of execute hooks.
//
// PocketBase runs the handlers of an event by ascending priority (equal
// priorities in the order they were bound); for execute hooks the first
// one wraps the rest. hooks/testdata/order.golden lists every handler
// Jangkau binds, with its id and priority, in the order it runs.
package wiring

import (
	"context"

	"github.com/pocketbase/pocketbase/core"
)

// Execute hooks (OnRecordCreateExecute, OnRecordUpdateExecute,
// OnRecordDeleteExecute): the first one wraps the others, so its
// transaction holds every later write.
const (
	ExecRefreshOriginal = -100 // hooks: Original() refreshed once all others compared
	ExecAuthCache       = -90  // hooks: cached accounts emptied around an account write
	ExecSyncFeed        = -80  // sync: the feed row in the write's transaction
	ExecSyncScope       = -70  // sync: a user's new scope position
	ExecAudit           = -60  // audit: the change's entry
	ExecReportStats     = -50  // reports: the aggregates
	ExecNotice          = -40  // notify: the in-app notice a save makes (a decision, an enrollment, a password)
)

// Model hooks (OnRecordCreate, OnRecordUpdate, OnRecordDelete): server-filled
// fields first, then the checks that read them, then what wraps the save.
const (
	ModelDerive = -30 // accounts: a user's regency, from its area
	ModelCheck  = -20 // records, areas, audit: scope, privacy, links, refusals
	ModelRevoke = -10 // devices: a user's phones revoked with its deactivation
	ModelPhotos = 10  // media: photos decoded only once every check passed
	ModelNotify = 20  // notify, accounts: what a save changes noted for after it (a review decision, an enrollment, a password)
)

// Validate hooks (OnRecordValidate), before PocketBase's own (99).
const (
	ValidatePush = 0 // sync: a push's records validated with the push's lookups, in PocketBase's place
)

// Request hooks (OnRecordCreateRequest, OnRecordUpdateRequest, OnRecordDeleteRequest).
const (
	RequestDeviceToken = -40 // devices: what a phone's token may never write, said first
	RequestCheck       = -30 // records, accounts: who may write which area, with which values
	RequestActor       = -20 // audit: who writes, for the entry
	RequestOwnPassword = -10 // accounts: the current password to change one's own
)

// Realtime messages and file downloads: refuse first, then record the read,
// so a refused message or file leaves no entry.
const (
	RealtimeGuard = -10 // devices: revoked device or deactivated account gets nothing
	RealtimeAudit = 0   // audit: the message is a view
	FileDevice    = -10 // devices: the device a file token was minted with
	FilePrivate   = -5  // media: photos are never kept by shared caches
	FileAudit     = 0   // audit: the download is a view
)

// Global router middlewares of priority above PocketBase's own (which are
// all negative): in this order, after authentication and rate limiting.
const (
	MiddlewareClientTime        = 10 // audit: X-Client-Time checked on every route
	MiddlewareAuditSQL          = 20 // audit: raw SQL may not touch the trail
	MiddlewareRetryAfter        = 30 // media: a 503 says when to come back
	MiddlewareStaleToken        = 35 // accounts: a token that is not valid is refused on the record API, not read as no sign-in
	MiddlewareRefuseDeactivated = 40 // accounts: a deactivated account is refused
	MiddlewareMustChange        = 50 // accounts: a one-time password refused until changed
)

// MiddlewareMetrics is the one global middleware before PocketBase's own:
// the request timer of /metrics, so that the time includes them all.
const MiddlewareMetrics = -2000

// MiddlewareBilingual is the next, also before PocketBase's own: every
// refusal, theirs included, leaves in the agreed bilingual shape (apierr).
const MiddlewareBilingual = -1999

// Serve hooks (OnServe): routes and middlewares, then the static files last.
const (
	ServeBind   = 0   // each package's routes and middlewares
	ServeStatic = 999 // main: the web apps, after every other route
)

// InTx runs fn in a transaction of *app with *app swapped for the
// transaction while fn runs, and restored afterwards (also after a panic):
// an execute hook calls e.Next() inside fn, so the record's own write and
// what the hook adds commit together or not at all.
//
//	return wiring.InTx(&e.App, func(tx core.App) error { ...; return e.Next() })
func InTx(app *core.App, fn func(tx core.App) error) error {
	original := *app
	defer func() { *app = original }()
	return original.RunInTransaction(func(tx core.App) error {
		*app = tx
		return fn(tx)
	})
}

type checkedAheadKey struct{}

// WithCheckedAhead returns ctx marking rec as a record whose model checks
// were made before its save by the code that saves it (sync's push makes
// them beside the one writer, where they cost it nothing). Saved with that
// context, the model hooks that honour CheckedAhead let it pass unchecked.
func WithCheckedAhead(ctx context.Context, rec *core.Record) context.Context {
	return context.WithValue(ctx, checkedAheadKey{}, rec)
}

// CheckedAhead reports whether e saves the very record its context marks
// as checked ahead (WithCheckedAhead): any other save is checked.
func CheckedAhead(e *core.RecordEvent) bool {
	if e.Context == nil {
		return false
	}
	rec, _ := e.Context.Value(checkedAheadKey{}).(*core.Record)
	return rec != nil && rec == e.Record
}
