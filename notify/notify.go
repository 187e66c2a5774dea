// Package notify tells people what they would otherwise have to look for
// (issue 17): Web Push to the field app (a record returned or approved, a
// phone enrolled on the account), a verifier's daily queue digest by
// e-mail through PocketBase's mailer, and in-app notices for all of them
// and for password changes. Each user turns each kind off per channel
// (notify_prefs). The VAPID key pair is made once and kept in notify_keys.
package notify

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/catalog"
)

// Kinds of notification.
const (
	KindReturned   = "returned"   // a record of the officer was returned by the verifier
	KindApproved   = "approved"   // a record of the officer was approved
	KindEnrollment = "enrollment" // a phone was enrolled on the account
	KindDigest     = "digest"     // the verifier's daily queue digest
	KindPassword   = "password"   // the account's password was changed or reset
)

// Channels a notification goes through.
const (
	ChannelPush   = "push"   // Web Push to the field app
	ChannelEmail  = "email"  // e-mail through PocketBase's mailer
	ChannelNotice = "notice" // the in-app list of notices
)

// Channels lists, per kind, the channels it goes through: each pair is
// one switch in the settings of the apps.
var Channels = map[string][]string{
	KindReturned:   {ChannelPush, ChannelNotice},
	KindApproved:   {ChannelPush, ChannelNotice},
	KindEnrollment: {ChannelPush, ChannelNotice},
	KindDigest:     {ChannelEmail, ChannelNotice},
	KindPassword:   {ChannelNotice},
}

// Kinds lists the kinds in the order the settings show them.
var Kinds = []string{KindReturned, KindApproved, KindEnrollment, KindDigest, KindPassword}

// Message is one notification to one user, in both languages
// ([0] Bahasa Indonesia, [1] English).
type Message struct {
	User       string
	Kind       string
	Title      [2]string
	Body       [2]string
	Link       string // where the app opens it: "/app/#/r/activities/<id>", "/#/queue"
	Collection string // the record it is about, if any
	RecordID   string
}

// Prefs are a user's notification settings.
type Prefs struct {
	// Off lists the switches turned off, as "kind.channel".
	Off  []string `json:"off"`
	Lang string   `json:"lang"`
}

// On reports whether kind goes through channel for these settings.
func (p Prefs) On(kind, channel string) bool {
	return slices.Contains(Channels[kind], channel) && !slices.Contains(p.Off, kind+"."+channel)
}

// PrefsOf returns the settings of a user (everything on, Bahasa Indonesia,
// until the user changes them).
func PrefsOf(app core.App, userID string) Prefs {
	p := Prefs{Off: []string{}, Lang: "id"}
	var row struct {
		Off  types.JSONRaw `db:"off"`
		Lang string        `db:"lang"`
	}
	err := app.DB().NewQuery("SELECT off, lang FROM notify_prefs WHERE user = {:u}").Bind(dbx.Params{"u": userID}).One(&row)
	if err != nil {
		return p
	}
	_ = json.Unmarshal(row.Off, &p.Off)
	if p.Off == nil {
		p.Off = []string{}
	}
	if row.Lang != "" {
		p.Lang = row.Lang
	}
	return p
}

// Send delivers m: an in-app notice and a Web Push to each of the user's
// subscriptions, as the user's settings allow. The push goes in the
// background (push services can be slow; the request that caused it must
// not wait); Wait waits for it. A notification caused by a record's save
// goes through Pending instead, so that its notice commits with the save.
func Send(app core.App, m Message) error {
	if err := saveNotice(app, m); err != nil {
		return err
	}
	push(app, m)
	return nil
}

// push sends m by Web Push in the background, if the user's settings
// allow: call it once the change it reports is committed.
func push(app core.App, m Message) {
	if !PrefsOf(app, m.User).On(m.Kind, ChannelPush) {
		return
	}
	inflight.Add(1)
	go func() {
		defer inflight.Done()
		if err := pushAll(app, m); err != nil {
			app.Logger().Warn("web push not sent", "user", m.User, "kind", m.Kind, "error", err)
		}
	}()
}

// inflight counts the pushes being sent.
var inflight sync.WaitGroup

// Wait blocks until every push started so far has been sent (or failed).
func Wait() { inflight.Wait() }

// saveNotice writes m as an in-app notice, if the user's settings allow.
func saveNotice(app core.App, m Message) error {
	if !PrefsOf(app, m.User).On(m.Kind, ChannelNotice) {
		return nil
	}
	col, err := app.FindCachedCollectionByNameOrId(catalog.Notices)
	if err != nil {
		return err
	}
	r := core.NewRecord(col)
	r.Set("user", m.User)
	r.Set("kind", m.Kind)
	r.Set("title_id", m.Title[0])
	r.Set("title_en", m.Title[1])
	r.Set("body_id", clip(m.Body[0], 2000))
	r.Set("body_en", clip(m.Body[1], 2000))
	r.Set("link", m.Link)
	r.Set("record_collection", m.Collection)
	r.Set("record_id", m.RecordID)
	return app.Save(r)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Client sends the Web Push requests (a timeout, so that a stuck push
// service cannot pile up goroutines). Tests point it at their receiver.
var Client interface {
	Do(*http.Request) (*http.Response, error)
} = &http.Client{Timeout: 20 * time.Second}
