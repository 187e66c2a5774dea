package migrations

import (
	"encoding/json"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Issue 15: case figures as the national reporting (Simfoni PPA) counts
// them. New fields of case_aggregates: victims in total, by sex and by
// Simfoni's age bands, with disability and repatriated; cases by scope
// (domestic or cross-border), by law (TPPO or UU 18/2017) and by stage of
// the criminal process; police reports, suspects, restitution requested and
// granted. The breakdowns are JSON objects keyed by the codes of five new
// vocabularies, seeded here literally (frozen): sexes, age_bands,
// case_scopes, case_laws, case_stages.
//
// Existing figures lose nothing. Their four counts of victims by sex and
// child/adult become the victims' total, their breakdown by sex and a
// breakdown by age into two retired codes of age_bands, child_unbanded and
// adult_unbanded ("age not broken down, earlier data"): a retired code stays
// valid on the records that carry it and no new figure can take it. The
// four old columns are kept as they were (the split of children and adults
// by sex is not in the new breakdowns) and the server refuses any change to
// them.
//
// The services become the six of Permen PPPA 8/2021: pengaduan and
// kesehatan are relabelled (complaint and identification, health
// rehabilitation) where the secretariat had not changed their labels, and
// penegakan_hukum and pendampingan_tokoh_agama are retired (kept on the
// figures that count them).
func init() {
	m.Register(func(app core.App) error {
		ca, err := app.FindCollectionByNameOrId("case_aggregates")
		if err != nil {
			return err
		}
		zero, most := 0.0, 1e7
		for _, name := range caseFigureCounts1765700000 {
			ca.Fields.Add(&core.NumberField{Name: name, OnlyInt: true, Min: &zero, Max: &most})
		}
		for _, name := range caseFigureBreakdowns1765700000 {
			ca.Fields.Add(&core.JSONField{Name: name, MaxSize: 5000})
		}
		if err := app.Save(ca); err != nil {
			return err
		}

		// the vocabularies
		voc, err := app.FindCollectionByNameOrId("vocabularies")
		if err != nil {
			return err
		}
		order := map[string]int{}
		for _, v := range caseVocabularies1765700000 {
			order[v[0]]++
			exists := 0
			if err := app.DB().NewQuery(`SELECT COUNT(*) FROM vocabularies WHERE kind = {:k} AND code = {:c}`).
				Bind(dbx.Params{"k": v[0], "c": v[1]}).Row(&exists); err != nil {
				return err
			}
			if exists > 0 {
				continue
			}
			r := core.NewRecord(voc)
			r.Load(map[string]any{"kind": v[0], "code": v[1], "label_id": v[2], "label_en": v[3],
				"order": order[v[0]] * 10, "active": v[4] == "active"})
			if err := app.SaveNoValidate(r); err != nil {
				return err
			}
		}
		for _, l := range caseServiceLabels1765700000 {
			if _, err := app.DB().NewQuery(`UPDATE vocabularies SET label_id = {:nid}, label_en = {:nen}
				WHERE kind = 'case_services' AND code = {:c} AND label_id = {:oid} AND label_en = {:oen}`).
				Bind(dbx.Params{"c": l[0], "oid": l[1], "oen": l[2], "nid": l[3], "nen": l[4]}).Execute(); err != nil {
				return err
			}
		}
		if _, err := app.DB().NewQuery(`UPDATE vocabularies SET active = FALSE
			WHERE kind = 'case_services' AND code IN ('penegakan_hukum', 'pendampingan_tokoh_agama')`).Execute(); err != nil {
			return err
		}
		// the six services in the regulation's order, where the secretariat
		// kept the seed's order
		if err := reorderServices1765700000(app, caseServiceOrderOld1765700000, caseServiceOrderNew1765700000); err != nil {
			return err
		}

		// the figures
		var old []struct {
			ID string `db:"id"`
			FC int    `db:"victims_female_child"`
			MC int    `db:"victims_male_child"`
			FA int    `db:"victims_female_adult"`
			MA int    `db:"victims_male_adult"`
		}
		if err := app.DB().NewQuery(`SELECT id, victims_female_child, victims_male_child, victims_female_adult, victims_male_adult
			FROM case_aggregates`).All(&old); err != nil {
			return err
		}
		for _, o := range old {
			sex := nonZero1765700000(map[string]int{"female": o.FC + o.FA, "male": o.MC + o.MA})
			age := nonZero1765700000(map[string]int{"child_unbanded": o.FC + o.MC, "adult_unbanded": o.FA + o.MA})
			if _, err := app.DB().NewQuery(`UPDATE case_aggregates SET victims_total = {:t}, victims_by_sex = {:s}, victims_by_age = {:a}
				WHERE id = {:id}`).Bind(dbx.Params{"t": o.FC + o.MC + o.FA + o.MA, "s": sex, "a": age, "id": o.ID}).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		ca, err := app.FindCollectionByNameOrId("case_aggregates")
		if err != nil {
			return err
		}
		for _, name := range append(append([]string{}, caseFigureCounts1765700000...), caseFigureBreakdowns1765700000...) {
			ca.Fields.RemoveByName(name)
		}
		if err := app.Save(ca); err != nil {
			return err
		}
		// the old columns were kept: nothing to put back but the vocabularies
		for _, l := range caseServiceLabels1765700000 {
			if _, err := app.DB().NewQuery(`UPDATE vocabularies SET label_id = {:oid}, label_en = {:oen}
				WHERE kind = 'case_services' AND code = {:c} AND label_id = {:nid} AND label_en = {:nen}`).
				Bind(dbx.Params{"c": l[0], "oid": l[1], "oen": l[2], "nid": l[3], "nen": l[4]}).Execute(); err != nil {
				return err
			}
		}
		if _, err := app.DB().NewQuery(`UPDATE vocabularies SET active = TRUE
			WHERE kind = 'case_services' AND code IN ('penegakan_hukum', 'pendampingan_tokoh_agama')`).Execute(); err != nil {
			return err
		}
		if err := reorderServices1765700000(app, caseServiceOrderNew1765700000, caseServiceOrderOld1765700000); err != nil {
			return err
		}
		_, err = app.DB().NewQuery(`DELETE FROM vocabularies WHERE kind IN ('sexes', 'age_bands', 'case_scopes', 'case_laws', 'case_stages')`).Execute()
		return err
	})
}

// caseServiceOrderOld1765700000 and caseServiceOrderNew1765700000 are the
// services' display orders before and after: the seed's, and Permen PPPA
// 8/2021's six first.
var (
	caseServiceOrderOld1765700000 = map[string]int{"pengaduan": 10, "kesehatan": 20, "bantuan_hukum": 30, "penegakan_hukum": 40,
		"rehabilitasi_sosial": 50, "pemulangan": 60, "reintegrasi_sosial": 70, "pendampingan_tokoh_agama": 80}
	caseServiceOrderNew1765700000 = map[string]int{"pengaduan": 10, "kesehatan": 20, "rehabilitasi_sosial": 30, "bantuan_hukum": 40,
		"pemulangan": 50, "reintegrasi_sosial": 60, "penegakan_hukum": 70, "pendampingan_tokoh_agama": 80}
)

// reorderServices1765700000 sets the services' orders to "to" when they are
// all still "from" (an order the secretariat changed is left as it is).
func reorderServices1765700000(app core.App, from, to map[string]int) error {
	var rows []struct {
		Code  string `db:"code"`
		Order int    `db:"order"`
	}
	if err := app.DB().NewQuery(`SELECT code, [[order]] FROM vocabularies WHERE kind = 'case_services'`).All(&rows); err != nil {
		return err
	}
	if len(rows) != len(from) {
		return nil
	}
	for _, r := range rows {
		if o, ok := from[r.Code]; !ok || o != r.Order {
			return nil
		}
	}
	for code, o := range to {
		if _, err := app.DB().NewQuery(`UPDATE vocabularies SET [[order]] = {:o} WHERE kind = 'case_services' AND code = {:c}`).
			Bind(dbx.Params{"o": o, "c": code}).Execute(); err != nil {
			return err
		}
	}
	return nil
}

// nonZero1765700000 renders the counts above zero as a JSON object.
func nonZero1765700000(counts map[string]int) string {
	out := map[string]int{}
	for k, n := range counts {
		if n > 0 {
			out[k] = n
		}
	}
	raw, _ := json.Marshal(out)
	return string(raw)
}

var caseFigureCounts1765700000 = []string{
	"victims_total", "victims_disabled", "victims_repatriated", "police_reports", "suspects",
	"restitution_requested", "restitution_granted",
}

var caseFigureBreakdowns1765700000 = []string{
	"victims_by_sex", "victims_by_age", "cases_by_scope", "cases_by_law", "cases_by_stage",
}

// caseVocabularies1765700000 are kind, code, labels and state, in order.
var caseVocabularies1765700000 = [][5]string{
	{"sexes", "female", "Perempuan", "Female", "active"},
	{"sexes", "male", "Laki-laki", "Male", "active"},
	{"age_bands", "age_0_5", "0-5 tahun", "0-5 years", "active"},
	{"age_bands", "age_6_12", "6-12 tahun", "6-12 years", "active"},
	{"age_bands", "age_13_17", "13-17 tahun", "13-17 years", "active"},
	{"age_bands", "age_18_24", "18-24 tahun", "18-24 years", "active"},
	{"age_bands", "age_25_44", "25-44 tahun", "25-44 years", "active"},
	{"age_bands", "age_45_59", "45-59 tahun", "45-59 years", "active"},
	{"age_bands", "age_60_plus", "60 tahun ke atas", "60 years and over", "active"},
	{"age_bands", "child_unbanded", "Anak, umur tidak dirinci (data lama)", "Children, age not broken down (earlier data)", "retired"},
	{"age_bands", "adult_unbanded", "Dewasa, umur tidak dirinci (data lama)", "Adults, age not broken down (earlier data)", "retired"},
	{"case_scopes", "domestic", "Dalam negeri", "Domestic", "active"},
	{"case_scopes", "cross_border", "Lintas negara", "Cross-border", "active"},
	{"case_laws", "tppo", "TPPO (UU 21/2007)", "Trafficking (Law 21/2007)", "active"},
	{"case_laws", "uu_pmi", "Pidana pelindungan PMI (UU 18/2017)", "Migrant-worker protection crimes (Law 18/2017)", "active"},
	{"case_stages", "penyelidikan", "Penyelidikan", "Inquiry", "active"},
	{"case_stages", "penyidikan", "Penyidikan", "Investigation", "active"},
	{"case_stages", "p21", "P21 / penuntutan", "P21 / prosecution", "active"},
	{"case_stages", "putusan", "Putusan", "Verdict", "active"},
}

// caseServiceLabels1765700000 are code, old labels, new labels.
var caseServiceLabels1765700000 = [][5]string{
	{"pengaduan", "Pengaduan", "Complaint handling", "Pengaduan dan identifikasi", "Complaint and identification"},
	{"kesehatan", "Kesehatan", "Health", "Rehabilitasi kesehatan", "Health rehabilitation"},
	{"penegakan_hukum", "Penegakan hukum", "Law enforcement", "Penegakan hukum (tidak dipakai lagi)", "Law enforcement (retired)"},
	{"pendampingan_tokoh_agama", "Pendampingan tokoh agama", "Support by religious leaders", "Pendampingan tokoh agama (tidak dipakai lagi)", "Support by religious leaders (retired)"},
}
