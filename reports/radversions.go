package reports

import (
	"encoding/json"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// definitionFields are what an indicator's version keeps: how it is
// defined and counted (its budgets and achievements are figures, not
// definition, and are never versioned).
var definitionFields = []string{"code", "rad_period", "cluster", "program", "activity", "description", "unit", "level",
	"lead_agency", "baseline", "targets", "counting", "auto_rule", "rule", "direction"}

// SaveIndicatorVersion stores rec's definition as of now, in the
// transaction of its write; a save that changes none of it stores nothing.
func SaveIndicatorVersion(app core.App, rec *core.Record) error {
	def := map[string]any{}
	for _, f := range definitionFields {
		if f == "targets" {
			def[f] = rec.GetString(f)
			continue
		}
		def[f] = rec.Get(f)
	}
	raw, err := json.Marshal(def)
	if err != nil {
		return err
	}
	var last string
	_ = app.DB().NewQuery(`SELECT definition FROM rad_indicator_versions WHERE indicator = {:id} ORDER BY valid_from DESC LIMIT 1`).
		Bind(dbx.Params{"id": rec.Id}).Row(&last)
	if last != "" && sameDefinition(last, raw) {
		return nil
	}
	_, err = app.DB().NewQuery(`INSERT OR REPLACE INTO rad_indicator_versions (indicator, valid_from, definition) VALUES ({:id}, {:at}, {:def})`).
		Bind(dbx.Params{"id": rec.Id, "at": time.Now().UTC().Format("2006-01-02 15:04:05.000Z"), "def": string(raw)}).Execute()
	return err
}

func sameDefinition(a string, b []byte) bool {
	var x, y map[string]any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// definitionsAt returns, per indicator, its definition as it stood at
// cutoff (UTC "2006-01-02 15:04:05.000Z"): the last version that took
// effect by then, or, for an indicator defined later, its first one.
func definitionsAt(app core.App, cutoff string) (map[string]radIndicatorRow, error) {
	var rows []struct {
		Indicator  string `db:"indicator"`
		ValidFrom  string `db:"valid_from"`
		Definition string `db:"definition"`
	}
	if err := app.DB().NewQuery(`SELECT indicator, valid_from, definition FROM rad_indicator_versions ORDER BY indicator, valid_from`).All(&rows); err != nil {
		return nil, err
	}
	out := map[string]radIndicatorRow{}
	for _, r := range rows {
		if _, seen := out[r.Indicator]; seen && r.ValidFrom > cutoff {
			continue
		}
		var d struct {
			Code        string  `json:"code"`
			RadPeriod   string  `json:"rad_period"`
			Cluster     string  `json:"cluster"`
			Program     string  `json:"program"`
			Activity    string  `json:"activity"`
			Description string  `json:"description"`
			Unit        string  `json:"unit"`
			Level       string  `json:"level"`
			LeadAgency  string  `json:"lead_agency"`
			Baseline    float64 `json:"baseline"`
			Targets     any     `json:"targets"`
			Counting    string  `json:"counting"`
			AutoRule    string  `json:"auto_rule"`
			Rule        any     `json:"rule"`
			Direction   string  `json:"direction"`
		}
		if json.Unmarshal([]byte(r.Definition), &d) != nil {
			continue
		}
		targets, _ := d.Targets.(string)
		if targets == "" && d.Targets != nil {
			raw, _ := json.Marshal(d.Targets)
			targets = string(raw)
		}
		var rule string
		if d.Rule != nil {
			raw, _ := json.Marshal(d.Rule)
			rule = string(raw)
		}
		out[r.Indicator] = radIndicatorRow{Rule: rule, ID: r.Indicator, Code: d.Code, RadPeriod: d.RadPeriod, Cluster: d.Cluster, Program: d.Program,
			Activity: d.Activity, Description: d.Description, Unit: d.Unit, Level: d.Level, LeadAgency: d.LeadAgency, Baseline: d.Baseline,
			Targets: targets, Counting: d.Counting, AutoRule: d.AutoRule, Direction: d.Direction}
	}
	return out, nil
}
