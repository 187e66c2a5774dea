package accounts

import (
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/spf13/cast"

	"jangkau/access"
	"jangkau/apierr"
	"jangkau/areas"
	"jangkau/catalog"
	"jangkau/internal/wiring"
	"jangkau/records"
)

// Register binds the accounts to app: a user's regency derived and its
// area checked against its role on every path; who may create or change
// which account (the policy table); one's own password changed only with
// the current one; a deactivated account refused on its next request; and
// GET /api/accounts.
func Register(app core.App) {
	registerPasswords(app) // issue 17: change, a manager's reset, the must-change guard (password.go)

	// Model hooks run on every path: the regency is derived, and the area
	// must be of the level the role works at.
	derive := &hook.Handler[*core.RecordEvent]{Id: "jangkau.accounts.derive", Priority: wiring.ModelDerive, Func: func(e *core.RecordEvent) error {
		if errs := deriveUserRegency(e.App, e.Record); errs != nil {
			return errs
		}
		return e.Next()
	}}
	app.OnRecordCreate(catalog.Users).Bind(derive)
	app.OnRecordUpdate(catalog.Users).Bind(derive)

	checkManager := func(e *core.RecordRequestEvent) error {
		if errs := access.CheckUserWrite(access.ActorOf(e.Auth), e.Record); errs != nil {
			return e.BadRequestError("Failed to save the account.", errs)
		}
		return e.Next()
	}
	app.OnRecordCreateRequest(catalog.Users).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "jangkau.accounts.manager", Priority: wiring.RequestCheck, Func: checkManager})
	app.OnRecordUpdateRequest(catalog.Users).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "jangkau.accounts.manager", Priority: wiring.RequestCheck, Func: checkManager})

	// A signed-in user changes its own password only with the current
	// one, even where PocketBase's manage rule would waive it (the
	// secretariat manages every account, its own too): a stolen session
	// must not take the account.
	app.OnRecordUpdateRequest(catalog.Users).Bind(&hook.Handler[*core.RecordRequestEvent]{Id: "jangkau.accounts.ownPassword", Priority: wiring.RequestOwnPassword, Func: checkOwnPassword})

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.accounts.routes", Priority: wiring.ServeBind, Func: func(e *core.ServeEvent) error {
		// A deactivated account is refused on its very next request,
		// whatever token it still holds.
		e.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "jangkau.accounts.refuseDeactivated", Priority: wiring.MiddlewareRefuseDeactivated, Func: func(re *core.RequestEvent) error {
			if re.Auth != nil && re.Auth.Collection().Name == catalog.Users && re.Auth.GetBool("deactivated") {
				return re.UnauthorizedError("Akun ini dinonaktifkan. / This account is deactivated.", nil)
			}
			return re.Next()
		}})
		e.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "jangkau.accounts.staleToken", Priority: wiring.MiddlewareStaleToken, Func: refuseStaleToken})
		e.Router.GET("/api/accounts", HandleList).Bind(apis.RequireAuth())
		return e.Next()
	}})
}

// errOldPassword is PocketBase's own code for a wrong old password, with
// a bilingual message.
var errOldPassword = validation.NewError("validation_invalid_old_password",
	"Kata sandi lama wajib diisi dan harus benar untuk mengganti kata sandi sendiri. / Your current password (oldPassword) is required, and must be right, to change your own password.")

func checkOwnPassword(e *core.RecordRequestEvent) error {
	if e.HasSuperuserAuth() || e.Auth == nil || e.Auth.Id != e.Record.Id || e.Auth.Collection().Name != catalog.Users {
		MarkManagerReset(e.Record)
		return e.Next()
	}
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	_, pw := info.Body["password"]
	_, confirm := info.Body["passwordConfirm"]
	if (pw || confirm) && !e.Record.Original().ValidatePassword(cast.ToString(info.Body["oldPassword"])) {
		return router.NewBadRequestError(errOldPassword.Message(), validation.Errors{"oldPassword": errOldPassword})
	}
	return e.Next()
}

var errUserAreaLevel = validation.NewError("wrong_area_level",
	"Wilayah harus sesuai peran: desa/kelurahan untuk operator desa, kabupaten/kota untuk verifikator, provinsi untuk sekretariat dan anggota GT. / "+
		"The area must match the role: a village for a village officer, a regency for a verifier, the province for the secretariat and task-force members.")

func deriveUserRegency(app core.App, rec *core.Record) validation.Errors {
	role := rec.GetString("role")
	area, err := app.FindRecordById(catalog.Areas, rec.GetString("area"))
	if err != nil {
		return validation.Errors{"area": records.ErrUnknownArea}
	}
	if want, ok := catalog.RoleAreaLevel[role]; ok && area.GetString("level") != want {
		return validation.Errors{"area": errUserAreaLevel}
	}
	rec.Set("regency", areas.RegencyOf(area.Id))
	if !access.HasCluster(role) {
		rec.Set("cluster", "")
	}
	return nil
}

// errStaleToken is the refusal of a token sent that is not valid.
var errStaleToken = apierr.New(http.StatusUnauthorized, "token", apierr.CodeAuthRequired, apierr.Text(
	"Token tidak sah atau sudah berakhir; masuk lagi.",
	"The token is not valid or has expired; sign in again."))

// refuseStaleToken refuses, on the record API and /api/batch, a request
// that sends a token PocketBase did not accept (expired, signed with a
// changed key, of a deleted account): PocketBase reads it as no sign-in,
// so a list came back empty (200) and a create was "Failed to create
// record." (400) with no word of the token, and an app kept its dead
// session. Sign-in and the other auth routes under /api/collections are
// left alone: the web SDK sends its stored token on them too.
func refuseStaleToken(e *core.RequestEvent) error {
	if e.Auth != nil || e.Request.Header.Get("Authorization") == "" {
		return e.Next()
	}
	p := e.Request.URL.Path
	rest, isCollection := strings.CutPrefix(p, "/api/collections/")
	_, name, _ := strings.Cut(rest, "/")
	if p == "/api/batch" || (isCollection && (name == "records" || strings.HasPrefix(name, "records/"))) {
		return errStaleToken
	}
	return e.Next()
}
