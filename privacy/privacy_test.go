package privacy

import (
	"strings"
	"testing"
	"unicode"
)

// refusedText are identifiers written the ways people (and people trying to
// get past the guard) write them, with the code each must be refused with.
var refusedText = map[string]string{
	// NIK and family-card numbers, every grouping
	"1801234567890001":                        CodeNIK,
	"NIK: 1801234567890001.":                  CodeNIK,
	"NIK1801234567890001":                     CodeNIK,
	"1801 2345 6789 0001":                     CodeNIK,
	"18.01.01.010190.0001":                    CodeNIK,
	"18012345 67890001":                       CodeNIK, // 8-8
	"180123 456789 0001":                      CodeNIK, // 6-6-4
	"180123-456789-0001":                      CodeNIK,
	"1801/2345/6789/0001":                     CodeNIK,
	"1801_2345_6789_0001":                     CodeNIK,
	"1801  2345  6789  0001":                  CodeNIK, // double spaces
	"1801\t2345\t6789\t0001":                  CodeNIK,
	"1801\n2345\n6789\n0001":                  CodeNIK,
	"1801\u00a02345\u00a06789\u00a00001":      CodeNIK, // NBSP
	"1801\u202f2345\u20096789\u30000001":      CodeNIK, // narrow NBSP, thin space, ideographic space
	"1801\u20132345\u20146789\u22120001":      CodeNIK, // en dash, em dash, minus sign
	"(1801) 2345-6789-0001":                   CodeNIK,
	"1801 - 2345 - 6789 - 0001":               CodeNIK,
	"１８０１２３４５６７８９０００１":                        CodeNIK, // full-width
	"١٨٠١٢٣٤٥٦٧٨٩٠٠٠١":                        CodeNIK, // Arabic-Indic
	"۱۸۰۱۲۳۴۵۶۷۸۹۰۰۰۱":                        CodeNIK, // Extended Arabic-Indic (Persian)
	"१८०१२३४५६७८९०००१":                        CodeNIK, // Devanagari
	"๑๘๐๑๒๓๔๕๖๗๘๙๐๐๐๑":                        CodeNIK, // Thai
	"𝟏𝟖𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎𝟎𝟎𝟏":                        CodeNIK, // mathematical bold
	"1801\u200b2345\u200c6789\u200d0001":      CodeNIK, // zero-width space, non-joiner, joiner
	"18012345\u00ad67890001":                  CodeNIK, // soft hyphen
	"\ufeff1801234567890001":                  CodeNIK, // byte order mark
	"1801\ufeff2345\u20606789\u180e0001":      CodeNIK, // BOM, word joiner, Mongolian vowel separator
	"1\u03018\u030101234567890001":            CodeNIK, // combining marks
	"1801\ufe0f234567890001":                  CodeNIK, // variation selector
	"18O1234567890OO1":                        CodeNIK, // O for 0
	"l8Ol234567890001":                        CodeNIK, // l for 1
	"18OI 2345 6789 O00I":                     CodeNIK, // I for 1
	"12345678901234567 (17 digit)":            CodeNIK, // longer runs can hide one
	"18012345678900011801234567890002":        CodeNIK, // two side by side
	"KK 1801-2345-6789-0001 milik warga":      CodeNIK,
	"tahun 2025 NIK 1801 2345 6789 0001 2025": CodeNIK, // numbers around it
	// mobile numbers
	"081234567890":                  CodePhone,
	"0812-3456-7890":                CodePhone,
	"0812 3456 789":                 CodePhone,
	"0812.3456.7890":                CodePhone,
	"(0812) 3456-7890":              CodePhone,
	"0812/3456/7890":                CodePhone,
	"0812_3456_7890":                CodePhone,
	"0812  3456  7890":              CodePhone,
	"0812\t3456\t7890":              CodePhone,
	"0812\n3456\n7890":              CodePhone,
	"0812\u00a03456\u00a07890":      CodePhone,
	"0812\u20133456\u20137890":      CodePhone, // en dash
	"0812\u20113456\u20117890":      CodePhone, // non-breaking hyphen
	"0812\u200b3456\u200b7890":      CodePhone,
	"０８１２－３４５６－７８９０":                CodePhone, // full-width, with a full-width hyphen
	"٠٨١٢٣٤٥٦٧٨٩٠":                  CodePhone,
	"O812-3456-789O":                CodePhone,
	"+6281234567890":                CodePhone,
	"+62 812 3456 7890":             CodePhone,
	"+62-812-3456-7890":             CodePhone,
	"62 812-3456-7890":              CodePhone,
	"+62 (0) 812 3456 7890":         CodePhone,
	"+62 (812) 3456 7890":           CodePhone,
	"+62.812.345.6789":              CodePhone,
	"+62.812.345.678":               CodePhone, // a + makes it a number, not an amount
	"0 812 3456 7890":               CodePhone,
	"08 1234 5678":                  CodePhone,
	"0812 345 67 890":               CodePhone,
	"hubungi 6285712345678 segera":  CodePhone,
	"wa:08571234567":                CodePhone,
	"Ibu X (0812-3456-7890) hadir":  CodePhone,
	"nomor 0812 3456 7890 / 0813 1": CodePhone,
	"https://wa.me/6281234567890":   CodePhone,
	// the audit's spellings (issue: separators and group counts)
	"0062 812 3456 7890":              CodePhone, // international 00 prefix
	"00 62 812 3456 7890":             CodePhone,
	"0062-812-3456-7890":              CodePhone,
	"006281234567890":                 CodePhone,
	"0062 (0) 812 3456 7890":          CodePhone,
	"0 0 6 2 8 1 2 3 4 5 6 7 8 9 0":   CodePhone,
	"0 062 812 3456 7890":             CodePhone,
	"[0812]3456{7890}":                CodePhone, // brackets and braces as separators
	"{0812}{3456}{7890}":              CodePhone,
	"<0812>3456<7890>":                CodePhone,
	"0812     3456 7890":              CodePhone, // runs of spaces
	"0812 \t \n 3456          7890":   CodePhone,
	"08 12 34 56 78 90":               CodePhone, // six pairs
	"08-12-34-56-78-90":               CodePhone,
	"0 8 1 2 3 4 5 6 7 8 9 0":         CodePhone, // one digit a group
	"0.8.1.2.3.4.5.6.7.8.9.0":         CodePhone,
	"6 2 8 1 2 3 4 5 6 7 8 9 0":       CodePhone,
	"0812,3456,7890":                  CodePhone, // commas
	"0812, 3456, 7890":                CodePhone,
	"0812;3456;7890":                  CodePhone,
	"0812|3456|7890":                  CodePhone,
	"0812*3456*7890":                  CodePhone,
	"0812~3456~7890":                  CodePhone,
	"0812'3456'7890":                  CodePhone,
	"\"0812\" \"3456\" \"7890\"":      CodePhone,
	"0812\u30013456\u30017890":        CodePhone, // ideographic comma
	"18 01 23 45 67 89 00 01":         CodeNIK,   // eight pairs
	"18-01-23-45-67-89-00-01":         CodeNIK,
	"1 8 0 1 2 3 4 5 6 7 8 9 0 0 0 1": CodeNIK,
	"18 01 2345 6789 00 01":           CodeNIK, // six groups
	"1801,2345,6789,0001":             CodeNIK,
	"[1801]{2345}(6789)<0001>":        CodeNIK,
	"1801     2345     6789     0001": CodeNIK,
	"NIK: 32 01 01 01 01 90 00 01":    CodeNIK,
	// passports named as such
	"paspor C1234567":                     CodePassport,
	"No. paspor X 1234567":                CodePassport,
	"Paspor: AB1234567":                   CodePassport,
	"PASPOR NO. B 9876543":                CodePassport,
	"nomor paspor korban a1234567 hilang": CodePassport,
	"passport no C1234567":                CodePassport,
	"paspor atas nama korban: AB-123456":  CodePassport,
	"Paspor (C.12345678)":                 CodePassport,
	"ＰＡＳＰＯＲ　Ｃ１２３４５６７":                     CodePassport, // full-width
	"paspor C١٢٣٤٥٦٧":                     CodePassport, // Arabic-Indic digits
	"pas\u200bpor C1234567":               CodePassport, // zero-width space
}

// acceptedText is ordinary text with numbers: dates, amounts, counts, area
// codes, references. None of it may be refused.
var acceptedText = []string{
	"", "35 peserta (12 anak, 23 dewasa)", "Tahun 2024 dan 2025", "Rp 15.000.000", "Rp 62.850.000",
	"Rp 1.250.000.000", "Perdes No. 3 Tahun 2024", "10 20 30 40 50 60 70 80", "REF-2025-000123",
	"SAPA 129", "tanggal 10-03-2025 pukul 08.00", "NPWP 12.345.678.9-012.000",
	"0800 hotline", "08 peserta",
	// dates and times
	"2025-01-31", "31/01/2025", "31-01-2025", "01/01/2025 - 31/12/2025", "2025-01-01 2025-12-31",
	"08-12-2025 - 10-12-2025", "08/12/2025 10/12/2025", "08.00-12.00 WIB, 13.00-15.00 WIB",
	"08.00 - 10.00 10.00 - 12.00", "Selasa 08 12 2025", "2025-01-31 08:00:00",
	"Tahun 2024 2025 2026 2027", "periode 2022/2023 2023/2024",
	// amounts
	"15.000.000", "Rp 62.812.345.678", "Rp 150.000.000 - 200.000.000", "Rp 15.000.000 20.000.000",
	"12.500.000 12.500.000", "Rp 8.123.456.789", "Rp 1.500.000.000.000", "Rp 50.000,- per orang",
	"anggaran 1500000 dan 2500000",
	// counts
	"peserta 12 15 20 30 45", "L: 12, P: 15, total 27", "12, 15, 20, 30, 45, 60, 75, 90, 120, 150",
	"1000, 2000, 3000, 4000", "dusun 1: 12 orang\ndusun 2: 8 orang\ndusun 3: 15 orang",
	// area codes, references, other numbers
	"18.01.02.2001", "18.01.02.2001 18.01.02.2002", "18.01.02.2001, 18.01.02.2002, 18.01.04.2011",
	"kode wilayah 18.71.01.1001", "ISBN 978-602-1234-56-7", "Nomor 400/123/IV.02/2025",
	"No. 12/2025", "0800 123 4567", "(0721) 123456", "0721-123456", "Kode pos 35365",
	"Oli 10 liter", "lalu 2025", "Pool 2025", "Hotel Ibis lt. 2", "versi 1.4.0",
	"-5.4500 105.2667", "BP3MI-LPG-2025-0042", "100 O 200", "I 2 3",
	"０８ peserta", "Rp １５.０００.０００",
	// ordinary report text with the new separators and group counts
	"10, 12, 15 peserta", "10,12,15 peserta", "Peserta: 10, 12, 15, 20, 25, 30, 35, 40 orang",
	"RAD P.1.1, P.1.2, P.2.1 tahun 2025", "P.1.1.1", "Kode RAD P.3.2.1 (2025-2029)",
	"REG/2025/00123", "surat BP3MI No. REG/2025/00123 tanggal 10-03-2025", "No. B/123/IV/2025/Ditreskrimum",
	"LP/B/0123/III/2025/SPKT/POLDA LAMPUNG", "2025-03-10", "10 Maret 2025", "tanggal 2025-03-10 s.d. 2025-03-12",
	"08 12 2025 - 10 12 2025", "08 12 2025 10 12 2025", "01 01 2025 31 12 2025", "12 01 2025 31 12 2025",
	"2025 01 31 2025 12 31", "tahun 2019, 2020, 2021, 2022, 2023", "1000, 2000, 3000, 4000, 5000",
	"10 20 30 40 50 60 70 80", "0 0 0 0 0 0 0 0 0 0", "1 2 3 4 5 6 7 8 9 10 11 12",
	"Rp 62.850.000,00", "Rp 1.250.000,- dan Rp 62.850.000,00", "Rp 8.123.456.789,50", "anggaran Rp 1.500.000.000,00",
	"12,5 persen", "2,5 juta", "nilai 3,25; 4,75; 5,5", "skor 08, 12, 15, 20, 30",
	"pukul 08:00-12:00, 13:00-15:00", "08:00:00 WIB", "jam 08.30 - 09.00, 10.00 - 12.00",
	"[1] 12 orang {2} 15 orang", "(12) (15) (20) (30)", "12/15/20/30", "No. urut 0001 s.d. 0150",
	"Kegiatan sosialisasi di 3 desa (Hajimena, Branti Raya, Sri Way Langsep) diikuti 120 peserta: 45 laki-laki, 75 perempuan.",
	"Rapat koordinasi GT PP TPPO Kab. Lampung Selatan, 10-03-2025, 09.00-12.00 WIB, Aula Dinas PPPA, 35 peserta.",
	"Realisasi anggaran Rp 15.000.000 (100%), sumber APBDes 2025, Perdes No. 3 Tahun 2024.",
	"Target 2025: 12 desa; 2026: 15 desa; 2027: 20 desa; 2028: 25 desa; 2029: 30 desa",
	"Indikator P.1.1 capaian 75%, P.1.2 capaian 80%, P.2.1 capaian 90%",
	"Rujukan ke UPTD PPA No. 460/123/V.02/2025 tanggal 12-05-2025",
	"Hotline SAPA 129, layanan 0800 1 234 567", "kode pos 35365, 35144, 35361",
	// passports without the word, and the word without a number
	"C1234567", "AB1234567", "ref C1234567", "surat X 1234567", "B 1234567 ekor",
	"pengurusan paspor 12 CPMI di Kanim Kelas I 2025", "paspor hilang: 3 kasus, 2025", "paspor untuk 120 orang",
	"paspor dan visa 2025-03-10", "pengurusan paspor 12 CPMI; surat X 1234567", "paspor CPMI selesai. Surat B 1234567 terkirim",
	"paspor diurus\nref AB1234567",
}

func TestCheckText(t *testing.T) {
	for s, code := range refusedText {
		err := CheckText(s)
		if err == nil || err.Code() != code {
			t.Errorf("%q: got %v, want %s", s, err, code)
		}
	}
	for _, s := range acceptedText {
		if err := CheckText(s); err != nil {
			t.Errorf("%q refused: %v", s, err)
		}
	}
}

func TestMessagesNameTheReasonInBothLanguages(t *testing.T) {
	for _, s := range []string{"1801234567890001", "081234567890", "paspor C1234567"} {
		msg := CheckText(s).Error()
		if !strings.Contains(msg, "Tidak boleh") || !strings.Contains(msg, "Must not") {
			t.Errorf("%q: %s", s, msg)
		}
	}
}

func TestDigitRuns(t *testing.T) {
	// digitValue relies on every range of decimal digits being runs of ten
	// from 0 to 9
	for _, rg := range unicode.Nd.R16 {
		if rg.Stride != 1 || (rg.Hi-rg.Lo+1)%10 != 0 {
			t.Errorf("range %U-%U stride %d", rg.Lo, rg.Hi, rg.Stride)
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rg.Stride != 1 || (rg.Hi-rg.Lo+1)%10 != 0 {
			t.Errorf("range %U-%U stride %d", rg.Lo, rg.Hi, rg.Stride)
		}
	}
	for r, want := range map[rune]rune{'٣': 3, '७': 7, '๙': 9, '৫': 5, '၄': 4, '᠘': 8, '꘩': 9, '𝟎': 0, '𝟿': 9, '🯹': 9} {
		if got, ok := digitValue(r); !ok || got != want {
			t.Errorf("%c (%U): %d, %v", r, r, got, ok)
		}
	}
	for _, r := range []rune{'a', 'Ⅻ', '½', ' '} {
		if _, ok := digitValue(r); ok {
			t.Errorf("%c read as a digit", r)
		}
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{
		`phone = "081234567890"`:                        `phone = "[disamarkan]"`,
		"nik 1801234567890001 atau 1801 2345 6789 0001": "nik [disamarkan] atau [disamarkan]",
		"081234567890 082234567890":                     "[disamarkan] [disamarkan]",
		"+62 812 3456 7890, wa:08571234567":             "+[disamarkan], wa:[disamarkan]",
		`title ~ "migrasi" && male_child > 3`:           `title ~ "migrasi" && male_child > 3`,
		"Rp 62.850.000 tahun 2025":                      "Rp 62.850.000 tahun 2025",
		"cari ０８１２－３４５６－７８９０ ya":                        "cari [disamarkan] ya",
		"x 1801\u200b2345\u200b6789\u200b0001 y":        "x [disamarkan] y",
		"(0812) 3456-7890":                              "([disamarkan]",
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
	for s := range refusedText {
		if got := Redact(s); CheckText(got) != nil || !strings.Contains(got, Masked) {
			t.Errorf("Redact(%q) = %q", s, got)
		}
	}
	for _, s := range acceptedText {
		if got := Redact(s); got != s {
			t.Errorf("Redact(%q) changed ordinary text: %q", s, got)
		}
	}
}

func TestDigestsOnlyInDigestFields(t *testing.T) {
	// sha256 digests (photo hashes) whose digit runs look like a NIK or a
	// phone number pass in the photo digest fields, values and keys; free
	// text beside them does not, nor the same string in any other field.
	nikLike := "ab1801234567890001cd" + "0123456789abcdef0123456789abcdef0123456789ab"
	phoneLike := "f081234567890f" + "00000000000000000000000000000000000000000000000000"
	allDigits := strings.Repeat("1801234567890001", 4)
	for _, d := range []string{nikLike, phoneLike, allDigits} {
		if len(d) != 64 {
			t.Fatalf("test digest has %d characters", len(d))
		}
		if CheckText(d) == nil {
			t.Fatalf("%s should look like an identifier as plain text", d)
		}
		if err := checkJSON([]byte(`["`+d+`"]`), true); err != nil {
			t.Errorf("digest value refused: %v", err)
		}
		if err := checkJSON([]byte(`{"`+d+`":"foto_abc.jpg"}`), true); err != nil {
			t.Errorf("digest key refused: %v", err)
		}
		if err := checkJSON([]byte(`["`+d+`"]`), false); err == nil {
			t.Errorf("a 64-character string passed as a digest outside the digest fields: %s", d)
		}
		if err := checkJSON([]byte(`{"note":"`+d+`"}`), false); err == nil {
			t.Errorf("a 64-character string in free JSON passed: %s", d)
		}
	}
	if err := checkJSON([]byte(`["`+nikLike+`", "NIK 1801234567890001"]`), true); err == nil || err.Code() != CodeNIK {
		t.Errorf("a NIK beside a digest passed: %v", err)
	}
	if err := checkJSON([]byte(`["`+nikLike+`x"]`), true); err == nil {
		t.Error("a 65-character string is not a digest, and must be checked")
	}
	if err := checkJSON([]byte(`{"foto_abc.jpg":"`+nikLike+`"}`), true); err != nil {
		t.Errorf("digest as the value of a file name refused: %v", err)
	}
}

func TestNumbersInJSONAndNumberFields(t *testing.T) {
	refused := []string{
		`{"nik": 1801234567890001}`, `[1801234567890001]`, `{"a": {"b": [1.801234567890001e15]}}`,
		`{"x": 18012345678900010e-1}`, `{"wa": 6281234567890}`, `{"1801234567890001": 1}`,
	}
	for _, raw := range refused {
		if err := checkJSON([]byte(raw), false); err == nil {
			t.Errorf("%s passed", raw)
		}
	}
	accepted := []string{`{"2025": 10, "2026": 12}`, `{"sexual_exploitation": 2, "forced_labour": 1}`, `[0.5, 1e3, 15000000, -3]`,
		`{"budget": 1500000000000}`, `{"x": 1e400}`, `null`, `{"score": 7.25}`}
	for _, raw := range accepted {
		if err := checkJSON([]byte(raw), false); err != nil {
			t.Errorf("%s refused: %v", raw, err)
		}
	}
	if err := checkNumber(1801234567890001); err == nil || err.Code() != CodeNIK {
		t.Errorf("a NIK as a number passed: %v", err)
	}
	for _, v := range []float64{0, 35, 15e6, 6281234567890, 1e13, 1e16, 1801234567890001.5e-3} {
		if err := checkNumber(v); err != nil {
			t.Errorf("%v refused", v)
		}
	}
}

func TestEditorMarkupDoesNotSplitNumbers(t *testing.T) {
	if CheckText(plainText("<p>1801<b>2345</b>6789&#48;001</p>")) == nil {
		t.Error("markup and entities hid a NIK")
	}
	if CheckText(plainText("<p>Rapat <b>2025</b> &amp; 35 peserta</p>")) != nil {
		t.Error("ordinary markup refused")
	}
}

// FuzzRedact checks that Redact never panics, never leaves an identifier
// CheckText would refuse, and changes nothing CheckText accepts.
func FuzzRedact(f *testing.F) {
	for s := range refusedText {
		f.Add(s)
	}
	for _, s := range acceptedText {
		f.Add(s)
	}
	f.Add("0812 3456 7890 1801 2345 6789 0001 0812")
	f.Add("lO8l2 O8l2345678 9O")
	f.Add("\xff\xfe0812\xc0345678900")
	f.Fuzz(func(t *testing.T, s string) {
		got := Redact(s)
		if CheckText(got) != nil {
			t.Errorf("Redact(%q) = %q is still refused", s, got)
		}
		if CheckText(s) == nil && got != s {
			t.Errorf("Redact(%q) changed accepted text: %q", s, got)
		}
	})
}
