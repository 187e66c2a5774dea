// Package benchdata builds large Jangkau stores quickly (raw prepared
// inserts, feed rows included) and runs the real jangkau binary on them, so
// benchmarks measure the server as deployed, beside stock PocketBase
// endpoints on the same data.
package benchdata

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/hooks"
	_ "jangkau/migrations"
	"jangkau/ratelimit"
	"jangkau/reports"
)

// Password of every account benchdata creates.
const Password = "bench-password-1"

// Accounts benchdata creates.
const (
	Officer     = "officer@bench.jangkau.id"  // village 18.01.04.2001
	Verifier    = "verifier@bench.jangkau.id" // regency 18.01
	Secretariat = "secretariat@bench.jangkau.id"
	Superuser   = "root@bench.jangkau.id"
	OfficerArea = "18.01.04.2001"
)

// Build creates a store in dir with the migrations, the accounts and n
// activities and m outreach logs spread over Lampung's villages and five
// years (2021-2025), all approved, with their feed rows and report stats.
func Build(dir string, n, m int) error {
	return BuildWith(dir, Options{Activities: n, Outreach: m})
}

// Options say what a store holds.
type Options struct {
	Activities, Outreach int
	// Varied draws statuses (mostly approved), topics, funding, risk
	// signals, referrals and follow-ups at random, so that every report
	// has something to count; otherwise every record is alike and approved.
	Varied bool
	// Figures adds village programmes, quarterly case figures per regency
	// and a RAD with automatic and hand-entered indicators.
	Figures bool
}

// BuildWith creates a store in dir as opts say, then computes the report
// stats from the inserted rows (raw inserts skip the hooks that keep them).
func BuildWith(dir string, opts Options) error {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	defer app.ClearBootstrap()
	hooks.Register(app)
	if err := app.RunAllMigrations(); err != nil {
		return err
	}
	s := app.Settings()
	s.Batch.MaxRequests = 500 // stock batch at the size the anchors measured
	s.Batch.Timeout = 60
	s.Logs.MaxDays = 0 // request logs would add their own writes
	// the limiter runs (its cost is measured) but never stops a benchmark
	ratelimit.Raise(s, 1_000_000_000)
	if err := app.Save(s); err != nil {
		return err
	}
	if err := accounts(app); err != nil {
		return err
	}
	var villages []string
	if err := app.DB().NewQuery("SELECT id FROM areas WHERE level = 'village' ORDER BY id").Column(&villages); err != nil {
		return err
	}
	bulkRows := bulk
	if opts.Varied {
		bulkRows = bulkVaried
	}
	if err := bulkRows(app, catalog.Activities, opts.Activities, villages); err != nil {
		return err
	}
	if err := bulkRows(app, catalog.OutreachLogs, opts.Outreach, villages); err != nil {
		return err
	}
	if opts.Figures {
		if err := figures(app, villages); err != nil {
			return err
		}
	}
	return reports.Rebuild(app)
}

func accounts(app core.App) error {
	supers, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	su := core.NewRecord(supers)
	su.SetEmail(Superuser)
	su.SetPassword(Password)
	if err := app.Save(su); err != nil {
		return err
	}
	users, err := app.FindCollectionByNameOrId(catalog.Users)
	if err != nil {
		return err
	}
	for _, a := range []struct{ email, role, area string }{
		{Officer, catalog.RoleVillageOfficer, OfficerArea},
		{Verifier, catalog.RoleDistrictVerifier, areas.RegencyOf(OfficerArea)},
		{Secretariat, catalog.RoleProvinceSecretariat, areas.LampungCode},
	} {
		u := core.NewRecord(users)
		u.SetEmail(a.email)
		u.SetPassword(Password)
		u.SetVerified(true)
		u.Set("role", a.role)
		u.Set("area", a.area)
		if err := app.Save(u); err != nil {
			return err
		}
	}
	return nil
}

// ID returns the id of the i-th generated record of a collection.
func ID(collection string, i int) string {
	return fmt.Sprintf("%s%012d", collection[:3], i)
}

// bulk inserts total rows of a collection that differ only in village,
// dates, type, participants and budget; all are approved.
func bulk(app core.App, collection string, total int, villages []string) error {
	insert, row := bulkRows(collection, total, villages)
	return insertRows(app, collection, total, insert, row)
}

// bulkRows returns bulk's insert and the parameters of its i-th row (drawn
// in order from a seed of the collection and the total).
func bulkRows(collection string, total int, villages []string) (string, func(i int) dbx.Params) {
	rnd := rand.New(rand.NewSource(int64(len(collection) * total)))
	types := catalog.ActivityTypes
	// a village's activity: its area is the village, its level "village"
	// (as the records' hooks fill them; the reports count by area and level)
	insert := `INSERT INTO activities (id, village, area, level, district, regency, title, start_date, end_date, type, mode, topics, target_groups,
		male_child, female_child, male_adult, female_adult, disabled, funding_source, budget, status, submitted_at, reviewed_at, created, updated)
		VALUES ({:id}, {:v}, {:v}, 'village', {:d}, {:r}, {:title}, {:date}, {:date}, {:type}, 'luring', {:topics}, '["orang_tua","calon_pmi"]',
		{:mc}, {:fc}, {:ma}, {:fa}, {:dis}, 'dana_desa', {:budget}, 'approved', {:date}, {:reviewed}, {:date}, {:date})`
	if collection != catalog.Activities {
		insert = `INSERT INTO outreach_logs (id, village, district, regency, date, outreach_type, target_category, topics, risk_signals, action_taken,
			referred_to, male_child, female_child, male_adult, female_adult, status, submitted_at, reviewed_at, follow_up_date, created, updated)
			VALUES ({:id}, {:v}, {:d}, {:r}, {:date}, 'home_visit', 'calon_pmi', {:topics}, '["broker_sponsor"]', 'referred', '["bp3mi"]',
			{:mc}, {:fc}, {:ma}, {:fa}, 'approved', {:date}, {:reviewed}, {:reviewed}, {:date}, {:date})`
	}
	return insert, func(i int) dbx.Params {
		v := villages[rnd.Intn(len(villages))]
		day := time.Date(2021, 1, 1, 8, 0, 0, 0, time.UTC).AddDate(0, 0, rnd.Intn(5*365))
		date := day.Format("2006-01-02 15:04:05.000Z")
		reviewed := day.AddDate(0, 0, 1+rnd.Intn(20)).Format("2006-01-02 15:04:05.000Z")
		return dbx.Params{
			"id": ID(collection, i), "v": v, "d": areas.DistrictOf(v), "r": areas.RegencyOf(v), "title": "Sosialisasi pencegahan TPPO",
			"date": date, "reviewed": reviewed, "type": types[rnd.Intn(len(types))],
			"topics": `["modus_tppo","migrasi_aman"]`, "mc": rnd.Intn(20), "fc": rnd.Intn(20), "ma": rnd.Intn(40), "fa": rnd.Intn(40),
			"dis": rnd.Intn(3), "budget": rnd.Intn(50) * 100000,
		}
	}
}

// insertRows inserts total rows of a collection with the prepared insert,
// 5,000 a transaction, each with its feed row numbered after the existing
// ones. row gives the parameters of the i-th row and is called for i in
// increasing order, so a generator's random draws, and the store, stay the
// same; the feed row takes "id", "v" (village), "r" (regency) and "date".
func insertRows(app core.App, collection string, total int, insert string, row func(i int) dbx.Params) error {
	for start := 0; start < total; start += 5000 {
		end := min(start+5000, total)
		err := app.RunInTransaction(func(tx core.App) error {
			var seq int64
			if err := tx.DB().NewQuery("SELECT value FROM sync_counters WHERE name = 'seq'").Row(&seq); err != nil {
				return err
			}
			ins := tx.DB().NewQuery(insert)
			ins.Prepare()
			defer ins.Close()
			feed := tx.DB().NewQuery(`INSERT INTO sync_changes (collection, record_id, village, regency, seq, deleted, changed_at) VALUES ({:c}, {:id}, {:v}, {:r}, {:s}, 0, {:t})`)
			feed.Prepare()
			defer feed.Close()
			for i := start; i < end; i++ {
				p := row(i)
				if _, err := ins.Bind(p).Execute(); err != nil {
					return err
				}
				seq++
				if _, err := feed.Bind(dbx.Params{"c": collection, "id": p["id"], "v": p["v"], "r": p["r"], "s": seq, "t": p["date"]}).Execute(); err != nil {
					return err
				}
			}
			_, err := tx.DB().NewQuery("UPDATE sync_counters SET value = {:s} WHERE name = 'seq'").Bind(dbx.Params{"s": seq}).Execute()
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Server is a jangkau binary serving a store.
type Server struct {
	URL string
	cmd *exec.Cmd
}

// Binary finds the jangkau binary `make bench` builds at the module root.
func Binary() (string, error) {
	dir, _ := os.Getwd()
	for i := 0; i < 4; i++ {
		p := filepath.Join(dir, "jangkau")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
		dir = filepath.Dir(dir)
	}
	return "", fmt.Errorf("jangkau binary not found: run `make bench` (it builds it)")
}

// Start runs the jangkau binary on dir and waits until it answers.
func Start(dir string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	return StartBinary(bin, dir)
}

// Stop ends the server.
func (s *Server) Stop() {
	_ = s.cmd.Process.Kill()
	_, _ = s.cmd.Process.Wait()
}

// PeakRSS returns the server's peak resident memory (VmHWM) in bytes.
func (s *Server) PeakRSS() int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// Login returns an auth token.
func (s *Server) Login(email string) (string, error) {
	col := "users"
	if email == Superuser {
		col = core.CollectionNameSuperusers
	}
	var out struct {
		Token string `json:"token"`
	}
	status, err := s.Do("POST", "/api/collections/"+col+"/auth-with-password", "", map[string]any{"identity": email, "password": Password}, &out)
	if err != nil || status != 200 {
		return "", fmt.Errorf("login %s: %d %v", email, status, err)
	}
	return out.Token, nil
}

// Do sends a JSON request and decodes the answer into out (when not nil);
// it returns the status and the number of body bytes read.
func (s *Server) Do(method, path, token string, body any, out any) (int, error) {
	status, _, err := s.DoCount(method, path, token, body, out)
	return status, err
}

// DoCount is Do that also returns the size of the answer.
func (s *Server) DoCount(method, path, token string, body any, out any) (int, int64, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, 0, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	if out == nil {
		n, err := io.Copy(io.Discard, res.Body)
		return res.StatusCode, n, err
	}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, int64(len(raw)), err
	}
	return res.StatusCode, int64(len(raw)), json.Unmarshal(raw, out)
}

// Rate sends GET path as fast as clients concurrent callers can for d, and
// returns the requests per second and how many did not answer 200.
func Rate(s *Server, token, path string, clients int, d time.Duration) (float64, int) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var mu sync.Mutex
	done, failed := 0, 0
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, bad := 0, 0
			for time.Now().Before(end) {
				req, _ := http.NewRequest(http.MethodGet, s.URL+path, nil)
				req.Header.Set("Authorization", token)
				res, err := client.Do(req)
				if err != nil {
					bad++
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					bad++
				}
				n++
			}
			mu.Lock()
			done, failed = done+n, failed+bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	return float64(done) / d.Seconds(), failed
}

// EnvInt reads a size override from the environment (to try a benchmark
// quickly on small data); def when unset or not a positive integer.
func EnvInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// Must stops the benchmark on an error.
func Must(b testing.TB, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}
