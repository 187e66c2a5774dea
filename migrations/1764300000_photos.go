package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"jangkau/media"
)

// Photos of activities and outreach logs (issue 5): processed on upload by
// the media package, served only with a file token, with the fields a
// syncing phone needs to see which of its photos are still on their way.
func init() {
	m.Register(func(app core.App) error {
		for _, name := range media.Collections {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			c.Fields.Add(&core.FileField{
				Name:      media.FieldPhotos,
				MaxSelect: media.MaxPhotos,
				// The media hook refuses originals above 20 MB with its own
				// message before this limit (checked on the processed JPEG)
				// could; the request body limit follows from it.
				MaxSize: media.MaxUploadBytes,
				// Only what the media hook wrote can be stored.
				MimeTypes: []string{"image/jpeg"},
				Thumbs:    media.Thumbs,
				// Photos of village meetings are not public: downloads need
				// a file token of someone who may view the record.
				Protected: true,
			})
			c.Fields.Add(&core.BoolField{Name: media.FieldConsent})
			c.Fields.Add(&core.JSONField{Name: media.FieldExpected, MaxSize: 2000})
			c.Fields.Add(&core.JSONField{Name: media.FieldHashes, MaxSize: 4000})
			c.Fields.Add(&core.JSONField{Name: media.FieldPending, MaxSize: 2000})
			if err := app.Save(c); err != nil {
				return err
			}
			// Existing rows read as "no photos announced, none pending"
			// rather than null, like every row saved from now on.
			_, err = app.DB().NewQuery("UPDATE {{" + name + "}} SET " +
				"[[" + media.FieldExpected + "]] = '[]', [[" + media.FieldHashes + "]] = '{}', [[" + media.FieldPending + "]] = '[]' " +
				"WHERE [[" + media.FieldPending + "]] IS NULL").Execute()
			if err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, name := range media.Collections {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			for _, f := range []string{media.FieldPhotos, media.FieldConsent, media.FieldExpected, media.FieldHashes, media.FieldPending} {
				c.Fields.RemoveByName(f)
			}
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	})
}
