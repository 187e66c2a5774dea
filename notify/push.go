package notify

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/catalog"
)

// keysID is the id of the one row of notify_keys.
const keysID = "vapidkeys000001"

// Keys returns the server's VAPID key pair (base64url, as browsers and
// webpush-go want them), made on first use and kept in notify_keys: the
// same keys for the life of the database, so that subscriptions made with
// the public key keep working.
func Keys(app core.App) (public, private string, err error) {
	load := func() error {
		return app.DB().NewQuery("SELECT public_key, private_key FROM notify_keys WHERE id = {:id}").
			Bind(dbx.Params{"id": keysID}).Row(&public, &private)
	}
	if err = load(); err == nil {
		return public, private, nil
	}
	priv, pub, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		return "", "", err
	}
	// INSERT OR IGNORE: two first uses at once keep one pair, the first.
	if _, err := app.DB().NewQuery("INSERT OR IGNORE INTO notify_keys (id, public_key, private_key, created) VALUES ({:id}, {:pub}, {:priv}, {:now})").
		Bind(dbx.Params{"id": keysID, "pub": pub, "priv": priv, "now": types.NowDateTime().String()}).Execute(); err != nil {
		return "", "", err
	}
	return public, private, load()
}

// Payload is what the field app's service worker receives: one language,
// the one the subscription asked for.
type Payload struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url"`
	Tag   string `json:"tag"`
}

type subscription struct {
	ID       string `db:"id"`
	Endpoint string `db:"endpoint"`
	P256dh   string `db:"p256dh"`
	Auth     string `db:"auth"`
	Lang     string `db:"lang"`
}

// pushAll sends m to every subscription of its user. A subscription the
// push service says is gone (404, 410) is deleted; other failures are
// counted on it.
func pushAll(app core.App, m Message) error {
	var subs []subscription
	if err := app.DB().NewQuery("SELECT id, endpoint, p256dh, auth, lang FROM notify_subscriptions WHERE user = {:u}").
		Bind(dbx.Params{"u": m.User}).All(&subs); err != nil {
		return err
	}
	if len(subs) == 0 {
		return nil
	}
	pub, priv, err := Keys(app)
	if err != nil {
		return err
	}
	subscriber := app.Settings().Meta.SenderAddress
	if subscriber == "" {
		subscriber = "noreply@jangkau.invalid"
	}
	var firstErr error
	for _, s := range subs {
		lang := 0
		if s.Lang == "en" {
			lang = 1
		}
		tag := m.Kind
		if m.RecordID != "" {
			tag = m.Collection + "/" + m.RecordID
		}
		body, _ := json.Marshal(Payload{Kind: m.Kind, Title: m.Title[lang], Body: clip(m.Body[lang], 300), URL: m.Link, Tag: tag})
		res, err := webpush.SendNotification(body, &webpush.Subscription{Endpoint: s.Endpoint, Keys: webpush.Keys{P256dh: s.P256dh, Auth: s.Auth}},
			&webpush.Options{HTTPClient: Client, Subscriber: subscriber, VAPIDPublicKey: pub, VAPIDPrivateKey: priv,
				TTL: 3 * 24 * 3600, Urgency: webpush.UrgencyNormal})
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
			res.Body.Close()
			switch {
			case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone:
				if _, err := app.DB().Delete(catalog.NotifySubscriptions, dbx.HashExp{"id": s.ID}).Execute(); err != nil {
					firstErr = cmpErr(firstErr, err)
				}
				continue
			case res.StatusCode >= 300:
				err = fmt.Errorf("push service answered %s", res.Status)
			}
		}
		now := types.NowDateTime().String()
		if err != nil {
			firstErr = cmpErr(firstErr, err)
			_, _ = app.DB().NewQuery("UPDATE notify_subscriptions SET failures = failures + 1, last_error = {:e}, updated = {:now} WHERE id = {:id}").
				Bind(dbx.Params{"e": clip(err.Error(), 500), "now": now, "id": s.ID}).Execute()
			continue
		}
		_, _ = app.DB().NewQuery("UPDATE notify_subscriptions SET failures = 0, last_error = '', last_sent = {:now}, updated = {:now} WHERE id = {:id}").
			Bind(dbx.Params{"now": now, "id": s.ID}).Execute()
	}
	return firstErr
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// pushServices are the hosts of the browsers' push services (Chrome and
// Android, Firefox, Safari, Edge). The server posts to a subscription's
// endpoint, so any other host is refused: otherwise a signed-in user could
// make the server send requests into the office network.
var pushServices = []string{"fcm.googleapis.com", "android.googleapis.com", "push.services.mozilla.com", "push.apple.com", "notify.windows.com"}

// PushHostsEnv names the environment variable that adds hosts to the
// push services (comma-separated; a deployment's own push relay, or the
// tests' local push service).
const PushHostsEnv = "JANGKAU_PUSH_HOSTS"

// validEndpoint accepts the https URLs of the push services only (see
// pushServices; a host matches itself and its subdomains).
func validEndpoint(s string) bool {
	if !strings.HasPrefix(s, "https://") || len(s) > 1000 || strings.ContainsAny(s, " \n\r\t") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.User != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	allowed := pushServices
	for _, h := range strings.Split(os.Getenv(PushHostsEnv), ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			allowed = append(allowed[:len(allowed):len(allowed)], h)
		}
	}
	for _, a := range allowed {
		if host == a || strings.HasSuffix(host, "."+a) {
			return true
		}
	}
	return false
}
