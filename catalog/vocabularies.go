package catalog

import "sync/atomic"

// Vocabularies is the collection holding the coded choices of the records
// as data (issue 16): the secretariat edits their labels, order and active
// flag in the console; package vocab keeps it.
const Vocabularies = "vocabularies"

// VocabularyKinds are the lists of this package whose codes and labels live
// in the vocabularies collection. The lists above are their built-in codes:
// the seed, and what a later release adds (inserted when missing). Roles,
// levels, statuses and period types stay code: the software's behaviour
// depends on each of their values.
var VocabularyKinds = []string{
	"clusters", "activity_types", "activity_modes", "programs", "village_program_kinds",
	"village_program_statuses", "topics", "target_groups", "methods", "funding_sources",
	"outreach_types", "risk_signals", "outreach_actions", "referral_agencies",
	"exploitation_types", "case_services", "case_sources",
	"sexes", "age_bands", "case_scopes", "case_laws", "case_stages",
}

// live is the vocabularies as last loaded from the database (package vocab
// publishes them): labels and codes in the secretariat's order, retired
// codes included. A Jangkau process serves one database.
var live atomic.Pointer[liveVocab]

type liveVocab struct {
	labels Labels
	codes  map[string][]string
}

// SetLive publishes the vocabularies as stored: labels by kind and code,
// and each kind's codes in display order (retired ones too, since old
// records keep them). LabelOf and CodesOf answer from them.
func SetLive(labels Labels, codes map[string][]string) {
	live.Store(&liveVocab{labels: labels, codes: codes})
}

// CodesOf returns every code of a list in display order: the stored
// vocabulary's (retired codes included) once loaded, else the built-in list.
// Reports and exports use it for their columns, so a code the secretariat
// adds gets its column. Callers must not change the slice.
func CodesOf(group string) []string {
	if l := live.Load(); l != nil {
		if c, ok := l.codes[group]; ok {
			return c
		}
	}
	return LabelGroups[group]
}
