package reports

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
)

// rawEngine answers with a naive GROUP BY over the records themselves: no
// stats tables. It is written independently of Contribute, in SQL, so the
// tests can check the two against each other; the benchmark shows what the
// stats tables save.
type rawEngine struct{ app core.App }

// safeJSON guards json_each and json_array_length against empty text.
func safeJSON(col string) string {
	return "(CASE WHEN json_valid(" + col + ") THEN " + col + " ELSE '[]' END)"
}

func jsonLen(col string) string { return "json_array_length(" + safeJSON(col) + ")" }

type rawDim struct {
	dim    string
	key    string // SQL expression of the key
	from   string // extra FROM items (json_each)
	where  string // extra condition
	people bool   // participant sums (else a plain count)
}

func rawDims(collection string) []rawDim {
	hours := "MAX(0, (unixepoch(r.reviewed_at) - unixepoch(r.submitted_at)) / 3600)"
	d := []rawDim{
		{dim: DimAll, key: "''", people: true},
		{dim: DimTopic, key: "jt.value", from: ", json_each(" + safeJSON("r.topics") + ") jt", where: "jt.value != ''", people: true},
		{dim: DimMissing, key: "'participants'", where: "(r.male_child + r.female_child + r.male_adult + r.female_adult) = 0"},
		{dim: DimMissing, key: "'topics'", where: jsonLen("r.topics") + " = 0"},
		{dim: DimApproval, where: "r.status = 'approved' AND r.submitted_at != '' AND r.reviewed_at != ''",
			key: "CAST(CASE WHEN " + hours + " < 24 THEN " + hours + " ELSE MIN(" + hours + " / 24, " + fmt.Sprint(ApprovalCapDays) + ") * 24 END AS TEXT)"},
	}
	if collection == catalog.Activities {
		return append(d,
			rawDim{dim: DimType, key: "r.type", where: "r.type != ''", people: true},
			rawDim{dim: DimFunding, key: "r.funding_source", where: "r.funding_source != ''", people: true},
			rawDim{dim: DimLevel, key: "r.level", where: "r.level != ''", people: true},
			rawDim{dim: DimCluster, key: "r.cluster", where: "r.cluster != ''", people: true},
			rawDim{dim: DimMissing, key: "'venue'", where: "r.venue = ''"},
			rawDim{dim: DimMissing, key: "'outcome_summary'", where: "r.outcome_summary = ''"},
			rawDim{dim: DimMissing, key: "'target_groups'", where: jsonLen("r.target_groups") + " = 0"},
			rawDim{dim: DimMissing, key: "'end_date'", where: "r.end_date = ''"},
		)
	}
	risk := jsonLen("r.risk_signals") + " > 0"
	days := "(unixepoch(date(r.follow_up_date, '+7 hours')) - unixepoch(date(r.date, '+7 hours'))) / 86400"
	return append(d,
		rawDim{dim: DimType, key: "r.outreach_type", where: "r.outreach_type != ''", people: true},
		rawDim{dim: DimTarget, key: "r.target_category", where: "r.target_category != ''", people: true},
		rawDim{dim: DimRisk, key: "jr.value", from: ", json_each(" + safeJSON("r.risk_signals") + ") jr", where: "jr.value != ''", people: true},
		rawDim{dim: DimAction, key: "r.action_taken", where: "r.action_taken != ''", people: true},
		rawDim{dim: DimReferral, key: "jf.value", from: ", json_each(" + safeJSON("r.referred_to") + ") jf", where: "jf.value != ''"},
		rawDim{dim: DimFlag, key: "'" + FlagRisk + "'", where: risk, people: true},
		rawDim{dim: DimFlag, key: "'" + FlagFollowUpOpen + "'", where: risk + " AND r.follow_up_date = ''"},
		rawDim{dim: DimFollowUp, key: fmt.Sprintf("CAST(MAX(0, MIN(%s, %d)) AS TEXT)", days, FollowUpCap), where: risk + " AND r.follow_up_date != ''"},
		rawDim{dim: DimFlag, key: "'" + FlagReferred + "'", where: "(r.action_taken = 'referred' OR " + jsonLen("r.referred_to") + " > 0)"},
		rawDim{dim: DimMissing, key: "'target_category'", where: "r.target_category = ''"},
		rawDim{dim: DimMissing, key: "'action_taken'", where: "r.action_taken = ''"},
	)
}

func (e rawEngine) Stats(q StatQuery) ([]StatRow, error) {
	if len(q.Dims) == 0 || len(q.Statuses) == 0 {
		return nil, nil
	}
	params := dbx.Params{"f": storedTime(q.Period.From), "t": storedTime(q.Period.To)}
	date := "r." + dateColumn[q.Collection]
	base := date + " >= {:f} AND " + date + " < {:t} AND " + inList("r.status", q.Statuses, params, "s") + " AND " + scopeWhere(q.Area, params) // (its columns are the record's: json_each has none of them)
	area := "r.village"
	switch {
	case q.Self:
		area, params["self"] = "{:self}", q.Area.Code
	case ChildLevel(q.Area.Level) == catalog.LevelRegency:
		area = "r.regency"
	case ChildLevel(q.Area.Level) == catalog.LevelDistrict:
		area = "r.district"
	}
	if !q.Self {
		// a record of the area's own level (no child) is its self row
		area, params["self"] = "(CASE WHEN "+area+" = '' THEN {:self} ELSE "+area+" END)", q.Area.Code
	}
	month := "0"
	if q.ByMonth {
		month = "CAST(strftime('%Y%m', " + date + ", '+7 hours') AS INTEGER)"
	}
	budget := "0"
	if q.Collection == catalog.Activities {
		budget = "SUM(r.budget)"
	}
	want := map[string]bool{}
	for _, d := range q.Dims {
		want[d] = true
	}
	var parts []string
	for _, d := range rawDims(q.Collection) {
		if !want[d.dim] {
			continue
		}
		sums := "0 AS mc, 0 AS fc, 0 AS ma, 0 AS fa, 0 AS dis, 0 AS budget"
		if d.people {
			sums = "SUM(r.male_child) AS mc, SUM(r.female_child) AS fc, SUM(r.male_adult) AS ma, SUM(r.female_adult) AS fa, SUM(r.disabled) AS dis, " + budget + " AS budget"
		}
		where := base
		if d.where != "" {
			where += " AND " + d.where
		}
		parts = append(parts, fmt.Sprintf(`SELECT %s AS area, %s AS ym, r.status AS status, '%s' AS dim, %s AS key, COUNT(*) AS n, %s
			FROM %s r%s WHERE %s GROUP BY 1, 2, 3, 5`, area, month, d.dim, d.key, sums, q.Collection, d.from, where))
	}
	if len(parts) == 0 {
		return nil, nil
	}
	var rows []StatRow
	if err := e.app.DB().NewQuery(strings.Join(parts, " UNION ALL ")).Bind(params).All(&rows); err != nil {
		return nil, err
	}
	return mergeRows(rows), nil
}

func (e rawEngine) Reached(collection string, area *Area, p Period, statuses []string) (map[string]bool, error) {
	params := dbx.Params{"f": storedTime(p.From), "t": storedTime(p.To)}
	col := dateColumn[collection]
	var villages []string
	// villages only: an activity above village level reaches no village
	err := e.app.DB().NewQuery(`SELECT DISTINCT village FROM ` + collection + ` WHERE village != '' AND ` + col + ` >= {:f} AND ` + col + ` < {:t} AND ` +
		inList("status", statuses, params, "s") + ` AND ` + scopeWhere(area, params)).Bind(params).Column(&villages)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(villages))
	for _, v := range villages {
		out[v] = true
	}
	return out, nil
}
