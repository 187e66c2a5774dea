package catalog

// DRPPA (Desa Ramah Perempuan dan Peduli Anak) self-assessment: KemenPPPA's
// ten indicators, stored per village programme as structured fields of
// village_programs (issue 16). Indicator 8, "no violence against women and
// children and no trafficking victims in the village", is not stored per
// village: it is a case fact, and case facts stay at regency level
// (case_aggregates), since a village-level yes/no could point to a victim.

// DrppaAnswers are the answers of an indicator stated as a condition: met or
// not yet. The software scores on them, so they stay code, not a vocabulary.
var DrppaAnswers = []string{"terpenuhi", "belum"}

// DrppaAnswerMet is the answer of an indicator that is met.
const DrppaAnswerMet = "terpenuhi"

// DrppaIndicator is one indicator of the DRPPA self-assessment as stored: a
// field of village_programs, KemenPPPA's number, and whether it is an answer
// (one of DrppaAnswers) or a percentage (0-100).
type DrppaIndicator struct {
	Field   string
	Number  int
	Percent bool
}

// DrppaIndicators are the indicators a village records, in KemenPPPA's
// order; the field names are stable (RAD rules and exports use them).
var DrppaIndicators = []DrppaIndicator{
	{"drppa_women_children_groups", 1, false},
	{"drppa_disaggregated_data", 2, false},
	{"drppa_village_regulation", 3, false},
	{"drppa_village_budget", 4, false},
	{"drppa_women_representation_pct", 5, true},
	{"drppa_women_entrepreneurs_pct", 6, true},
	{"drppa_rights_based_care_pct", 7, true},
	{"drppa_no_child_labour", 9, false},
	{"drppa_no_child_marriage", 10, false},
}

// DrppaCaseFactIndicator is the label key of indicator 8, shown on the form
// with why it is not recorded per village.
const DrppaCaseFactIndicator = "drppa_no_violence_trafficking"

// DrppaAssessedOn is the field dating a village's DRPPA self-assessment.
const DrppaAssessedOn = "drppa_assessed_on"

// DrppaLegacy is the free-JSON assessment of earlier releases: read only,
// kept for what the structured fields could not take (migration 1766200000).
const DrppaLegacy = "drppa_assessment"

// DrppaIndicatorKeys are the label keys of the ten indicators in
// KemenPPPA's order (labels.json "drppa_indicators"): the nine stored
// fields and, in its place, DrppaCaseFactIndicator.
var DrppaIndicatorKeys = func() []string {
	out := make([]string, 0, 10)
	for _, ind := range DrppaIndicators {
		if ind.Number == 9 {
			out = append(out, DrppaCaseFactIndicator)
		}
		out = append(out, ind.Field)
	}
	return out
}()
