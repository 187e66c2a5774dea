package reports

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/apierr"
	"jangkau/areas"
	"jangkau/audit"
	"jangkau/catalog"
)

// RulePreview is the value an unsaved RAD rule would have for one year, in
// the caller's scope: the whole area and each regency under it.
type RulePreview struct {
	Header
	Year      int                `json:"year"`
	Rule      RadRule            `json:"rule"`
	Ratio     bool               `json:"ratio"` // the value is a share in %
	Path      string             `json:"path"`  // stats or records: how it was computed
	Total     RulePreviewValue   `json:"total"`
	Regencies []RulePreviewValue `json:"regencies,omitempty"`
}

// RulePreviewValue is the rule's value in one area.
type RulePreviewValue struct {
	Area  AreaRef `json:"area"`
	Value float64 `json:"value"`
}

// CodeRuleMissing: the preview was asked without a rule.
const CodeRuleMissing = "rule_required"

// PreviewRule computes r for the year of o's period in o's area (a
// district or village asks for its regency, as report 3 does).
func PreviewRule(o Options, r RadRule) (*RulePreview, error) {
	scope := o.Area
	if scope.Level == catalog.LevelDistrict || scope.Level == catalog.LevelVillage {
		scope, _ = o.Dir.Get(areas.RegencyOf(scope.Code))
	}
	year := o.Period.Year
	so := o
	so.Area, so.Period = scope, YearPeriod(year)
	regencies := []string{scope.Code}
	if scope.Level == catalog.LevelProvince {
		regencies = o.Dir.Children(scope.Code)
	}
	v, err := EvalRule(so, scope, regencies, year, r)
	if err != nil {
		return nil, err
	}
	p := &RulePreview{Header: so.header("rad_preview", "Pratinjau aturan RAD", "RAD rule preview"), Year: year, Rule: r, Ratio: r.Ratio(), Path: v.Path,
		Total: RulePreviewValue{Area: o.Dir.Ref(scope.Code), Value: round1(v.Total)}}
	p.Statuses = []string{catalog.StatusApproved}
	if scope.Level == catalog.LevelProvince {
		for _, reg := range regencies {
			p.Regencies = append(p.Regencies, RulePreviewValue{Area: o.Dir.Ref(reg), Value: round1(v.ByRegency[reg])})
		}
	}
	return p, nil
}

// HandleRulePreview answers GET /api/reports/rad/preview?rule={...}&year=:
// the value an unsaved rule would have, scoped and audited as the reports
// are. A rule the engine or the vocabularies refuse answers 400 with the
// errors of a saved one (data.rule.<part>).
func HandleRulePreview(e *core.RequestEvent) error {
	o, err := RequestOptions(e)
	if err != nil {
		return err
	}
	raw := e.Request.URL.Query().Get("rule")
	r, ok, errs := ParseRule(raw)
	if !ok && errs == nil {
		return apierr.BadRequest("rule", CodeRuleMissing, "Aturan belum diisi. / The rule is missing.")
	}
	if errs == nil {
		// a retired code may be previewed (an indicator that holds one)
		if errs, err = CheckRule(e.App, r, &r); err != nil {
			return e.InternalServerError("", err)
		}
	}
	if errs != nil {
		return apierr.Fields(http.StatusBadRequest, "Aturan tidak dapat dihitung. / The rule cannot be computed.", errs)
	}
	p, err := PreviewRule(o, r)
	if err != nil {
		return e.InternalServerError("", err)
	}
	note := filtersNote("report", "rad_preview", "json", o, map[string]any{"rule": r, "engine": o.EngineName})
	if err := audit.Read(e, audit.Entry{Action: audit.ActionReport, Collection: "rad_preview", Note: note}); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, p)
}
