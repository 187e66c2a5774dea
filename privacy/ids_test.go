package privacy

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestCheckID(t *testing.T) {
	// machine-made ids pass, a canonical UUID even where its hex digits
	// read as a number (alone, or inside the id as in the field app's
	// mutation ids "m-" + UUID)
	for _, id := range []string{"75339d31-1860-4527-9779-12ab5613c3e2", "72543040-8186-4657-a5b8-ecebd40d3052",
		"m-75339d31-1860-4527-9779-12ab5613c3e2", "m-bfeed0ff-73cc-4586-b084-900829088aff",
		"75339d31-1860-4527-9779-12ab5613c3e2_m", "pwa-Xy3kP9qLm2Vn8RtB4wZa", "hp-desa-1",
		"a1b2c3d4e5f6g7h", "Xy3kP9qLm2Vn8RtB", "actvillagea0001", "mut-2025-03-10-0001",
		// an id's O, o, l and I are letters (random ids hold them beside
		// digits), and a run of nine digits is too short for a phone number
		"hpO8l2345678901", "o8462ll37ig8wlj", "082ol1983kukxps", "rsbja088111006x", "7kj6ep082200405"} {
		if err := CheckID("id", id); err != nil {
			t.Errorf("%q refused: %v", id, err)
		}
	}
	for _, u := range []string{"75339d31-1860-4527-9779-12ab5613c3e2", "m-bfeed0ff-73cc-4586-b084-900829088aff"} {
		if CheckText(u) == nil {
			t.Errorf("the test UUID %q no longer reads as a number: pick another", u)
		}
	}
	for id, code := range map[string]string{
		"hp081234567890x": CodePhone, "id-628123456789-x": CodePhone, "081234567890": CodePhone, "1801234567890001": CodeNIK,
		"nik1801234567890001": CodeNIK, "hp-0812-3456-7890": CodePhone, "0062-812-3456-7890": CodePhone,
		"hp08123456789": CodePhone, "paspor-C1234567": CodePassport, "passport_AB1234567": CodePassport,
		// a UUID run into letters or digits is not canonical; digits beside one are read
		"75339d31-1860-4527-9779-12ab5613c3e2x": CodeNIK, "081234567890-75339d31-1860-4527-9779-12ab5613c3e2": CodePhone,
		"75339d31-1860-4527-9779-12ab5613c3e2-081234567890": CodePhone,
		// shaped like a UUID but of no random or time-based version
		"08123456-7890-0123-0123-456789012345": CodeNIK,
	} {
		err := CheckID("mutationId", id)
		if err == nil || err.Code() != code {
			t.Errorf("%q: got %v, want %s", id, err, code)
			continue
		}
		msg := err.Error()
		id, en, ok := strings.Cut(msg, " / ")
		if !ok || !strings.HasPrefix(id, "mutationId tidak boleh") || !strings.HasPrefix(en, "mutationId must not") {
			t.Errorf("%q: the message does not name the field in both languages: %q", id, msg)
		}
	}
}

// TestRandomIDsPass generates ids the way the clients do and checks them:
// the field app's and WatermelonDB's (16 of [A-Za-z0-9], a random byte
// modulo 62 and Math.random()*62), PocketBase's ([a-z0-9]{15}) and the
// field app's mutation ids ("m-" + a random UUID). A refused one would be
// a record the phone can never send. Seeded, so a run is repeatable;
// tests/clients send ids from the real generators through the real
// clients.
func TestRandomIDsPass(t *testing.T) {
	rng := rand.New(rand.NewPCG(20251203, 1766700000))
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	const watermelon = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const n = 200_000
	gens := map[string]func() string{
		"field app newId": func() string {
			b := make([]byte, 16)
			for i := range b {
				b[i] = alnum[rng.IntN(256)%len(alnum)]
			}
			return string(b)
		},
		"WatermelonDB randomId": func() string {
			b := make([]byte, 16)
			for i := range b {
				b[i] = watermelon[rng.IntN(62)]
			}
			return string(b)
		},
		"PocketBase's alphabet, seeded": func() string {
			const lower = "abcdefghijklmnopqrstuvwxyz0123456789"
			b := make([]byte, 15)
			for i := range b {
				b[i] = lower[rng.IntN(len(lower))]
			}
			return string(b)
		},
		"mutation id": func() string {
			var u [16]byte
			for i := range u {
				u[i] = byte(rng.IntN(256))
			}
			u[6], u[8] = u[6]&0x0f|0x40, u[8]&0x3f|0x80
			const hex = "0123456789abcdef"
			var b strings.Builder
			b.WriteString("m-")
			for i, x := range u {
				if i == 4 || i == 6 || i == 8 || i == 10 {
					b.WriteByte('-')
				}
				b.WriteByte(hex[x>>4])
				b.WriteByte(hex[x&15])
			}
			return b.String()
		},
	}
	for name, gen := range gens {
		refused, count := 0, n
		if strings.HasPrefix(name, "PocketBase") {
			// read as text, one id in 220,000 of this alphabet was refused
			// (o, l and digits read as a phone number): millions are checked
			count = 2_000_000
		}
		for range count {
			if id := gen(); CheckID("id", id) != nil {
				refused++
				t.Logf("%s: %q refused", name, id)
			}
		}
		// seeded, so the count is fixed: a random id can hold a run of ten
		// or more digits that is a phone number, about one in 3,000,000
		if refused > count/1_000_000 {
			t.Errorf("%s: %d of %d refused", name, refused, count)
		}
	}
}
