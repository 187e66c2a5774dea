package commands

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"jangkau/backup"
)

// backupCommands are `jangkau backup FILE` and `jangkau restore FILE`: a
// consistent copy of pb_data for installations without S3.
func backupCommands(app core.App) []*cobra.Command {
	cmds := []*cobra.Command{{
		Use:   "backup FILE.zip",
		Short: "Write a consistent backup of pb_data (databases and local files) to FILE.zip; the server may keep running",
		Long: "Each database is copied with SQLite's VACUUM INTO (one consistent snapshot while writes go on), then the\n" +
			"local files store (pb_data/storage: photos, audit archives). With files on S3 only the databases are copied.\n" +
			"The zip has PocketBase's backup layout: `jangkau restore` or the admin UI can restore it.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			res, err := backup.Create(app, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backup: %s, %d bytes, databases %v, %d files, in %.1fs\n",
				res.Path, res.Bytes, res.Databases, res.Files, time.Since(start).Seconds())
			if res.FilesOnS3 {
				fmt.Fprintln(cmd.OutOrStdout(), "backup: files are on S3 and not in this backup: version or replicate the bucket")
			}
			return nil
		},
	}, {
		Use:   "restore FILE.zip",
		Short: "Replace pb_data with a backup (stop the server first); the old pb_data is kept beside it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// close this process's own connections to the data being replaced
			if err := app.ClearBootstrap(); err != nil {
				return err
			}
			start := time.Now()
			kept, err := backup.Restore(args[0], app.DataDir())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "restore: %s restored into %s in %.1fs\n", args[0], app.DataDir(), time.Since(start).Seconds())
			if kept != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "restore: the previous data is in %s (remove it once the server runs)\n", kept)
			}
			fmt.Fprintln(cmd.OutOrStdout(), "restore: new sync epoch set: phones re-send what the backup lacks (docs/sync.md)")
			return nil
		},
	}, {
		Use:   "epoch",
		Short: "The sync epoch that tells phones the server was restored",
	}}
	cmds[len(cmds)-1].AddCommand(&cobra.Command{
		Use:   "new",
		Short: "Set a new sync epoch (stop the server first); run it after `litestream restore` or any restore other than `jangkau restore`",
		Long: "Phones whose cursor names another epoch get 409 server_restored, re-send every local record (exactly once:\n" +
			"records the server holds as sent are duplicates) and pull from zero, so writes the restore lost come back.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			epoch, err := backup.NewEpoch(app.DB())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "epoch: new sync epoch %d\n", epoch)
			return nil
		},
	})
	return cmds
}
