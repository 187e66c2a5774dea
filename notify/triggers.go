package notify

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/catalog"
	"jangkau/internal/wiring"
)

// reviewedKey carries, from the update to its after-commit hook, the
// review decision a save made (a custom key: never stored).
const reviewedKey = "@notifyReviewed"

// bindTriggers sends the notifications of record events: a returned or
// approved record to its author, a phone enrolled to its account. The
// decision is noted while the write runs (Original() is then the stored
// state) and sent once it is committed (a batch or sync that rolls back
// sends nothing).
func bindTriggers(app core.App) {
	noteDecision := func(e *core.RecordEvent) error {
		from := e.Record.Original().GetString("status")
		to := e.Record.GetString("status")
		if from != to && (to == catalog.StatusApproved || to == catalog.StatusReturned) {
			e.Record.SetRaw(reviewedKey, to)
		}
		return e.Next()
	}
	app.OnRecordUpdate(catalog.Activities, catalog.OutreachLogs).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.notify.noteDecision", Priority: wiring.ModelNotify, Func: noteDecision})
	app.OnRecordAfterUpdateSuccess(catalog.Activities, catalog.OutreachLogs).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.notify.sendDecision", Func: func(e *core.RecordEvent) error {
		to, _ := e.Record.GetRaw(reviewedKey).(string)
		e.Record.SetRaw(reviewedKey, nil)
		if to != "" && e.Record.GetString("created_by") != "" {
			if err := Send(e.App, decisionMessage(e.Record, to)); err != nil {
				e.App.Logger().Warn("review notification not sent", "record", e.Record.Id, "error", err)
			}
		}
		return e.Next()
	}})
	app.OnRecordAfterUpdateError(catalog.Activities, catalog.OutreachLogs).Bind(&hook.Handler[*core.RecordErrorEvent]{Id: "jangkau.notify.dropDecision", Func: func(e *core.RecordErrorEvent) error {
		e.Record.SetRaw(reviewedKey, nil)
		return e.Next()
	}})

	// A device that became enrolled (a phone activated with a code).
	noteEnrolled := func(e *core.RecordEvent) error {
		if e.Record.GetBool("enrolled") && (e.Record.IsNew() || !e.Record.Original().GetBool("enrolled")) {
			e.Record.SetRaw(reviewedKey, "enrolled")
		}
		return e.Next()
	}
	sendEnrolled := func(e *core.RecordEvent) error {
		mark, _ := e.Record.GetRaw(reviewedKey).(string)
		e.Record.SetRaw(reviewedKey, nil)
		if mark == "enrolled" {
			if err := Send(e.App, enrollmentMessage(e.Record)); err != nil {
				e.App.Logger().Warn("enrollment notification not sent", "device", e.Record.Id, "error", err)
			}
		}
		return e.Next()
	}
	note := &hook.Handler[*core.RecordEvent]{Id: "jangkau.notify.noteEnrolled", Priority: wiring.ModelNotify, Func: noteEnrolled}
	send := &hook.Handler[*core.RecordEvent]{Id: "jangkau.notify.sendEnrolled", Func: sendEnrolled}
	app.OnRecordCreate(catalog.Devices).Bind(note)
	app.OnRecordUpdate(catalog.Devices).Bind(note)
	app.OnRecordAfterCreateSuccess(catalog.Devices).Bind(send)
	app.OnRecordAfterUpdateSuccess(catalog.Devices).Bind(send)
}

// recordTitle names a record for its author: an activity's title, an
// outreach log's type and date.
func recordTitle(rec *core.Record, lang string) string {
	if rec.Collection().Name == catalog.Activities {
		return rec.GetString("title")
	}
	d := rec.GetDateTime("date").Time()
	return catalog.LabelOf("outreach_types", rec.GetString("outreach_type"), lang) + " " + d.Format("02-01-2006")
}

func decisionMessage(rec *core.Record, to string) Message {
	m := Message{User: rec.GetString("created_by"), Collection: rec.Collection().Name, RecordID: rec.Id,
		Link: "/app/#/r/" + rec.Collection().Name + "/" + rec.Id}
	id, en := recordTitle(rec, "id"), recordTitle(rec, "en")
	if to == catalog.StatusReturned {
		m.Kind = KindReturned
		m.Title = [2]string{"Catatan dikembalikan: " + id, "Record returned: " + en}
		note := rec.GetString("review_note")
		m.Body = [2]string{"Verifikator meminta perbaikan. Catatan: " + note, "The verifier asks for a correction. Note: " + note}
	} else {
		m.Kind = KindApproved
		m.Title = [2]string{"Catatan disetujui: " + id, "Record approved: " + en}
		m.Body = [2]string{"Catatan ini sudah diverifikasi dan masuk laporan.", "This record is verified and counts in the reports."}
	}
	return m
}

func enrollmentMessage(dev *core.Record) Message {
	name := dev.GetString("name")
	if name == "" {
		name = dev.GetString("platform")
	}
	return Message{User: dev.GetString("user"), Kind: KindEnrollment, Collection: catalog.Devices, RecordID: dev.Id,
		Link:  "/app/#/settings",
		Title: [2]string{"Ponsel baru terdaftar pada akun Anda", "A new phone was enrolled on your account"},
		Body: [2]string{"Perangkat: " + name + ". Jika bukan Anda, minta verifikator mencabutnya.",
			"Device: " + name + ". If this was not you, ask your verifier to revoke it."}}
}
