package imports_test

import (
	"net/http"
	"testing"

	tt "jangkau/internal/testapp"
	"jangkau/privacy"
)

// The upload's file name is stored (import_runs, the audit trail): a phone
// number, a NIK or a named passport number in it is masked there and in
// the answer; the import itself goes on.
func TestImportFileNameIsRedacted(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	token := tt.Token(t, srv.App, tt.Secretariat)
	data := book(t, "Angka kasus", caseHeader, caseRow(nil))
	name := "kasus korban 0812-3456-7890 NIK 1801 2345 6789 0001 paspor C1234567.xlsx"
	r := upload(t, srv, "/api/imports/cases/preview", token, name, data, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("preview: %d %s", r.Status, r.Body)
	}
	res := decode(t, r)
	r = upload(t, srv, "/api/imports/cases/confirm", token, name, data, map[string]string{"sha256": res.File.SHA256})
	if r.Status != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.Status, r.Body)
	}
	for _, q := range []string{"SELECT COUNT(*) FROM import_runs WHERE file_name LIKE '%0812%' OR file_name LIKE '%1801%' OR file_name LIKE '%C1234567%'",
		"SELECT COUNT(*) FROM audit_log WHERE note LIKE '%0812%' OR note LIKE '%1801 2345%' OR note LIKE '%C1234567%'"} {
		if n := count(t, srv, q); n != 0 {
			t.Errorf("%s: %d", q, n)
		}
	}
	if n := count(t, srv, "SELECT COUNT(*) FROM import_runs WHERE file_name = 'kasus korban "+privacy.Masked+" NIK "+privacy.Masked+" paspor "+privacy.Masked+".xlsx'"); n != 1 {
		t.Errorf("the masked name was not recorded: %d", n)
	}
}
