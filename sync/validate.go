package sync

import (
	"context"
	"regexp"
	"strings"
	gosync "sync"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/list"

	"jangkau/internal/wiring"
	"jangkau/txbatch"
)

// validate checks rec as PocketBase's record validation does (each field's
// own ValidateValue, with the same error codes), except for the two checks
// that query the database: that related records exist, and that a new id
// is not taken (case-insensitively). A push makes those lookups once for
// all its records (Prepare, and a cache of related ids found), where
// PocketBase would make them once per record and field. It runs in
// PocketBase's place (bindValidation): after the model hooks, as on REST,
// so a record with several faults is refused for the same one. ahead: the
// fields that read no table were validated before the transaction
// (validateAhead) and are not again.
func (p *Pusher) validate(ctx context.Context, tx core.App, rec *core.Record, ahead bool) validation.Errors {
	errs := validation.Errors{}
	for _, f := range rec.Collection().Fields {
		var err error
		switch f := f.(type) {
		case *core.RelationField:
			err = p.validateRelation(tx, f, rec)
		case *core.TextField:
			if f.PrimaryKey && rec.IsNew() {
				err = validatePlainText(f, rec.Id)
				if err == nil && p.taken[rec.Collection().Name][strings.ToLower(rec.Id)] {
					err = validation.NewError(codePKInvalid, "The record primary key is invalid or already exists.")
				}
				break
			}
			if !ahead {
				err = f.ValidateValue(ctx, tx, rec)
			}
		default:
			if !ahead {
				err = f.ValidateValue(ctx, tx, rec)
			}
		}
		if err != nil {
			errs[f.GetName()] = err
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

type pushValidationKey struct{}

// pushValidation is what a push's save carries in its context for
// bindValidation: the record and the pusher that validates it.
type pushValidation struct {
	pusher *Pusher
	rec    *core.Record
	ahead  bool
}

// bindValidation makes a push's record validated by its pusher
// (validate) in place of PocketBase's own validation, which would query
// the database per record and field; any other save is left to PocketBase.
func bindValidation(app core.App) {
	app.OnRecordValidate(WritableCollections...).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.sync.validate", Priority: wiring.ValidatePush,
		Func: func(e *core.RecordEvent) error {
			v, _ := e.Context.Value(pushValidationKey{}).(*pushValidation)
			if v == nil || v.rec != e.Record {
				return e.Next()
			}
			if errs := v.pusher.validate(e.Context, txbatch.Of(e.Context, e.App), e.Record, v.ahead); errs != nil {
				return errs
			}
			return nil // validated: PocketBase's validation is not made again
		}})
}

// validateAhead makes the part of validate that reads no table (every
// field but the relations and a new record's id), for a record built
// outside the transaction (Prebuild); validate with ahead makes the rest.
func validateAhead(app core.App, rec *core.Record) bool {
	for _, f := range rec.Collection().Fields {
		if _, ok := f.(*core.RelationField); ok {
			continue
		}
		if t, ok := f.(*core.TextField); ok && t.PrimaryKey {
			continue
		}
		if f.ValidateValue(context.Background(), app, rec) != nil {
			return false
		}
	}
	return true
}

// validateRelation is RelationField.ValidateValue with the existence check
// answered from the push's cache of related ids.
func (p *Pusher) validateRelation(tx core.App, f *core.RelationField, rec *core.Record) error {
	ids := list.ToUniqueStringSlice(rec.GetRaw(f.Name))
	if len(ids) == 0 {
		if f.Required {
			return validation.ErrRequired
		}
		return nil
	}
	if f.MinSelect > 0 && len(ids) < f.MinSelect {
		return validation.NewError("validation_not_enough_values", "Select at least {{.minSelect}}").
			SetParams(map[string]any{"minSelect": f.MinSelect})
	}
	if maxSelect := max(f.MaxSelect, 1); len(ids) > maxSelect {
		return validation.NewError("validation_too_many_values", "Select no more than {{.maxSelect}}").
			SetParams(map[string]any{"maxSelect": maxSelect})
	}
	missingErr := validation.NewError("validation_missing_rel_records", "Failed to find all relation records with the provided ids")
	rel, err := tx.FindCachedCollectionByNameOrId(f.CollectionId)
	if err != nil {
		return validation.NewError("validation_missing_rel_collection", "Relation connection is missing or cannot be accessed")
	}
	known := p.related[rel.Name]
	if known == nil {
		known = map[string]bool{}
		p.related[rel.Name] = known
	}
	var missing []any
	for _, id := range ids {
		if !known[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	found, err := storedIDs(tx, rel.Name, "", missing)
	if err != nil || len(found) != len(missing) {
		return missingErr
	}
	for _, id := range found {
		known[id] = true
	}
	return nil
}

// forget drops what the push's caches know of a record it deleted.
func (p *Pusher) forget(collection, id string) {
	delete(p.related[collection], id)
	delete(p.taken[collection], strings.ToLower(id))
}

// validatePlainText is f.ValidatePlainValue(v), which compiles the field's
// pattern on every call (every id of a push): a value the pattern matches
// is checked by a copy of f without it, against the pattern compiled
// once; any other value gets PocketBase's own answer.
func validatePlainText(f *core.TextField, v string) error {
	if f.Pattern == "" {
		return f.ValidatePlainValue(v)
	}
	if re := compiledPattern(f.Pattern); re != nil && re.MatchString(v) {
		plain := *f
		plain.Pattern = ""
		return plain.ValidatePlainValue(v)
	}
	return f.ValidatePlainValue(v)
}

// patterns holds the fields' patterns compiled (nil: not a pattern).
var patterns gosync.Map // string -> *regexp.Regexp

func compiledPattern(pattern string) *regexp.Regexp {
	if re, ok := patterns.Load(pattern); ok {
		return re.(*regexp.Regexp)
	}
	re, _ := regexp.Compile(pattern)
	patterns.Store(pattern, re)
	return re
}
