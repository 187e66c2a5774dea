package notify

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/apierr"
	"jangkau/catalog"
	"jangkau/devices"
)

func fieldError(field, code, msg string) *router.ApiError {
	return router.NewBadRequestError(msg, validation.Errors{field: validation.NewError(code, msg)})
}

// user is the signed-in account of a notify route (a password session or
// a phone's device token); superusers have no notifications.
func user(e *core.RequestEvent) (*core.Record, error) {
	if e.Auth == nil || e.Auth.Collection().Name != catalog.Users {
		return nil, router.NewUnauthorizedError("Masuk dengan akun pengguna dulu. / Sign in with a user account first.", nil)
	}
	return e.Auth, nil
}

func getVapid(e *core.RequestEvent) error {
	pub, _, err := Keys(e.App)
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"publicKey": pub})
}

func getPrefs(e *core.RequestEvent) error {
	u, err := user(e)
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, prefsAnswer(PrefsOf(e.App, u.Id), u))
}

func prefsAnswer(p Prefs, u *core.Record) map[string]any {
	kinds := []map[string]any{}
	for _, k := range Kinds {
		if !kindFor(k, u.GetString("role")) {
			continue
		}
		kinds = append(kinds, map[string]any{"kind": k, "channels": Channels[k]})
	}
	return map[string]any{"off": p.Off, "lang": p.Lang, "kinds": kinds}
}

// kindFor says whether a role gets a kind at all (a verifier's digest is
// of no use to an officer; records are returned to officers).
func kindFor(kind, role string) bool {
	switch kind {
	case KindDigest:
		return role == catalog.RoleDistrictVerifier
	case KindReturned, KindApproved, KindEnrollment:
		return role == catalog.RoleVillageOfficer
	}
	return true
}

func putPrefs(e *core.RequestEvent) error {
	u, err := user(e)
	if err != nil {
		return err
	}
	var body struct {
		Off  []string `json:"off"`
		Lang string   `json:"lang"`
	}
	if err := e.BindBody(&body); err != nil {
		return apierr.InvalidBody(err)
	}
	off := []string{}
	for _, s := range body.Off {
		kind, channel, _ := strings.Cut(s, ".")
		if !slices.Contains(Channels[kind], channel) {
			return fieldError("off", "unknown_switch", "Pilihan notifikasi tidak dikenal: "+clip(s, 40)+" (jenis.saluran, mis. returned.push). / Unknown notification switch: "+clip(s, 40)+" (kind.channel, e.g. returned.push).")
		}
		if !slices.Contains(off, s) {
			off = append(off, s)
		}
	}
	if body.Lang != "" && body.Lang != "id" && body.Lang != "en" {
		return fieldError("lang", "unknown_lang", "Bahasa harus id atau en. / The language must be id or en.")
	}
	col, err := e.App.FindCachedCollectionByNameOrId(catalog.NotifyPrefs)
	if err != nil {
		return e.InternalServerError("", err)
	}
	rec, err := e.App.FindFirstRecordByData(col, "user", u.Id)
	if err != nil {
		rec = core.NewRecord(col)
		rec.Set("user", u.Id)
	}
	rec.Set("off", off)
	if body.Lang != "" {
		rec.Set("lang", body.Lang)
	}
	if err := e.App.Save(rec); err != nil {
		return e.InternalServerError("", err)
	}
	if body.Lang != "" {
		// the language of the user's pushes follows
		if _, err := e.App.DB().Update(catalog.NotifySubscriptions, dbx.Params{"lang": body.Lang}, dbx.HashExp{"user": u.Id}).Execute(); err != nil {
			return e.InternalServerError("", err)
		}
	}
	return e.JSON(http.StatusOK, prefsAnswer(PrefsOf(e.App, u.Id), u))
}

type subscribeBody struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
	Lang string `json:"lang"`
}

// keyBytes decodes a subscription key (base64url, padded or not).
func keyBytes(s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil
	}
	return b
}

func postSubscription(e *core.RequestEvent) error {
	u, err := user(e)
	if err != nil {
		return err
	}
	var body subscribeBody
	if err := e.BindBody(&body); err != nil {
		return apierr.InvalidBody(err)
	}
	if !validEndpoint(body.Endpoint) {
		return fieldError("endpoint", "invalid_endpoint", "Alamat langganan harus URL https dari layanan push peramban. / The endpoint must be the browser push service's https URL.")
	}
	if len(keyBytes(body.Keys.P256dh)) != 65 {
		return fieldError("keys.p256dh", "invalid_key", "keys.p256dh harus kunci publik P-256 (65 bita, base64url). / keys.p256dh must be a P-256 public key (65 bytes, base64url).")
	}
	if len(keyBytes(body.Keys.Auth)) != 16 {
		return fieldError("keys.auth", "invalid_key", "keys.auth harus 16 bita (base64url). / keys.auth must be 16 bytes (base64url).")
	}
	lang := body.Lang
	if lang != "en" {
		lang = "id"
	}
	col, err := e.App.FindCachedCollectionByNameOrId(catalog.NotifySubscriptions)
	if err != nil {
		return e.InternalServerError("", err)
	}
	// One browser, one subscription: signing in as another account on it
	// moves the subscription to that account.
	rec, err := e.App.FindFirstRecordByData(col, "endpoint", body.Endpoint)
	if err != nil {
		rec = core.NewRecord(col)
		rec.Set("endpoint", body.Endpoint)
	}
	rec.Set("user", u.Id)
	rec.Set("device", devices.FromRequest(e))
	rec.Set("p256dh", body.Keys.P256dh)
	rec.Set("auth", body.Keys.Auth)
	rec.Set("lang", lang)
	rec.Set("failures", 0)
	rec.Set("last_error", "")
	if err := e.App.Save(rec); err != nil {
		return e.BadRequestError("", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"id": rec.Id, "endpoint": body.Endpoint})
}

func deleteSubscription(e *core.RequestEvent) error {
	u, err := user(e)
	if err != nil {
		return err
	}
	var body subscribeBody
	if err := e.BindBody(&body); err != nil {
		return apierr.InvalidBody(err)
	}
	if body.Endpoint == "" {
		return fieldError("endpoint", "required", "endpoint wajib diisi. / endpoint is required.")
	}
	if _, err := e.App.DB().Delete(catalog.NotifySubscriptions, dbx.HashExp{"user": u.Id, "endpoint": body.Endpoint}).Execute(); err != nil {
		return e.InternalServerError("", err)
	}
	return e.NoContent(http.StatusNoContent)
}

// Notice is one in-app notice as the apps receive it.
type Notice struct {
	ID         string `db:"id" json:"id"`
	Kind       string `db:"kind" json:"kind"`
	TitleID    string `db:"title_id" json:"titleId"`
	TitleEN    string `db:"title_en" json:"titleEn"`
	BodyID     string `db:"body_id" json:"bodyId"`
	BodyEN     string `db:"body_en" json:"bodyEn"`
	Link       string `db:"link" json:"link"`
	Collection string `db:"record_collection" json:"collection"`
	RecordID   string `db:"record_id" json:"recordId"`
	ReadAt     string `db:"read_at" json:"readAt"`
	Created    string `db:"created" json:"created"`
}

func getNotices(e *core.RequestEvent) error {
	u, err := user(e)
	if err != nil {
		return err
	}
	limit, _ := strconv.Atoi(e.Request.URL.Query().Get("limit"))
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	// notices about records the user may no longer view are left out
	hidden, err := hiddenNotices(e.App, u)
	if err != nil {
		return e.InternalServerError("", err)
	}
	mine := dbx.And(dbx.HashExp{"user": u.Id}, dbx.Not(dbx.In("id", hidden...)))
	items := []Notice{}
	if err := e.App.DB().Select("id", "kind", "title_id", "title_en", "body_id", "body_en", "link", "record_collection", "record_id", "read_at", "created").
		From(catalog.Notices).Where(mine).OrderBy("created DESC", "id DESC").Limit(int64(limit)).All(&items); err != nil {
		return e.InternalServerError("", err)
	}
	var unread int
	if err := e.App.DB().Select("COUNT(*)").From(catalog.Notices).Where(dbx.And(mine, dbx.NewExp("read_at = ''"))).Row(&unread); err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"items": items, "unread": unread})
}

func readNotices(e *core.RequestEvent) error {
	u, err := user(e)
	if err != nil {
		return err
	}
	var body struct {
		IDs []string `json:"ids"`
		All bool     `json:"all"`
	}
	if err := e.BindBody(&body); err != nil {
		return apierr.InvalidBody(err)
	}
	if !body.All && len(body.IDs) == 0 {
		return fieldError("ids", "required", "Sebutkan ids atau all: true. / Give ids or all: true.")
	}
	where := dbx.And(dbx.HashExp{"user": u.Id}, dbx.NewExp("read_at = ''"))
	if !body.All {
		ids := make([]any, 0, len(body.IDs))
		for _, id := range body.IDs {
			ids = append(ids, id)
		}
		where = dbx.And(where, dbx.In("id", ids...))
	}
	res, err := e.App.DB().Update(catalog.Notices, dbx.Params{"read_at": types.NowDateTime().String()}, where).Execute()
	if err != nil {
		return e.InternalServerError("", err)
	}
	n, _ := res.RowsAffected()
	return e.JSON(http.StatusOK, map[string]any{"read": n})
}
