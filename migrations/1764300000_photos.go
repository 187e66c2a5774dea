package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Photos of activities and outreach logs (issue 5): processed on upload by
// the media package, served only with a file token, with the fields a
// syncing phone needs to see which of its photos are still on their way.
func init() {
	// The photo fields as released (media's names and limits at the time).
	collections := []string{"activities", "outreach_logs"}
	const (
		photos   = "photos"
		consent  = "photo_consent"
		expected = "photos_expected"
		hashes   = "photo_hashes"
		pending  = "photos_pending"
	)
	m.Register(func(app core.App) error {
		for _, name := range collections {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			c.Fields.Add(&core.FileField{
				Name:      photos,
				MaxSelect: 10,
				// The media hook refuses originals above 20 MB with its own
				// message before this limit (checked on the processed JPEG)
				// could; the request body limit follows from it.
				MaxSize: 20 << 20,
				// Only what the media hook wrote can be stored.
				MimeTypes: []string{"image/jpeg"},
				Thumbs:    []string{"320x320f", "640x640f"},
				// Photos of village meetings are not public: downloads need
				// a file token of someone who may view the record.
				Protected: true,
			})
			c.Fields.Add(&core.BoolField{Name: consent})
			c.Fields.Add(&core.JSONField{Name: expected, MaxSize: 2000})
			c.Fields.Add(&core.JSONField{Name: hashes, MaxSize: 4000})
			c.Fields.Add(&core.JSONField{Name: pending, MaxSize: 2000})
			if err := app.Save(c); err != nil {
				return err
			}
			// Existing rows read as "no photos announced, none pending"
			// rather than null, like every row saved from now on.
			_, err = app.DB().NewQuery("UPDATE {{" + name + "}} SET " +
				"[[" + expected + "]] = '[]', [[" + hashes + "]] = '{}', [[" + pending + "]] = '[]' " +
				"WHERE [[" + pending + "]] IS NULL").Execute()
			if err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, name := range collections {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			for _, f := range []string{photos, consent, expected, hashes, pending} {
				c.Fields.RemoveByName(f)
			}
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	})
}
