package reports

import "jangkau/catalog"

// Label is a coded value's name in Bahasa Indonesia and English.
type Label struct {
	ID string `json:"id"`
	EN string `json:"en"`
}

// Labels name the codes that appear in reports and exports (column headers,
// breakdown keys). The web app may use them through GET /api/reports/labels.
// The coded lists take their words from the catalogue (labelGroups): the
// stored vocabularies, the one place the apps read them too; only
// report-specific wording (missing fields, traffic lights) is written here.
var Labels = map[string]map[string]Label{
	"missing": {
		"participants": {"Peserta kosong", "No participants"}, "topics": {"Topik kosong", "No topics"}, "venue": {"Tempat kosong", "No venue"},
		"outcome_summary": {"Ringkasan hasil kosong", "No outcome summary"}, "target_groups": {"Sasaran kosong", "No target groups"},
		"end_date": {"Tanggal selesai kosong", "No end date"}, "target_category": {"Sasaran kosong", "No target category"},
		"action_taken": {"Tindakan kosong", "No action taken"},
	},
	"light": {"green": {"Hijau: sesuai target", "Green: on target"}, "yellow": {"Kuning: perlu perhatian", "Yellow: needs attention"},
		"red": {"Merah: tertinggal", "Red: behind"}, "grey": {"Abu-abu: tanpa target", "Grey: no target"}},
}

// labelGroups names, per report vocabulary, the groups of
// catalog/labels.json it is made of (a programme is a programme or a
// village regulation kind).
var labelGroups = map[string][]string{
	"activity_type": {"activity_types"}, "topic": {"topics"}, "funding": {"funding_sources"}, "outreach_type": {"outreach_types"},
	"target_group": {"target_groups"}, "risk_signal": {"risk_signals"}, "action": {"outreach_actions"}, "agency": {"referral_agencies"},
	"program": {"programs", "village_program_kinds"}, "program_status": {"village_program_statuses"}, "status": {"statuses"},
	"cluster": {"clusters"}, "exploitation": {"exploitation_types"}, "service": {"case_services"}, "level": {"area_levels"},
	// the breakdowns of case figures (issue 15)
	"sex": {"sexes"}, "age_band": {"age_bands"}, "case_scope": {"case_scopes"}, "case_law": {"case_laws"}, "case_stage": {"case_stages"},
}

// LabelOf names a code of a vocabulary in lang ("en" or Indonesian); an
// unknown code names itself. Coded lists are read from the catalogue's
// current labels (the stored vocabularies), so a label the secretariat
// renames is renamed in every report and export at once.
func LabelOf(vocabulary, code, lang string) string {
	for _, g := range labelGroups[vocabulary] {
		if l := catalog.LabelOf(g, code, lang); l != code {
			return l
		}
	}
	l, ok := Labels[vocabulary][code]
	if !ok {
		return code
	}
	if lang == "en" {
		return l.EN
	}
	return l.ID
}

// AllLabels returns the labels of every report vocabulary as they are now:
// the report-specific wording and the coded lists (GET /api/reports/labels).
func AllLabels() map[string]map[string]Label {
	out := make(map[string]map[string]Label, len(Labels)+len(labelGroups))
	for k, v := range Labels {
		out[k] = v
	}
	for vocabulary, groups := range labelGroups {
		m := map[string]Label{}
		for _, g := range groups {
			for _, code := range catalog.CodesOf(g) {
				if _, ok := m[code]; !ok {
					m[code] = Label{ID: catalog.LabelOf(g, code, "id"), EN: catalog.LabelOf(g, code, "en")}
				}
			}
		}
		out[vocabulary] = m
	}
	return out
}

// T picks the Indonesian or English text.
func T(lang, id, en string) string {
	if lang == "en" {
		return en
	}
	return id
}
