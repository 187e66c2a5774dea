package reports

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/catalog"
)

// Dimensions of the counted facts. Each record contributes one fact per
// dimension value it has (an activity with two topics: two topic facts).
const (
	DimAll      = "all"      // every record; key ""
	DimType     = "type"     // activity type / outreach type
	DimTopic    = "topic"    // each topic
	DimFunding  = "funding"  // activity funding source
	DimTarget   = "target"   // outreach target category
	DimRisk     = "risk"     // each risk signal seen
	DimAction   = "action"   // outreach action taken
	DimReferral = "referral" // each agency referred to
	DimFlag     = "flag"     // outreach flags: risk, referred, followup_open
	DimFollowUp = "followup" // days from detection to follow-up (risk logs), key = days, capped
	DimMissing  = "missing"  // each missing field (data completeness)
	DimApproval = "approval" // time from submission to approval, key = hours (lower bound of the bucket)
	DimLevel    = "level"    // activities: the level of the area it was recorded at
	DimCluster  = "cluster"  // activities: the task-force cluster
)

// Flags counted under DimFlag.
const (
	FlagRisk         = "risk"          // at least one risk signal
	FlagReferred     = "referred"      // action referred, or an agency named
	FlagFollowUpOpen = "followup_open" // risk seen, no follow-up date yet
)

// FollowUpCap is the last follow-up bucket: "this many days or more".
const FollowUpCap = 366

// ApprovalCapDays is the last approval bucket, in days.
const ApprovalCapDays = 365

// Measures are the sums kept per fact.
type Measures struct {
	N      int64   `db:"n"`
	MC     int64   `db:"mc"`
	FC     int64   `db:"fc"`
	MA     int64   `db:"ma"`
	FA     int64   `db:"fa"`
	Dis    int64   `db:"dis"`
	Budget float64 `db:"budget"`
}

// Add adds o to m.
func (m *Measures) Add(o Measures) {
	m.N += o.N
	m.MC += o.MC
	m.FC += o.FC
	m.MA += o.MA
	m.FA += o.FA
	m.Dis += o.Dis
	m.Budget += o.Budget
}

func (m Measures) neg() Measures {
	return Measures{-m.N, -m.MC, -m.FC, -m.MA, -m.FA, -m.Dis, -m.Budget}
}

func (m Measures) zero() bool { return m == Measures{} }

// Participants is the sum of the four participant counts.
func (m Measures) Participants() int64 { return m.MC + m.FC + m.MA + m.FA }

// Fact is one counted dimension value of a record.
type Fact struct {
	Dim, Key string
	M        Measures
}

// Contribution is what one record adds to the aggregates.
type Contribution struct {
	// Area is where the record was counted: a village, or (activities
	// above village level) a district, a regency or the province.
	Area   string
	YM     int // YYYYMM of the record's WIB date
	Day    int // YYYYMMDD of the record's WIB date
	Status string
	Facts  []Fact
}

// Row is the part of an activity or outreach log the reports count. Dates
// are as stored (UTC, "2006-01-02 15:04:05.000Z"); lists are JSON text.
type Row struct {
	ID          string  `db:"id"`
	Village     string  `db:"village"`
	Area        string  `db:"area"`  // activities: their area at any level; outreach logs: their village
	Level       string  `db:"level"` // activities
	Cluster     string  `db:"cluster"`
	Date        string  `db:"date"` // start_date of activities, date of outreach logs
	Status      string  `db:"status"`
	Type        string  `db:"type"` // type / outreach_type
	Topics      string  `db:"topics"`
	Funding     string  `db:"funding"`      // activities
	Venue       string  `db:"venue"`        // activities
	Outcome     string  `db:"outcome"`      // activities: outcome_summary
	EndDate     string  `db:"end_date"`     // activities
	Groups      string  `db:"groups"`       // activities: target_groups; outreach: target_category
	Risk        string  `db:"risk"`         // outreach: risk_signals
	Action      string  `db:"action"`       // outreach: action_taken
	Referred    string  `db:"referred"`     // outreach: referred_to
	FollowUp    string  `db:"follow_up"`    // outreach: follow_up_date
	SubmittedAt string  `db:"submitted_at"` // both
	ReviewedAt  string  `db:"reviewed_at"`  // both
	MC          int64   `db:"male_child"`
	FC          int64   `db:"female_child"`
	MA          int64   `db:"male_adult"`
	FA          int64   `db:"female_adult"`
	Dis         int64   `db:"disabled"`
	Budget      float64 `db:"budget"`
}

// fields returns pointers to the Row's fields in the order of rowColumns.
func (r *Row) fields() []any {
	return []any{&r.ID, &r.Village, &r.Area, &r.Level, &r.Cluster, &r.Date, &r.Status, &r.Type, &r.Topics, &r.Funding, &r.Venue, &r.Outcome, &r.EndDate,
		&r.Groups, &r.Risk, &r.Action, &r.Referred, &r.FollowUp, &r.SubmittedAt, &r.ReviewedAt,
		&r.MC, &r.FC, &r.MA, &r.FA, &r.Dis, &r.Budget}
}

// rowColumns are the SELECT expressions that fill a Row from each table.
var rowColumns = map[string]string{
	catalog.Activities: `id, village, area, level, cluster, start_date AS date, status, type, topics, funding_source AS funding, venue,
		outcome_summary AS outcome, end_date, target_groups AS groups, '' AS risk, '' AS action, '' AS referred, '' AS follow_up,
		submitted_at, reviewed_at, male_child, female_child, male_adult, female_adult, disabled, budget`,
	catalog.OutreachLogs: `id, village, village AS area, 'village' AS level, '' AS cluster, date, status, outreach_type AS type, topics, '' AS funding, '' AS venue,
		'' AS outcome, '' AS end_date, target_category AS groups, risk_signals AS risk, action_taken AS action, referred_to AS referred,
		follow_up_date AS follow_up, submitted_at, reviewed_at, male_child, female_child, male_adult, female_adult, disabled, 0 AS budget`,
}

// dateColumn is the column that places a record in a period.
var dateColumn = map[string]string{catalog.Activities: "start_date", catalog.OutreachLogs: "date"}

// parseStored reads a stored date (zero time when empty or malformed).
func parseStored(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse("2006-01-02 15:04:05.000Z", s); err == nil {
		return t
	}
	dt, err := types.ParseDateTime(s)
	if err != nil {
		return time.Time{}
	}
	return dt.Time()
}

func parseList(s string) []string {
	if s == "" || s == "[]" || s == "null" {
		return nil
	}
	var out []string
	_ = json.Unmarshal([]byte(s), &out)
	// the select fields store unique values; be safe with raw rows
	seen := make(map[string]bool, len(out))
	uniq := out[:0]
	for _, v := range out {
		if v != "" && !seen[v] {
			seen[v] = true
			uniq = append(uniq, v)
		}
	}
	return uniq
}

// approvalKey buckets an approval time: whole hours under a day, whole days
// (written in hours) from one day to ApprovalCapDays.
func approvalKey(submitted, reviewed time.Time) string {
	h := (reviewed.Unix() - submitted.Unix()) / 3600
	if h < 0 {
		h = 0
	}
	if h >= 24 {
		h = min(h/24, ApprovalCapDays) * 24
	}
	return strconv.FormatInt(h, 10)
}

// wibDay numbers the WIB calendar day of t.
func wibDay(t time.Time) int64 {
	w := t.In(WIB)
	return time.Date(w.Year(), w.Month(), w.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// Contribute lists the facts of a record of collection (activities or
// outreach logs). The stats tables, the edges of custom periods and the
// rebuild all count through it; the raw engine counts the same by SQL.
func Contribute(collection string, r Row) Contribution {
	c := Contribution{Area: r.Area, Status: r.Status}
	date := parseStored(r.Date)
	if date.IsZero() || r.Area == "" {
		return c
	}
	c.YM, c.Day = ym(date), ymd(date)
	people := Measures{N: 1, MC: r.MC, FC: r.FC, MA: r.MA, FA: r.FA, Dis: r.Dis, Budget: r.Budget}
	one := Measures{N: 1}
	add := func(dim, key string, m Measures) { c.Facts = append(c.Facts, Fact{dim, key, m}) }
	add(DimAll, "", people)
	if r.Type != "" {
		add(DimType, r.Type, people)
	}
	topics := parseList(r.Topics)
	for _, t := range topics {
		add(DimTopic, t, people)
	}
	missing := func(field string, isMissing bool) {
		if isMissing {
			add(DimMissing, field, one)
		}
	}
	missing("participants", people.Participants() == 0)
	missing("topics", len(topics) == 0)
	if collection == catalog.Activities {
		if r.Funding != "" {
			add(DimFunding, r.Funding, people)
		}
		if r.Level != "" {
			add(DimLevel, r.Level, people)
		}
		if r.Cluster != "" {
			add(DimCluster, r.Cluster, people)
		}
		missing("venue", r.Venue == "")
		missing("outcome_summary", r.Outcome == "")
		missing("target_groups", len(parseList(r.Groups)) == 0)
		missing("end_date", r.EndDate == "")
	} else {
		if r.Groups != "" {
			add(DimTarget, r.Groups, people)
		}
		risks := parseList(r.Risk)
		for _, s := range risks {
			add(DimRisk, s, people)
		}
		if r.Action != "" {
			add(DimAction, r.Action, people)
		}
		agencies := parseList(r.Referred)
		for _, a := range agencies {
			add(DimReferral, a, one)
		}
		if len(risks) > 0 {
			add(DimFlag, FlagRisk, people)
			if f := parseStored(r.FollowUp); !f.IsZero() {
				days := max(0, min(wibDay(f)-wibDay(date), FollowUpCap))
				add(DimFollowUp, strconv.FormatInt(days, 10), one)
			} else {
				add(DimFlag, FlagFollowUpOpen, one)
			}
		}
		if r.Action == "referred" || len(agencies) > 0 {
			add(DimFlag, FlagReferred, one)
		}
		missing("target_category", r.Groups == "")
		missing("action_taken", r.Action == "")
	}
	if r.Status == catalog.StatusApproved {
		s, v := parseStored(r.SubmittedAt), parseStored(r.ReviewedAt)
		if !s.IsZero() && !v.IsZero() {
			add(DimApproval, approvalKey(s, v), one)
		}
	}
	return c
}
