package benchdata

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
	"jangkau/catalog"
)

const stored = "2006-01-02 15:04:05.000Z"

// pickSome returns k distinct values of list at random, as a JSON list.
func pickSome(rnd *rand.Rand, list []string, k int) string {
	idx := rnd.Perm(len(list))[:min(k, len(list))]
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = list[j]
	}
	raw, _ := json.Marshal(out)
	return string(raw)
}

// status draws a review status: mostly approved, as in a working province.
func status(rnd *rand.Rand) string {
	switch x := rnd.Intn(100); {
	case x < 85:
		return catalog.StatusApproved
	case x < 92:
		return catalog.StatusSubmitted
	case x < 96:
		return catalog.StatusReturned
	}
	return catalog.StatusDraft
}

// bulkVaried inserts rows like bulk, with varied content.
func bulkVaried(app core.App, collection string, total int, villages []string) error {
	rnd := rand.New(rand.NewSource(int64(7 * total)))
	start0 := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	// a village's activity: area the village, level "village" (bulkRows)
	insert := `INSERT INTO activities (id, village, area, level, district, regency, title, start_date, end_date, venue, type, mode, topics,
		target_groups, male_child, female_child, male_adult, female_adult, disabled, funding_source, budget, outcome_summary, status,
		submitted_at, reviewed_at, created, updated)
		VALUES ({:id}, {:v}, {:v}, 'village', {:d}, {:r}, 'Sosialisasi pencegahan TPPO', {:date}, {:end}, {:venue}, {:type}, 'luring', {:topics},
		{:groups}, {:mc}, {:fc}, {:ma}, {:fa}, {:dis}, {:fund}, {:budget}, {:outcome}, {:status}, {:sub}, {:rev}, {:date}, {:date})`
	if collection != catalog.Activities {
		insert = `INSERT INTO outreach_logs (id, village, district, regency, date, outreach_type, target_category, topics,
			risk_signals, action_taken, referred_to, follow_up_date, male_child, female_child, male_adult, female_adult, disabled, status,
			submitted_at, reviewed_at, created, updated)
			VALUES ({:id}, {:v}, {:d}, {:r}, {:date}, {:type}, {:target}, {:topics}, {:risk}, {:action}, {:referred}, {:follow},
			{:mc}, {:fc}, {:ma}, {:fa}, {:dis}, {:status}, {:sub}, {:rev}, {:date}, {:date})`
	}
	return insertRows(app, collection, total, insert, func(i int) dbx.Params {
		v := villages[rnd.Intn(len(villages))]
		day := start0.Add(time.Duration(rnd.Int63n(int64(5 * 365 * 24 * time.Hour))))
		date := day.Format(stored)
		st := status(rnd)
		sub, rev := "", ""
		if st != catalog.StatusDraft {
			sub = day.Add(time.Duration(rnd.Intn(72)) * time.Hour).Format(stored)
		}
		if st == catalog.StatusApproved || st == catalog.StatusReturned {
			rev = day.Add(time.Duration(72+rnd.Intn(30*24)) * time.Hour).Format(stored)
		}
		p := dbx.Params{"id": ID(collection, i), "v": v, "d": areas.DistrictOf(v), "r": areas.RegencyOf(v), "date": date, "status": st, "sub": sub, "rev": rev,
			"topics": pickSome(rnd, catalog.Topics, rnd.Intn(4)), "mc": rnd.Intn(20), "fc": rnd.Intn(20), "ma": rnd.Intn(40), "fa": rnd.Intn(40),
			"dis": rnd.Intn(3)}
		if collection == catalog.Activities {
			p["type"] = catalog.ActivityTypes[rnd.Intn(len(catalog.ActivityTypes))]
			p["end"], p["venue"], p["outcome"] = "", "", ""
			if rnd.Intn(10) > 0 {
				p["end"], p["venue"] = date, "Balai desa"
			}
			if rnd.Intn(10) > 2 {
				p["outcome"] = "Peserta memahami modus perekrutan"
			}
			p["groups"] = pickSome(rnd, catalog.TargetGroups, 1+rnd.Intn(2))
			p["fund"] = catalog.FundingSources[rnd.Intn(len(catalog.FundingSources))]
			p["budget"] = rnd.Intn(50) * 100000
		} else {
			p["type"] = catalog.OutreachTypes[rnd.Intn(len(catalog.OutreachTypes))]
			p["target"] = catalog.TargetGroups[rnd.Intn(len(catalog.TargetGroups))]
			p["risk"], p["referred"], p["follow"] = "[]", "[]", ""
			p["action"] = catalog.OutreachActions[rnd.Intn(len(catalog.OutreachActions))]
			if rnd.Intn(10) < 3 {
				p["risk"] = pickSome(rnd, catalog.RiskSignals, 1+rnd.Intn(2))
				if rnd.Intn(10) < 7 {
					p["follow"] = day.AddDate(0, 0, rnd.Intn(21)).Format(stored)
				}
			}
			if p["action"] == "referred" {
				p["referred"] = pickSome(rnd, catalog.ReferralAgencies, 1+rnd.Intn(2))
			}
		}
		return p
	})
}

// figures adds village programmes (about a third of the villages have
// each programme), quarterly case figures per regency for 2021-2025 with
// small counts, and a RAD: one automatic indicator per counting rule and
// two hand-entered ones with yearly achievements per regency.
func figures(app core.App, villages []string) error {
	rnd := rand.New(rand.NewSource(42))
	return app.RunInTransaction(func(tx core.App) error {
		var seq int64
		if err := tx.DB().NewQuery("SELECT value FROM sync_counters WHERE name = 'seq'").Row(&seq); err != nil {
			return err
		}
		prog := tx.DB().NewQuery(`INSERT INTO village_programs (id, village, district, regency, program, status, legal_basis_number, created, updated)
			VALUES ({:id}, {:v}, {:d}, {:r}, {:p}, {:s}, {:n}, {:t}, {:t})`)
		prog.Prepare()
		defer prog.Close()
		feed := tx.DB().NewQuery(`INSERT INTO sync_changes (collection, record_id, village, regency, seq, deleted, changed_at) VALUES ('village_programs', {:id}, {:v}, {:r}, {:s}, 0, {:t})`)
		feed.Prepare()
		defer feed.Close()
		now := time.Now().UTC().Format(stored)
		n := 0
		for _, v := range villages {
			for _, p := range catalog.VillageProgramKinds {
				if rnd.Intn(3) != 0 {
					continue
				}
				n++
				id := fmt.Sprintf("prg%012d", n)
				st := catalog.VillageProgramStatuses[rnd.Intn(len(catalog.VillageProgramStatuses))]
				if _, err := prog.Bind(dbx.Params{"id": id, "v": v, "d": areas.DistrictOf(v), "r": areas.RegencyOf(v), "p": p, "s": st,
					"n": fmt.Sprintf("SK %d/2024", n%200), "t": now}).Execute(); err != nil {
					return err
				}
				seq++
				if _, err := feed.Bind(dbx.Params{"id": id, "v": v, "r": areas.RegencyOf(v), "s": seq, "t": now}).Execute(); err != nil {
					return err
				}
			}
		}
		if _, err := tx.DB().NewQuery("UPDATE sync_counters SET value = {:s} WHERE name = 'seq'").Bind(dbx.Params{"s": seq}).Execute(); err != nil {
			return err
		}

		save := func(col string, fields map[string]any) error {
			c, err := tx.FindCollectionByNameOrId(col)
			if err != nil {
				return err
			}
			r := core.NewRecord(c)
			for k, v := range fields {
				r.Set(k, v)
			}
			return tx.Save(r)
		}
		var regencies []string
		if err := tx.DB().NewQuery("SELECT id FROM areas WHERE level = 'regency' ORDER BY id").Column(&regencies); err != nil {
			return err
		}
		for year := 2021; year <= 2025; year++ {
			for _, reg := range regencies {
				for q := 1; q <= 4; q++ {
					c := rnd.Intn(8)
					if err := save(catalog.CaseAggregates, map[string]any{"area": reg, "year": year, "period_type": "quarter", "period_index": q,
						"case_count": c, "victims_total": c, "victims_by_sex": map[string]any{"female": c}, "victims_by_age": map[string]any{"age_18_24": c}, "cases_served": c,
						"figure_status": "final", "source": "simfoni_ppa", "exploitation_types": map[string]any{"forced_labour": c}}); err != nil {
						return err
					}
				}
			}
		}
		for i, rule := range catalog.RadCountingRules {
			level := catalog.LevelRegency
			if i%2 == 1 {
				level = catalog.LevelProvince
			}
			targets := map[string]any{}
			for year := 2022; year <= 2026; year++ {
				targets[fmt.Sprint(year)] = 50 + 10*(year-2022)
			}
			if err := save(catalog.RadIndicators, map[string]any{"code": fmt.Sprintf("A.%d", i+1), "rad_period": "2022-2026", "cluster": "prevention",
				"level": level, "counting": "auto", "auto_rule": rule, "active": true, "targets": targets, "unit": "kegiatan"}); err != nil {
				return err
			}
		}
		for i, cluster := range []string{"coordination", "law_enforcement"} {
			c, err := tx.FindCollectionByNameOrId(catalog.RadIndicators)
			if err != nil {
				return err
			}
			ind := core.NewRecord(c)
			for k, v := range map[string]any{"code": fmt.Sprintf("M.%d", i+1), "rad_period": "2022-2026", "cluster": cluster, "level": catalog.LevelRegency,
				"counting": "manual", "active": true, "targets": map[string]any{"2025": 4, "2024": 3}, "unit": "dokumen"} {
				ind.Set(k, v)
			}
			if err := tx.Save(ind); err != nil {
				return err
			}
			for _, reg := range regencies {
				for year := 2022; year <= 2025; year++ {
					if err := save(catalog.RadAchievements, map[string]any{"indicator": ind.Id, "area": reg, "year": year, "period_type": "year",
						"value": 1 + rnd.Intn(5)}); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}
