package commands

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"jangkau/audit"
)

// auditCommand groups the audit trail's console commands: verify the hash
// chain, archive old entries, search the archives and the live table.
func auditCommand(app core.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Verify, archive and search the audit trail",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Check the audit trail's hash chain over the archives and the live table",
		Long: "Walks every entry in number order and checks that none is missing, repeated, changed or inserted.\n" +
			"Prints the last entry's number and hash: keep them outside the server; a later verify must reach that hash.\n" +
			"Exits with an error when the chain is broken.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			start := time.Now()
			res, err := audit.Verify(app)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "audit: %d entries checked (%d archived) in %.1fs\nhead: %d %s\n",
				res.Entries, res.Archived, time.Since(start).Seconds(), res.HeadSeq, res.HeadHash)
			for _, p := range res.Problems {
				fmt.Fprintln(out, "BROKEN:", p)
			}
			if len(res.Problems) > 0 {
				return fmt.Errorf("audit: the chain is broken (%d problems listed)", len(res.Problems))
			}
			fmt.Fprintln(out, "audit: chain intact")
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "archive",
		Short: "Move old entries to compressed archive files (the server does it daily)",
		Long: "Entries older than " + audit.EnvArchiveDays + " days (default 730) and read entries older than " +
			audit.EnvReadsDays + " days (default 182; 0 keeps them) are written, with their chain, to gzip JSON-lines files\n" +
			"in the files store (S3 when configured, else pb_data/storage/" + audit.ArchivePrefix + ") and removed from the live table;\n" +
			"the reads are replaced by one aggregated entry per user, record, action and day.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			r, err := audit.RetentionFromEnv()
			if err != nil {
				return err
			}
			res, err := audit.Archive(app, r, time.Now())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "audit: %d entries archived in %d files, %d aggregated read entries added\n",
				res.Archived, len(res.Files), res.Aggregated)
			for _, f := range res.Files {
				fmt.Fprintln(cmd.OutOrStdout(), " ", f)
			}
			return nil
		},
	})
	var q audit.Query
	search := &cobra.Command{
		Use:   "search",
		Short: "Print the entries (archives and live table) that match, one JSON object a line",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := app.RunAllMigrations(); err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			n := 0
			err := audit.Search(app, q, func(s *audit.Stored, source string) error {
				n++
				return enc.Encode(struct {
					*audit.Stored
					Source string `json:"source"`
				}{s, source})
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "audit: %d entries found\n", n)
			return nil
		},
	}
	f := search.Flags()
	f.StringVar(&q.User, "user", "", "user or superuser id")
	f.StringVar(&q.Collection, "collection", "", "collection of the record")
	f.StringVar(&q.Record, "record", "", "record id")
	f.StringVar(&q.Action, "action", "", "action (create, update, delete, login, export, view, list, report, sync_pull)")
	f.StringVar(&q.From, "from", "", "first server time, e.g. 2025-01-01")
	f.StringVar(&q.To, "to", "", "last server time (a day includes the whole day), e.g. 2025-12-31")
	cmd.AddCommand(search)
	return cmd
}
