package hooks

import (
	"database/sql"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/security"

	"jangkau/apierr"
	"jangkau/devices"
	"jangkau/internal/wiring"
)

// authCacheTTL is the longest a verified token's account is reused
// without reading it again.
const authCacheTTL = 30 * time.Second

// authCacheMax bounds the tokens kept (the cache is emptied when full).
const authCacheMax = 10_000

// authCache keeps, per auth token, the account PocketBase found for it:
// every request of a phone carries its token, and PocketBase reads the
// account and checks the token's signature again each time (a JWT parse,
// a query and an HMAC: more than an up-to-date pull costs). Any write of
// an account or of an auth collection empties it, at once and again when
// the write has committed, so a deactivated account, a new password or a
// rotated secret count from the very next request, as before.
type authCache struct {
	mu      sync.RWMutex
	entries map[string]authEntry
}

type authEntry struct {
	record  *core.Record
	expires time.Time
}

func (c *authCache) get(token string) *core.Record {
	c.mu.RLock()
	en, ok := c.entries[token]
	c.mu.RUnlock()
	if !ok || time.Now().After(en.expires) {
		return nil
	}
	return en.record.Clone() // each request its own copy: handlers may change it
}

func (c *authCache) put(token string, rec *core.Record) {
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil {
		return
	}
	expires := time.Now().Add(authCacheTTL)
	if exp, ok := claims["exp"].(float64); ok {
		if t := time.Unix(int64(exp), 0); t.Before(expires) {
			expires = t
		}
	}
	c.mu.Lock()
	if len(c.entries) >= authCacheMax {
		c.entries = map[string]authEntry{}
	}
	c.entries[token] = authEntry{record: rec.Clone(), expires: expires}
	c.mu.Unlock()
}

func (c *authCache) clear() {
	c.mu.Lock()
	c.entries = map[string]authEntry{}
	c.mu.Unlock()
}

// bindAuthCache binds the cache before PocketBase's own token loading,
// which skips a request whose account is already loaded.
func bindAuthCache(app core.App) {
	c := &authCache{entries: map[string]authEntry{}}
	forget := func(e *core.RecordEvent) error {
		if e.Record.Collection().IsAuth() {
			c.clear()
		}
		err := e.Next()
		if e.Record.Collection().IsAuth() {
			c.clear()
		}
		return err
	}
	forgetAfter := func(e *core.RecordEvent) error {
		if e.Record.Collection().IsAuth() {
			c.clear()
		}
		return e.Next()
	}
	const id = "jangkau.hooks.authCache"
	app.OnRecordUpdateExecute().Bind(&hook.Handler[*core.RecordEvent]{Id: id, Priority: wiring.ExecAuthCache, Func: forget})
	app.OnRecordDeleteExecute().Bind(&hook.Handler[*core.RecordEvent]{Id: id, Priority: wiring.ExecAuthCache, Func: forget})
	app.OnRecordAfterUpdateSuccess().Bind(&hook.Handler[*core.RecordEvent]{Id: id, Func: forgetAfter})
	app.OnRecordAfterDeleteSuccess().Bind(&hook.Handler[*core.RecordEvent]{Id: id, Func: forgetAfter})
	forgetAfterError := func(e *core.RecordErrorEvent) error {
		if e.Record.Collection().IsAuth() {
			c.clear()
		}
		return e.Next()
	}
	app.OnRecordAfterUpdateError().Bind(&hook.Handler[*core.RecordErrorEvent]{Id: id, Func: forgetAfterError})
	app.OnRecordAfterDeleteError().Bind(&hook.Handler[*core.RecordErrorEvent]{Id: id, Func: forgetAfterError})
	app.OnCollectionAfterUpdateSuccess().Bind(&hook.Handler[*core.CollectionEvent]{Id: id, Func: func(e *core.CollectionEvent) error {
		c.clear() // a rotated token secret, say
		return e.Next()
	}})

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id:       id,
		Priority: wiring.ServeBind,
		Func: func(se *core.ServeEvent) error {
			se.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id:       id,
				Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
				Func: func(e *core.RequestEvent) error {
					token := e.Request.Header.Get("Authorization")
					if len(token) > 7 && strings.EqualFold(token[:7], "Bearer ") {
						token = token[7:]
					}
					if e.Auth != nil || token == "" || devices.IsDeviceToken(token) {
						return e.Next()
					}
					if rec := c.get(token); rec != nil {
						e.Auth = rec
						return e.Next()
					}
					rec, err := findAuthRecord(e.App, token)
					if err != nil {
						e.App.Logger().Warn("auth token: account not read", "error", err)
						return apierr.AuthUnavailable(e.Response.Header())
					}
					if rec != nil {
						c.put(token, rec)
						e.Auth = rec
					}
					// an invalid token goes on unauthenticated, as in
					// PocketBase (a route that needs an account answers 401)
					return e.Next()
				},
			})
			return se.Next()
		},
	})
}

// findAuthRecord is core.App.FindAuthRecordByToken for an auth token (the
// same checks in the same order, TestFindAuthRecordAgreesWithPocketBase)
// that tells a token that is not valid (nil, nil) from an account that could
// not be read (nil and the read's error): PocketBase answers both as
// anonymous, so a valid token met with a failing read got a 401.
func findAuthRecord(app core.App, token string) (*core.Record, error) {
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil {
		return nil, nil
	}
	id, _ := claims[core.TokenClaimId].(string)
	collectionID, _ := claims[core.TokenClaimCollectionId].(string)
	tokenType, _ := claims[core.TokenClaimType].(string)
	if id == "" || collectionID == "" || tokenType != core.TokenTypeAuth {
		return nil, nil
	}
	collection, err := app.FindCachedCollectionByNameOrId(collectionID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	rec, err := app.FindRecordById(collection, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !collection.IsAuth() {
		return nil, nil
	}
	if _, err := security.ParseJWT(token, rec.TokenKey()+collection.AuthToken.Secret); err != nil {
		return nil, nil
	}
	return rec, nil
}
