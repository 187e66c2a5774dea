package sync_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/sync"
	"jangkau/txbatch"
)

// A create whose record was built ahead of the transaction (Prebuild) gets
// the answer and the stored row it gets when the transaction builds it:
// every kind of create, refused or not, is pushed twice under twin ids, once
// prebuilt and once not, and the two answers and rows are compared.
func TestPrebuiltCreatesAnswerAndStoreAsBuiltInTheTransaction(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	user, err := app.FindAuthRecordByEmail("users", tt.OfficerA)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		extra map[string]any
		base  int64 // the version the phone says it edited (a conflict for a free id)
		taken bool  // the id of the fixture activity in another case
	}{
		{name: "a valid create"},
		{name: "submitted for review", extra: map[string]any{"status": catalog.StatusSubmitted}},
		{name: "with the phone's time", extra: map[string]any{"client_created_at": ""}},
		{name: "a number where text belongs", extra: map[string]any{"title": 12}},
		{name: "an unknown field", extra: map[string]any{"nickname": "x"}},
		{name: "another village", extra: map[string]any{"village": tt.VillageB}},
		{name: "a title too long", extra: map[string]any{"title": strings.Repeat("a", 301)}},
		{name: "an unknown type", extra: map[string]any{"type": "bogus"}},
		{name: "a phone number in the title", extra: map[string]any{"title": "Hubungi 0812 3456 7890"}},
		{name: "a related record missing", extra: map[string]any{"rad_indicators": []any{"noSuchIndicator1"}}},
		{name: "an edit of a record deleted since", base: 3},
		{name: "an id taken in another case", taken: true},
	}
	conflict := func(base int64) sync.ConflictCheck {
		return func(existing *core.Record, version int64) bool {
			if existing == nil {
				return base > 0
			}
			return base != version
		}
	}
	prebuiltUsed := 0
	apply := func(prebuild bool, suffix string) ([]sync.Result, []sync.Mutation) {
		p := &sync.Pusher{Actor: access.ActorOf(user), Auth: user, ClientID: "prebuild-" + suffix, Flavor: sync.Native}
		var muts []sync.Mutation
		for i, c := range cases {
			raw, _ := json.Marshal(newActivity(tt.VillageA, c.extra)) // as a phone's JSON decodes
			var data map[string]any
			_ = json.Unmarshal(raw, &data)
			id := fmt.Sprintf("prebuilt%s%06d", suffix, i)
			if c.taken {
				id = strings.ToUpper(tt.ActivityA)
			}
			muts = append(muts, sync.Mutation{MutationID: fmt.Sprint("m", i), Collection: catalog.Activities, ID: id, Op: "upsert",
				Data: data, ClientTime: "2026-11-30T08:00:00.000Z"})
		}
		if prebuild {
			p.Prebuild(app, muts)
		}
		var results []sync.Result
		err := txbatch.Run(app, func(tx core.App) error {
			results = results[:0]
			if err := p.Prepare(tx, muts); err != nil {
				return err
			}
			for i, m := range muts {
				res, err := p.Apply(tx, m, conflict(cases[i].base))
				if err != nil {
					return err
				}
				results = append(results, res)
			}
			return p.Flush(tx)
		})
		if err != nil {
			t.Fatal(err)
		}
		if prebuild {
			prebuiltUsed = sync.PrebuiltUsed(p)
		}
		return results, muts
	}
	built, builtMuts := apply(false, "tx")
	ahead, aheadMuts := apply(true, "ah")
	applied := 0
	for i, c := range cases {
		a, b := built[i], ahead[i]
		a.ID, b.ID, a.Version, b.Version = "", "", 0, 0
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%s: built in the transaction %s, prebuilt %s", c.name, ja, jb)
		}
		if built[i].Status != sync.StatusApplied {
			continue
		}
		applied++
		ra, err := app.FindRecordById(catalog.Activities, builtMuts[i].ID)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		rb, err := app.FindRecordById(catalog.Activities, aheadMuts[i].ID)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, f := range ra.Collection().Fields {
			name := f.GetName()
			if name == "id" || f.Type() == core.FieldTypeAutodate || name == "submitted_at" { // server times
				continue
			}
			if va, vb := fmt.Sprint(ra.Get(name)), fmt.Sprint(rb.Get(name)); va != vb {
				t.Errorf("%s: field %s stored as %q in the transaction, %q prebuilt", c.name, name, va, vb)
			}
		}
	}
	// the valid ones, and those only the transaction can refuse (related
	// records, a conflict, the taken id); the others are refused ahead
	// (decoding, the policy, field limits, a select's values, the privacy
	// guard) and built again in the transaction, which answers why
	if prebuiltUsed != 6 {
		t.Errorf("%d creates answered from a prebuilt record, want 6", prebuiltUsed)
	}
	if applied < 3 {
		t.Fatalf("only %d cases applied: the comparison of stored rows saw too little", applied)
	}
}

// A rejected mutation tells why in both languages, also where the reason
// is one of PocketBase's own validators (English only) or a JSON type.
func TestRejectedMutationsSayWhyInBothLanguages(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	tok := tt.Token(t, srv.App, tt.OfficerA)
	cases := []struct {
		field string
		value any
		id    string // the Indonesian half starts so
	}{
		{"male_child", -5, "Harus 0 atau lebih"},
		{"male_child", 1.5, "Harus bilangan bulat"},
		{"male_child", "lima", `Kolom "male_child" harus berupa angka`},
		{"title", strings.Repeat("a", 301), "Paling banyak 300 karakter"},
		{"title", 7, `Kolom "title" harus berupa teks`},
		{"topics", 7, `Kolom "topics" harus berupa daftar teks`},
		{"title", "", "Wajib diisi"},
	}
	var muts []sync.Mutation
	for i, c := range cases {
		muts = append(muts, upsert(fmt.Sprint("why", i), catalog.Activities, fmt.Sprintf("rejectedWhy%05d", i), newActivity(tt.VillageA, map[string]any{c.field: c.value})))
	}
	for i, r := range push(t, srv, tok, "bilingual-rejections", muts...).Results {
		c := cases[i]
		fe, ok := r.Errors[c.field]
		if r.Status != sync.StatusRejected || !ok {
			t.Errorf("%s = %v: %+v, want rejected on %s", c.field, c.value, r, c.field)
			continue
		}
		if !bilingual(fe.Message) || !strings.HasPrefix(fe.Message, c.id) {
			t.Errorf("%s = %v: %q, want \"%s... / ...\"", c.field, c.value, fe.Message, c.id)
		}
	}
}
