package commands

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/access"
	"jangkau/audit"
	"jangkau/catalog"
	"jangkau/records"
	"jangkau/reports"
)

// DemoSummary says what SeedDemoData holds after a run: every demo record,
// whether this run created it or an earlier one did.
type DemoSummary struct {
	From, To     string         // the year of data, WIB dates (inclusive)
	Regencies    []string       // regencies with data
	Villages     int            // villages with activities or outreach
	Officers     int            // village officer accounts behind them
	Activities   map[string]int // by status
	Outreach     map[string]int // by status
	Programs     int            // village programme rows
	Indicators   int            // RAD indicators
	Achievements int            // RAD achievements
	CaseFigures  int            // case figure rows
	Created      int            // records this run created (0 on a second run)
}

// demoRegion is a regency of the demo data: how many of its districts and
// villages have records. Lampung Timur and Tanggamus send many migrant
// workers abroad; Kota Metro is small and well covered.
type demoRegion struct {
	Code                string
	Districts, Villages int
}

var demoRegions = []demoRegion{
	{"18.01", 4, 24}, // Lampung Selatan (with Hajimena, the demo officer's village)
	{"18.02", 3, 18}, // Lampung Tengah
	{"18.06", 3, 12}, // Tanggamus
	{"18.07", 4, 20}, // Lampung Timur
	{"18.10", 3, 16}, // Pringsewu
	{"18.72", 5, 11}, // Kota Metro
}

// demoSeed fixes the demo's random choices: the same areas give the same
// villages and records, so a second run finds every record it would make.
const demoSeed = 20260417

// Record ids of the demo: "demo" + a for activities, o for outreach logs,
// the village code without dots and a number (e.g. demoa1801042001n03).
func demoID(kind byte, village string, n int) string {
	return fmt.Sprintf("demo%c%sn%02d", kind, strings.ReplaceAll(village, ".", ""), n)
}

// SeedDemoData creates a year of realistic records up to now, through the
// same preparation and save hooks as the API (scope, authorship, review
// status machine, audit trail, change feed, report aggregates): activities
// and outreach logs of about a hundred villages in six regencies at every
// review status, village programmes, RAD indicators with achievements and
// case figures. Review times are set back to when the review would have
// happened. Records that exist (by id or natural key) are left as they are,
// so running it twice creates nothing the second time.
func SeedDemoData(app core.App, now time.Time) (DemoSummary, error) {
	var sum DemoSummary
	err := app.RunInTransaction(func(tx core.App) error {
		w, err := newDemoWriter(tx, now)
		if err != nil {
			return err
		}
		if err := w.seed(); err != nil {
			return err
		}
		sum, err = w.summary()
		return err
	})
	return sum, err
}

type demoWriter struct {
	tx       core.App
	now      time.Time // UTC
	from, to time.Time // WIB midnights: the first and last day of the year of data
	secr     *core.Record
	verifier map[string]*core.Record // by regency
	officers map[string]*core.Record // by village
	users    *core.Collection
	hash     string // one bcrypt hash of DemoPassword for every generated officer
	created  int
	villages []string
	ind      map[string]*core.Record // RAD indicators by code
}

func newDemoWriter(tx core.App, now time.Time) (*demoWriter, error) {
	wibNow := now.In(reports.WIB)
	to := time.Date(wibNow.Year(), wibNow.Month(), wibNow.Day(), 0, 0, 0, 0, reports.WIB)
	w := &demoWriter{tx: tx, now: now.UTC(), to: to, from: to.AddDate(-1, 0, 1),
		verifier: map[string]*core.Record{}, officers: map[string]*core.Record{}, ind: map[string]*core.Record{}}
	var err error
	if w.users, err = tx.FindCollectionByNameOrId(catalog.Users); err != nil {
		return nil, err
	}
	if w.secr, err = tx.FindAuthRecordByEmail(w.users, DemoAccounts[2].Email); err != nil {
		return nil, fmt.Errorf("demo accounts first (SeedDemo): %w", err)
	}
	return w, nil
}

func (w *demoWriter) seed() error {
	if err := w.seedIndicators(); err != nil {
		return err
	}
	for _, reg := range demoRegions {
		if err := w.seedRegion(reg); err != nil {
			return fmt.Errorf("regency %s: %w", reg.Code, err)
		}
	}
	if err := w.seedAchievements(); err != nil {
		return err
	}
	return w.seedCases()
}

// --- accounts ---------------------------------------------------------------

func (w *demoWriter) account(email, name, role, area string) (*core.Record, error) {
	u, err := w.tx.FindAuthRecordByEmail(w.users, email)
	if err == nil {
		return u, nil
	}
	u = core.NewRecord(w.users)
	u.SetEmail(email)
	u.Set("name", name)
	u.Set("role", role)
	u.Set("area", area)
	u.SetVerified(true)
	if w.hash == "" {
		u.SetPassword(DemoPassword)
		w.hash = u.GetString("password:hash")
	} else {
		// One bcrypt hash for all: a hundred hashes would take seconds.
		u.SetRaw("password", &core.PasswordFieldValue{Hash: w.hash})
	}
	if err := w.tx.Save(u); err != nil {
		return nil, fmt.Errorf("%s: %w", email, err)
	}
	return u, nil
}

func (w *demoWriter) verifierOf(regency string) (*core.Record, error) {
	if v := w.verifier[regency]; v != nil {
		return v, nil
	}
	email := "verifikator." + strings.ReplaceAll(regency, ".", "") + "@demo.jangkau.id"
	if regency == DemoAccounts[1].Area {
		email = DemoAccounts[1].Email
	}
	name := "Verifikator " + strings.TrimPrefix(strings.TrimPrefix(w.areaName(regency), "Kabupaten "), "Kota ")
	v, err := w.account(email, name, catalog.RoleDistrictVerifier, regency)
	w.verifier[regency] = v
	return v, err
}

func (w *demoWriter) officerOf(village string) (*core.Record, error) {
	if o := w.officers[village]; o != nil {
		return o, nil
	}
	email := "desa." + strings.ReplaceAll(village, ".", "") + "@demo.jangkau.id"
	if village == DemoAccounts[0].Area {
		email = DemoAccounts[0].Email
	}
	o, err := w.account(email, "Operator "+w.areaName(village), catalog.RoleVillageOfficer, village)
	w.officers[village] = o
	return o, err
}

func (w *demoWriter) areaName(code string) string {
	var name string
	_ = w.tx.DB().NewQuery("SELECT name FROM areas WHERE id = {:id}").Bind(dbx.Params{"id": code}).Row(&name)
	return name
}

// --- saving through the API's preparation --------------------------------------

func (w *demoWriter) exists(collection, id string) bool {
	var n int
	_ = w.tx.DB().NewQuery("SELECT COUNT(*) FROM " + collection + " WHERE id = {:id}").Bind(dbx.Params{"id": id}).Row(&n)
	return n > 0
}

// save prepares rec as the API would for the signed-in user by (scope,
// authorship, review state), lets set adjust server stamps (review times
// of the past), and saves it with its audit actor.
func (w *demoWriter) save(by *core.Record, rec *core.Record, set func()) error {
	a := access.ActorOf(by)
	var errs validation.Errors
	switch name := rec.Collection().Name; {
	case slices.Contains(records.VillageCollections, name) && rec.IsNew():
		errs = records.PrepareVillageCreate(a, rec)
	case slices.Contains(records.VillageCollections, name):
		if errs = records.PrepareVillageUpdate(a, rec); errs == nil && !a.Superuser {
			errs = access.CheckFields(a, rec)
		}
	case slices.Contains(records.FigureCollections, name):
		errs = records.PrepareFigureWrite(a, rec)
	}
	if errs != nil {
		return fmt.Errorf("%s %s: %w", rec.Collection().Name, rec.Id, errs)
	}
	if set != nil {
		set()
	}
	audit.SetActor(rec, audit.ActorOfAuth(by))
	if err := w.tx.Save(rec); err != nil {
		return fmt.Errorf("%s %s: %w", rec.Collection().Name, rec.Id, err)
	}
	return nil
}

func (w *demoWriter) newRecord(collection string, fields map[string]any) (*core.Record, error) {
	col, err := w.tx.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	rec := core.NewRecord(col)
	for k, v := range fields {
		rec.Set(k, v)
	}
	return rec, nil
}

// --- villages, activities, outreach -------------------------------------------

func rngFor(key string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(demoSeed, h.Sum64()))
}

func (w *demoWriter) children(parent, level string) ([]string, error) {
	var ids []string
	err := w.tx.DB().NewQuery("SELECT id FROM areas WHERE parent = {:p} AND level = {:l} AND active = TRUE ORDER BY id").
		Bind(dbx.Params{"p": parent, "l": level}).Column(&ids)
	return ids, err
}

// pick returns n of list in a fixed random order, with must first.
func pick(r *rand.Rand, list []string, n int, must string) []string {
	list = slices.Clone(list)
	r.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
	if i := slices.Index(list, must); i > 0 {
		list[0], list[i] = list[i], list[0]
	}
	return list[:min(n, len(list))]
}

func (w *demoWriter) seedRegion(reg demoRegion) error {
	r := rngFor(reg.Code)
	districts, err := w.children(reg.Code, catalog.LevelDistrict)
	if err != nil {
		return err
	}
	mustDistrict, mustVillage := "", ""
	if strings.HasPrefix(DemoAccounts[0].Area, reg.Code+".") {
		mustVillage = DemoAccounts[0].Area
		mustDistrict = mustVillage[:len(reg.Code)+3]
	}
	var pool []string
	for _, d := range pick(r, districts, reg.Districts, mustDistrict) {
		vs, err := w.children(d, catalog.LevelVillage)
		if err != nil {
			return err
		}
		pool = append(pool, vs...)
	}
	villages := pick(r, pool, reg.Villages, mustVillage)
	slices.Sort(villages)
	verifier, err := w.verifierOf(reg.Code)
	if err != nil {
		return err
	}
	for _, v := range villages {
		if err := w.seedVillage(v, verifier); err != nil {
			return fmt.Errorf("village %s: %w", v, err)
		}
	}
	w.villages = append(w.villages, villages...)
	// Programmes also in villages without records: institutions exist
	// before anyone logs an activity there.
	extra := pick(rngFor(reg.Code+"/programs"), pool, reg.Villages+reg.Villages/2, "")
	for _, v := range extra {
		if !slices.Contains(villages, v) {
			if err := w.seedPrograms(v, verifier, rngFor(v+"/programs"), false); err != nil {
				return err
			}
		}
	}
	return nil
}

// day returns a time on the i-th day of the year of data at hour (WIB);
// a time later today (with some hours to spare) moves to the day before:
// nothing is logged before it happened.
func (w *demoWriter) day(i int, hour, minute int) time.Time {
	t := w.from.AddDate(0, 0, i).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
	if t.Add(6 * time.Hour).After(w.now) {
		t = t.AddDate(0, 0, -1)
	}
	return t
}

func (w *demoWriter) days() int { return int(w.to.Sub(w.from).Hours()/24) + 1 }

func dt(t time.Time) types.DateTime {
	d, _ := types.ParseDateTime(t.UTC())
	return d
}

func oneOf[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

func someOf(r *rand.Rand, list []string, lo, hi int) []string {
	n := lo + r.IntN(hi-lo+1)
	out := pick(r, list, n, "")
	slices.SortFunc(out, func(a, b string) int { return slices.Index(list, a) - slices.Index(list, b) })
	return out
}

// reviewPlan is how a record moves through review, with the times.
type reviewPlan struct {
	final               string
	submitted, reviewed time.Time // first submission and review
	returnedFirst       bool      // returned once, corrected, resubmitted, approved
	resubmitted, second time.Time
}

// plan picks a record's review path: older records are mostly approved,
// the last two weeks' still wait in the queue or on the phone.
func (w *demoWriter) plan(r *rand.Rand, done time.Time) reviewPlan {
	age := w.now.Sub(done)
	p := reviewPlan{}
	p.submitted = done.Add(time.Duration(1+r.IntN(60)) * time.Hour)
	// Most reviews within a few days, some after weeks.
	wait := time.Duration(2+r.IntN(70)) * time.Hour
	if r.IntN(6) == 0 {
		wait = time.Duration(3+r.IntN(25)) * 24 * time.Hour
	}
	p.reviewed = p.submitted.Add(wait)
	x := r.IntN(100)
	switch {
	case age < 4*24*time.Hour:
		p.final = catalog.StatusSubmitted
		if x < 35 {
			p.final = catalog.StatusDraft
		}
	case age < 14*24*time.Hour:
		switch {
		case x < 10:
			p.final = catalog.StatusDraft
		case x < 55:
			p.final = catalog.StatusSubmitted
		default:
			p.final = catalog.StatusApproved
		}
	default:
		switch {
		case x < 2:
			p.final = catalog.StatusDraft
		case x < 4:
			p.final = catalog.StatusSubmitted
		case x < 10:
			p.final = catalog.StatusReturned
		case x < 17:
			p.final = catalog.StatusApproved
			p.returnedFirst = true
			p.resubmitted = p.reviewed.Add(time.Duration(20+r.IntN(80)) * time.Hour)
			p.second = p.resubmitted.Add(time.Duration(2+r.IntN(48)) * time.Hour)
		default:
			p.final = catalog.StatusApproved
		}
	}
	// Nothing is reviewed in the future: what would be is still waiting.
	last := p.reviewed
	if p.returnedFirst {
		last = p.second
	}
	if p.final != catalog.StatusDraft && p.submitted.After(w.now) {
		p.final = catalog.StatusDraft
	}
	if (p.final == catalog.StatusApproved || p.final == catalog.StatusReturned) && last.After(w.now) {
		p.final, p.returnedFirst = catalog.StatusSubmitted, false
	}
	return p
}

// review moves a new record (saved as draft or submitted) along its plan.
func (w *demoWriter) review(rec *core.Record, officer, verifier *core.Record, p reviewPlan, r *rand.Rand, fix func()) error {
	// The review machine stamps the time of the call; a demo record was
	// submitted and reviewed at its planned time in the past.
	transition := func(by *core.Record, status, note, stamp string, at time.Time) error {
		rec.Set("status", status)
		if note != "" {
			rec.Set("review_note", note)
		}
		return w.save(by, rec, func() { rec.Set(stamp, dt(at)) })
	}
	switch p.final {
	case catalog.StatusDraft, catalog.StatusSubmitted:
		return nil
	}
	if p.returnedFirst || p.final == catalog.StatusReturned {
		if err := transition(verifier, catalog.StatusReturned, oneOf(r, returnNotes), "reviewed_at", p.reviewed); err != nil {
			return err
		}
		if p.final == catalog.StatusReturned {
			return nil
		}
		fix()
		if err := transition(officer, catalog.StatusSubmitted, "", "submitted_at", p.resubmitted); err != nil {
			return err
		}
		return transition(verifier, catalog.StatusApproved, "", "reviewed_at", p.second)
	}
	return transition(verifier, catalog.StatusApproved, "", "reviewed_at", p.reviewed)
}

func (w *demoWriter) seedVillage(village string, verifier *core.Record) error {
	r := rngFor(village)
	officer, err := w.officerOf(village)
	if err != nil {
		return err
	}
	nAct, nOut := 2+r.IntN(5), 2+r.IntN(6)
	// Each record draws from its own stream (keyed by its id): what one
	// record looks like never depends on whether another was created.
	for i := 1; i <= nAct; i++ {
		if err := w.seedActivity(village, i, officer, verifier); err != nil {
			return err
		}
	}
	for i := 1; i <= nOut; i++ {
		if err := w.seedOutreach(village, i, officer, verifier); err != nil {
			return err
		}
	}
	return w.seedPrograms(village, verifier, rngFor(village+"/programs"), true)
}

type demoActivity struct {
	typ, title string
	topics     []string
	targets    []string
	programs   []string
	children   bool // an audience of children and teenagers
}

var demoActivities = []demoActivity{
	{"sosialisasi", "Sosialisasi migrasi aman bagi calon PMI", []string{"migrasi_aman", "hak_pmi", "modus_tppo"}, []string{"calon_pmi", "keluarga_pmi"}, []string{"desmigratif"}, false},
	{"sosialisasi", "Sosialisasi pencegahan TPPO di balai desa", []string{"modus_tppo", "layanan_pengaduan"}, []string{"umum", "perangkat_desa"}, []string{"satgas_ppa"}, false},
	{"penyuluhan", "Penyuluhan bahaya perkawinan anak", []string{"perkawinan_anak", "pengasuhan"}, []string{"anak_remaja", "orang_tua"}, []string{"drppa"}, true},
	{"penyuluhan", "Penyuluhan penipuan lowongan kerja daring", []string{"penipuan_online", "modus_tppo"}, []string{"anak_remaja", "karang_taruna"}, nil, true},
	{"pelatihan", "Pelatihan kader PATBM", []string{"pengasuhan", "layanan_pengaduan", "kdrt_kekerasan"}, []string{"perempuan_pkk", "tokoh_agama_adat"}, []string{"patbm"}, false},
	{"kampanye_kie", "Kampanye KIE stop perdagangan orang", []string{"modus_tppo", "eksploitasi_seksual_anak"}, []string{"umum", "guru_sekolah"}, nil, false},
	{"rapat_koordinasi", "Musyawarah desa perlindungan perempuan dan anak", []string{"layanan_pengaduan", "kdrt_kekerasan"}, []string{"perangkat_desa", "tokoh_agama_adat"}, []string{"drppa"}, false},
	{"penyusunan_perdes", "Penyusunan perdes pelindungan pekerja migran", []string{"hak_pmi", "migrasi_aman"}, []string{"perangkat_desa"}, []string{"desmigratif"}, false},
	{"pembentukan_kelompok", "Pembentukan community watch desa", []string{"modus_tppo", "layanan_pengaduan"}, []string{"karang_taruna", "umum"}, []string{"community_watch"}, false},
	{"layanan_informasi_migrasi", "Layanan informasi migrasi di kantor desa", []string{"migrasi_aman", "hak_pmi"}, []string{"calon_pmi", "pmi_purna"}, []string{"desmigratif"}, false},
	{"sosialisasi", "Sosialisasi pekerja anak di sekolah", []string{"pekerja_anak", "eksploitasi_seksual_anak"}, []string{"anak_remaja", "guru_sekolah"}, nil, true},
}

var (
	demoVenues    = []string{"Balai desa", "Aula kantor desa", "Masjid desa", "Gedung serbaguna", "Posyandu", "Sekolah menengah pertama negeri", "Pendopo kecamatan"}
	demoSpeakers  = []string{"Dinas PPPA kabupaten", "BP3MI Lampung", "Polsek", "Dinas Tenaga Kerja", "UPTD PPA", "KUA kecamatan", "Puskesmas"}
	demoPartners  = []string{"PKK desa", "Karang taruna", "LSM pendamping", "Forum anak desa", "Kelompok PATBM"}
	demoOutcomes  = []string{"Peserta memahami jalur kerja ke luar negeri yang resmi dan cara memeriksa perusahaan penempatan.", "Warga sepakat melapor ke kepala desa bila ada tawaran kerja yang mencurigakan.", "Peserta mengenali tanda perekrutan daring yang menipu.", "Orang tua dan remaja membahas dampak perkawinan anak; forum anak menyusun rencana kampanye.", "Kader mampu menerima pengaduan dan merujuk ke UPTD PPA."}
	demoFollowUps = []string{"Pertemuan lanjutan bulan depan.", "Pemasangan papan informasi layanan pengaduan.", "Pendataan warga yang berencana bekerja ke luar negeri secara resmi melalui Disnaker.", "Kunjungan ke sekolah bersama forum anak."}
	returnNotes   = []string{"Mohon lengkapi ringkasan hasil kegiatan.", "Jumlah peserta anak dan dewasa belum sesuai daftar hadir; mohon diperiksa.", "Tanggal kegiatan tidak sesuai undangan; mohon diperbaiki.", "Sumber dana belum diisi."}
	demoFunding   = []string{"dana_desa", "dana_desa", "dana_desa", "apbd_kabkota", "apbd_provinsi", "mitra_lsm", "swadaya"}
)

func (w *demoWriter) seedActivity(village string, n int, officer, verifier *core.Record) error {
	id := demoID('a', village, n)
	if w.exists(catalog.Activities, id) {
		return nil
	}
	r := rngFor(id)
	kind := oneOf(r, demoActivities)
	start := w.day(r.IntN(w.days()), 8+r.IntN(6), 30*r.IntN(2))
	end := start.Add(time.Duration(2+r.IntN(3)) * time.Hour)
	p := w.plan(r, end)
	scale := 1 + r.IntN(3)
	mc, fc := r.IntN(4), r.IntN(5)
	ma, fa := 5+r.IntN(12)*scale, 6+r.IntN(15)*scale
	if kind.children {
		mc, fc, ma, fa = 8+r.IntN(20)*scale, 10+r.IntN(22)*scale, r.IntN(5), 2+r.IntN(6)
	}
	funding := oneOf(r, demoFunding)
	budget := 0
	if funding != "swadaya" {
		budget = (5 + r.IntN(60)) * 100000
	}
	fields := map[string]any{
		"id": id, "village": village, "title": kind.title, "type": kind.typ, "start_date": dt(start), "end_date": dt(end),
		"mode": "luring", "venue": oneOf(r, demoVenues), "programs": kind.programs, "cluster": "prevention",
		"topics": kind.topics, "target_groups": kind.targets,
		"male_child": mc, "female_child": fc, "male_adult": ma, "female_adult": fa, "disabled": r.IntN(3) * r.IntN(2),
		"resource_agencies": oneOf(r, demoSpeakers), "partner_agencies": oneOf(r, demoPartners),
		"methods":   someOf(r, []string{"ceramah", "diskusi", "tanya_jawab", "simulasi", "pemutaran_film"}, 1, 3),
		"materials": "Leaflet dan poster layanan pengaduan SAPA 129", "materials_count": 20 + 10*r.IntN(8),
		"funding_source": funding, "budget": budget, "outcome_summary": oneOf(r, demoOutcomes), "follow_up_plan": oneOf(r, demoFollowUps),
		"client_created_at": dt(end.Add(time.Duration(10+r.IntN(50)) * time.Minute)),
	}
	// Completeness differs: some records lack a venue, a summary or the end.
	switch r.IntN(10) {
	case 0:
		fields["outcome_summary"] = ""
	case 1:
		fields["venue"] = ""
		fields["end_date"] = ""
	}
	if p.final == catalog.StatusReturned || p.returnedFirst {
		fields["outcome_summary"] = "" // what the verifier asks for
	}
	if ind := w.ind["P.1.1"]; ind != nil && kind.typ == "sosialisasi" {
		fields["rad_indicators"] = []string{ind.Id}
	}
	return w.create(catalog.Activities, fields, officer, verifier, p, r, func(rec *core.Record) {
		rec.Set("outcome_summary", oneOf(r, demoOutcomes))
	})
}

// create saves a new activity or outreach log as its officer (submitted at
// its planned time, or a draft) and reviews it as planned.
func (w *demoWriter) create(collection string, fields map[string]any, officer, verifier *core.Record, p reviewPlan, r *rand.Rand, fix func(*core.Record)) error {
	if p.final == catalog.StatusDraft {
		fields["status"] = catalog.StatusDraft
	} else {
		fields["status"] = catalog.StatusSubmitted
	}
	rec, err := w.newRecord(collection, fields)
	if err != nil {
		return err
	}
	err = w.save(officer, rec, func() {
		if p.final != catalog.StatusDraft {
			rec.Set("submitted_at", dt(p.submitted))
		}
	})
	if err != nil {
		return err
	}
	w.created++
	return w.review(rec, officer, verifier, p, r, func() { fix(rec) })
}

var demoNotes = []string{
	"Warga menanyakan cara memeriksa izin perusahaan penempatan.",
	"Keluarga diberi leaflet layanan pengaduan.",
	"Tawaran kerja ke luar negeri lewat sponsor tanpa kontrak; keluarga diarahkan ke Disnaker.",
	"Remaja putus sekolah bekerja di luar desa; dibahas bersama orang tua.",
	"Dipantau bersama kader PATBM.",
}

func (w *demoWriter) seedOutreach(village string, n int, officer, verifier *core.Record) error {
	id := demoID('o', village, n)
	if w.exists(catalog.OutreachLogs, id) {
		return nil
	}
	r := rngFor(id)
	date := w.day(r.IntN(w.days()), 9+r.IntN(7), 0)
	p := w.plan(r, date.Add(time.Hour))
	target := oneOf(r, []string{"calon_pmi", "calon_pmi", "keluarga_pmi", "anak_remaja", "orang_tua", "pmi_purna", "umum"})
	fields := map[string]any{
		"id": id, "village": village, "date": dt(date), "outreach_type": oneOf(r, catalog.OutreachTypes[:6]), "target_category": target,
		"male_adult": r.IntN(4), "female_adult": 1 + r.IntN(4), "topics": someOf(r, []string{"migrasi_aman", "hak_pmi", "modus_tppo", "penipuan_online", "perkawinan_anak"}, 1, 2),
		"note":              oneOf(r, demoNotes),
		"client_created_at": dt(date.Add(time.Duration(30+r.IntN(120)) * time.Minute)),
	}
	if target == "anak_remaja" {
		fields["male_child"], fields["female_child"] = r.IntN(4), 1+r.IntN(4)
	}
	action := oneOf(r, []string{"information_given", "information_given", "none_needed"})
	if r.IntN(100) < 35 {
		signals := someOf(r, catalog.RiskSignals[:7], 1, 2)
		fields["risk_signals"] = signals
		action = oneOf(r, []string{"referred", "referred", "monitored", "information_given"})
		// Most risks are followed up within days; some stay open.
		if r.IntN(5) > 0 {
			fu := date.AddDate(0, 0, r.IntN(12)).Add(2 * time.Hour)
			if fu.Before(w.now) {
				fields["follow_up_date"] = dt(fu)
			}
		}
	}
	fields["action_taken"] = action
	if action == "referred" {
		agencies := someOf(r, []string{"uptd_ppa", "sapa_129", "disnaker", "bp3mi", "polres_polsek", "dinsos"}, 1, 2)
		fields["referred_to"] = agencies
		fields["referral_reference"] = strings.ToUpper(agencies[0]) + "/" + strconv.Itoa(w.from.Year()) + "/" + fmt.Sprintf("%03d", 1+r.IntN(400))
	}
	return w.create(catalog.OutreachLogs, fields, officer, verifier, p, r, func(rec *core.Record) {
		rec.Set("note", oneOf(r, demoNotes))
	})
}

// demoProgram is a village institution and the share of villages with it.
type demoProgram struct {
	program string
	pct     int // of villages that have it
}

var demoProgramOdds = []demoProgram{
	{"patbm", 55}, {"drppa", 30}, {"desmigratif", 25}, {"perdes_pmi", 15}, {"community_watch", 20}, {"satgas_ppa", 20}, {"desa_sadar_hukum", 10}, {"perdes_tppo", 8},
}

// seedPrograms records the village's institutions, as its regency's
// verifier would after a visit.
func (w *demoWriter) seedPrograms(village string, verifier *core.Record, r *rand.Rand, active bool) error {
	for i, p := range demoProgramOdds {
		odds := p.pct
		if !active {
			odds /= 2
		}
		if r.IntN(100) >= odds {
			continue
		}
		status := oneOf(r, []string{"aktif", "aktif", "aktif", "rintisan", "tidak_aktif"})
		var n int
		_ = w.tx.DB().NewQuery("SELECT COUNT(*) FROM village_programs WHERE village = {:v} AND program = {:p}").
			Bind(dbx.Params{"v": village, "p": p.program}).Row(&n)
		legal, legalDate := "", ""
		if status != "rintisan" {
			legal = fmt.Sprintf("SK Kepala Desa Nomor %d Tahun %d", 1+r.IntN(40), w.from.Year()-r.IntN(3))
			legalDate = time.Date(w.from.Year()-r.IntN(2), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02 15:04:05.000Z")
		}
		if n > 0 {
			continue
		}
		// held since its decree, or since the demo's first day (past reports show it)
		validFrom := w.from.Format("2006-01-02")
		if legalDate != "" {
			validFrom = legalDate[:10]
		}
		rec, err := w.newRecord(catalog.VillagePrograms, map[string]any{"id": demoID('p', village, i+1), "village": village, "program": p.program, "status": status,
			"legal_basis_number": legal, "legal_basis_date": legalDate, "valid_from": validFrom})
		if err != nil {
			return err
		}
		if err := w.save(verifier, rec, nil); err != nil {
			return err
		}
		w.created++
	}
	return nil
}

// --- RAD ---------------------------------------------------------------------

// radPeriod is the five-year RAD period holding year (2022-2026, 2027-2031, ...).
func radPeriod(year int) string {
	start := 2022 + 5*((year-2022)/5)
	if year < 2022 {
		start = 2022 - 5*((2022-year+4)/5)
	}
	return fmt.Sprintf("%d-%d", start, start+4)
}

type demoIndicator struct {
	code, cluster, level, counting, rule, unit, program, description, agency string
	target, metro                                                            float64 // the yearly target of a regency; of Kota Metro (small) if not 0
}

var demoIndicators = []demoIndicator{
	{"P.1.1", "prevention", "regency", "auto", "sosialisasi_count", "kegiatan", "Pencegahan TPPO berbasis desa", "Sosialisasi pencegahan TPPO dan migrasi aman di desa", "Dinas PPPA", 15, 4},
	{"P.1.2", "prevention", "regency", "auto", "villages_reached_pct", "%", "Pencegahan TPPO berbasis desa", "Persentase desa/kelurahan yang dijangkau kegiatan pencegahan", "Dinas PPPA", 6, 0},
	{"P.1.3", "prevention", "regency", "auto", "participants_child", "orang", "Partisipasi anak", "Anak dan remaja yang mengikuti kegiatan pencegahan", "Dinas PPPA", 400, 100},
	{"P.2.1", "prevention", "regency", "auto", "villages_active_patbm", "desa", "Penguatan PATBM", "Desa dengan PATBM aktif", "Dinas PPPA", 8, 4},
	{"P.3.1", "prevention", "regency", "auto", "referrals_count", "rujukan", "Penjangkauan", "Rujukan dari penjangkauan desa ke layanan", "Dinas PPPA", 10, 3},
	{"K.1.1", "coordination", "regency", "manual", "", "kali", "Koordinasi gugus tugas", "Rapat koordinasi GT PP TPPO kabupaten/kota", "Bappeda", 4, 0},
	{"K.2.1", "coordination", "province", "manual", "", "dokumen", "Koordinasi gugus tugas", "Laporan tahunan GT PP TPPO provinsi disusun", "Dinas PPPA Provinsi", 1, 0},
	{"H.1.1", "legal_norms", "regency", "manual", "", "perdes", "Pengembangan norma hukum", "Peraturan desa tentang pelindungan pekerja migran disahkan", "Biro Hukum", 3, 1},
	{"R.1.1", "social_rehab", "province", "manual", "", "%", "Pemulangan dan reintegrasi", "Korban yang dipulangkan dan direintegrasi", "Dinas Sosial", 100, 0},
}

func (w *demoWriter) seedIndicators() error {
	col, err := w.tx.FindCachedCollectionByNameOrId(catalog.RadIndicators)
	if err != nil {
		return err
	}
	for _, d := range demoIndicators {
		period := radPeriod(w.to.Year())
		rec, err := w.tx.FindFirstRecordByFilter(col, "rad_period = {:p} && code = {:c}", dbx.Params{"p": period, "c": d.code})
		if err == nil {
			w.ind[d.code] = rec
			continue
		}
		targets := map[string]any{}
		for y := w.from.Year(); y <= w.to.Year(); y++ {
			t := map[string]any{"*": d.target}
			if d.metro > 0 {
				t["18.72"] = d.metro
			}
			targets[strconv.Itoa(y)] = t
		}
		rec = core.NewRecord(col)
		for k, v := range map[string]any{"code": d.code, "rad_period": period, "cluster": d.cluster, "level": d.level,
			"counting": d.counting, "auto_rule": d.rule, "unit": d.unit, "program": d.program, "description": d.description,
			"lead_agency": d.agency, "targets": targets, "active": true} {
			rec.Set(k, v)
		}
		if err := w.save(w.secr, rec, nil); err != nil {
			return err
		}
		w.created++
		w.ind[d.code] = rec
	}
	return nil
}

// seedAchievements enters hand-counted RAD achievements: per quarter in the
// current year (so the traffic light has something to measure), per year
// before it, by each regency's verifier or the secretariat.
func (w *demoWriter) seedAchievements() error {
	r := rngFor("achievements")
	year := w.to.Year()
	quarter := (int(w.to.Month())-1)/3 + 1
	add := func(by *core.Record, code, area string, y int, ptype string, index int, value float64, evidence string) error {
		ind := w.ind[code]
		if ind == nil || ind.GetString("counting") != "manual" {
			return nil
		}
		var n int
		_ = w.tx.DB().NewQuery(`SELECT COUNT(*) FROM rad_achievements WHERE indicator = {:i} AND area = {:a} AND year = {:y}
			AND period_type = {:t} AND period_index = {:x}`).
			Bind(dbx.Params{"i": ind.Id, "a": area, "y": y, "t": ptype, "x": index}).Row(&n)
		if n > 0 {
			return nil
		}
		rec, err := w.newRecord(catalog.RadAchievements, map[string]any{"indicator": ind.Id, "area": area, "year": y,
			"period_type": ptype, "period_index": index, "value": value,
			"evidence_links": []string{"https://contoh.jangkau.id/bukti/" + strings.ToLower(code) + "-" + strings.ReplaceAll(area, ".", "") + "-" + evidence}})
		if err != nil {
			return err
		}
		if err := w.save(by, rec, nil); err != nil {
			return err
		}
		w.created++
		return nil
	}
	for _, reg := range demoRegions {
		v, err := w.verifierOf(reg.Code)
		if err != nil {
			return err
		}
		if w.from.Year() < year {
			if err := add(v, "K.1.1", reg.Code, year-1, "year", 0, float64(2+r.IntN(4)), strconv.Itoa(year-1)); err != nil {
				return err
			}
		}
		for q := 1; q <= quarter; q++ {
			if r.IntN(5) == 0 {
				continue // a regency that did not meet (or did not report) that quarter
			}
			if err := add(v, "K.1.1", reg.Code, year, "quarter", q, 1, fmt.Sprintf("%d-q%d", year, q)); err != nil {
				return err
			}
		}
		if err := add(v, "H.1.1", reg.Code, year, "year", 0, float64(r.IntN(4)), strconv.Itoa(year)); err != nil {
			return err
		}
	}
	if w.from.Year() < year {
		if err := add(w.secr, "K.2.1", "18", year-1, "year", 0, 1, strconv.Itoa(year-1)); err != nil {
			return err
		}
	}
	return add(w.secr, "R.1.1", "18", year, "semester", 1, float64(80+r.IntN(20)), fmt.Sprintf("%d-s1", year))
}

// --- case figures -------------------------------------------------------------

// seedCases enters Simfoni PPA's case figures per regency: the last year
// final, this year's quarters so far provisional. Lampung counts a handful
// of TPPO cases a year, so most regency cells are small and shown "<5".
func (w *demoWriter) seedCases() error {
	r := rngFor("cases")
	year := w.to.Year()
	quarter := (int(w.to.Month())-1)/3 + 1
	for _, reg := range demoRegions {
		if err := w.caseFigure(reg.Code, year-1, "year", 0, "final", r); err != nil {
			return err
		}
		for q := 1; q <= quarter; q++ {
			if err := w.caseFigure(reg.Code, year, "quarter", q, "provisional", r); err != nil {
				return err
			}
		}
	}
	// Bandar Lampung reports through Polda only, with more cases.
	return w.caseFigure("18.71", year, "year", 0, "provisional", r)
}

func (w *demoWriter) caseFigure(area string, year int, ptype string, index int, status string, r *rand.Rand) error {
	source := "simfoni_ppa"
	cases := r.IntN(3)
	if ptype == "year" {
		cases = 1 + r.IntN(5)
	}
	if area == "18.71" {
		source, cases = "polda", 6
	}
	var n int
	_ = w.tx.DB().NewQuery(`SELECT COUNT(*) FROM case_aggregates WHERE area = {:a} AND year = {:y} AND period_type = {:t}
		AND period_index = {:x} AND source = {:s}`).Bind(dbx.Params{"a": area, "y": year, "t": ptype, "x": index, "s": source}).Row(&n)
	if n > 0 {
		return nil
	}
	// Victims: at least one per case, children and adults, mostly women,
	// counted by sex and by Simfoni's age bands.
	bySex, byAge := map[string]int{}, map[string]int{}
	victims := 0
	for i := 0; i < cases+r.IntN(cases+1); i++ {
		victims++
		bySex[[]string{"female", "female", "female", "male"}[r.IntN(4)]]++
		byAge[oneOf(r, []string{"age_13_17", "age_13_17", "age_18_24", "age_18_24", "age_25_44", "age_6_12"})]++
	}
	exploitation := map[string]int{}
	for i := 0; i < cases; i++ {
		exploitation[oneOf(r, []string{"forced_labour", "forced_labour", "sexual_exploitation", "online_scam", "domestic_work"})]++
	}
	served := cases
	if cases > 0 && r.IntN(3) == 0 {
		served--
	}
	cross := r.IntN(cases + 1)
	investigated := r.IntN(cases + 1)
	fields := map[string]any{"area": area, "year": year, "period_type": ptype, "period_index": index, "case_count": cases,
		"victims_total": victims, "victims_by_sex": bySex, "victims_by_age": byAge, "victims_repatriated": min(victims, cross),
		"cases_by_scope": map[string]int{"cross_border": cross, "domestic": cases - cross},
		"cases_by_law":   map[string]int{"tppo": cases - cross/2, "uu_pmi": cross / 2},
		"cases_by_stage": map[string]int{"penyidikan": investigated, "p21": (cases - investigated) / 2},
		"police_reports": cases, "suspects": cases + r.IntN(cases+1),
		"cases_served": served, "figure_status": status, "source": source, "cluster": "social_rehab",
		"exploitation_types": exploitation, "services": map[string]int{"pengaduan": min(cases, victims), "rehabilitasi_sosial": min(served, victims)}}
	rec, err := w.newRecord(catalog.CaseAggregates, fields)
	if err != nil {
		return err
	}
	if err := w.save(w.secr, rec, nil); err != nil {
		return err
	}
	w.created++
	return nil
}

// --- summary ------------------------------------------------------------------

func (w *demoWriter) summary() (DemoSummary, error) {
	s := DemoSummary{From: w.from.Format(time.DateOnly), To: w.to.Format(time.DateOnly), Created: w.created, Indicators: len(w.ind),
		Activities: map[string]int{}, Outreach: map[string]int{}, Villages: len(w.villages), Officers: len(w.officers)}
	for _, reg := range demoRegions {
		s.Regencies = append(s.Regencies, reg.Code)
	}
	count := func(q string, out *int) error { return w.tx.DB().NewQuery(q).Row(out) }
	for col, m := range map[string]map[string]int{catalog.Activities: s.Activities, catalog.OutreachLogs: s.Outreach} {
		var rows []struct {
			Status string `db:"status"`
			N      int    `db:"n"`
		}
		kind := "a"
		if col == catalog.OutreachLogs {
			kind = "o"
		}
		if err := w.tx.DB().NewQuery("SELECT status, COUNT(*) AS n FROM " + col + " WHERE id LIKE 'demo" + kind + "%' GROUP BY status").All(&rows); err != nil {
			return s, err
		}
		for _, r := range rows {
			m[r.Status] = r.N
		}
	}
	for q, out := range map[string]*int{
		"SELECT COUNT(*) FROM village_programs WHERE id LIKE 'demop%'":                                &s.Programs,
		"SELECT COUNT(*) FROM rad_achievements WHERE evidence_links LIKE '%contoh.jangkau.id/bukti%'": &s.Achievements,
		"SELECT COUNT(*) FROM case_aggregates WHERE created_by = '" + w.secr.Id + "'":                 &s.CaseFigures,
	} {
		if err := count(q, out); err != nil {
			return s, err
		}
	}
	return s, nil
}
