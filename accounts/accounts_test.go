package accounts_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"jangkau/accounts"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
)

type list struct {
	TotalItems int                `json:"totalItems"`
	Items      []accounts.Account `json:"items"`
}

func fetch(t *testing.T, srv *tt.Server, who, query string) list {
	t.Helper()
	res := srv.Do(t, http.MethodGet, "/api/accounts?"+query, tt.Token(t, srv.App, who), nil)
	if res.Status != 200 {
		t.Fatalf("list as %s: %d %s", who, res.Status, res.Body)
	}
	var l list
	if err := json.Unmarshal(res.Body, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func emails(l list) string {
	var out []string
	for _, a := range l.Items {
		out = append(out, a.Email)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestListFollowsWhoManagesWhom(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	all := fetch(t, srv, tt.Secretariat, "")
	if all.TotalItems != len(tt.FixtureUsers) {
		t.Errorf("secretariat sees %d of %d accounts", all.TotalItems, len(tt.FixtureUsers))
	}
	for _, a := range all.Items {
		if a.Email == tt.OfficerA {
			if a.Area.Name != "Hajimena" || a.Area.District != "Natar" || a.Area.Regency != "Kabupaten Lampung Selatan" || a.RegencyName != "Kabupaten Lampung Selatan" {
				t.Errorf("area names: %+v %q", a.Area, a.RegencyName)
			}
		}
	}
	if got := emails(fetch(t, srv, tt.VerifierA, "")); got != tt.OfficerA2+","+tt.OfficerA {
		t.Errorf("verifier A sees %s", got)
	}
	if got := emails(fetch(t, srv, tt.Secretariat, "area="+tt.DistrictA)); got != tt.OfficerA2+","+tt.OfficerA {
		t.Errorf("area filter: %s", got)
	}
	if got := emails(fetch(t, srv, tt.Secretariat, "role=district_verifier")); got != tt.VerifierA+","+tt.VerifierB {
		t.Errorf("role filter: %s", got)
	}
	if got := fetch(t, srv, tt.Secretariat, "q=taskforce").TotalItems; got != 1 {
		t.Errorf("search: %d", got)
	}
	if got := fetch(t, srv, tt.Secretariat, "perPage=2&page=2"); len(got.Items) != 2 || got.TotalItems != len(tt.FixtureUsers) {
		t.Errorf("paging: %d items of %d", len(got.Items), got.TotalItems)
	}
	for _, who := range []string{tt.OfficerA, tt.Taskforce} {
		if res := srv.Do(t, http.MethodGet, "/api/accounts", tt.Token(t, srv.App, who), nil); res.Status != 403 {
			t.Errorf("%s: %d", who, res.Status)
		}
	}
}

// A verifier moves one of its village officers to another village: the
// officer's phone, pulling with its old cursor, is told to reset and gets
// the new village only; the list shows the new area and the phone.
func TestMovingAUserResetsItsPhones(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA2)
	var first struct {
		Cursor  int64 `json:"cursor"`
		HasMore bool  `json:"hasMore"`
	}
	cursor := int64(0)
	for {
		res := srv.Do(t, http.MethodGet, fmt.Sprintf("/api/sync/pull?cursor=%d&limit=5000&clientId=phone-a2", cursor), officer, nil)
		if res.Status != 200 {
			t.Fatalf("pull: %d %s", res.Status, res.Body)
		}
		_ = json.Unmarshal(res.Body, &first)
		cursor = first.Cursor
		if !first.HasMore {
			break
		}
	}
	// the phone is up to date: no reset
	res := srv.Do(t, http.MethodGet, fmt.Sprintf("/api/sync/pull?cursor=%d&clientId=phone-a2", cursor), officer, nil)
	if strings.Contains(string(res.Body), `"reset":true`) {
		t.Fatalf("reset before the move: %s", res.Body)
	}

	move := srv.Do(t, http.MethodPatch, "/api/collections/users/records/"+tt.UserID(tt.OfficerA2), tt.Token(t, srv.App, tt.VerifierA),
		map[string]any{"area": tt.VillageA})
	if move.Status != 200 {
		t.Fatalf("move: %d %s", move.Status, move.Body)
	}
	officer = tt.Token(t, srv.App, tt.OfficerA2)
	res = srv.Do(t, http.MethodGet, fmt.Sprintf("/api/sync/pull?cursor=%d&limit=5000&clientId=phone-a2", cursor), officer, nil)
	var after struct {
		Reset   bool `json:"reset"`
		Changes []struct {
			Collection string `json:"collection"`
			ID         string `json:"id"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(res.Body, &after); err != nil || res.Status != 200 {
		t.Fatalf("pull after the move: %d %s", res.Status, res.Body)
	}
	if !after.Reset {
		t.Fatal("no reset after the move")
	}
	sawNewVillage := false
	for _, c := range after.Changes {
		sawNewVillage = sawNewVillage || (c.Collection == catalog.Activities && c.ID == tt.ActivityA)
	}
	if !sawNewVillage {
		t.Error("the re-download lacks the new village's activity")
	}

	l := fetch(t, srv, tt.VerifierA, "q=officer.a2")
	if len(l.Items) != 1 {
		t.Fatalf("list: %+v", l)
	}
	a := l.Items[0]
	if a.Area.Code != tt.VillageA || a.Area.Name != "Hajimena" {
		t.Errorf("area after move: %+v", a.Area)
	}
	if a.ScopeSeq <= cursor {
		t.Errorf("scope_seq %d not after the old cursor %d", a.ScopeSeq, cursor)
	}
	if a.Devices != 1 || a.LastSeen == "" {
		t.Errorf("devices %d, last seen %q", a.Devices, a.LastSeen)
	}
}
