package reports_test

import (
	"strconv"
	"testing"
	"time"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/reports"
)

// radValues reads the 2025 RAD page as who and returns the achieved value
// of each indicator code: the whole area's, or one regency's row.
func radValues(t *testing.T, srv *tt.Server, who, regency string) map[string]any {
	t.Helper()
	var r reports.RadReport
	get(t, srv, who, url("rad", "year=2025"), &r)
	out := map[string]any{}
	for _, c := range r.Clusters {
		for _, i := range c.Indicators {
			out[i.Code] = valueOf(i.Total.Achieved)
			for _, reg := range i.Regencies {
				if reg.Area.Code == regency {
					out[i.Code+"@"+regency] = valueOf(reg.Achieved)
				}
			}
		}
	}
	return out
}

// A RAD page's rule values are kept between readers, and are never read
// stale: approving a record, taking an approval back, and ending a village
// programme each show on the next page, while a phone's submitted record
// leaves the kept values as they are. A regency's page reads its row of the
// province's values.
func TestRadValuesKeptUntilAWriteChangesThem(t *testing.T) {
	t.Parallel()
	srv := ruleStore(t)
	reports.SetRadWarmDelay(srv.App, time.Hour) // nothing computed in the background here
	// topics and cluster together: counted from the records (TestRulesByHand: a1, a2 in regency A)
	records := map[string]any{"source": "activities", "measure": "records", "filters": map[string]any{"topics": []string{"modus_tppo"}, "clusters": []string{"prevention"}}}
	programmes := map[string]any{"source": "programmes", "measure": "villages", "filters": map[string]any{"program_kinds": []string{"drppa"}, "program_statuses": []string{"aktif"}}}
	for id, rule := range map[string]map[string]any{"radcacherecords": records, "radcacheprogram": programmes} {
		saveRecord(t, srv, catalog.RadIndicators, map[string]any{"id": id, "code": id, "rad_period": "2022-2026", "cluster": "prevention",
			"level": "regency", "counting": "auto", "rule": rule, "unit": "kegiatan", "active": true, "targets": map[string]any{"2025": 5}})
	}
	counts := func() (int64, int64) {
		h, m, _ := reports.RadCacheCounts(srv.App)
		return h, m
	}

	v := radValues(t, srv, tt.Secretariat, tt.RegencyA)
	eq(t, "records rule", v["radcacherecords"], any(2.0))
	eq(t, "records rule, regency A", v["radcacherecords@"+tt.RegencyA], any(2.0))
	eq(t, "programmes rule (A2, B)", v["radcacheprogram"], any(2.0))
	hits, misses := counts()
	v = radValues(t, srv, tt.Secretariat, tt.RegencyA)
	eq(t, "records rule read again", v["radcacherecords"], any(2.0))
	h2, m2 := counts()
	eq(t, "second page: rules computed again", m2-misses, 0)
	if h2 <= hits {
		t.Errorf("second page read no kept value (hits %d then %d)", hits, h2)
	}
	// the regency's own page: its row of the province's values, nothing computed
	v = radValues(t, srv, tt.VerifierA, tt.RegencyA)
	eq(t, "verifier A's page", v["radcacherecords"], any(2.0))
	_, m3 := counts()
	eq(t, "verifier A's page: rules computed", m3-m2, 0)

	// a phone's submitted record changes no approved figure: the values stay kept
	saveRecord(t, srv, catalog.Activities, map[string]any{"id": "actcachesubmit1", "village": tt.VillageA, "start_date": "2025-06-02 03:00:00.000Z",
		"type": "sosialisasi", "topics": []string{"modus_tppo"}, "cluster": "prevention", "status": "submitted", "male_adult": 3, "title": "Diajukan"})
	v = radValues(t, srv, tt.Secretariat, tt.RegencyA)
	eq(t, "after a submitted record", v["radcacherecords"], any(2.0))
	_, m4 := counts()
	eq(t, "after a submitted record: rules computed", m4-m3, 0)

	// approved: counted on the next page
	rec, err := srv.App.FindRecordById(catalog.Activities, "actcachesubmit1")
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("status", catalog.StatusApproved)
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	v = radValues(t, srv, tt.Secretariat, tt.RegencyA)
	eq(t, "after the approval", v["radcacherecords"], any(3.0))
	eq(t, "after the approval, regency A", v["radcacherecords@"+tt.RegencyA], any(3.0))
	eq(t, "verifier A after the approval", radValues(t, srv, tt.VerifierA, tt.RegencyA)["radcacherecords"], any(3.0))

	// the approval taken back (returned): no longer counted
	rec, err = srv.App.FindRecordById(catalog.Activities, "actcachesubmit1")
	if err != nil {
		t.Fatal(err)
	}
	rec.Set("status", catalog.StatusReturned)
	if err := srv.App.Save(rec); err != nil {
		t.Fatal(err)
	}
	eq(t, "after the return", radValues(t, srv, tt.Secretariat, tt.RegencyA)["radcacherecords"], any(2.0))

	// a programme ended in 2024: not in 2025's value
	prog, err := srv.App.FindRecordById(catalog.VillagePrograms, "prgrule00000001")
	if err != nil {
		t.Fatal(err)
	}
	prog.Set("valid_to", "2024-12-31 00:00:00.000Z")
	if err := srv.App.Save(prog); err != nil {
		t.Fatal(err)
	}
	eq(t, "after a programme ended", radValues(t, srv, tt.Secretariat, tt.RegencyA)["radcacheprogram"], any(1.0))

	// deleted while approved: gone from the next page
	del, err := srv.App.FindRecordById(catalog.Activities, "actrule00000001")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.App.Delete(del); err != nil {
		t.Fatal(err)
	}
	eq(t, "after a delete", radValues(t, srv, tt.Secretariat, tt.RegencyA)["radcacherecords"], any(1.0))

	// a regency's page first after a change: its own value, computed alone and kept for it
	prog.Set("legal_basis_number", "SK Kades 7/2025")
	if err := srv.App.Save(prog); err != nil {
		t.Fatal(err)
	}
	_, m5 := counts()
	eq(t, "verifier A first after a change", radValues(t, srv, tt.VerifierA, tt.RegencyA)["radcacherecords"], any(1.0))
	_, m6 := counts()
	if m6 == m5 {
		t.Error("verifier A's first page after a change computed nothing")
	}
	eq(t, "verifier A again", radValues(t, srv, tt.VerifierA, tt.RegencyA)["radcacherecords"], any(1.0))
	_, m7 := counts()
	eq(t, "verifier A again: rules computed", m7-m6, 0)
	eq(t, "the province's page after the regency's", radValues(t, srv, tt.Secretariat, tt.RegencyA)["radcacherecords"], any(1.0))
}

// After an approval the current year's values are computed in the
// background, so the next reader's page computes nothing.
func TestRadValuesComputedAgainAfterAnApproval(t *testing.T) {
	t.Parallel()
	srv := ruleStore(t)
	reports.SetRadWarmDelay(srv.App, 20*time.Millisecond)
	year := time.Now().In(reports.WIB).Year()
	rule := map[string]any{"source": "activities", "measure": "participants", "filters": map[string]any{"topics": []string{"modus_tppo"}, "clusters": []string{"prevention"}}}
	saveRecord(t, srv, catalog.RadIndicators, map[string]any{"id": "radcachewarm001", "code": "W.1", "rad_period": "2022-2026", "cluster": "prevention",
		"level": "province", "counting": "auto", "rule": rule, "unit": "orang", "active": true})
	saveRecord(t, srv, catalog.Activities, map[string]any{"id": "actcachewarm001", "village": tt.VillageB, "start_date": time.Date(year, 1, 15, 3, 0, 0, 0, time.UTC).Format("2006-01-02 15:04:05.000Z"),
		"type": "sosialisasi", "topics": []string{"modus_tppo"}, "cluster": "prevention", "status": "approved", "male_adult": 7, "title": "Disetujui"})
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, _, warm := reports.RadCacheCounts(srv.App); warm {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the current year's RAD values were not computed after the approval")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, m1, _ := reports.RadCacheCounts(srv.App)
	var r reports.RadReport
	get(t, srv, tt.Secretariat, url("rad", "year="+strconv.Itoa(year)), &r)
	_, m2, _ := reports.RadCacheCounts(srv.App)
	eq(t, "rules computed by the reader", m2-m1, 0)
	found := false
	for _, c := range r.Clusters {
		for _, i := range c.Indicators {
			if i.Code == "W.1" {
				found = true
				eq(t, "W.1 achieved (the approved activity's 7)", valueOf(i.Total.Achieved), any(7.0))
			}
		}
	}
	eq(t, "W.1 on the page", found, true)
}
