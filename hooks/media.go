package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"jangkau/media"
)

// registerMedia processes photos on every path that saves an activity or an
// outreach log. It is bound after registerRecords, so the scope derivation
// and the privacy guard have passed before any photo is decoded.
func registerMedia(app core.App) {
	p := media.For(app)
	save := func(e *core.RecordEvent) error {
		return p.Save(e.Context, e.App, e.Record, e.Next)
	}
	app.OnRecordCreate(media.Collections...).BindFunc(save)
	app.OnRecordUpdate(media.Collections...).BindFunc(save)
}
