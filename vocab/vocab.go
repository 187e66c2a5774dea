// Package vocab keeps Jangkau's vocabularies as data: every coded choice of
// the records (activity types, topics, clusters...) with its labels, order
// and active flag, in the vocabularies collection. The secretariat adds,
// renames, reorders and retires entries; a code is never deleted nor
// changed, so it is never reused. Every write of a record is checked
// against the vocabularies through one cached lookup (For), on every path:
// REST, batch and the three sync protocols all save through the record
// hooks Register binds.
package vocab

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
)

// Entry is one code of a vocabulary.
type Entry struct {
	Kind    string `db:"kind" json:"kind"`
	Code    string `db:"code" json:"code"`
	LabelID string `db:"label_id" json:"label_id"`
	LabelEN string `db:"label_en" json:"label_en"`
	Order   int    `db:"order" json:"order"`
	Active  bool   `db:"active" json:"active"`
}

// Binding is a record field whose values are codes of a vocabulary.
type Binding struct {
	Collection, Field string
	// Keys: the field is a JSON object whose keys are the codes (case
	// figures counted by category).
	Keys bool
}

// Bindings name, per vocabulary kind, the fields holding its codes.
var Bindings = map[string][]Binding{
	"clusters": {{catalog.Activities, "cluster", false}, {catalog.RadIndicators, "cluster", false},
		{catalog.CaseAggregates, "cluster", false}, {catalog.Users, "cluster", false}},
	"activity_types":           {{catalog.Activities, "type", false}},
	"activity_modes":           {{catalog.Activities, "mode", false}},
	"programs":                 {{catalog.Activities, "programs", false}},
	"village_program_kinds":    {{catalog.VillagePrograms, "program", false}},
	"village_program_statuses": {{catalog.VillagePrograms, "status", false}},
	"topics":                   {{catalog.Activities, "topics", false}, {catalog.OutreachLogs, "topics", false}},
	"target_groups":            {{catalog.Activities, "target_groups", false}, {catalog.OutreachLogs, "target_category", false}},
	"methods":                  {{catalog.Activities, "methods", false}},
	"funding_sources":          {{catalog.Activities, "funding_source", false}},
	"outreach_types":           {{catalog.OutreachLogs, "outreach_type", false}},
	"risk_signals":             {{catalog.OutreachLogs, "risk_signals", false}},
	"outreach_actions":         {{catalog.OutreachLogs, "action_taken", false}},
	"referral_agencies":        {{catalog.OutreachLogs, "referred_to", false}},
	"exploitation_types":       {{catalog.CaseAggregates, "exploitation_types", true}},
	"case_services":            {{catalog.CaseAggregates, "services", true}},
	"case_sources":             {{catalog.CaseAggregates, "source", false}},
	"sexes":                    {{catalog.CaseAggregates, "victims_by_sex", true}},
	"age_bands":                {{catalog.CaseAggregates, "victims_by_age", true}},
	"case_scopes":              {{catalog.CaseAggregates, "cases_by_scope", true}},
	"case_laws":                {{catalog.CaseAggregates, "cases_by_law", true}},
	"case_stages":              {{catalog.CaseAggregates, "cases_by_stage", true}},
}

// bound is what a record field holds: codes of kind, as values or as the
// keys of a JSON object.
type bound struct {
	kind string
	keys bool
}

// fieldKinds maps collection -> field -> what it holds.
var fieldKinds = func() map[string]map[string]bound {
	out := map[string]map[string]bound{}
	for _, kind := range catalog.VocabularyKinds {
		for _, b := range Bindings[kind] {
			if out[b.Collection] == nil {
				out[b.Collection] = map[string]bound{}
			}
			out[b.Collection][b.Field] = bound{kind, b.Keys}
		}
	}
	return out
}()

// BoundCollections are the collections with a field holding codes.
func BoundCollections() []string {
	out := make([]string, 0, len(fieldKinds))
	for c := range fieldKinds {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Set is the vocabularies as stored, at one moment.
type Set struct {
	byKind map[string][]Entry
	index  map[string]map[string]Entry
}

// Lookup returns the entry of code in kind.
func (s *Set) Lookup(kind, code string) (Entry, bool) {
	e, ok := s.index[kind][code]
	return e, ok
}

// Entries returns every entry of kind in display order (retired included).
func (s *Set) Entries(kind string) []Entry { return s.byKind[kind] }

// Label returns the label of code in kind in lang ("id" or "en"), or the
// code itself when the vocabulary does not know it.
func (s *Set) Label(kind, code, lang string) string {
	e, ok := s.Lookup(kind, code)
	switch {
	case !ok:
		return code
	case lang == "en" && e.LabelEN != "":
		return e.LabelEN
	case e.LabelID != "":
		return e.LabelID
	}
	return code
}

func newSet(entries []Entry) *Set {
	s := &Set{byKind: map[string][]Entry{}, index: map[string]map[string]Entry{}}
	sort.SliceStable(entries, func(i, j int) bool {
		if entries[i].Order != entries[j].Order {
			return entries[i].Order < entries[j].Order
		}
		return entries[i].Code < entries[j].Code
	})
	for _, e := range entries {
		s.byKind[e.Kind] = append(s.byKind[e.Kind], e)
		if s.index[e.Kind] == nil {
			s.index[e.Kind] = map[string]Entry{}
		}
		s.index[e.Kind][e.Code] = e
	}
	return s
}

// holder is an app's cached Set; gen counts invalidations, so that a load
// that raced with a change is not kept.
type holder struct {
	mu  sync.Mutex
	gen uint64
	set *Set
}

const storeKey = "jangkau.vocab"

func holderOf(app core.App) *holder {
	return app.Store().GetOrSet(storeKey, func() any { return &holder{} }).(*holder)
}

// For returns the app's vocabularies: loaded once, then from memory until
// the next change of the collection (Invalidate).
func For(app core.App) (*Set, error) {
	h := holderOf(app)
	h.mu.Lock()
	set, gen := h.set, h.gen
	h.mu.Unlock()
	if set != nil {
		return set, nil
	}
	set, err := Load(app)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	if h.gen == gen {
		h.set = set
	}
	h.mu.Unlock()
	publish(set)
	return set, nil
}

// Invalidate drops the app's cached vocabularies; the next For reloads them.
func Invalidate(app core.App) {
	h := holderOf(app)
	h.mu.Lock()
	h.gen++
	h.set = nil
	h.mu.Unlock()
}

// Load reads every entry from the database, completed with the built-in
// codes of this release it does not hold yet (active, after the stored
// ones): EnsureBuiltins stores them when the server starts, and until then
// (Go code and tests of an app that is not served, a release's fixtures)
// they are valid all the same.
func Load(app core.App) (*Set, error) {
	entries, err := stored(app)
	if err != nil {
		return nil, err
	}
	have := map[[2]string]bool{}
	for _, e := range entries {
		have[[2]string{e.Kind, e.Code}] = true
	}
	for i, b := range Builtins() {
		if !have[[2]string{b.Kind, b.Code}] {
			entries = append(entries, Entry{Kind: b.Kind, Code: b.Code, LabelID: b.LabelID, LabelEN: b.LabelEN, Order: 1e6 + i, Active: true})
		}
	}
	return newSet(entries), nil
}

// stored reads the entries the database holds.
func stored(app core.App) ([]Entry, error) {
	var entries []Entry
	err := app.DB().NewQuery(`SELECT kind, code, label_id, label_en, [[order]], active FROM ` + catalog.Vocabularies).All(&entries)
	if err != nil {
		return nil, fmt.Errorf("load vocabularies: %w", err)
	}
	return entries, nil
}

// publish hands the labels and code orders to catalog, whose LabelOf and
// CodesOf the reports and exports use.
func publish(s *Set) {
	labels := catalog.Labels{}
	codes := map[string][]string{}
	for kind, entries := range s.byKind {
		m := make(map[string]catalog.Label, len(entries))
		for _, e := range entries {
			m[e.Code] = catalog.Label{ID: e.LabelID, EN: e.LabelEN}
			codes[kind] = append(codes[kind], e.Code)
		}
		labels[kind] = m
	}
	catalog.SetLive(labels, codes)
}

// IsKind reports whether kind is an editable vocabulary.
func IsKind(kind string) bool { return slices.Contains(catalog.VocabularyKinds, kind) }
