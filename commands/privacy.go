package commands

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"jangkau/privacy"
)

// privacyScanCommand lists stored values the current privacy guard
// refuses: text saved before a check existed stays until edited.
func privacyScanCommand(app core.App) *cobra.Command {
	return &cobra.Command{
		Use:   "privacy-scan",
		Short: "List stored values the privacy guard now refuses (collection, id, field, rule; never the value)",
		Long: "Reads every guarded field of every collection (the fields the guard checks on save) and every record id a\n" +
			"client may have chosen, and prints one line per value the current guard refuses: the collection, the record's\n" +
			"id, the field and the rule (privacy_nik, privacy_phone, privacy_passport), never the value itself. When the id\n" +
			"is the refused value it is printed masked, with the row's SQLite rowid. The copies the server made are read\n" +
			"too: the audit trail's changes, notes and record ids, the results pushes remember, the feed's record ids.\n" +
			"Changes nothing.\n" +
			"Exits with an error when anything is found.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			start := time.Now()
			res, err := privacy.Scan(app, func(f privacy.Finding) {
				if f.RowID != 0 {
					fmt.Fprintf(out, "%s\t%s\trowid=%d\t%s\t%s\n", f.Collection, f.ID, f.RowID, f.Field, f.Rule)
					return
				}
				fmt.Fprintf(out, "%s\t%s\t%s\t%s\n", f.Collection, f.ID, f.Field, f.Rule)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "privacy-scan: %d records of %d collections read in %.1fs, %d found\n",
				res.Records, res.Collections, time.Since(start).Seconds(), res.Findings)
			if res.Findings > 0 {
				cmd.SilenceUsage = true
				return fmt.Errorf("privacy-scan: %d stored values the guard refuses (listed above): edit or delete them", res.Findings)
			}
			return nil
		},
	}
}
