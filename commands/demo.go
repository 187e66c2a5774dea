package commands

import (
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"jangkau/catalog"
)

// DemoPassword is the password of every demo account; demo data is for a
// newcomer's own machine, never for production.
const DemoPassword = "jangkau-demo-2026"

// DemoAccount is one account make demo creates.
type DemoAccount struct {
	Email, Name, Role, Area, Cluster string
}

// DemoAccounts are one account per role in Desa Hajimena (Natar, Lampung
// Selatan), its regency and the province.
var DemoAccounts = []DemoAccount{
	{"desa@demo.jangkau.id", "Operator Desa Hajimena", catalog.RoleVillageOfficer, "18.01.04.2001", ""},
	{"verifikator@demo.jangkau.id", "Verifikator Lampung Selatan", catalog.RoleDistrictVerifier, "18.01", ""},
	{"sekretariat@demo.jangkau.id", "Sekretariat GT Provinsi", catalog.RoleProvinceSecretariat, "18", ""},
	{"anggota@demo.jangkau.id", "Anggota GT (Polda)", catalog.RoleTaskforceMember, "18", "law_enforcement"},
	{"gtkab@demo.jangkau.id", "Anggota GT Lampung Selatan (Polres)", catalog.RoleRegencyTaskforce, "18.01", "law_enforcement"},
	{"opd@demo.jangkau.id", "Petugas Dinas PPPA Provinsi", catalog.RoleAgencyOfficer, "18", "prevention"},
}

// DemoSuperuser is the demo superuser's email.
const DemoSuperuser = "admin@demo.jangkau.id"

// SeedDemo creates (or resets the password of) the demo accounts.
func SeedDemo(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		supers, err := tx.FindCollectionByNameOrId(core.CollectionNameSuperusers)
		if err != nil {
			return err
		}
		su, err := tx.FindAuthRecordByEmail(supers, DemoSuperuser)
		if err != nil {
			su = core.NewRecord(supers)
			su.SetEmail(DemoSuperuser)
		}
		su.SetPassword(DemoPassword)
		if err := tx.Save(su); err != nil {
			return fmt.Errorf("superuser: %w", err)
		}
		users, err := tx.FindCollectionByNameOrId(catalog.Users)
		if err != nil {
			return err
		}
		for _, a := range DemoAccounts {
			u, err := tx.FindAuthRecordByEmail(users, a.Email)
			if err != nil {
				u = core.NewRecord(users)
				u.SetEmail(a.Email)
			}
			u.Set("name", a.Name)
			u.Set("role", a.Role)
			u.Set("area", a.Area)
			u.Set("cluster", a.Cluster)
			u.Set("deactivated", false)
			u.SetVerified(true)
			u.SetPassword(DemoPassword)
			if err := tx.Save(u); err != nil {
				return fmt.Errorf("%s: %w", a.Email, err)
			}
		}
		return nil
	})
}

// RealAccounts counts the accounts that are not demo accounts: a store with
// any is someone's real data, where accounts with a published password
// must not appear.
func RealAccounts(app core.App) int {
	var n int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM users WHERE email NOT LIKE '%@demo.jangkau.id'").Row(&n)
	return n
}

// DefaultHTTP is the address `jangkau serve` listens on without --http.
const DefaultHTTP = "127.0.0.1:8090"

// ServedURL is the address to open in a browser for a server started with
// --http addr (empty: serve's default), or the application URL of the
// settings when no address is given and one was set (PocketBase's
// placeholder http://localhost:8090 does not count).
func ServedURL(app core.App, addr string) string {
	if addr == "" {
		if u := strings.TrimRight(app.Settings().Meta.AppURL, "/"); u != "" && u != "http://localhost:8090" {
			return u + "/"
		}
		addr = DefaultHTTP
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		// Listening on every interface: this machine answers on loopback.
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

func demoCommand(app core.App) *cobra.Command {
	var addr string
	var accountsOnly, force bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Create demo accounts (one per role, a superuser) and a year of demo data, and print the logins",
		Long: "Creates one demo account per role plus a superuser (password " + DemoPassword + "), and a year of\n" +
			"realistic records up to today in six regencies (activities and outreach at every review status,\n" +
			"village programmes, RAD indicators and achievements, case figures), through the same checks and\n" +
			"hooks as the API. Running it again creates nothing new. For a newcomer's own machine only.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			if n := RealAccounts(app); n > 0 && !force {
				return fmt.Errorf("data ini punya %d akun selain akun demo: demo (kata sandi yang diketahui umum) tidak dibuat; pakai --force bila ini memang mesin uji. / "+
					"this data holds %d accounts besides the demo ones: no demo accounts (with a publicly known password) were made; use --force if this really is a test machine", n, n)
			}
			if err := SeedDemo(app); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !accountsOnly {
				sum, err := SeedDemoData(app, time.Now())
				if err != nil {
					return err
				}
				printDemoSummary(out, sum)
			}
			url := ServedURL(app, addr)
			fmt.Fprintln(out, "Akun demo / demo accounts (password: "+DemoPassword+")")
			fmt.Fprintf(out, "  %-30s %-22s %s\n", "email", "role", "area")
			for _, a := range DemoAccounts {
				area, _ := app.FindRecordById(catalog.Areas, a.Area)
				name := a.Area
				if area != nil {
					name = a.Area + " " + area.GetString("name")
				}
				fmt.Fprintf(out, "  %-30s %-22s %s\n", a.Email, a.Role, name)
			}
			fmt.Fprintf(out, "  %-30s %-22s %s\n", DemoSuperuser, "superuser", url+"_/")
			fmt.Fprintln(out, "Web app: "+url)
			fmt.Fprintln(out, "Field app / aplikasi lapangan: "+url+"app/")
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "http", "", "the address the server is (or will be) served on, as for serve --http (default "+DefaultHTTP+", or the settings' application URL)")
	cmd.Flags().BoolVar(&accountsOnly, "accounts-only", false, "create the demo accounts only, no records")
	cmd.Flags().BoolVar(&force, "force", false, "seed even though the data holds accounts other than the demo ones")
	return cmd
}

func printDemoSummary(out io.Writer, s DemoSummary) {
	total := func(m map[string]int) int {
		n := 0
		for _, v := range m {
			n += v
		}
		return n
	}
	statuses := func(m map[string]int) string {
		return fmt.Sprintf("%d disetujui/approved, %d menunggu/submitted, %d dikembalikan/returned, %d draf/draft",
			m[catalog.StatusApproved], m[catalog.StatusSubmitted], m[catalog.StatusReturned], m[catalog.StatusDraft])
	}
	fmt.Fprintf(out, "Data demo / demo data, %s .. %s, %d regencies (%s), %d villages; %d records created by this run\n",
		s.From, s.To, len(s.Regencies), strings.Join(s.Regencies, " "), s.Villages, s.Created)
	fmt.Fprintf(out, "  activities    %4d: %s\n", total(s.Activities), statuses(s.Activities))
	fmt.Fprintf(out, "  outreach logs %4d: %s\n", total(s.Outreach), statuses(s.Outreach))
	fmt.Fprintf(out, "  %d village programmes, %d RAD indicators, %d RAD achievements, %d case figures\n",
		s.Programs, s.Indicators, s.Achievements, s.CaseFigures)
	fmt.Fprintf(out, "  every generated officer (desa.<village code>@demo.jangkau.id) and verifier\n"+
		"  (verifikator.<regency code>@demo.jangkau.id) signs in with the same password\n")
}
