package notify

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/catalog"
	"jangkau/internal/crashpoint"
	"jangkau/internal/wiring"
)

// pendingKey carries, on the record being saved, the notification its save
// makes (a custom key: never stored): set before the save, written as a
// notice in the save's own transaction, pushed once that has committed.
const pendingKey = "@notifyPending"

// Pending marks the save of rec as one that notifies with m: its notice is
// written in the save's transaction (so a crash leaves both or neither),
// its push sent after the commit. Set it before saving rec.
func Pending(rec *core.Record, m Message) { rec.SetRaw(pendingKey, m) }

func pendingOf(rec *core.Record) (Message, bool) {
	m, ok := rec.GetRaw(pendingKey).(Message)
	return m, ok
}

// bindTriggers sends the notifications of record events: a returned or
// approved record to its author, a phone enrolled to its account, a
// password changed or reset to its account. What a save notifies is noted
// while the write runs (Original() is then the stored state), its notice
// written in the write's transaction and its push sent once that is
// committed (a batch or sync that rolls back sends nothing and leaves no
// notice; a crash after the commit never loses the notice).
func bindTriggers(app core.App) {
	noteDecision := func(e *core.RecordEvent) error {
		from := e.Record.Original().GetString("status")
		to := e.Record.GetString("status")
		if from != to && (to == catalog.StatusApproved || to == catalog.StatusReturned) && e.Record.GetString("created_by") != "" &&
			mayView(e.App, e.Record.GetString("created_by"), e.Record) {
			Pending(e.Record, decisionMessage(e.Record, to))
		}
		return e.Next()
	}
	app.OnRecordUpdate(catalog.Activities, catalog.OutreachLogs).Bind(&hook.Handler[*core.RecordEvent]{Id: "jangkau.notify.noteDecision", Priority: wiring.ModelNotify, Func: noteDecision})

	// A device that became enrolled (a phone activated with a code).
	noteEnrolled := func(e *core.RecordEvent) error {
		if e.Record.GetBool("enrolled") && (e.Record.IsNew() || !e.Record.Original().GetBool("enrolled")) {
			Pending(e.Record, enrollmentMessage(e.Record))
		}
		return e.Next()
	}
	note := &hook.Handler[*core.RecordEvent]{Id: "jangkau.notify.noteEnrolled", Priority: wiring.ModelNotify, Func: noteEnrolled}
	app.OnRecordCreate(catalog.Devices).Bind(note)
	app.OnRecordUpdate(catalog.Devices).Bind(note)

	collections := []string{catalog.Activities, catalog.OutreachLogs, catalog.Devices, catalog.Users}
	notice := &hook.Handler[*core.RecordEvent]{Id: "jangkau.notify.notice", Priority: wiring.ExecNotice, Func: func(e *core.RecordEvent) error {
		m, ok := pendingOf(e.Record)
		if !ok {
			return e.Next()
		}
		return wiring.InTx(&e.App, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			return saveNotice(tx, m)
		})
	}}
	app.OnRecordCreateExecute(collections...).Bind(notice)
	app.OnRecordUpdateExecute(collections...).Bind(notice)

	push := &hook.Handler[*core.RecordEvent]{Id: "jangkau.notify.push", Func: func(e *core.RecordEvent) error {
		m, ok := pendingOf(e.Record)
		e.Record.SetRaw(pendingKey, nil)
		if ok {
			crashpoint.Here(crashpoint.AfterCommit)
			push(e.App, m)
		}
		return e.Next()
	}}
	app.OnRecordAfterCreateSuccess(collections...).Bind(push)
	app.OnRecordAfterUpdateSuccess(collections...).Bind(push)
	drop := &hook.Handler[*core.RecordErrorEvent]{Id: "jangkau.notify.drop", Func: func(e *core.RecordErrorEvent) error {
		e.Record.SetRaw(pendingKey, nil)
		return e.Next()
	}}
	app.OnRecordAfterCreateError(collections...).Bind(drop)
	app.OnRecordAfterUpdateError(collections...).Bind(drop)
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
