package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// An automatic RAD indicator computes itself by a rule (issue 16): a source
// of records, filters over them and a measure, in rad_indicators.rule.
// Existing indicators get the rule of their counting rule (auto_rule), so
// they keep their values. Activities and outreach logs get a covering
// index for the rules the stats tables cannot answer (several filters, or
// the villages or agencies a filtered set reached): approved records of a
// year are read from it alone, without the records' long texts.
func init() {
	m.Register(func(app core.App) error {
		rad, err := app.FindCollectionByNameOrId("rad_indicators")
		if err != nil {
			return err
		}
		rad.Fields.Add(&core.JSONField{Name: "rule", MaxSize: 5000})
		if err := app.Save(rad); err != nil {
			return err
		}
		// the nine counting rules of the first engine, as rules (literal:
		// this migration is frozen)
		presets := map[string]string{
			"activities_count":      `{"source":"activities","measure":"records"}`,
			"sosialisasi_count":     `{"source":"activities","measure":"records","filters":{"types":["sosialisasi"]}}`,
			"participants_total":    `{"source":"activities","measure":"participants"}`,
			"participants_female":   `{"source":"activities","measure":"participants_female"}`,
			"participants_child":    `{"source":"activities","measure":"participants_child"}`,
			"villages_reached_pct":  `{"source":"activities","measure":"villages_reached_pct"}`,
			"villages_active_patbm": `{"source":"programmes","measure":"villages","filters":{"program_kinds":["patbm"],"program_statuses":["aktif"]}}`,
			"outreach_count":        `{"source":"outreach","measure":"records"}`,
			"referrals_count":       `{"source":"outreach","measure":"records","filters":{"flags":["referred"]}}`,
		}
		for name, rule := range presets {
			if _, err := app.DB().NewQuery(`UPDATE rad_indicators SET rule = {:rule} WHERE counting = 'auto' AND auto_rule = {:name}`).
				Bind(map[string]any{"rule": rule, "name": name}).Execute(); err != nil {
				return err
			}
		}

		acts, err := app.FindCollectionByNameOrId("activities")
		if err != nil {
			return err
		}
		acts.AddIndex("idx_activities_rule", false, "status, start_date, regency, village, type, level, cluster, funding_source, "+
			"topics, target_groups, programs, methods, male_child, female_child, male_adult, female_adult, budget", "")
		if err := app.Save(acts); err != nil {
			return err
		}
		logs, err := app.FindCollectionByNameOrId("outreach_logs")
		if err != nil {
			return err
		}
		logs.AddIndex("idx_outreach_logs_rule", false, "status, date, regency, village, outreach_type, target_category, action_taken, "+
			"topics, risk_signals, referred_to, male_child, female_child, male_adult, female_adult", "")
		return app.Save(logs)
	}, nil)
}
