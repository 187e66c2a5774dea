package access_test

// The generated policy test: every caller (each fixture account with a
// user token and with a device token, a superuser, anonymous) x every
// collection x every operation x records in and out of its scope, asked on
// every path, and each answer compared with the policy table
// (access.Decide). One server (a copy of the test template) serves the
// whole test: reads run on the fixtures first; each write gets its own
// fresh copy of its target, made just before and removed just after.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"jangkau/access"
	"jangkau/apierr"
	"jangkau/audit"
	"jangkau/catalog"
	"jangkau/devices"
	tt "jangkau/internal/testapp"
	"jangkau/notify"
	"jangkau/sync"
)

// caller is one way of calling the server.
type caller struct {
	label  string
	email  string // the fixture account ("" anonymous)
	token  string
	actor  access.Actor
	device bool
}

type harness struct {
	t       *testing.T
	srv     *tt.Server
	app     core.App
	callers []caller
	n       int
	// tombstones: records deleted during setup, by collection and id, as
	// they were (a pull may send their deletes to whoever could read them)
	tombstones map[string]map[string]access.Fields
	photos     map[string]string       // "collection/id" -> file name
	spare      map[string]*core.Record // untouched copies by case, for reuse
}

// Extra fixture records: reviewed states and deletes.
const (
	actSubmittedA = "polactsubmitA01"
	actSubmittedB = "polactsubmitB01"
	actApprovedA  = "polactapprovA01"
	outSubmittedA = "poloutsubmitA01"
	actDeletedA   = "polactdeleteA01"
	actDeletedB   = "polactdeleteB01"

	actSubmittedDistrictA = "polactsubmitDA1"
	actSubmittedRegencyA  = "polactsubmitRA1"
	actSubmittedProvince  = "polactsubmitPP1"
)

func newHarness(t *testing.T) *harness {
	srv := tt.NewServer(t)
	// Account creates and copies hash passwords; the policy test makes
	// hundreds, so this test's copy of the database hashes them cheaply
	// (bcrypt's lowest cost). Nothing here depends on the cost.
	users, err := srv.App.FindCollectionByNameOrId(catalog.Users)
	if err != nil {
		t.Fatal(err)
	}
	users.Fields.GetByName("password").(*core.PasswordField).Cost = bcrypt.MinCost
	if err := srv.App.Save(users); err != nil {
		t.Fatal(err)
	}
	// Thousands of questions come from one address here: the rate limiter
	// (tested in package ratelimit) would answer 429 instead of the policy.
	settings := srv.App.Settings()
	settings.RateLimits.Enabled = false
	if err := srv.App.Save(settings); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, srv: srv, app: srv.App, tombstones: map[string]map[string]access.Fields{}, photos: map[string]string{}, spare: map[string]*core.Record{}}
	app := srv.App
	save := func(col, id string, fields map[string]any) *core.Record {
		c, err := app.FindCollectionByNameOrId(col)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		r.Id = id
		for k, v := range fields {
			r.Set(k, v)
		}
		if err := app.Save(r); err != nil {
			t.Fatalf("%s %s: %v", col, id, err)
		}
		return r
	}
	save(catalog.Activities, actSubmittedA, plus(tt.Activity(tt.VillageA), "status", catalog.StatusSubmitted, "created_by", tt.UserID(tt.OfficerA)))
	save(catalog.Activities, actSubmittedB, plus(tt.Activity(tt.VillageB), "status", catalog.StatusSubmitted, "created_by", tt.UserID(tt.OfficerB)))
	save(catalog.Activities, actApprovedA, plus(tt.Activity(tt.VillageA), "status", catalog.StatusApproved, "created_by", tt.UserID(tt.OfficerA)))
	save(catalog.OutreachLogs, outSubmittedA, plus(tt.Outreach(tt.VillageA), "status", catalog.StatusSubmitted))
	// activities of every level (issue 15), one submitted at each level
	// above the village for the reviews one level up
	seedLevelActivities(t, app)
	save(catalog.Activities, actSubmittedDistrictA, plus(tt.LevelActivity(tt.DistrictA, "law_enforcement"), "status", catalog.StatusSubmitted, "created_by", tt.UserID(tt.RegencyMemberA)))
	save(catalog.Activities, actSubmittedRegencyA, plus(tt.LevelActivity(tt.RegencyA, "law_enforcement"), "status", catalog.StatusSubmitted, "created_by", tt.UserID(tt.RegencyMemberA)))
	save(catalog.Activities, actSubmittedProvince, plus(tt.LevelActivity(tt.Province, "prevention"), "status", catalog.StatusSubmitted, "created_by", tt.UserID(tt.AgencyOfficer)))
	// issue 17's notification tables (superusers only): one row each
	if _, _, err := notify.Keys(app); err != nil {
		t.Fatal(err)
	}
	save(catalog.NotifySubscriptions, "notifysubscr001", map[string]any{"user": tt.UserID(tt.OfficerA), "endpoint": "https://push.example/a",
		"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM", "auth": "tBHItJI5svbpez7KI4CCXg"})
	save(catalog.NotifyPrefs, "notifyprefs0001", map[string]any{"user": tt.UserID(tt.OfficerA), "off": []string{"approved.push"}})
	save(catalog.Notices, "notifynotice001", map[string]any{"user": tt.UserID(tt.OfficerA), "kind": "password", "title_id": "x", "title_en": "x"})
	h.tombstones[catalog.Activities] = map[string]access.Fields{}
	for _, id := range []string{actDeletedA, actDeletedB} {
		village := tt.VillageA
		if id == actDeletedB {
			village = tt.VillageB
		}
		r := save(catalog.Activities, id, tt.Activity(village))
		h.tombstones[catalog.Activities][id] = recordTarget(t, app, r)
		if err := app.Delete(r); err != nil {
			t.Fatal(err)
		}
	}

	// callers: anonymous, a superuser, every fixture account with a user
	// token and with a device token of its own phone
	h.callers = append(h.callers, caller{label: "anonymous"})
	h.callers = append(h.callers, caller{label: "superuser", email: tt.SuperuserEmail, token: tt.Token(t, app, tt.SuperuserEmail),
		actor: actorOf(t, app, tt.SuperuserEmail)})
	su, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, tt.SuperuserEmail)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range tt.FixtureUsers {
		a := actorOf(t, app, u.Email)
		h.callers = append(h.callers, caller{label: u.Email, email: u.Email, token: tt.Token(t, app, u.Email), actor: a})
	}
	for _, u := range tt.FixtureUsers {
		enr, err := devices.CreateEnrollment(app, access.ActorOf(su), tt.UserID(u.Email))
		if !access.HasPhone(u.Role) {
			// desk roles never have a phone: refused, so no device token
			// of theirs exists to call with (migration 1765800000 revoked
			// any from before)
			var ae *apierr.Error
			if !errors.As(err, &ae) || ae.Code != devices.CodeDeskRole {
				t.Fatalf("enrolling a phone of desk role %s: %v, want %s", u.Role, err, devices.CodeDeskRole)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		creds, err := devices.Activate(app, devices.ActivateInput{Code: enr.Code, Name: "HP " + u.Role, Platform: "android", AppVersion: "1.0.0"})
		if err != nil {
			t.Fatal(err)
		}
		a := actorOf(t, app, u.Email)
		a.Device = true
		h.callers = append(h.callers, caller{label: "device:" + u.Email, email: u.Email, token: creds.Token, actor: a, device: true})
	}

	// photos on one activity of each regency, uploaded as a phone does
	for _, id := range []string{tt.ActivityA, tt.ActivityB} {
		res := h.multipart(http.MethodPatch, "/api/collections/activities/records/"+id, h.caller("superuser").token,
			map[string]string{"photo_consent": "true"}, "photos+", tinyJPEG(t))
		if res.Status != 200 {
			t.Fatalf("photo upload: %d %s", res.Status, res.Body)
		}
		names := stringsOf(res.JSON()["photos"])
		if len(names) != 1 {
			t.Fatalf("photos: %s", res.Body)
		}
		h.photos[catalog.Activities+"/"+id] = names[0]
	}
	return h
}

func (h *harness) caller(label string) caller {
	for _, c := range h.callers {
		if c.label == label {
			return c
		}
	}
	h.t.Fatalf("no caller %s", label)
	return caller{}
}

// id returns a fresh record id (15 characters, like a phone's).
func (h *harness) id() string {
	h.n++
	return fmt.Sprintf("policy%09d", h.n)
}

// word returns a fresh word of letters (free text with no digits, so the
// privacy guard never mistakes it for a number).
func (h *harness) word() string {
	h.n++
	n, s := h.n, ""
	for n > 0 || s == "" {
		s = string(rune('a'+n%26)) + s
		n /= 26
	}
	return "Catatan " + s
}

func (h *harness) multipart(method, path, token string, fields map[string]string, fileField string, data []byte) tt.Response {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile(fileField, "foto.jpg")
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(method, h.srv.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return tt.Response{Status: res.StatusCode, Body: raw}
}

func tinyJPEG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for x := 0; x < 320; x++ {
		for y := 0; y < 240; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func stringsOf(v any) []string {
	var out []string
	raw, _ := json.Marshal(v)
	_ = json.Unmarshal(raw, &out)
	return out
}

// sample returns the records of each collection the read checks ask
// about: all of the small collections, a few of the large ones.
func (h *harness) sample() map[string][]*core.Record {
	out := map[string][]*core.Record{}
	for _, col := range access.Collections() {
		var recs []*core.Record
		var err error
		switch col {
		case catalog.Areas:
			for _, id := range []string{tt.Province, tt.RegencyA, tt.RegencyB, tt.DistrictA, tt.VillageA, tt.VillageB} {
				r, e := h.app.FindRecordById(col, id)
				if e != nil {
					h.t.Fatal(e)
				}
				recs = append(recs, r)
			}
		case catalog.AuditLog:
			recs, err = h.app.FindRecordsByFilter(col, "", "-created", 5, 0)
		default:
			recs, err = h.app.FindAllRecords(col)
		}
		if err != nil {
			h.t.Fatal(err)
		}
		if len(recs) == 0 {
			h.t.Fatalf("no %s to test", col)
		}
		out[col] = recs
	}
	return out
}

// TestPolicyEveryPath is the generated policy test.
func TestPolicyEveryPath(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sample := h.sample()
	start := time.Now()
	counts := map[string]int{}
	took := map[string]time.Duration{}
	run := func(name string, f func(t *testing.T) int) {
		t.Run(name, func(t *testing.T) {
			h.t = t
			begin := time.Now()
			counts[name] = f(t)
			took[name] = time.Since(begin)
		})
	}
	run("rest-read", func(t *testing.T) int { return h.restReads(t, sample) })
	run("files", func(t *testing.T) int { return h.files(t) })
	run("history", func(t *testing.T) int { return h.history(t, sample) })
	run("realtime", func(t *testing.T) int { return h.realtime(t, sample) })
	run("sync-pull", func(t *testing.T) int { return h.pulls(t, sample) })
	run("reports", func(t *testing.T) int { return h.reports(t) })
	run("accounts-fleet", func(t *testing.T) int { return h.accountsAndFleet(t) })
	run("device-management", func(t *testing.T) int { return h.deviceManagement(t) })
	run("writes", func(t *testing.T) int { return h.writes(t) })
	total := 0
	var names []string
	for name, n := range counts {
		total += n
		names = append(names, fmt.Sprintf("%s %d in %s", name, n, took[name].Round(100*time.Millisecond)))
	}
	sort.Strings(names)
	t.Logf("policy test: %d cases (%s) in %s", total, strings.Join(names, ", "), time.Since(start).Round(time.Millisecond))
}

// restReads: REST list and view of every sampled record.
func (h *harness) restReads(t *testing.T, sample map[string][]*core.Record) int {
	cases := 0
	for _, col := range access.Collections() {
		recs := sample[col]
		var ids []string
		for _, r := range recs {
			ids = append(ids, "id='"+r.Id+"'")
		}
		filter := url.QueryEscape(strings.Join(ids, "||"))
		for _, c := range h.callers {
			res := h.srv.Do(t, http.MethodGet, "/api/collections/"+col+"/records?perPage=500&filter="+filter, c.token, nil)
			visible := map[string]bool{}
			if res.Status == 200 {
				items, _ := res.JSON()["items"].([]any)
				for _, it := range items {
					visible[it.(map[string]any)["id"].(string)] = true
				}
			}
			for _, r := range recs {
				want := access.Decide(c.actor, col, access.List, recordTarget(t, h.app, r), nil, nil)
				if visible[r.Id] != want {
					t.Errorf("REST list %s/%s by %s: shown %v, table %v (status %d)", col, r.Id, c.label, visible[r.Id], want, res.Status)
				}
				view := h.srv.Do(t, http.MethodGet, "/api/collections/"+col+"/records/"+r.Id, c.token, nil)
				want = access.Decide(c.actor, col, access.View, recordTarget(t, h.app, r), nil, nil)
				if (view.Status == 200) != want {
					t.Errorf("REST view %s/%s by %s: status %d, table %v", col, r.Id, c.label, view.Status, want)
				}
				cases += 2
			}
		}
	}
	return cases
}

// files: photo downloads with a file token of each caller.
func (h *harness) files(t *testing.T) int {
	cases := 0
	for _, c := range h.callers {
		token := ""
		if c.token != "" {
			res := h.srv.Do(t, http.MethodPost, "/api/files/token", c.token, nil)
			token, _ = res.JSON()["token"].(string)
			if token == "" {
				t.Errorf("file token for %s: %d %s", c.label, res.Status, res.Body)
			}
		}
		for key, name := range h.photos {
			col, id, _ := strings.Cut(key, "/")
			rec, err := h.app.FindRecordById(col, id)
			if err != nil {
				t.Fatal(err)
			}
			want := access.Decide(c.actor, col, access.View, recordTarget(t, h.app, rec), nil, nil)
			for _, thumb := range []string{"", "100x100"} {
				u := h.srv.URL + "/api/files/" + col + "/" + id + "/" + name + "?token=" + url.QueryEscape(token)
				if thumb != "" {
					u += "&thumb=" + thumb
				}
				res, err := http.Get(u)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if got := res.StatusCode == 200 && len(body) > 0; got != want {
					t.Errorf("photo %s thumb %q by %s: status %d, table %v", key, thumb, c.label, res.StatusCode, want)
				}
				cases++
			}
		}
	}
	return cases
}

// history: a record's audit history is served to whoever may view it;
// collections that are not audited have none.
func (h *harness) history(t *testing.T, sample map[string][]*core.Record) int {
	cases := 0
	for _, col := range access.Collections() {
		for _, r := range sample[col] {
			for _, c := range h.callers {
				res := h.srv.Do(t, http.MethodGet, "/api/audit/"+col+"/"+r.Id, c.token, nil)
				want := audit.IsAudited(col) && access.Decide(c.actor, col, access.View, recordTarget(t, h.app, r), nil, nil)
				if (res.Status == 200) != want {
					t.Errorf("history %s/%s by %s: status %d, table %v", col, r.Id, c.label, res.Status, want)
				}
				cases++
			}
		}
	}
	return cases
}

// realtime: every caller subscribes to every collection; each sampled
// record is saved once; what each caller is sent must be what the table
// lets it list, no more and no less.
func (h *harness) realtime(t *testing.T, sample map[string][]*core.Record) int {
	var topics []string
	for _, col := range access.Collections() {
		topics = append(topics, col+"/*")
	}
	type got struct {
		mu   gosync.Mutex
		recs map[string]map[string]any // "collection/id" -> record
	}
	conns := make([]*tt.Realtime, len(h.callers))
	received := make([]*got, len(h.callers))
	stop := make(chan struct{})
	var wg gosync.WaitGroup
	for i, c := range h.callers {
		conns[i] = tt.ConnectRealtime(t, h.srv)
		if res := conns[i].Subscribe(t, c.token, topics...); res.Status != 204 {
			t.Fatalf("subscribe %s: %d %s", c.label, res.Status, res.Body)
		}
		received[i] = &got{recs: map[string]map[string]any{}}
		wg.Add(1)
		go func(conn *tt.Realtime, g *got) {
			defer wg.Done()
			for {
				select {
				case ev := <-conn.Events:
					if rec, ok := ev["record"].(map[string]any); ok {
						g.mu.Lock()
						g.recs[fmt.Sprint(rec["collectionName"])+"/"+fmt.Sprint(rec["id"])] = rec
						g.mu.Unlock()
					}
				case <-stop:
					return
				}
			}
		}(conns[i], received[i])
	}
	touched := map[string]*core.Record{}
	for _, col := range access.Collections() {
		if col == catalog.AuditLog {
			continue // append-only: its new entries are the messages
		}
		for _, r := range sample[col] {
			fresh, err := h.app.FindRecordById(col, r.Id)
			if err != nil {
				t.Fatal(err)
			}
			if err := h.app.Save(fresh); err != nil {
				t.Fatalf("touch %s/%s: %v", col, r.Id, err)
			}
			touched[col+"/"+r.Id] = fresh
		}
	}
	// wait until the messages stop coming
	deadline := time.Now().Add(10 * time.Second)
	last := -1
	for time.Now().Before(deadline) {
		time.Sleep(400 * time.Millisecond)
		n := 0
		for _, g := range received {
			g.mu.Lock()
			n += len(g.recs)
			g.mu.Unlock()
		}
		if n == last {
			break
		}
		last = n
	}
	close(stop)
	wg.Wait()
	cases := 0
	for i, c := range h.callers {
		g := received[i]
		for key, rec := range g.recs {
			col, id, _ := strings.Cut(key, "/")
			var target access.Target
			if stored, err := h.app.FindRecordById(col, id); err == nil {
				target = recordTarget(t, h.app, stored)
			} else {
				target = jsonTarget(rec)
			}
			if !access.Decide(c.actor, col, access.List, target, nil, nil) {
				t.Errorf("realtime sent %s to %s, which the table does not let it list", key, c.label)
			}
			cases++
		}
		for key, rec := range touched {
			want := access.Decide(c.actor, rec.Collection().Name, access.List, recordTarget(t, h.app, rec), nil, nil)
			if _, sent := g.recs[key]; want && !sent {
				t.Errorf("realtime did not send %s to %s, which the table lets it list", key, c.label)
			}
			cases++
		}
	}
	return cases
}

// jsonTarget is a record sent as JSON, as the policy reads it.
func jsonTarget(doc map[string]any) access.Fields {
	f := access.Fields{}
	for k, v := range doc {
		switch v := v.(type) {
		case string:
			f[k] = v
		case nil:
			f[k] = ""
		default:
			f[k] = fmt.Sprint(v)
		}
	}
	return f
}

// pulled is what one pull protocol sent a caller.
type pulled struct {
	status int
	docs   map[string]map[string]any // "collection/id" -> record
	gone   map[string]bool           // "collection/id" of deletes
}

// pulls: the native, WatermelonDB and RxDB pulls (and RxDB with a
// checkpoint naming a scope other than the caller's) send each caller
// exactly what the table lets it list: no record it may not, and every
// record of the synced village collections it may (reference data may
// be narrowed to the caller's regency).
func (h *harness) pulls(t *testing.T, sample map[string][]*core.Record) int {
	cases := 0
	for _, c := range h.callers {
		_, _, mayPull := access.FeedLevel(c.actor, sync.Collections)
		results := map[string]pulled{
			"native":     h.nativePull(t, c),
			"watermelon": h.watermelonPull(t, c),
			"rxdb":       h.rxPull(t, c, "null"),
			// the field app's pull of its village's programmes (issue 16), with a cursor of its own
			"native programmes": h.nativePullOf(t, c, catalog.VillagePrograms),
		}
		for _, forged := range []string{`{"seq":0,"scope":"province"}`, `{"seq":0,"scope":"regency:` + tt.RegencyB + `"}`, `{"seq":0,"scope":"village:` + tt.VillageB + `"}`} {
			results["rxdb checkpoint "+forged] = h.rxPull(t, c, forged)
		}
		for name, p := range results {
			if (p.status == 200) != mayPull {
				t.Errorf("%s pull by %s: status %d, table lets it sync: %v", name, c.label, p.status, mayPull)
			}
			for key, doc := range p.docs {
				col, _, _ := strings.Cut(key, "/")
				if !access.Decide(c.actor, col, access.List, jsonTarget(doc), nil, nil) {
					t.Errorf("%s pull sent %s to %s, which the table does not let it list", name, key, c.label)
				}
				cases++
			}
			// No caller moved: a delete may only be of a record it could
			// list before its delete; the delete of a live record it cannot
			// list tells it the id (and that it exists).
			for key := range p.gone {
				col, id, _ := strings.Cut(key, "/")
				var was access.Target
				if stored, err := h.app.FindRecordById(col, id); err == nil {
					was = recordTarget(t, h.app, stored)
				} else if old, ok := h.tombstones[col][id]; ok {
					was = old
				} else {
					t.Errorf("%s pull sent %s a delete of %s, which never existed", name, c.label, key)
					continue
				}
				if !access.Decide(c.actor, col, access.List, was, nil, nil) {
					t.Errorf("%s pull sent %s the delete of %s, which it may not list", name, c.label, key)
				}
				cases++
			}
			if p.status != 200 {
				continue
			}
			for _, col := range sync.Collections {
				for _, r := range sample[col] {
					want := access.Decide(c.actor, col, access.List, recordTarget(t, h.app, r), nil, nil)
					if name == "native programmes" && col != catalog.VillagePrograms {
						continue
					}
					if _, sent := p.docs[col+"/"+r.Id]; want && !sent && col != catalog.Areas && !strings.Contains(name, "checkpoint") {
						t.Errorf("%s pull did not send %s/%s to %s, which the table lets it list", name, col, r.Id, c.label)
					}
					cases++
				}
			}
		}
	}
	return cases
}

func (h *harness) nativePull(t *testing.T, c caller) pulled { return h.nativePullOf(t, c, "") }

// nativePullOf pulls from cursor 0 the named collections only (all when "").
func (h *harness) nativePullOf(t *testing.T, c caller, collections string) pulled {
	p := pulled{docs: map[string]map[string]any{}, gone: map[string]bool{}}
	cursor := int64(0)
	only := ""
	if collections != "" {
		only = "&collections=" + collections
	}
	for {
		res := h.srv.Do(t, http.MethodGet, fmt.Sprintf("/api/sync/pull?cursor=%d&limit=5000%s", cursor, only), c.token, nil)
		p.status = res.Status
		if res.Status != 200 {
			return p
		}
		var page struct {
			Cursor  int64 `json:"cursor"`
			HasMore bool  `json:"hasMore"`
			Changes []struct {
				Collection string         `json:"collection"`
				ID         string         `json:"id"`
				Deleted    bool           `json:"deleted"`
				Record     map[string]any `json:"record"`
			} `json:"changes"`
		}
		if err := json.Unmarshal(res.Body, &page); err != nil {
			t.Fatal(err)
		}
		for _, ch := range page.Changes {
			if ch.Deleted {
				p.gone[ch.Collection+"/"+ch.ID] = true
			} else {
				p.docs[ch.Collection+"/"+ch.ID] = ch.Record
			}
		}
		cursor = page.Cursor
		if !page.HasMore {
			return p
		}
	}
}

func (h *harness) watermelonPull(t *testing.T, c caller) pulled {
	p := pulled{docs: map[string]map[string]any{}, gone: map[string]bool{}}
	// reference areas: checked on the native pull only (thousands of rows)
	res := h.srv.Do(t, http.MethodGet, "/api/sync/watermelon?last_pulled_at=0&schema_version=1&tables="+strings.Join(synced(), ","), c.token, nil)
	p.status = res.Status
	if res.Status != 200 {
		return p
	}
	var body struct {
		Changes map[string]struct {
			Created []map[string]any `json:"created"`
			Updated []map[string]any `json:"updated"`
			Deleted []string         `json:"deleted"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(res.Body, &body); err != nil {
		t.Fatal(err)
	}
	for table, ch := range body.Changes {
		for _, doc := range append(ch.Created, ch.Updated...) {
			p.docs[table+"/"+fmt.Sprint(doc["id"])] = doc
		}
		for _, id := range ch.Deleted {
			p.gone[table+"/"+id] = true
		}
	}
	return p
}

func (h *harness) rxPull(t *testing.T, c caller, checkpoint string) pulled {
	p := pulled{docs: map[string]map[string]any{}, gone: map[string]bool{}}
	for _, col := range synced() {
		cp := checkpoint
		for {
			res := h.srv.Do(t, http.MethodGet, "/api/sync/rxdb/"+col+"/pull?limit=5000&checkpoint="+url.QueryEscape(cp), c.token, nil)
			p.status = res.Status
			if res.Status != 200 {
				return p
			}
			var body struct {
				Documents  []map[string]any `json:"documents"`
				Checkpoint json.RawMessage  `json:"checkpoint"`
			}
			if err := json.Unmarshal(res.Body, &body); err != nil {
				t.Fatal(err)
			}
			for _, doc := range body.Documents {
				key := col + "/" + fmt.Sprint(doc["id"])
				if del, _ := doc["_deleted"].(bool); del {
					p.gone[key] = true
				} else {
					p.docs[key] = doc
				}
			}
			if len(body.Documents) < 5000 {
				break
			}
			cp = string(body.Checkpoint)
		}
	}
	return p
}

// synced lists the synced collections but the areas.
func synced() []string {
	var out []string
	for _, c := range sync.Collections {
		if c != catalog.Areas {
			out = append(out, c)
		}
	}
	return out
}

// reports: each report, JSON and export, of areas in and out of the
// caller's report area; record exports list only records it may list.
func (h *harness) reports(t *testing.T) int {
	cases := 0
	areasAsked := []string{"", tt.Province, tt.RegencyA, tt.RegencyB, tt.VillageA, tt.VillageB}
	names := []string{"activities", "coverage", "rad", "programs", "outreach", "cases", "review", "annual"}
	for _, c := range h.callers {
		root, ok := access.ReportArea(c.actor)
		if c.actor.Superuser {
			root = tt.Province
		}
		allowed := func(area string) bool {
			if area == "" {
				area = root
			}
			return ok && (root == area || strings.HasPrefix(area, root+"."))
		}
		for _, area := range areasAsked {
			for _, name := range names {
				if area != "" && area != tt.RegencyA && name != "activities" {
					continue // every report of the own root and one area; activities of each
				}
				res := h.srv.Do(t, http.MethodGet, "/api/reports/"+name+"?period=year&year=2025&area="+area, c.token, nil)
				if want := allowed(area); (res.Status == 200) != want {
					t.Errorf("report %s of %q by %s: status %d, table %v: %s", name, area, c.label, res.Status, want, res.Body)
				}
				cases++
			}
			// the RAD rule preview: the report's scope
			res := h.srv.Do(t, http.MethodGet, "/api/reports/rad/preview?year=2025&area="+area+"&rule="+
				url.QueryEscape(`{"source":"activities","measure":"records","filters":{"types":["sosialisasi"],"topics":["modus_tppo"]}}`), c.token, nil)
			if want := allowed(area); (res.Status == 200) != want {
				t.Errorf("rad rule preview of %q by %s: status %d, table %v: %s", area, c.label, res.Status, want, res.Body)
			}
			cases++
			for _, file := range []string{"activities.csv", "outreach_logs.csv", "report_cases.csv", "report_activities.xlsx"} {
				res := h.srv.Do(t, http.MethodGet, "/api/exports/"+file+"?period=year&year=2025&status=all&area="+area, c.token, nil)
				col := strings.TrimSuffix(file, ".csv")
				want := allowed(area)
				if col == catalog.Activities || col == catalog.OutreachLogs {
					want = want && access.ReadsWholeArea(c.actor, col)
				}
				if (res.Status == 200) != want {
					t.Errorf("export %s of %q by %s: status %d, table %v", file, area, c.label, res.Status, want)
				}
				cases++
				if res.Status != 200 || (col != catalog.Activities && col != catalog.OutreachLogs) {
					continue
				}
				recs, err := h.app.FindAllRecords(col)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range recs {
					in := bytes.Contains(res.Body, []byte(r.Id))
					a := area
					if a == "" {
						a = root
					}
					placed := r.GetString(access.Placements[col].Area) // an activity's area at any level
					want := access.Decide(c.actor, col, access.List, recordTarget(t, h.app, r), nil, nil) &&
						(placed == a || strings.HasPrefix(placed, a+"."))
					if in && !want {
						t.Errorf("export %s of %q by %s lists %s, which the table does not let it list", file, area, c.label, r.Id)
					}
					if want && !in {
						t.Errorf("export %s of %q by %s misses %s", file, area, c.label, r.Id)
					}
					cases++
				}
			}
		}
	}
	return cases
}

// accountsAndFleet: the account list shows the accounts the caller
// manages; the fleet list the devices its devices list grant reaches.
func (h *harness) accountsAndFleet(t *testing.T) int {
	cases := 0
	users, err := h.app.FindAllRecords(catalog.Users)
	if err != nil {
		t.Fatal(err)
	}
	devs, err := h.app.FindAllRecords(catalog.Devices)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range h.callers {
		res := h.srv.Do(t, http.MethodGet, "/api/accounts?perPage=500", c.token, nil)
		shown := map[string]bool{}
		if res.Status == 200 {
			items, _ := res.JSON()["items"].([]any)
			for _, it := range items {
				shown[it.(map[string]any)["id"].(string)] = true
			}
		}
		if (res.Status == 200) != access.Manages(c.actor) {
			t.Errorf("accounts by %s: status %d, table manages: %v", c.label, res.Status, access.Manages(c.actor))
		}
		reader := c.actor
		reader.Device = false // the list is a read: a phone sees what its user manages
		for _, u := range users {
			want := access.CheckManaged(reader, u) == access.ManageOK && c.token != ""
			if shown[u.Id] != want {
				t.Errorf("accounts by %s: %s shown %v, table %v", c.label, u.GetString("email"), shown[u.Id], want)
			}
			cases++
		}
		res = h.srv.Do(t, http.MethodGet, "/api/devices?perPage=500", c.token, nil)
		shown = map[string]bool{}
		if res.Status == 200 {
			items, _ := res.JSON()["items"].([]any)
			for _, it := range items {
				shown[it.(map[string]any)["id"].(string)] = true
			}
		}
		for _, d := range devs {
			want := access.Decide(c.actor, catalog.Devices, access.List, recordTarget(t, h.app, d), nil, nil)
			if shown[d.Id] != want {
				t.Errorf("fleet by %s: device of %s shown %v, table %v (status %d)", c.label, d.GetString("user"), shown[d.Id], want, res.Status)
			}
			cases++
		}
	}
	return cases
}

// deviceManagement: enrolling a phone for an account (and showing its
// QR) is allowed exactly to the account's managers.
func (h *harness) deviceManagement(t *testing.T) int {
	cases := 0
	for _, c := range h.callers {
		// the wipe's confirmation opens nothing to a phone or account not
		// being wiped (send-only phones: devices/wipe_test.go)
		if w := h.srv.Do(t, http.MethodPost, "/api/devices/wiped", c.token, nil); w.Status == 200 {
			t.Errorf("POST /api/devices/wiped by %s: 200 %s", c.label, w.Body)
		}
		cases++
		for _, u := range tt.FixtureUsers {
			user, err := h.app.FindAuthRecordByEmail(catalog.Users, u.Email)
			if err != nil {
				t.Fatal(err)
			}
			res := h.srv.Do(t, http.MethodPost, "/api/devices/enrollments", c.token, map[string]any{"user": user.Id})
			manages := c.token != "" && access.CheckManaged(c.actor, user) == access.ManageOK
			want := manages && access.HasPhone(u.Role)
			if (res.Status == 200) != want {
				t.Errorf("enroll a phone of %s by %s: status %d, table %v: %s", u.Email, c.label, res.Status, want, res.Body)
			}
			if manages && !want && (res.Status != http.StatusForbidden || !strings.Contains(string(res.Body), devices.CodeDeskRole)) {
				t.Errorf("enroll a phone of desk role %s by %s: status %d, want 403 %s: %s", u.Email, c.label, res.Status, devices.CodeDeskRole, res.Body)
			}
			cases++
			if res.Status == 200 {
				id, _ := res.JSON()["id"].(string)
				for _, other := range h.callers {
					qr := h.srv.Do(t, http.MethodGet, "/api/devices/enrollments/"+id+"/qr.svg", other.token, nil)
					want := other.token != "" && access.CheckManaged(other.actor, user) == access.ManageOK
					if (qr.Status == 200) != want {
						t.Errorf("QR of %s's enrollment by %s: status %d, table %v", u.Email, other.label, qr.Status, want)
					}
					cases++
				}
				break // one enrollment per caller is enough for the QR checks
			}
		}
	}
	return cases
}

// TestPolicyCoversEverything fails when a collection, a role or a route is
// added without its place in the policy and in the policy test.
func TestPolicyCoversEverything(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	cols, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, c := range cols {
		if c.System {
			continue
		}
		have = append(have, c.Name)
		if _, ok := access.Placements[c.Name]; !ok {
			t.Errorf("collection %s has no placement and no rows in the policy table (access/policy.go)", c.Name)
		}
	}
	for _, name := range access.Collections() {
		if !slices.Contains(have, name) {
			t.Errorf("the policy places %s, which the app does not have", name)
		}
	}
	for _, role := range catalog.Roles {
		if access.RowOf(role) == nil {
			t.Errorf("role %s has no row in the policy table", role)
		}
		if catalog.RoleAreaLevel[role] == "" {
			t.Errorf("role %s has no area level (catalog.RoleAreaLevel)", role)
		}
	}
	for _, row := range access.Table {
		if !slices.Contains(catalog.Roles, row.Role) {
			t.Errorf("the policy table has a row for %s, which is no role of catalog.Roles", row.Role)
		}
		for col := range row.Collections {
			if _, ok := access.Placements[col]; !ok {
				t.Errorf("row %s grants on %s, which has no placement", row.Role, col)
			}
		}
	}

	// The stored API rules are the table's: a change of the table needs a
	// migration storing the new rules (this prints them).
	for _, name := range access.Collections() {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		want := access.RulesOf(name)
		stored := access.Rules{List: c.ListRule, View: c.ViewRule, Create: c.CreateRule, Update: c.UpdateRule, Delete: c.DeleteRule}
		for _, op := range access.Ops {
			if show(stored.Of(op)) != show(want.Of(op)) {
				t.Errorf("%s %s rule in the database:\n  %s\nthe policy table's (store it with a new migration):\n  %s", name, op, show(stored.Of(op)), show(want.Of(op)))
			}
		}
		if name == catalog.Users && show(c.ManageRule) != show(access.ManageRuleOfUsers()) {
			t.Errorf("users manage rule in the database:\n  %s\nthe table's:\n  %s", show(c.ManageRule), show(access.ManageRuleOfUsers()))
		}
	}

	// Every route Jangkau adds is checked by the policy test (or is public
	// by design): a new route must be added here and to TestPolicyEveryPath.
	covered := map[string]string{
		"GET /api/sync/pull":                          "sync-pull",
		"POST /api/sync/push":                         "writes",
		"GET /api/sync/stream":                        "hint stream: no record data (sync tests)",
		"GET /api/sync/watermelon":                    "sync-pull",
		"POST /api/sync/watermelon":                   "writes",
		"GET /api/sync/rxdb/{collection}/pull":        "sync-pull",
		"POST /api/sync/rxdb/{collection}/push":       "writes",
		"GET /api/sync/rxdb/{collection}/pull_stream": "hint stream: no record data (sync tests)",
		"GET /api/devices":                            "accounts-fleet",
		"POST /api/devices/enrollments":               "device-management",
		"GET /api/devices/enrollments/{id}/qr.png":    "device-management (svg twin)",
		"GET /api/devices/enrollments/{id}/qr.svg":    "device-management",
		"POST /api/devices/wiped":                     "device-management: no caller is being wiped, none may confirm one (send-only phones: devices/wipe_test.go)",
		"POST /api/devices/activate":                  "public: redeems a one-time code (devices tests)",
		"POST /api/devices/refresh":                   "public: redeems a refresh token (devices tests)",
		"POST /api/devices/{id}/revoke":               "device-management: same check as enrollment (devices tests)",
		"GET /api/reports/labels":                     "public vocabulary, no data",
		"GET /api/reports/{name}":                     "reports",
		"GET /api/reports/rad/preview":                "reports",
		"GET /api/exports/{file}":                     "reports",
		"GET /api/accounts":                           "accounts-fleet",
		"GET /api/audit/{collection}/{id}":            "history",
		"GET /api/ready":                              "public: readiness (the database and S3 answer), no data (metrics tests)",
		// issue 17
		"POST /api/accounts/{id}/reset-password": "access.CheckManaged, every caller x account against the table (accounts/password_test.go TestResetScope: a reset ends sessions, so not in this shared harness)",
		"POST /api/accounts/password":            "the caller's own account only (accounts tests)",
		"GET /api/notify/vapid":                  "public: the server's VAPID public key, no data",
		"GET /api/notify/prefs":                  "the caller's own settings only (notify tests)",
		"PUT /api/notify/prefs":                  "the caller's own settings only (notify tests)",
		"POST /api/notify/subscriptions":         "the caller's own subscription only (notify tests)",
		"DELETE /api/notify/subscriptions":       "the caller's own subscriptions only (notify tests)",
		"GET /api/notify/notices":                "the caller's own notices only (notify tests)",
		"POST /api/notify/notices/read":          "the caller's own notices only (notify tests)",
		// issue 16: spreadsheet imports write through the record hooks (CheckWrite/CheckUserWrite per row)
		"GET /api/imports":                       "imports-roles: kinds by the policy row, runs the caller's own (imports tests TestImportRoles)",
		"GET /api/imports/{kind}/template":       "imports-roles: refused to roles without the import (imports tests TestImportRoles)",
		"POST /api/imports/{kind}/preview":       "imports-roles; rows checked by the write policy, nothing written (imports tests)",
		"POST /api/imports/{kind}/confirm":       "imports-roles; every row saved through the write policy in one transaction (imports tests)",
		"GET /api/imports/{kind}/progress/{job}": "the caller's own jobs only (imports tests)",
	}
	stock, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	before := routesOf(stock)
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.OnServe().Trigger(&core.ServeEvent{App: app, Router: r}, func(e *core.ServeEvent) error { return nil }); err != nil {
		t.Fatal(err)
	}
	added := map[string]bool{}
	for route := range routesOf(r) {
		// PocketBase's own dashboard (/_/) is bound on serve too
		if !before[route] && strings.Contains(route, " /api/") {
			added[route] = true
			if _, ok := covered[route]; !ok {
				t.Errorf("route %s is not covered by the policy test: add its checks to TestPolicyEveryPath and list it here", route)
			}
		}
	}
	for route := range covered {
		if !added[route] {
			t.Errorf("route %s is listed as covered but no longer exists", route)
		}
	}
}

func show(s *string) string {
	if s == nil {
		return "<nil: superusers only>"
	}
	return *s
}

// routesOf lists "METHOD /path" of every route of a router (walking its
// groups, whose children PocketBase keeps unexported).
func routesOf(r any) map[string]bool {
	out := map[string]bool{}
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return
		}
		if group := v.FieldByName("RouterGroup"); group.IsValid() {
			walk(group, prefix)
			return
		}
		if m := v.FieldByName("Method"); m.IsValid() {
			path := prefix + v.FieldByName("Path").String()
			method := m.String()
			if method == "" {
				method = "ANY"
			}
			out[method+" "+path] = true
			return
		}
		prefix += v.FieldByName("Prefix").String()
		children := v.FieldByName("children")
		for i := 0; i < children.Len(); i++ {
			walk(children.Index(i), prefix)
		}
	}
	walk(reflect.ValueOf(r), "")
	return out
}
