// Package objectstore puts Jangkau's files (photos, thumbnails, audit
// archives) and PocketBase's backups on S3-compatible storage, configured
// by flags or environment variables, through PocketBase's own S3 settings.
package objectstore

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Config is where files and backups go. An empty Bucket leaves PocketBase's
// settings as they are (files in pb_data/storage, or whatever the admin UI
// set).
type Config struct {
	Endpoint       string // e.g. https://s3.ap-southeast-3.amazonaws.com or http://127.0.0.1:7070
	Bucket         string
	Region         string
	AccessKey      string
	Secret         string
	ForcePathStyle bool   // path-style URLs (MinIO, SeaweedFS, versitygw); default true
	BackupsCron    string // PocketBase's own backups to the same bucket, e.g. "0 2 * * *"; "" for none
	BackupsKeep    int    // how many cron backups to keep (default 7)
}

// options lists each setting: its flag, its environment variable and help.
var options = []struct {
	flag, env, help string
	get             func(c *Config) any
}{
	{"s3-endpoint", "JANGKAU_S3_ENDPOINT", "S3 endpoint URL (files and backups on S3)", func(c *Config) any { return &c.Endpoint }},
	{"s3-bucket", "JANGKAU_S3_BUCKET", "S3 bucket; setting it puts files and backups on S3", func(c *Config) any { return &c.Bucket }},
	{"s3-region", "JANGKAU_S3_REGION", "S3 region", func(c *Config) any { return &c.Region }},
	{"s3-access-key", "JANGKAU_S3_ACCESS_KEY", "S3 access key", func(c *Config) any { return &c.AccessKey }},
	{"s3-secret", "JANGKAU_S3_SECRET", "S3 secret (prefer the environment variable: flags show in ps)", func(c *Config) any { return &c.Secret }},
	{"s3-force-path-style", "JANGKAU_S3_FORCE_PATH_STYLE", "path-style S3 URLs (true for MinIO, SeaweedFS, versitygw)", func(c *Config) any { return &c.ForcePathStyle }},
	{"backups-cron", "JANGKAU_BACKUPS_CRON", "cron of PocketBase's backups to the S3 bucket, e.g. \"0 2 * * *\"", func(c *Config) any { return &c.BackupsCron }},
	{"backups-keep", "JANGKAU_BACKUPS_KEEP", "how many cron backups to keep", func(c *Config) any { return &c.BackupsKeep }},
}

// FromEnv reads the configuration from the environment variables alone.
func FromEnv() (Config, error) {
	c := Config{ForcePathStyle: true, BackupsKeep: 7, Region: "us-east-1"}
	for _, o := range options {
		v, ok := os.LookupEnv(o.env)
		if !ok || v == "" {
			continue
		}
		switch p := o.get(&c).(type) {
		case *string:
			*p = v
		case *bool:
			b, err := strconv.ParseBool(v)
			if err != nil {
				return c, fmt.Errorf("%s=%q: true or false", o.env, v)
			}
			*p = b
		case *int:
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return c, fmt.Errorf("%s=%q: a number of at least 1", o.env, v)
			}
			*p = n
		}
	}
	return c, nil
}

// Register adds the S3 flags to root (their environment variables are the
// defaults) and applies the configuration to app's settings once it is
// bootstrapped, so that serve and every command (backup, audit archive)
// use the same store.
func Register(app core.App, root *cobra.Command) {
	cfg, cfgErr := FromEnv()
	flags := pflag.NewFlagSet("objectstore", pflag.ContinueOnError)
	flags.ParseErrorsAllowlist.UnknownFlags = true
	flags.Usage = func() {}
	for _, set := range []*pflag.FlagSet{root.PersistentFlags(), flags} {
		for _, o := range options {
			help := o.help + " (env " + o.env + ")"
			switch p := o.get(&cfg).(type) {
			case *string:
				set.StringVar(p, o.flag, *p, help)
			case *bool:
				set.BoolVar(p, o.flag, *p, help)
			case *int:
				set.IntVar(p, o.flag, *p, help)
			}
		}
	}
	// read now: the settings are applied at bootstrap, before cobra parses
	_ = flags.Parse(os.Args[1:])
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if cfgErr != nil {
			return cfgErr
		}
		return Apply(e.App, cfg)
	})
}

// Apply writes cfg into app's settings (S3 for files, S3 for backups, the
// backups cron) and saves them when they changed. An empty Bucket changes
// nothing.
func Apply(app core.App, cfg Config) error {
	if cfg.Bucket == "" {
		return nil
	}
	if cfg.Endpoint == "" || cfg.AccessKey == "" || cfg.Secret == "" {
		return fmt.Errorf("objectstore: with a bucket, set the endpoint, access key and secret too (JANGKAU_S3_ENDPOINT, JANGKAU_S3_ACCESS_KEY, JANGKAU_S3_SECRET)")
	}
	s := app.Settings()
	before, _ := s.Clone()
	s3 := core.S3Config{Enabled: true, Bucket: cfg.Bucket, Region: cfg.Region, Endpoint: strings.TrimRight(cfg.Endpoint, "/"),
		AccessKey: cfg.AccessKey, Secret: cfg.Secret, ForcePathStyle: cfg.ForcePathStyle}
	s.S3 = s3
	s.Backups.S3 = s3
	s.Backups.Cron = cfg.BackupsCron
	s.Backups.CronMaxKeep = cfg.BackupsKeep
	if before != nil && before.S3 == s.S3 && before.Backups.S3 == s.Backups.S3 && before.Backups.Cron == s.Backups.Cron &&
		before.Backups.CronMaxKeep == s.Backups.CronMaxKeep {
		return nil
	}
	return app.Save(s)
}
