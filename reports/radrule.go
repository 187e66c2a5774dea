package reports

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
	"jangkau/vocab"
)

// RadRule is how an automatic RAD indicator computes itself (issue 16):
// which records it counts (Source), which of them (Filters: each keeps the
// records holding any of its values, and a record must pass every filter
// given) and what it measures over them. Stored in rad_indicators.rule.
//
//	{"source": "activities", "measure": "participants",
//	 "filters": {"types": ["sosialisasi"], "topics": ["modus_tppo", "migrasi_aman"]}}
type RadRule struct {
	Source  string              `json:"source"`
	Measure string              `json:"measure"`
	Filters map[string][]string `json:"filters,omitempty"`
}

// ruleFilter is what a filter of a source reads.
type ruleFilter struct {
	kind   string   // the vocabulary of its values ("" for a fixed list)
	fixed  []string // the values of a fixed list
	column string   // the record's column
	multi  bool     // the column is a JSON list of codes
	dim    string   // the stats dimension keyed by the same codes ("" when none)
	counts bool     // the dimension counts records only (no participants)
}

// ruleSource is one source of records: its table, date column, filters and
// measures.
type ruleSource struct {
	table, date string
	index       string // the covering index the record path reads
	filters     map[string]ruleFilter
	measures    []string
}

var ruleSources = map[string]ruleSource{
	catalog.RuleSourceActivities: {table: catalog.Activities, date: "start_date", index: "idx_activities_rule", filters: map[string]ruleFilter{
		"levels":          {fixed: catalog.AreaLevels, column: "level", dim: DimLevel},
		"types":           {kind: "activity_types", column: "type", dim: DimType},
		"topics":          {kind: "topics", column: "topics", multi: true, dim: DimTopic},
		"target_groups":   {kind: "target_groups", column: "target_groups", multi: true},
		"programs":        {kind: "programs", column: "programs", multi: true},
		"clusters":        {kind: "clusters", column: "cluster", dim: DimCluster},
		"funding_sources": {kind: "funding_sources", column: "funding_source", dim: DimFunding},
		"methods":         {kind: "methods", column: "methods", multi: true},
	}, measures: []string{"records", "participants", "participants_female", "participants_child", "budget", "villages_reached", "villages_reached_pct"}},
	catalog.RuleSourceOutreach: {table: catalog.OutreachLogs, date: "date", index: "idx_outreach_logs_rule", filters: map[string]ruleFilter{
		"types":         {kind: "outreach_types", column: "outreach_type", dim: DimType},
		"topics":        {kind: "topics", column: "topics", multi: true, dim: DimTopic},
		"target_groups": {kind: "target_groups", column: "target_category", dim: DimTarget},
		"risk_signals":  {kind: "risk_signals", column: "risk_signals", multi: true, dim: DimRisk},
		"actions":       {kind: "outreach_actions", column: "action_taken", dim: DimAction},
		"agencies":      {kind: "referral_agencies", column: "referred_to", multi: true, dim: DimReferral, counts: true},
		"flags":         {fixed: catalog.RadRuleFlags, multi: true, dim: DimFlag},
	}, measures: []string{"records", "participants", "participants_female", "participants_child", "villages_reached", "villages_reached_pct", "agencies"}},
	catalog.RuleSourceProgrammes: {table: catalog.VillagePrograms, filters: map[string]ruleFilter{
		"program_kinds":    {kind: "village_program_kinds", column: "program"},
		"program_statuses": {kind: "village_program_statuses", column: "status"},
	}, measures: []string{"villages", "villages_pct"}},
}

// radPresets are the nine counting rules of the first RAD engine
// (rad_indicators.auto_rule) as rules: an indicator saved with one of them
// gets its rule, and a definition stored before rules existed is read with
// it.
var radPresets = map[string]RadRule{
	"activities_count":      {Source: catalog.RuleSourceActivities, Measure: "records"},
	"sosialisasi_count":     {Source: catalog.RuleSourceActivities, Measure: "records", Filters: map[string][]string{"types": {"sosialisasi"}}},
	"participants_total":    {Source: catalog.RuleSourceActivities, Measure: "participants"},
	"participants_female":   {Source: catalog.RuleSourceActivities, Measure: "participants_female"},
	"participants_child":    {Source: catalog.RuleSourceActivities, Measure: "participants_child"},
	"villages_reached_pct":  {Source: catalog.RuleSourceActivities, Measure: "villages_reached_pct"},
	"villages_active_patbm": {Source: catalog.RuleSourceProgrammes, Measure: "villages", Filters: map[string][]string{"program_kinds": {"patbm"}, "program_statuses": {"aktif"}}},
	"outreach_count":        {Source: catalog.RuleSourceOutreach, Measure: "records"},
	"referrals_count":       {Source: catalog.RuleSourceOutreach, Measure: "records", Filters: map[string][]string{"flags": {"referred"}}},
}

// PresetRule returns the rule of a counting rule of the first engine.
func PresetRule(name string) (RadRule, bool) {
	r, ok := radPresets[name]
	return r, ok
}

// presetOf names the first engine's counting rule r is, or "".
func presetOf(r RadRule) string {
	key := r.Key()
	for name, p := range radPresets {
		if p.Key() == key {
			return name
		}
	}
	return ""
}

// Key is the rule's canonical JSON: equal rules have equal keys.
func (r RadRule) Key() string {
	c := RadRule{Source: r.Source, Measure: r.Measure}
	for f, values := range r.Filters {
		if len(values) == 0 {
			continue
		}
		if c.Filters == nil {
			c.Filters = map[string][]string{}
		}
		v := slices.Clone(values)
		sort.Strings(v)
		c.Filters[f] = slices.Compact(v)
	}
	raw, _ := json.Marshal(c)
	return string(raw)
}

// Ratio tells whether the rule's value is a share (never summed).
func (r RadRule) Ratio() bool { return strings.HasSuffix(r.Measure, "_pct") }

// Error codes of a refused rule (data.rule.<part>.code).
const (
	CodeRuleRequired = "rule_required"   // counting auto without a rule
	CodeRuleInvalid  = "invalid_rule"    // not a JSON object of the rule's shape
	CodeRuleField    = "unknown_field"   // a part the rule does not have
	CodeRuleSource   = "unknown_source"  // source
	CodeRuleMeasure  = "unknown_measure" // measure: none of the source's
	CodeRuleFilter   = "unknown_filter"  // filters.<name>: none of the source's
	CodeRuleValue    = "unknown_value"   // filters.<name>: a value outside a fixed list
)

func ruleErr(code, id, en string) validation.Error {
	return validation.NewError(code, id+" / "+en)
}

// ParseRule reads a stored or sent rule (JSON text, bytes or a decoded
// value). ok is false when raw holds no rule (empty, null).
func ParseRule(raw any) (RadRule, bool, validation.Errors) {
	var data []byte
	switch v := raw.(type) {
	case nil:
		return RadRule{}, false, nil
	case string:
		data = []byte(v)
	case []byte:
		data = v
	default:
		data, _ = json.Marshal(v)
	}
	s := strings.TrimSpace(string(data))
	if s == "" || s == "null" || s == "{}" || s == `""` {
		return RadRule{}, false, nil
	}
	invalid := validation.Errors{"rule": ruleErr(CodeRuleInvalid,
		`Aturan harus berbentuk {"source": ..., "measure": ..., "filters": {...}}.`,
		`A rule is {"source": ..., "measure": ..., "filters": {...}}.`)}
	var parts map[string]json.RawMessage
	if json.Unmarshal([]byte(s), &parts) != nil {
		return RadRule{}, false, invalid
	}
	errs := validation.Errors{}
	var r RadRule
	for k, v := range parts {
		var err error
		switch k {
		case "source":
			err = json.Unmarshal(v, &r.Source)
		case "measure":
			err = json.Unmarshal(v, &r.Measure)
		case "filters":
			var filters map[string]json.RawMessage
			if err = json.Unmarshal(v, &filters); err == nil {
				r.Filters = map[string][]string{}
				fe := validation.Errors{}
				for name, fv := range filters {
					var values []string
					if json.Unmarshal(fv, &values) != nil {
						fe[name] = ruleErr(CodeRuleInvalid, "Saringan berisi daftar kode.", "A filter is a list of codes.")
						continue
					}
					r.Filters[name] = values
				}
				if len(fe) > 0 {
					errs["filters"] = fe
				}
			}
		default:
			errs[k] = ruleErr(CodeRuleField, fmt.Sprintf("Aturan tidak mengenal %q.", k), fmt.Sprintf("A rule has no %q.", k))
			continue
		}
		if err != nil {
			errs[k] = ruleErr(CodeRuleInvalid, "Nilai tidak sesuai bentuknya.", "The value is not of its shape.")
		}
	}
	if len(errs) > 0 {
		return r, true, validation.Errors{"rule": errs}
	}
	return r, true, nil
}

// CheckRule refuses a rule whose source, measure or filters the engine does
// not know, or whose codes the vocabularies do not hold (a retired code
// passes only when had, the rule before the write, already held it).
// Errors are keyed data.rule.<part>, filters by name.
func CheckRule(app core.App, r RadRule, had *RadRule) (validation.Errors, error) {
	errs := validation.Errors{}
	src, ok := ruleSources[r.Source]
	if !ok {
		errs["source"] = ruleErr(CodeRuleSource, "Sumber data tidak dikenal: kegiatan, penjangkauan atau program desa.",
			"Unknown source: activities, outreach or programmes.")
		return validation.Errors{"rule": errs}, nil
	}
	if !slices.Contains(src.measures, r.Measure) {
		errs["measure"] = ruleErr(CodeRuleMeasure, fmt.Sprintf("Ukuran %q tidak tersedia untuk %s.", r.Measure, catalog.LabelOf("rad_rule_sources", r.Source, "id")),
			fmt.Sprintf("The measure %q is not available for %s.", r.Measure, catalog.LabelOf("rad_rule_sources", r.Source, "en")))
	}
	fe := validation.Errors{}
	for name, values := range r.Filters {
		f, ok := src.filters[name]
		if !ok {
			fe[name] = ruleErr(CodeRuleFilter, fmt.Sprintf("Saringan %q tidak tersedia untuk %s.", name, catalog.LabelOf("rad_rule_sources", r.Source, "id")),
				fmt.Sprintf("The filter %q is not available for %s.", name, catalog.LabelOf("rad_rule_sources", r.Source, "en")))
			continue
		}
		if f.kind == "" {
			for _, v := range values {
				if !slices.Contains(f.fixed, v) {
					fe[name] = ruleErr(CodeRuleValue, fmt.Sprintf("Nilai %q tidak dikenal.", v), fmt.Sprintf("Unknown value %q.", v))
					break
				}
			}
			continue
		}
		had0 := map[string]bool{}
		if had != nil {
			for _, v := range had.Filters[name] {
				had0[v] = true
			}
		}
		e, err := vocab.CheckCodes(app, f.kind, values, had0)
		if err != nil {
			return nil, err
		}
		if e != nil {
			fe[name] = e
		}
	}
	if len(fe) > 0 {
		errs["filters"] = fe
	}
	if len(errs) == 0 {
		return nil, nil
	}
	return validation.Errors{"rule": errs}, nil
}

// PrepareIndicatorRule keeps an indicator's rule and counting rule in step
// before it is saved, on every path: an automatic indicator needs a rule;
// one saved with a first-engine counting rule (auto_rule) and no rule of
// its own, or whose auto_rule changed, gets that rule; auto_rule then names
// the rule when it is one of those nine, else it is empty. A manual
// indicator keeps neither. The rule is checked (CheckRule).
func PrepareIndicatorRule(app core.App, rec *core.Record) error {
	if rec.GetString("counting") != "auto" {
		rec.Set("rule", nil)
		rec.Set("auto_rule", "")
		return nil
	}
	rule, has, errs := ParseRule(rec.GetRaw("rule"))
	if errs != nil {
		return errs
	}
	var had *RadRule
	preset := rec.GetString("auto_rule")
	if !rec.IsNew() {
		if old, ok, _ := ParseRule(rec.Original().GetRaw("rule")); ok {
			had = &old
			if preset != rec.Original().GetString("auto_rule") && has && rule.Key() == old.Key() {
				has = false // the counting rule was changed, not the rule
			}
		}
	}
	if !has {
		p, ok := radPresets[preset]
		if !ok && preset != "" {
			// an unknown counting rule is the field's fault, not a missing rule
			return validation.Errors{"auto_rule": validation.NewError("validation_invalid_value",
				"Aturan penghitungan tidak dikenal. / Unknown counting rule.")}
		}
		if !ok {
			return validation.Errors{"rule": ruleErr(CodeRuleRequired, "Indikator otomatis memerlukan aturan penghitungan.",
				"An automatic indicator needs a counting rule.")}
		}
		rule = p
	}
	if errs, err := CheckRule(app, rule, had); err != nil || errs != nil {
		if err != nil {
			return err
		}
		return errs
	}
	rec.Set("rule", rule.Key())
	rec.Set("auto_rule", presetOf(rule))
	return nil
}
