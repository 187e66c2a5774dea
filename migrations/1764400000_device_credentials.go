package migrations

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Device credentials: the server's signing keys, one-time enrollments, and
// the refresh-token lineage and revocation reason of each device.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		devices, err := app.FindCollectionByNameOrId("devices")
		if err != nil {
			return err
		}

		// Signing keys live in the database, generated here once per
		// installation: they survive restarts and are never in the repo.
		// No API rules: only superusers (and Go code) can see them.
		keys := core.NewBaseCollection("device_keys")
		keys.Fields.Add(&core.SelectField{Name: "purpose", Values: []string{"enrollment", "access", "refresh"}, MaxSelect: 1, Required: true})
		keys.Fields.Add(&core.TextField{Name: "secret", Required: true, Min: 43, Max: 200, Hidden: true})
		keys.Fields.Add(&core.BoolField{Name: "active"})
		timestamps(keys)
		if err := app.Save(keys); err != nil {
			return err
		}
		for _, purpose := range []string{"enrollment", "access", "refresh"} {
			secret := make([]byte, 48)
			if _, err := rand.Read(secret); err != nil {
				return err
			}
			k := core.NewRecord(keys)
			k.Set("purpose", purpose)
			k.Set("secret", base64.RawURLEncoding.EncodeToString(secret))
			k.Set("active", true)
			if err := app.Save(k); err != nil {
				return err
			}
		}

		// Enrollments: a one-time code for one user, made by a verifier or
		// the province. Written only through /api/devices routes.
		enr := core.NewBaseCollection("device_enrollments")
		enr.Fields.Add(&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true})
		enr.Fields.Add(&core.RelationField{Name: "created_by", CollectionId: users.Id, MaxSelect: 1})
		enr.Fields.Add(&core.TextField{Name: "created_by_superuser", Max: 100})
		enr.Fields.Add(&core.DateField{Name: "expires_at", Required: true})
		enr.Fields.Add(&core.DateField{Name: "used_at"})
		enr.Fields.Add(&core.RelationField{Name: "device", CollectionId: devices.Id, MaxSelect: 1})
		// SHA-256 of the short typed code; the code itself is never stored.
		enr.Fields.Add(&core.TextField{Name: "short_hash", Max: 100, Hidden: true})
		timestamps(enr)
		enr.AddIndex("idx_device_enrollments_short", true, "short_hash", "short_hash != ''")
		enr.AddIndex("idx_device_enrollments_user", false, "user", "")
		if err := app.Save(enr); err != nil {
			return err
		}

		devices.Fields.Add(&core.RelationField{Name: "enrollment", CollectionId: enr.Id, MaxSelect: 1})
		devices.Fields.Add(&core.RelationField{Name: "enrolled_by", CollectionId: users.Id, MaxSelect: 1})
		devices.Fields.Add(&core.TextField{Name: "enrolled_by_superuser", Max: 100})
		// The refresh lineage: the generation of the one refresh token that
		// is valid now, the SHA-256 of its id, the generation that was
		// presented to get it (which may retry briefly), when it was issued
		// (the last use) and when it lapses.
		devices.Fields.Add(&core.NumberField{Name: "refresh_gen", OnlyInt: true, Min: float(0)})
		devices.Fields.Add(&core.NumberField{Name: "refresh_prev_gen", OnlyInt: true, Min: float(0)})
		devices.Fields.Add(&core.TextField{Name: "refresh_hash", Max: 100, Hidden: true})
		devices.Fields.Add(&core.DateField{Name: "refresh_at"})
		devices.Fields.Add(&core.DateField{Name: "refresh_expires"})
		devices.Fields.Add(&core.SelectField{Name: "revoked_reason", MaxSelect: 1,
			Values: []string{"revoked", "refresh_reuse", "user_deactivated", "replaced"}})
		return app.Save(devices)
	}, nil)
}
