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

// BenchmarkCheckID checks what a sync push checks of each mutation: its
// mutation id ("m-" + a UUID, the field app's), its collection and its
// record id (16 letters and digits), and a UUID that reads as a number
// (the slow path: read again with the UUID as a letter).
func BenchmarkCheckID(b *testing.B) {
	b.Run("mutation id, collection, record id", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if CheckID("mutationId", "m-3f2b8c1e-9a47-4d2e-b5c6-0e1f2a3b4c5d") != nil ||
				CheckID("collection", "activities") != nil || CheckID("id", "Xy3kP9qLm2Vn8RtB") != nil {
				b.Fatal("refused")
			}
		}
	})
	b.Run("UUID read as a number", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if CheckID("mutationId", "m-75339d31-1860-4527-9779-12ab5613c3e2") != nil {
				b.Fatal("refused")
			}
		}
	})
}
