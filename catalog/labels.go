package catalog

import (
	_ "embed"
	"encoding/json"
)

// labelsJSON holds the Bahasa Indonesia and English label of every code in
// this package, grouped by list (labels.json). The web apps import the same
// file, so a code gets its words in one place.
//
//go:embed labels.json
var labelsJSON []byte

// Label is a code's wording in each language.
type Label struct {
	ID string `json:"id"`
	EN string `json:"en"`
}

// Labels maps a group (such as "activity_types") to its codes' labels.
type Labels map[string]map[string]Label

var labels Labels

func init() {
	if err := json.Unmarshal(labelsJSON, &labels); err != nil {
		panic("catalog/labels.json: " + err.Error())
	}
}

// AllLabels returns every label, by group and code. Callers must not change it.
func AllLabels() Labels { return labels }

// LabelOf returns the label of code in group in lang ("id" or "en"),
// falling back to Bahasa Indonesia, then to the code itself. Labels of the
// vocabularies come from the database (SetLive) once loaded.
func LabelOf(group, code, lang string) string {
	l, ok := Label{}, false
	if v := live.Load(); v != nil {
		l, ok = v.labels[group][code]
	}
	if !ok {
		l, ok = labels[group][code]
	}
	if !ok {
		return code
	}
	if lang == "en" && l.EN != "" {
		return l.EN
	}
	if l.ID != "" {
		return l.ID
	}
	return code
}

// LabelGroups names the group of labels.json for each coded list.
var LabelGroups = map[string][]string{
	"roles":                    Roles,
	"area_levels":              AreaLevels,
	"area_kinds":               AreaKinds,
	"statuses":                 Statuses,
	"clusters":                 Clusters,
	"activity_types":           ActivityTypes,
	"activity_modes":           ActivityModes,
	"programs":                 Programs,
	"village_program_kinds":    VillageProgramKinds,
	"village_program_statuses": VillageProgramStatuses,
	"topics":                   Topics,
	"target_groups":            TargetGroups,
	"methods":                  Methods,
	"funding_sources":          FundingSources,
	"outreach_types":           OutreachTypes,
	"risk_signals":             RiskSignals,
	"outreach_actions":         OutreachActions,
	"referral_agencies":        ReferralAgencies,
	"exploitation_types":       ExploitationTypes,
	"case_services":            CaseServices,
	"case_sources":             CaseSources,
	"sexes":                    Sexes,
	"age_bands":                AgeBands,
	"case_scopes":              CaseScopes,
	"case_laws":                CaseLaws,
	"case_stages":              CaseStages,
	"period_types":             PeriodTypes,
	"rad_counting_rules":       RadCountingRules,
	"participant_fields":       ParticipantFields,
	"vocabulary_kinds":         VocabularyKinds,
	"rad_directions":           RadDirections,
	"rad_rule_sources":         RadRuleSources,
	"rad_rule_measures":        RadRuleMeasures,
	"rad_rule_filters":         RadRuleFilters,
	"rad_rule_flags":           RadRuleFlags,
	"drppa_answers":            DrppaAnswers,
	"drppa_indicators":         DrppaIndicatorKeys,
}
