package sync

import (
	"context"
	"regexp"
	"strings"
	gosync "sync"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/list"

	"jangkau/vocab"
)

// validate checks rec as PocketBase's record validation does (each field's
// own ValidateValue, with the same error codes), except for the two checks
// that query the database: that related records exist, and that a new id
// is not taken (case-insensitively). A push makes those lookups once for
// all its records (Prepare, and a cache of related ids found), where
// PocketBase would make them once per record and field. The record is then
// saved with SaveNoValidate: nothing else is skipped (the save, execute and
// after-save hooks all run), and Jangkau binds no validate hooks of its own.
func (p *Pusher) validate(ctx context.Context, tx core.App, rec *core.Record) validation.Errors {
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
			err = f.ValidateValue(ctx, tx, rec)
		default:
			err = f.ValidateValue(ctx, tx, rec)
		}
		if err != nil {
			errs[f.GetName()] = err
		}
	}
	// A code the vocabularies refuse gets their error, as on REST, where
	// the record hook checks it before PocketBase's own validation (a
	// failure to read them fails the save in that same hook).
	verrs, _ := vocab.Check(tx, rec)
	for k, v := range verrs {
		errs[k] = v
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
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
