package vocab

import (
	"encoding/json"
	"errors"
	"slices"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/catalog"
	"jangkau/internal/wiring"
)

// errNeverDeleted refuses any delete of a vocabulary entry, on every path.
//
//lint:ignore ST1005 a bilingual sentence for people, until model-hook errors get the one error shape (issue 14)
var errNeverDeleted = errors.New("Kode kosakata tidak pernah dihapus, hanya dinonaktifkan. / Vocabulary codes are never deleted, only retired.")

var (
	errUnknownKind = validation.NewError("unknown_kind",
		"Jenis daftar tidak dikenal. / Unknown kind of list.")
	errLocked = validation.NewError("code_locked",
		"Kode dan jenis daftar tidak boleh diubah (catatan lama memakainya); tambahkan kode baru. / A code and its list never change (old records use it); add a new code.")
)

// Register binds the vocabularies' hooks to app: the check of every
// bound record write (all paths save through these model hooks), the rules
// of the vocabularies' own writes, the cache invalidation, and, when the
// server starts, the built-in codes a release adds.
func Register(app core.App) {
	model := func(id string, fn func(*core.RecordEvent) error) *hook.Handler[*core.RecordEvent] {
		return &hook.Handler[*core.RecordEvent]{Id: id, Priority: wiring.ModelCheck, Func: fn}
	}
	check := func(e *core.RecordEvent) error {
		errs, err := Check(e.App, e.Record)
		if err != nil {
			return err
		}
		if errs != nil {
			return errs
		}
		return e.Next()
	}
	app.OnRecordCreate(BoundCollections()...).Bind(model("jangkau.vocab.check", check))
	app.OnRecordUpdate(BoundCollections()...).Bind(model("jangkau.vocab.check", check))

	app.OnRecordCreate(catalog.Vocabularies).Bind(model("jangkau.vocab.kind", func(e *core.RecordEvent) error {
		if !IsKind(e.Record.GetString("kind")) {
			return validation.Errors{"kind": errUnknownKind}
		}
		return e.Next()
	}))
	app.OnRecordUpdate(catalog.Vocabularies).Bind(model("jangkau.vocab.locked", func(e *core.RecordEvent) error {
		o := e.Record.Original()
		for _, f := range []string{"kind", "code"} {
			if e.Record.GetString(f) != o.GetString(f) {
				return validation.Errors{f: errLocked}
			}
		}
		return e.Next()
	}))
	app.OnRecordDelete(catalog.Vocabularies).Bind(model("jangkau.vocab.neverDeleted", func(e *core.RecordEvent) error {
		return errNeverDeleted
	}))

	// A change reaches every later lookup: the cache is dropped after the
	// commit (and after a failed write, whose transaction may have loaded
	// it), and the coded fields' lists of choices follow.
	changed := func(e *core.RecordEvent) error {
		Invalidate(e.App)
		if err := SyncSchema(e.App); err != nil {
			e.App.Logger().Error("vocabularies: choices of the coded fields not updated", "error", err)
		}
		return e.Next()
	}
	failed := func(e *core.RecordErrorEvent) error {
		Invalidate(e.App)
		return e.Next()
	}
	after := func(fn func(*core.RecordEvent) error) *hook.Handler[*core.RecordEvent] {
		return &hook.Handler[*core.RecordEvent]{Id: "jangkau.vocab.changed", Func: fn}
	}
	afterErr := &hook.Handler[*core.RecordErrorEvent]{Id: "jangkau.vocab.failed", Func: failed}
	app.OnRecordAfterCreateSuccess(catalog.Vocabularies).Bind(after(changed))
	app.OnRecordAfterUpdateSuccess(catalog.Vocabularies).Bind(after(changed))
	app.OnRecordAfterCreateError(catalog.Vocabularies).Bind(afterErr)
	app.OnRecordAfterUpdateError(catalog.Vocabularies).Bind(afterErr)

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.vocab.builtins", Priority: wiring.ServeBind, Func: func(e *core.ServeEvent) error {
		// serve has run the migrations; codes this release's catalogue
		// has and the database lacks are added now.
		if _, err := EnsureBuiltins(e.App, Builtins()); err != nil {
			return err
		}
		return e.Next()
	}})
}

// Builtin is a code the software ships, with its labels.
type Builtin struct {
	Kind, Code, LabelID, LabelEN string
}

// Builtins are the codes of this release's catalogue (catalog's lists and
// labels.json), kind by kind, in order.
func Builtins() []Builtin {
	var out []Builtin
	all := catalog.AllLabels()
	for _, kind := range catalog.VocabularyKinds {
		for _, code := range catalog.LabelGroups[kind] {
			l := all[kind][code]
			out = append(out, Builtin{kind, code, l.ID, l.EN})
		}
	}
	return out
}

// EnsureBuiltins inserts the built-in codes the database lacks, active and
// after the kind's last entry; an entry that exists is left as the
// secretariat keeps it (labels, order, active flag). It returns how many it
// added, and brings the coded fields' choices in step.
func EnsureBuiltins(app core.App, builtins []Builtin) (int, error) {
	added := 0
	err := app.RunInTransaction(func(tx core.App) error {
		entries, err := stored(tx)
		if err != nil {
			return err
		}
		set := newSet(entries)
		col, err := tx.FindCollectionByNameOrId(catalog.Vocabularies)
		if err != nil {
			return err
		}
		last := map[string]int{}
		for _, kind := range catalog.VocabularyKinds {
			for _, e := range set.Entries(kind) {
				last[kind] = max(last[kind], e.Order)
			}
		}
		for _, b := range builtins {
			if _, ok := set.Lookup(b.Kind, b.Code); ok {
				continue
			}
			last[b.Kind] += 10
			r := core.NewRecord(col)
			r.Load(map[string]any{"kind": b.Kind, "code": b.Code, "label_id": b.LabelID, "label_en": b.LabelEN,
				"order": last[b.Kind], "active": true})
			if err := tx.Save(r); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	Invalidate(app)
	return added, SyncSchema(app)
}

// SyncSchema makes each coded select field accept every code of its
// vocabulary (PocketBase checks a select's value against its list on every
// path; retired codes stay, since old records hold them): codes are added,
// never removed. The list is written to the collection's stored schema
// directly, not through a collection save, which would rebuild every index
// of the table (minutes on a large store) for a change that touches no
// column.
func SyncSchema(app core.App) error {
	set, err := Load(app)
	if err != nil {
		return err
	}
	publish(set)
	changed := false
	for _, name := range BoundCollections() {
		col, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return err
		}
		dirty := false
		for field, b := range fieldKinds[name] {
			f, ok := col.Fields.GetByName(field).(*core.SelectField)
			if !ok || b.keys {
				continue
			}
			for _, e := range set.Entries(b.kind) {
				if !slices.Contains(f.Values, e.Code) {
					f.Values = append(f.Values, e.Code)
					dirty = true
				}
			}
			if f.MaxSelect > 1 && f.MaxSelect < len(f.Values) {
				f.MaxSelect = len(f.Values)
				dirty = true
			}
		}
		if !dirty {
			continue
		}
		raw, err := json.Marshal(col.Fields)
		if err != nil {
			return err
		}
		if _, err := app.DB().NewQuery(`UPDATE _collections SET fields = {:f} WHERE id = {:id}`).
			Bind(map[string]any{"f": string(raw), "id": col.Id}).Execute(); err != nil {
			return err
		}
		changed = true
	}
	if changed {
		return app.ReloadCachedCollections()
	}
	return nil
}
