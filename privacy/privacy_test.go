package privacy

import "testing"

func TestCheckText(t *testing.T) {
	t.Parallel()
	refused := map[string]string{
		"1801234567890001":             CodeNIK,
		"NIK: 1801234567890001.":       CodeNIK,
		"1801 2345 6789 0001":          CodeNIK,
		"18.01.01.010190.0001":         CodeNIK,
		"081234567890":                 CodePhone,
		"0812-3456-7890":               CodePhone,
		"0812 3456 789":                CodePhone,
		"+6281234567890":               CodePhone,
		"+62 812 3456 7890":            CodePhone,
		"hubungi 6285712345678 segera": CodePhone,
		"wa:08571234567":               CodePhone,
	}
	for s, code := range refused {
		err := CheckText(s)
		if err == nil || err.Code() != code {
			t.Errorf("%q: got %v, want %s", s, err, code)
		}
	}
	accepted := []string{
		"", "35 peserta (12 anak, 23 dewasa)", "Tahun 2024 dan 2025", "Rp 15.000.000", "Rp 62.850.000",
		"Rp 1.250.000.000", "Perdes No. 3 Tahun 2024", "10 20 30 40 50 60 70 80", "REF-2025-000123",
		"SAPA 129", "tanggal 10-03-2025 pukul 08.00", "12345678901234567 (17 digit)", "NPWP 12.345.678.9-012.000",
		"0800 hotline", "08 peserta",
	}
	for _, s := range accepted {
		if err := CheckText(s); err != nil {
			t.Errorf("%q refused: %v", s, err)
		}
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`phone = "081234567890"`:                        `phone = "[disamarkan]"`,
		"nik 1801234567890001 atau 1801 2345 6789 0001": "nik [disamarkan] atau [disamarkan]",
		"081234567890 082234567890":                     "[disamarkan] [disamarkan]",
		"+62 812 3456 7890, wa:08571234567":             "[disamarkan], wa:[disamarkan]",
		`title ~ "migrasi" && male_child > 3`:           `title ~ "migrasi" && male_child > 3`,
		"Rp 62.850.000 tahun 2025":                      "Rp 62.850.000 tahun 2025",
	}
	for in, want := range cases {
		got := Redact(in)
		if got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
		if CheckText(got) != nil {
			t.Errorf("Redact(%q) still refused: %q", in, got)
		}
	}
}

func TestDigestsInJSONAreNotText(t *testing.T) {
	t.Parallel()
	// sha256 digests (photo hashes) whose digit runs look like a NIK or a
	// phone number: values and keys pass, free text beside them does not.
	nikLike := "ab1801234567890001cd" + "0123456789abcdef0123456789abcdef0123456789ab"
	phoneLike := "f081234567890f" + "00000000000000000000000000000000000000000000000000"
	for _, d := range []string{nikLike, phoneLike} {
		if len(d) != 64 {
			t.Fatalf("test digest has %d characters", len(d))
		}
		if CheckText(d) == nil {
			t.Fatalf("%s should look like an identifier as plain text", d)
		}
		if err := checkJSON([]byte(`["` + d + `"]`)); err != nil {
			t.Errorf("digest value refused: %v", err)
		}
		if err := checkJSON([]byte(`{"` + d + `":"foto_abc.jpg"}`)); err != nil {
			t.Errorf("digest key refused: %v", err)
		}
	}
	if err := checkJSON([]byte(`["` + nikLike + `", "NIK 1801234567890001"]`)); err == nil || err.Code() != CodeNIK {
		t.Errorf("a NIK beside a digest passed: %v", err)
	}
	if err := checkJSON([]byte(`["` + nikLike + `x"]`)); err == nil {
		t.Error("a 65-character string is not a digest, and must be checked")
	}
}
