package commands_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"jangkau/commands"
	tt "jangkau/internal/testapp"
)

// runCommand runs `jangkau args...` on app and returns its output.
func runCommand(t *testing.T, app core.App, args ...string) (string, error) {
	t.Helper()
	root := &cobra.Command{Use: "jangkau", SilenceErrors: true}
	commands.Register(app, root)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// privacy-scan on a data directory: the fixtures and the demo data hold
// nothing the guard refuses (exit status 0); values written before the
// guard existed (put here with SQL, past the hooks) are each listed as
// collection, id, field and rule, never the value, and the command fails.
func TestPrivacyScanListsStoredValuesTheGuardRefuses(t *testing.T) {
	t.Parallel()
	app := tt.New(t)
	if err := commands.SeedDemo(app); err != nil {
		t.Fatal(err)
	}
	out, err := runCommand(t, app, "privacy-scan")
	if err != nil || !strings.Contains(out, " 0 found") {
		t.Fatalf("clean data: %v\n%s", err, out)
	}
	for _, q := range []string{
		"UPDATE activities SET title = 'Hubungi Ibu X 0812-3456-7890' WHERE id = '" + tt.ActivityA + "'",
		"UPDATE activities SET budget = 1801234567890001 WHERE id = '" + tt.ActivityA + "'",
		"UPDATE outreach_logs SET note = 'paspor C1234567 hilang' WHERE id = '" + tt.OutreachA + "'",
		"UPDATE areas SET local_term = '0062 812 3456 7890' WHERE id = '" + tt.VillageB + "'",
		"INSERT INTO vocabularies (id, kind, code, label_id, label_en, active) VALUES ('hp081234567890x', 'topics', 'lama', 'Lama', 'Old', 1)",
		// copies the server made of values then let through: the audit
		// trail's changes and notes, a push's remembered result, the feed
		`INSERT INTO audit_log (id, action, target_collection, record, changes, note, seq) VALUES ('auditcopy000001', 'update', 'activities',
			'` + tt.ActivityA + `', '{"title": ["Hubungi 0812-3456-7890", "Sosialisasi"], "budget": [0, 1500000]}', '', 990001)`,
		`INSERT INTO audit_log (id, action, target_collection, record, changes, note, seq) VALUES ('auditcopy000002', 'update', 'activities',
			'act081234567890x', NULL, 'dikembalikan: telepon Bu Sari 081234567890', 990002)`,
		`INSERT INTO sync_mutations (user_id, client_id, mutation_id, result, created) VALUES ('u', 'c', 'mut-0812345678901',
			'{"collection": "outreach_logs", "id": "x", "status": "conflict", "record": {"note": "paspor C1234567", "male_adult": 2}}', '')`,
		`INSERT INTO sync_changes (collection, record_id, village, seq, deleted) VALUES ('activities', 'act081234567890x', '', 990001, 1)`,
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	out, err = runCommand(t, app, "privacy-scan")
	if err == nil {
		t.Errorf("findings, yet no error:\n%s", out)
	}
	var rowid string
	if e := app.DB().NewQuery("SELECT rowid FROM vocabularies WHERE id = 'hp081234567890x'").Row(&rowid); e != nil {
		t.Fatal(e)
	}
	want := []string{
		"activities\t" + tt.ActivityA + "\tbudget\tprivacy_nik", // fields in name order
		"activities\t" + tt.ActivityA + "\ttitle\tprivacy_phone",
		"areas\t" + tt.VillageB + "\tlocal_term\tprivacy_phone",
		"outreach_logs\t" + tt.OutreachA + "\tnote\tprivacy_passport",
		"vocabularies\thp[disamarkan]x\trowid=" + rowid + "\tid\tprivacy_phone",
		"audit_log\tauditcopy000001\tchanges.title\tprivacy_phone",
		"audit_log\tauditcopy000002\trecord\tprivacy_phone",
		"audit_log\tauditcopy000002\tnote\tprivacy_phone",
		"sync_mutations\tmut-[disamarkan]\tmutation_id\tprivacy_phone",
		"sync_mutations\tmut-[disamarkan]\tresult.record.note\tprivacy_passport",
		"sync_changes\tactivities/act[disamarkan]x\trecord_id\tprivacy_phone",
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "privacy-scan:") {
			got = append(got, line)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("listed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(out, " 11 found") {
		t.Errorf("summary: %s", out)
	}
	for _, value := range []string{"0812", "1801", "C1234567", "0062"} {
		if strings.Contains(out, value) {
			t.Errorf("the output shows a refused value (%s):\n%s", value, out)
		}
	}
}
