// Package commands adds Jangkau's console commands to the jangkau binary.
package commands

import (
	"fmt"
	"os"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"jangkau/areas"
)

// Register adds the import-areas, demo, rebuild-reports, audit, privacy-scan
// and backup commands to root.
func Register(app core.App, root *cobra.Command) {
	root.AddCommand(&cobra.Command{
		Use:   "import-areas DIR",
		Short: "Import a province's areas from idn-area-data CSVs (provinces, regencies, districts, villages)",
		Long: "Reads provinces.csv, regencies.csv, districts.csv and villages.csv from DIR and upserts them into areas.\n" +
			"Codes missing from the files are deactivated, never deleted. Running it twice changes nothing.\n" +
			areas.Credit,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			res, err := areas.ImportDir(app, os.DirFS(args[0]))
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "areas: %d created, %d updated, %d unchanged, %d deactivated\n",
				res.Created, res.Updated, res.Unchanged, res.Deactivated)
			return nil
		},
	})
	root.AddCommand(demoCommand(app))
	root.AddCommand(rebuildReportsCommand(app))
	root.AddCommand(auditCommand(app))
	root.AddCommand(privacyScanCommand(app))
	root.AddCommand(backupCommands(app)...)
}
