package catalog

// RAD indicator directions: whether a higher or a lower value is better.
const (
	DirectionHigher = "higher"
	DirectionLower  = "lower"
)

// RadDirections lists the directions of a RAD indicator.
var RadDirections = []string{DirectionHigher, DirectionLower}

// Sources of a RAD rule: the records an automatic indicator counts.
const (
	RuleSourceActivities = "activities"
	RuleSourceOutreach   = "outreach"
	RuleSourceProgrammes = "programmes"
)

// RadRuleSources lists the sources of a RAD rule.
var RadRuleSources = []string{RuleSourceActivities, RuleSourceOutreach, RuleSourceProgrammes}

// RadRuleMeasures are what a RAD rule computes over the records it keeps:
// a count of records, of participants (all, women and girls, children),
// the budget spent, the villages reached (a number or a share of the
// area's villages), the distinct agencies referred to, and for village
// programmes the villages that have one (a number or a share).
var RadRuleMeasures = []string{"records", "participants", "participants_female", "participants_child", "budget",
	"villages_reached", "villages_reached_pct", "agencies", "villages", "villages_pct"}

// RadRuleFilters are the filters of a RAD rule; each keeps the records
// with any of its values, and a record must pass every filter given.
var RadRuleFilters = []string{"levels", "types", "topics", "target_groups", "programs", "clusters", "funding_sources", "methods",
	"risk_signals", "actions", "agencies", "flags", "program_kinds", "program_statuses"}

// RadRuleFlags are the outreach flags a RAD rule can filter on.
var RadRuleFlags = []string{"risk", "referred"}
