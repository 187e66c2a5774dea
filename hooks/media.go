package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"jangkau/media"
)

// registerMedia processes photos on every path that saves an activity or an
// outreach log. It is bound after registerRecords, so the scope derivation
// and the privacy guard have passed before any photo is decoded.
//
// It also gives the Go runtime a soft memory limit (unless GOMEMLIMIT is
// set): the decode limit bounds what is live, the memory limit stops the
// GC from letting the heap double on top of it.
func registerMedia(app core.App) {
	media.LimitMemory()
	p := media.For(app)
	save := func(e *core.RecordEvent) error {
		return p.Save(e.Context, e.App, e.Record, e.Next)
	}
	app.OnRecordCreate(media.Collections...).BindFunc(save)
	app.OnRecordUpdate(media.Collections...).BindFunc(save)
}
