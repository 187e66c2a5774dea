package commands

import (
	"fmt"

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

func demoCommand(app core.App) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Create one demo account per role plus a superuser, and print their logins",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			if err := SeedDemo(app); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
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
			fmt.Fprintf(out, "  %-30s %-22s %s\n", DemoSuperuser, "superuser", "http://127.0.0.1:8090/_/")
			fmt.Fprintln(out, "Web app: http://127.0.0.1:8090/")
			return nil
		},
	}
}
