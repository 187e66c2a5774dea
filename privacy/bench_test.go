package privacy

import (
	"strings"
	"testing"
)

// BenchmarkCheckText checks the free text of a typical activity: about
// 1,000 characters with dates, times, amounts and counts (the slow path:
// enough digits that the text is read in full), and a short title without
// digits (the quick path).
func BenchmarkCheckText(b *testing.B) {
	long := strings.Repeat("Sosialisasi migrasi aman pada 2025-03-10 pukul 08.00-12.00 di balai desa 18.01.04.2001, "+
		"35 peserta (12 anak, 23 dewasa), anggaran Rp 15.000.000. ", 8)
	short := "Sosialisasi migrasi aman bagi calon pekerja migran dan keluarganya"
	b.Run("1000 characters with numbers", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if CheckText(long) != nil {
				b.Fatal("refused")
			}
		}
	})
	b.Run("title without digits", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if CheckText(short) != nil {
				b.Fatal("refused")
			}
		}
	})
}
