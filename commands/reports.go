package commands

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"jangkau/reports"
)

// rebuildReportsCommand recomputes the report aggregates from the records:
// after a restore, a raw import, or to check that nothing drifted.
func rebuildReportsCommand(app core.App) *cobra.Command {
	return &cobra.Command{
		Use:   "rebuild-reports",
		Short: "Recompute the report aggregates (report_stats_*) from the activities and outreach logs",
		Long: "The aggregates are kept in each write's transaction; this recomputes them from scratch in one transaction.\n" +
			"Run it after restoring a backup or importing rows with raw SQL. The server may keep running: readers see the old figures until it commits.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			start := time.Now()
			if err := reports.Rebuild(app); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "report aggregates rebuilt in %.1fs\n", time.Since(start).Seconds())
			return nil
		},
	}
}
