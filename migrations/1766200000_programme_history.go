package migrations

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Village programmes keep their history and the DRPPA assessment becomes a
// structured form (issue 16, step 4).
//
//   - valid_from / valid_to: the days a programme row holds (valid_to empty:
//     still holds), so that a past period's report shows the state then. A
//     village may hold the same programme again after it ended, so the
//     unique index moves from (village, program) to (village, program,
//     valid_from); the server refuses overlapping rows. An existing row is
//     valid from the earlier of its legal basis date and the day (WIB) it
//     was created: a programme set up by a decree of 2024 and entered in 2025
//     was there in 2024.
//   - The DRPPA indicators (KemenPPPA's ten, less indicator 8, a case fact
//     kept at regency level) as fields: six answers met / not yet met, three
//     percentages, and the assessment's date. An existing free-JSON
//     assessment is moved into them when all nine indicators can be read
//     from it; what they cannot take stays in drppa_assessment, now read only,
//     so nothing is lost.
//
// The rows changed are announced again in the sync feed, so phones receive
// the new fields.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("village_programs")
		if err != nil {
			return err
		}
		answers := []string{"terpenuhi", "belum"}
		c.Fields.Add(&core.DateField{Name: "valid_from"})
		c.Fields.Add(&core.DateField{Name: "valid_to"})
		c.Fields.Add(&core.DateField{Name: "drppa_assessed_on"})
		// in KemenPPPA's order
		for n := 1; n <= 10; n++ {
			if f := programmeAnswerFields[n]; f != "" {
				c.Fields.Add(&core.SelectField{Name: f, Values: answers, MaxSelect: 1})
			}
			if f := programmePercentFields[n]; f != "" {
				c.Fields.Add(&core.NumberField{Name: f, Min: float(0), Max: float(100)})
			}
		}
		c.RemoveIndex("idx_village_programs_unique")
		c.AddIndex("idx_village_programs_period", true, "village, program, valid_from", "")
		if err := app.Save(c); err != nil {
			return err
		}

		if _, err := app.DB().NewQuery(`UPDATE village_programs SET valid_from = strftime('%Y-%m-%d 00:00:00.000Z',
			CASE WHEN legal_basis_date != '' AND substr(legal_basis_date, 1, 10) < date(created, '+7 hours')
				THEN substr(legal_basis_date, 1, 10) ELSE date(created, '+7 hours') END)
			WHERE valid_from = ''`).Execute(); err != nil {
			return err
		}

		var rows []struct {
			ID         string `db:"id"`
			Assessment string `db:"drppa_assessment"`
			Updated    string `db:"updated"`
		}
		if err := app.DB().NewQuery(`SELECT id, COALESCE(drppa_assessment, '') AS drppa_assessment, updated FROM village_programs
			WHERE program = 'drppa' AND COALESCE(drppa_assessment, '') NOT IN ('', 'null', '{}')`).All(&rows); err != nil {
			return err
		}
		for _, r := range rows {
			set, rest, ok := readProgrammeAssessment(r.Assessment)
			if !ok {
				continue
			}
			if set["drppa_assessed_on"] == nil {
				day := r.Updated
				if t, err := time.Parse("2006-01-02 15:04:05.000Z", r.Updated); err == nil {
					day = t.Add(7 * time.Hour).Format(time.DateOnly)
				}
				set["drppa_assessed_on"] = day[:min(len(day), 10)] + " 00:00:00.000Z"
			}
			set["drppa_assessment"] = nil
			if len(rest) > 0 {
				b, err := json.Marshal(rest)
				if err != nil {
					return err
				}
				set["drppa_assessment"] = string(b)
			}
			if _, err := app.DB().Update("village_programs", set, dbx.HashExp{"id": r.ID}).Execute(); err != nil {
				return err
			}
		}

		// Announce every programme again (new sequence numbers), as the
		// feed's backfill does.
		for _, stmt := range []string{
			`CREATE TEMP TABLE programme_feed AS SELECT id, ROW_NUMBER() OVER (ORDER BY rowid) AS n FROM village_programs`,
			`UPDATE sync_changes SET seq = (SELECT value FROM sync_counters WHERE name = 'seq') + (SELECT n FROM programme_feed p WHERE p.id = sync_changes.record_id),
				changed_at = strftime('%Y-%m-%d %H:%M:%fZ', 'now')
			WHERE collection = 'village_programs' AND deleted = 0 AND record_id IN (SELECT id FROM programme_feed)`,
			`UPDATE sync_counters SET value = value + (SELECT COUNT(*) FROM programme_feed) WHERE name = 'seq'`,
			`DROP TABLE programme_feed`,
		} {
			if _, err := app.DB().NewQuery(stmt).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}

// programmeAnswerFields are the DRPPA indicators answered met / not yet met,
// by KemenPPPA's number.
var programmeAnswerFields = map[int]string{
	1: "drppa_women_children_groups", 2: "drppa_disaggregated_data", 3: "drppa_village_regulation",
	4: "drppa_village_budget", 9: "drppa_no_child_labour", 10: "drppa_no_child_marriage",
}

// programmePercentFields are the DRPPA indicators given as a percentage.
var programmePercentFields = map[int]string{
	5: "drppa_women_representation_pct", 6: "drppa_women_entrepreneurs_pct", 7: "drppa_rights_based_care_pct",
}

// programmeIndicatorKey reads an indicator's number from a key such as
// "1", "indikator_1", "indicator-1", "i1" or "no. 1".
var programmeIndicatorKey = regexp.MustCompile(`^(?:indikator|indicator|ind|i|no)?[ ._-]*([0-9]{1,2})$`)

// readProgrammeAssessment reads a free-JSON DRPPA assessment: the fields it
// sets, the keys it could not place, and whether all nine indicators were
// read (only then is anything moved).
func readProgrammeAssessment(raw string) (set dbx.Params, rest map[string]any, ok bool) {
	var obj map[string]any
	if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
		return nil, nil, false
	}
	set, rest = dbx.Params{}, map[string]any{}
	byName := map[string]string{}
	for _, f := range programmeAnswerFields {
		byName[f], byName[strings.TrimPrefix(f, "drppa_")] = f, f
	}
	for _, f := range programmePercentFields {
		byName[f], byName[strings.TrimPrefix(f, "drppa_")] = f, f
	}
	for key, v := range obj {
		k := strings.ToLower(strings.TrimSpace(key))
		field := byName[k]
		if field == "" {
			if mm := programmeIndicatorKey.FindStringSubmatch(k); mm != nil {
				n, _ := strconv.Atoi(mm[1])
				field = programmeAnswerFields[n]
				if field == "" {
					field = programmePercentFields[n]
				}
			}
		}
		switch {
		case k == "assessed_on" || k == "drppa_assessed_on" || k == "tanggal" || k == "tanggal_penilaian" || k == "date":
			if s, isStr := v.(string); isStr && len(s) >= 10 {
				if _, err := time.Parse(time.DateOnly, s[:10]); err == nil {
					set["drppa_assessed_on"] = s[:10] + " 00:00:00.000Z"
					continue
				}
			}
		case field != "" && strings.HasSuffix(field, "_pct"):
			if p, good := programmePercent(v); good {
				set[field] = p
				continue
			}
		case field != "":
			if a := programmeAnswer(v); a != "" {
				set[field] = a
				continue
			}
		}
		rest[key] = v
	}
	for _, f := range programmeAnswerFields {
		if set[f] == nil {
			return nil, nil, false
		}
	}
	for _, f := range programmePercentFields {
		if set[f] == nil {
			return nil, nil, false
		}
	}
	return set, rest, true
}

// programmeAnswer reads "met" or "not yet met" from a yes/no value.
func programmeAnswer(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "terpenuhi"
		}
		return "belum"
	case float64:
		switch x {
		case 1:
			return "terpenuhi"
		case 0:
			return "belum"
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "ya", "yes", "y", "ada", "sudah", "terpenuhi", "met", "true", "1":
			return "terpenuhi"
		case "tidak", "no", "n", "belum", "belum terpenuhi", "belum_terpenuhi", "not met", "false", "0":
			return "belum"
		}
	}
	return ""
}

// programmePercent reads a percentage 0-100 from a number or a text such as "45%".
func programmePercent(v any) (float64, bool) {
	var p float64
	switch x := v.(type) {
	case float64:
		p = x
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(x), "%")), 64)
		if err != nil {
			return 0, false
		}
		p = f
	default:
		return 0, false
	}
	return p, p >= 0 && p <= 100
}
