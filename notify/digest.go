package notify

import (
	"fmt"
	"html"
	"net/mail"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"jangkau/catalog"
	"jangkau/internal/crashpoint"
)

// DigestCron is when the queue digest goes: 07:00 WIB (00:00 UTC), before
// the working day starts, and every half hour after it until 11:30 WIB:
// each verifier gets one digest a day (SendDigests marks the day), so the
// later runs send only what a run killed midway, or missed while the
// server was down, did not.
const DigestCron = "*/30 0-4 * * *"

// DigestJobID names the digest's cron job.
const DigestJobID = "jangkau.notify.queueDigest"

// Digest is one verifier's queue on the morning of a digest.
type Digest struct {
	User       string
	Email      string
	Name       string
	Regency    string
	Activities int
	Outreach   int
	Oldest     time.Time // the earliest submission waiting
}

// Digests returns the queue of every active district verifier with at
// least one record waiting (submitted activities and outreach logs of its
// regency).
func Digests(app core.App) ([]Digest, error) {
	var rows []struct {
		ID      string `db:"id"`
		Email   string `db:"email"`
		Name    string `db:"name"`
		Regency string `db:"area"`
		Acts    int    `db:"acts"`
		Outs    int    `db:"outs"`
		Oldest  string `db:"oldest"`
	}
	err := app.DB().NewQuery(`SELECT u.id, u.email, u.name, u.area,
		(SELECT COUNT(*) FROM activities a WHERE a.regency = u.area AND a.status = 'submitted') AS acts,
		(SELECT COUNT(*) FROM outreach_logs o WHERE o.regency = u.area AND o.status = 'submitted') AS outs,
		COALESCE((SELECT MIN(s) FROM (
			SELECT MIN(NULLIF(a.submitted_at, '')) AS s FROM activities a WHERE a.regency = u.area AND a.status = 'submitted'
			UNION ALL SELECT MIN(NULLIF(o.submitted_at, '')) FROM outreach_logs o WHERE o.regency = u.area AND o.status = 'submitted')), '') AS oldest
		FROM users u WHERE u.role = {:role} AND u.deactivated = FALSE ORDER BY u.area, u.email`).
		Bind(dbx.Params{"role": catalog.RoleDistrictVerifier}).All(&rows)
	if err != nil {
		return nil, err
	}
	out := []Digest{}
	for _, r := range rows {
		if r.Acts+r.Outs == 0 {
			continue
		}
		d := Digest{User: r.ID, Email: r.Email, Name: r.Name, Regency: r.Regency, Activities: r.Acts, Outreach: r.Outs}
		if t, err := time.Parse("2006-01-02 15:04:05.000Z", r.Oldest); err == nil {
			d.Oldest = t
		}
		out = append(out, d)
	}
	return out, nil
}

// wib is Western Indonesia Time, the province's clock.
var wib = time.FixedZone("WIB", 7*3600)

// SendDigests sends each verifier with records waiting its digest for the
// day of now (WIB): an e-mail (when the account has an address and the
// switch digest.email is on) and an in-app notice (digest.notice), once a
// day. The day is marked (notify_digests) in the transaction that writes
// the notice, before the e-mail goes: a run killed midway and run again
// sends the others and repeats no one (a kill between a mark and its
// e-mail loses that e-mail: at most once). It returns how many e-mails
// went. A failed e-mail is logged and does not stop the others.
func SendDigests(app core.App, now time.Time) (int, error) {
	list, err := Digests(app)
	if err != nil {
		return 0, err
	}
	day := now.In(wib).Format("2006-01-02")
	base := strings.TrimRight(app.Settings().Meta.AppURL, "/")
	sent := 0
	for _, d := range list {
		m := digestMessage(d, now)
		first := false
		err := app.RunInTransaction(func(tx core.App) error {
			res, err := tx.DB().NewQuery(`INSERT OR IGNORE INTO notify_digests (user, day) VALUES ({:u}, {:d})`).
				Bind(dbx.Params{"u": d.User, "d": day}).Execute()
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return err // this user's digest of the day went already
			}
			first = true
			return saveNotice(tx, m)
		})
		if err != nil {
			return sent, err
		}
		if !first {
			continue
		}
		crashpoint.Here(crashpoint.AfterCommit)
		if !PrefsOf(app, d.User).On(KindDigest, ChannelEmail) || d.Email == "" {
			continue
		}
		msg := &mailer.Message{
			From:    mail.Address{Address: app.Settings().Meta.SenderAddress, Name: app.Settings().Meta.SenderName},
			To:      []mail.Address{{Address: d.Email, Name: d.Name}},
			Subject: m.Title[0] + " / " + m.Title[1],
			HTML:    digestHTML(m, base),
			Text:    m.Body[0] + "\n\n" + base + "/#/queue\n\n" + m.Body[1],
		}
		if err := app.NewMailClient().Send(msg); err != nil {
			app.Logger().Error("queue digest not sent", "user", d.User, "error", err)
			continue
		}
		sent++
	}
	return sent, nil
}

func digestMessage(d Digest, now time.Time) Message {
	n := d.Activities + d.Outreach
	oldID, oldEN := "", ""
	if !d.Oldest.IsZero() {
		days := int(now.Sub(d.Oldest).Hours() / 24)
		oldID = fmt.Sprintf(" Yang paling lama menunggu diajukan %s (%d hari).", d.Oldest.In(wib).Format("02-01-2006"), days)
		oldEN = fmt.Sprintf(" The oldest was submitted on %s (%d days ago).", d.Oldest.In(wib).Format("2006-01-02"), days)
	}
	return Message{User: d.User, Kind: KindDigest, Link: "/#/queue",
		Title: [2]string{fmt.Sprintf("%d catatan menunggu verifikasi", n), fmt.Sprintf("%d records waiting for review", n)},
		Body: [2]string{fmt.Sprintf("Antrean Anda pagi ini: %d kegiatan dan %d catatan penjangkauan menunggu verifikasi.%s", d.Activities, d.Outreach, oldID),
			fmt.Sprintf("Your queue this morning: %d activities and %d outreach logs waiting for review.%s", d.Activities, d.Outreach, oldEN)}}
}

func digestHTML(m Message, base string) string {
	esc := html.EscapeString
	link := esc(base + "/#/queue")
	return `<p>` + esc(m.Body[0]) + `</p><p><a class="btn" href="` + link + `">Buka antrean verifikasi</a></p>` +
		`<p><i>Ringkasan ini dikirim setiap pagi bila ada catatan menunggu. Matikan di Pengaturan notifikasi konsol.</i></p><hr/>` +
		`<p>` + esc(m.Body[1]) + `</p><p><a class="btn" href="` + link + `">Open the review queue</a></p>` +
		`<p><i>This digest goes every morning when records are waiting. Turn it off in the console's notification settings.</i></p>`
}
