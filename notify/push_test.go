package notify_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"jangkau/catalog"
	tt "jangkau/internal/testapp"
	"jangkau/notify"
)

var b64 = base64.RawURLEncoding

// browser is what a browser holds for one push subscription: the P-256
// key pair and the auth secret (RFC 8291), the private half never sent.
type browser struct {
	key  *ecdh.PrivateKey
	auth []byte
}

func newBrowser(t *testing.T) browser {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	return browser{key: k, auth: auth}
}

func (b browser) keys() map[string]string {
	return map[string]string{"p256dh": b64.EncodeToString(b.key.PublicKey().Bytes()), "auth": b64.EncodeToString(b.auth)}
}

// decrypt opens an aes128gcm body (RFC 8188 framing, RFC 8291 keys) as the
// browser would.
func (b browser) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("short body")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if rs < 18 || len(body) < 21+idlen {
		return nil, errors.New("bad header")
	}
	asPublic, ciphertext := body[21:21+idlen], body[21+idlen:]
	peer, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, err
	}
	shared, err := b.key.ECDH(peer)
	if err != nil {
		return nil, err
	}
	info := "WebPush: info\x00" + string(b.key.PublicKey().Bytes()) + string(asPublic)
	ikm, err := hkdf.Key(sha256.New, shared, b.auth, info, 32)
	if err != nil {
		return nil, err
	}
	cek, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Key(sha256.New, ikm, salt, "Content-Encoding: nonce\x00", 12)
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, err
	}
	// the last record: data, the delimiter 0x02, zero padding
	plain = []byte(strings.TrimRight(string(plain), "\x00"))
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}

type received struct {
	path    string
	headers http.Header
	body    []byte
}

// pushService is a real HTTPS endpoint standing in for a browser's push
// service: it records every POST and answers 201 (410 under /gone/).
func pushService(t *testing.T) (*httptest.Server, chan received) {
	got := make(chan received, 20)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- received{path: r.URL.Path, headers: r.Header.Clone(), body: body}
		if strings.HasPrefix(r.URL.Path, "/gone/") {
			w.WriteHeader(http.StatusGone)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(srv.Close)
	old := notify.Client
	notify.Client = srv.Client()
	t.Cleanup(func() { notify.Client = old })
	return srv, got
}

func next(t *testing.T, got chan received) received {
	t.Helper()
	select {
	case r := <-got:
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("no push reached the push service")
	}
	return received{}
}

// checkVAPID verifies the request's VAPID authorization (RFC 8292) with
// the server's public key: an ES256 JWT for the push service's origin.
func checkVAPID(t *testing.T, r received, serverKey, origin string) {
	t.Helper()
	auth := r.headers.Get("Authorization")
	var tok, k string
	for _, part := range strings.Split(strings.TrimPrefix(auth, "vapid "), ",") {
		part = strings.TrimSpace(part)
		if v, ok := strings.CutPrefix(part, "t="); ok {
			tok = v
		}
		if v, ok := strings.CutPrefix(part, "k="); ok {
			k = v
		}
	}
	if k != serverKey {
		t.Fatalf("VAPID key %q, the server publishes %q", k, serverKey)
	}
	raw, err := b64.DecodeString(k)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return pub, nil }, jwt.WithValidMethods([]string{"ES256"})); err != nil {
		t.Fatalf("VAPID JWT does not verify with the server's key: %v", err)
	}
	if claims["aud"] != origin {
		t.Errorf("VAPID aud %v, want %s", claims["aud"], origin)
	}
}

func vapidKey(t *testing.T, srv *tt.Server) string {
	res := srv.Do(t, http.MethodGet, "/api/notify/vapid", "", nil)
	k, _ := res.JSON()["publicKey"].(string)
	if res.Status != 200 || len(k) < 80 {
		t.Fatalf("vapid: %d %s", res.Status, res.Body)
	}
	return k
}

func patch(t *testing.T, srv *tt.Server, who, col, id string, body map[string]any) {
	t.Helper()
	r := srv.Do(t, http.MethodPatch, "/api/collections/"+col+"/records/"+id, tt.Token(t, srv.App, who), body)
	if r.Status != 200 {
		t.Fatalf("%s PATCH %s %v: %d %s", who, id, body, r.Status, r.Body)
	}
}

// A verifier's decision reaches the officer's browser as a real Web Push:
// encrypted for the subscription's keys, signed with the server's VAPID
// key, in the subscription's language; the officer's switches are obeyed.
func TestDecisionIsPushedEncrypted(t *testing.T) {
	push, got := pushService(t)
	srv := tt.NewServer(t)
	key := vapidKey(t, srv)
	if again := vapidKey(t, srv); again != key {
		t.Fatal("the VAPID key changed between requests")
	}
	officer := tt.Token(t, srv.App, tt.OfficerA)
	br := newBrowser(t)
	sub := srv.Do(t, http.MethodPost, "/api/notify/subscriptions", officer, map[string]any{"endpoint": push.URL + "/push/a1", "keys": br.keys(), "lang": "en"})
	if sub.Status != 200 {
		t.Fatalf("subscribe: %d %s", sub.Status, sub.Body)
	}

	patch(t, srv, tt.OfficerA, catalog.Activities, tt.ActivityA, map[string]any{"status": "submitted"})
	patch(t, srv, tt.VerifierA, catalog.Activities, tt.ActivityA, map[string]any{"status": "returned", "review_note": "Lengkapi daftar hadir"})
	r := next(t, got)
	if r.path != "/push/a1" || r.headers.Get("Content-Encoding") != "aes128gcm" || r.headers.Get("TTL") == "" {
		t.Errorf("push request: %s %v", r.path, r.headers)
	}
	checkVAPID(t, r, key, push.URL)
	plain, err := br.decrypt(r.body)
	if err != nil {
		t.Fatalf("the push does not decrypt with the subscription's keys: %v", err)
	}
	var p notify.Payload
	if err := json.Unmarshal(plain, &p); err != nil {
		t.Fatal(err)
	}
	if p.Kind != notify.KindReturned || p.Title != "Record returned: Sosialisasi migrasi aman" || !strings.Contains(p.Body, "Lengkapi daftar hadir") ||
		p.URL != "/app/#/r/activities/"+tt.ActivityA {
		t.Errorf("payload: %+v", p)
	}

	// the in-app notice, in both languages, for the officer only
	n := srv.Do(t, http.MethodGet, "/api/notify/notices", officer, nil)
	items, _ := n.JSON()["items"].([]any)
	if n.JSON()["unread"] != float64(1) || len(items) != 1 || items[0].(map[string]any)["titleId"] != "Catatan dikembalikan: Sosialisasi migrasi aman" {
		t.Errorf("notices: %s", n.Body)
	}
	if other := srv.Do(t, http.MethodGet, "/api/notify/notices", tt.Token(t, srv.App, tt.OfficerA2), nil); other.JSON()["unread"] != float64(0) {
		t.Errorf("another officer sees the notice: %s", other.Body)
	}

	// returned.push off: the next return is a notice only
	if pr := srv.Do(t, http.MethodPut, "/api/notify/prefs", officer, map[string]any{"off": []string{"returned.push"}}); pr.Status != 200 {
		t.Fatalf("prefs: %d %s", pr.Status, pr.Body)
	}
	patch(t, srv, tt.OfficerA, catalog.Activities, tt.ActivityA, map[string]any{"status": "submitted"})
	patch(t, srv, tt.VerifierA, catalog.Activities, tt.ActivityA, map[string]any{"status": "returned", "review_note": "Tambah foto"})
	notify.Wait()
	select {
	case r := <-got:
		t.Errorf("a push went although returned.push is off: %s", r.path)
	default:
	}
	// approval is still on
	patch(t, srv, tt.OfficerA, catalog.Activities, tt.ActivityA, map[string]any{"status": "submitted"})
	patch(t, srv, tt.VerifierA, catalog.Activities, tt.ActivityA, map[string]any{"status": "approved"})
	plain, err = br.decrypt(next(t, got).body)
	if err != nil || !strings.Contains(string(plain), "Record approved") {
		t.Errorf("approval push: %s %v", plain, err)
	}
	n = srv.Do(t, http.MethodGet, "/api/notify/notices", officer, nil)
	if n.JSON()["unread"] != float64(3) {
		t.Errorf("notices after three decisions: %s", n.Body)
	}
	if rd := srv.Do(t, http.MethodPost, "/api/notify/notices/read", officer, map[string]any{"all": true}); rd.JSON()["read"] != float64(3) {
		t.Errorf("read all: %s", rd.Body)
	}

	// a subscription the push service says is gone is dropped
	br2 := newBrowser(t)
	srv.Do(t, http.MethodPost, "/api/notify/subscriptions", officer, map[string]any{"endpoint": push.URL + "/gone/a2", "keys": br2.keys()})
	patch(t, srv, tt.OfficerA, catalog.OutreachLogs, tt.OutreachA, map[string]any{"status": "submitted"})
	patch(t, srv, tt.VerifierA, catalog.OutreachLogs, tt.OutreachA, map[string]any{"status": "approved"})
	notify.Wait()
	for range 2 {
		next(t, got)
	}
	var left []string
	if err := srv.App.DB().NewQuery("SELECT endpoint FROM notify_subscriptions").Column(&left); err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0] != push.URL+"/push/a1" {
		t.Errorf("subscriptions left: %v", left)
	}
}

// Bad subscriptions and switches are refused with the field and the reason.
func TestSubscriptionInput(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	br := newBrowser(t)
	cases := []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"endpoint": "http://10.0.0.5/push", "keys": br.keys()}, "endpoint"},
		// https to a host that is no push service: the server would post into
		// the office network for whoever subscribed
		{map[string]any{"endpoint": "https://10.0.0.5/push", "keys": br.keys()}, "endpoint"},
		{map[string]any{"endpoint": "https://intranet.kantor.local/admin", "keys": br.keys()}, "endpoint"},
		{map[string]any{"endpoint": "https://fcm.googleapis.com.evil.example/x", "keys": br.keys()}, "endpoint"},
		{map[string]any{"endpoint": "https://user@fcm.googleapis.com/fcm/send/x", "keys": br.keys()}, "endpoint"},
		{map[string]any{"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": map[string]string{"p256dh": "abc", "auth": br.keys()["auth"]}}, "keys.p256dh"},
		{map[string]any{"endpoint": "https://updates.push.services.mozilla.com/wpush/v2/x", "keys": map[string]string{"p256dh": br.keys()["p256dh"], "auth": "abc"}}, "keys.auth"},
	}
	for _, c := range cases {
		r := srv.Do(t, http.MethodPost, "/api/notify/subscriptions", officer, c.body)
		if r.Status != 400 || r.FieldError(c.field) == "" || !strings.Contains(string(r.Body), " / ") {
			t.Errorf("%v: %d %s", c.body, r.Status, r.Body)
		}
	}
	if r := srv.Do(t, http.MethodPost, "/api/notify/subscriptions", "", cases[0].body); r.Status != 401 {
		t.Errorf("anonymous subscribe: %d", r.Status)
	}
	if r := srv.Do(t, http.MethodPut, "/api/notify/prefs", officer, map[string]any{"off": []string{"digest.push"}}); r.Status != 400 || r.FieldError("off") != "unknown_switch" {
		t.Errorf("unknown switch: %d %s", r.Status, r.Body)
	}
	r := srv.Do(t, http.MethodGet, "/api/notify/prefs", officer, nil)
	kinds, _ := r.JSON()["kinds"].([]any)
	if r.Status != 200 || len(kinds) != 4 { // returned, approved, enrollment, password: no digest for an officer
		t.Errorf("an officer's switches: %s", r.Body)
	}
}

// A phone activated on an officer's account is pushed to the officer's
// other browsers and listed as a notice.
func TestEnrollmentIsPushed(t *testing.T) {
	push, got := pushService(t)
	srv := tt.NewServer(t)
	officer := tt.Token(t, srv.App, tt.OfficerA)
	br := newBrowser(t)
	if r := srv.Do(t, http.MethodPost, "/api/notify/subscriptions", officer, map[string]any{"endpoint": push.URL + "/push/e1", "keys": br.keys()}); r.Status != 200 {
		t.Fatalf("subscribe: %d %s", r.Status, r.Body)
	}
	enr := srv.Do(t, http.MethodPost, "/api/devices/enrollments", tt.Token(t, srv.App, tt.VerifierA), map[string]any{"user": tt.UserID(tt.OfficerA)})
	code, _ := enr.JSON()["code"].(string)
	if enr.Status != 200 || code == "" {
		t.Fatalf("enroll: %d %s", enr.Status, enr.Body)
	}
	if r := srv.Do(t, http.MethodPost, "/api/devices/activate", "", map[string]any{"code": code, "name": "HP Desa", "platform": "android", "appVersion": "1.4.0"}); r.Status != 200 {
		t.Fatalf("activate: %d %s", r.Status, r.Body)
	}
	plain, err := br.decrypt(next(t, got).body)
	if err != nil || !strings.Contains(string(plain), "Ponsel baru terdaftar pada akun Anda") || !strings.Contains(string(plain), "HP Desa") {
		t.Errorf("enrollment push: %s %v", plain, err)
	}
	notify.Wait()
	select {
	case r := <-got:
		t.Errorf("a second push: %s", r.path)
	default:
	}
}
