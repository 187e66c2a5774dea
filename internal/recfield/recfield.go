// Package recfield sets and reads a record's fields by name the way
// PocketBase's Record.Set and Record.Get do, at the cost of one field
// instead of all of them.
//
// Record.Set asks every field of the collection, in order, whether the
// key is its own (each answer builds the field's modifier spellings,
// "name+", "+name", "name-", as new strings); Record.Get asks every file
// field the same way. A sync push sets and reads tens of fields on each of
// hundreds of records inside its one write transaction, where that
// asking cost more than the row's INSERT. TestSetAndGetAreRecordsOwn
// compares both with PocketBase's on every field of every collection, so
// a PocketBase upgrade that changes how a key finds its field fails
// loudly.
package recfield

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/spf13/cast"
)

// Set stores value in rec's field name as rec.Set(name, value) would.
func Set(rec *core.Record, name string, value any) {
	f := rec.Collection().Fields.GetByName(name)
	if f == nil {
		rec.Set(name, value) // not a field: PocketBase keeps it as a custom key
		return
	}
	if sf, ok := f.(core.SetterFinder); ok {
		if setter := sf.FindSetter(name); setter != nil {
			setter(rec, value)
			return
		}
	}
	v, _ := f.PrepareValue(rec, value)
	rec.SetRaw(name, v)
}

// Get returns rec's value of field name as rec.Get(name) would.
func Get(rec *core.Record, name string) any {
	f := rec.Collection().Fields.GetByName(name)
	if f == nil {
		return rec.Get(name)
	}
	return Value(rec, f)
}

// Value returns rec's value of its field f as rec.Get(f.GetName()) would,
// for a caller already holding the field (one walking the fields).
func Value(rec *core.Record, f core.Field) any {
	name := f.GetName()
	if gf, ok := f.(core.GetterFinder); ok {
		if getter := gf.FindGetter(name); getter != nil {
			return getter(rec)
		}
	}
	return rec.GetRaw(name)
}

// String returns rec's value of field name as rec.GetString(name) would.
func String(rec *core.Record, name string) string {
	return cast.ToString(Get(rec, name))
}

// autodateLastKnownPrefix is the key under which PocketBase keeps, on a
// record, the value each autodate field had when last known
// (core.autodateLastKnownPrefix, unexported).
const autodateLastKnownPrefix = "@pbInternal_last_autodate_"

// New returns core.NewRecord(col), which PocketBase stamps at its insert
// as it stamps any new record, without copying it to do so.
//
// At the insert PocketBase stamps created and updated with the time when
// they still hold their last known value, which it reads from the copy
// Record.Original() makes of the whole record unless it is kept on the
// record: twice per create, the largest share of a push's allocations.
// New keeps it: both fields and their last known values hold the same
// time, so PocketBase finds them unchanged and stamps them, as it would
// have. TestNewIsStampedAtTheInsert pins the key: were it renamed,
// records would keep that time (a few milliseconds early) and the test
// fails.
func New(col *core.Collection) *core.Record {
	rec := core.NewRecord(col)
	keepAutodates(rec, types.NowDateTime())
	return rec
}

func keepAutodates(rec *core.Record, at types.DateTime) {
	for _, f := range rec.Collection().Fields {
		if a, ok := f.(*core.AutodateField); ok && a.OnCreate {
			rec.SetRaw(a.Name, at)
			rec.SetRaw(autodateLastKnownPrefix+a.Name, at)
		}
	}
}
