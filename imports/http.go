package imports

import (
	"errors"
	"io"
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"jangkau/access"
	"jangkau/apierr"
	"jangkau/audit"
	"jangkau/catalog"
	"jangkau/internal/wiring"
)

// Routes of the imports.
const (
	ListPath     = "/api/imports"
	TemplatePath = "/api/imports/{kind}/template"
	PreviewPath  = "/api/imports/{kind}/preview"
	ConfirmPath  = "/api/imports/{kind}/confirm"
	ProgressPath = "/api/imports/{kind}/progress/{job}"
)

// Register binds the imports' routes to app. Importers are added with Add
// (their packages' init), before the app serves.
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.imports.routes", Priority: wiring.ServeBind, Func: func(e *core.ServeEvent) error {
		e.Router.GET(ListPath, handleList).Bind(apis.RequireAuth())
		e.Router.GET(TemplatePath, handleTemplate).Bind(apis.RequireAuth())
		e.Router.POST(PreviewPath, func(re *core.RequestEvent) error { return handleRun(re, false) }).Bind(apis.RequireAuth(), apis.BodyLimit(MaxFileBytes+64<<10))
		e.Router.POST(ConfirmPath, func(re *core.RequestEvent) error { return handleRun(re, true) }).Bind(apis.RequireAuth(), apis.BodyLimit(MaxFileBytes+64<<10))
		e.Router.GET(ProgressPath, handleProgress).Bind(apis.RequireAuth())
		return e.Next()
	}})
}

var (
	msgNotAllowed = apierr.Text("Peran Anda tidak menjalankan impor ini.", "Your role does not run this import.")
	msgUnknown    = apierr.Text("Jenis impor tidak dikenal.", "Unknown import kind.")
	msgDevice     = apierr.Text("Impor dijalankan di konsol dengan kata sandi, bukan dengan token perangkat.",
		"Imports are run in the console with a password, not with a device token.")
	msgNoFile   = apierr.Text("Unggah berkas .xlsx pada kolom file.", "Upload an .xlsx file in the field file.")
	msgHash     = apierr.Text("Berkas berbeda dari yang dipratinjau: pratinjau lagi sebelum menyimpan.", "The file differs from the one previewed: preview it again before saving.")
	msgRefused  = apierr.Text("Impor ditolak: ada baris yang tidak sah, tidak ada yang disimpan.", "Import refused: some rows are invalid, nothing was saved.")
	msgBadJobID = apierr.Text("Kode pekerjaan: 8-40 huruf kecil atau angka.", "Job id: 8-40 lower-case letters or digits.")
)

// importer returns the kind's importer if the caller may use it, or the
// refusal to answer.
func importer(e *core.RequestEvent) (Importer, access.Actor, error) {
	a := access.ActorOf(e.Auth)
	a.Device = access.DeviceOf(e) != ""
	imp := Of(e.Request.PathValue("kind"))
	if imp == nil {
		return nil, a, apierr.New(http.StatusNotFound, "kind", "unknown_import", msgUnknown)
	}
	if a.Device {
		return nil, a, apierr.Forbidden("token", "device_token", msgDevice)
	}
	if !a.Superuser && (e.Auth.Collection().Name != catalog.Users || !imp.Allowed(a)) {
		return nil, a, apierr.Forbidden("kind", "forbidden_role", msgNotAllowed)
	}
	return imp, a, nil
}

// handleList answers GET /api/imports: the kinds the caller may run (with
// their sheets and columns) and the recent imports it may see (its own;
// every import for the secretariat and superusers).
func handleList(e *core.RequestEvent) error {
	a := access.ActorOf(e.Auth)
	type kindInfo struct {
		Kind   string      `json:"kind"`
		Title  string      `json:"title"`
		Sheets []SheetInfo `json:"sheets"`
	}
	kinds := []kindInfo{}
	for _, imp := range Kinds() {
		if access.DeviceOf(e) != "" || !a.Superuser && (e.Auth.Collection().Name != catalog.Users || !imp.Allowed(a)) {
			continue // a phone's device token runs no import
		}
		sheets, err := imp.Sheets(e.App, a)
		if err != nil {
			return e.InternalServerError("", err)
		}
		kinds = append(kinds, kindInfo{Kind: imp.Kind(), Title: imp.Title(), Sheets: sheetInfos(sheets)})
	}
	runs := []RunInfo{}
	where, params := "r.user = {:me}", map[string]any{"me": e.Auth.Id}
	if a.Superuser || a.Role == catalog.RoleProvinceSecretariat {
		where = "1=1"
	}
	err := e.App.DB().NewQuery(`SELECT r.id, r.kind, r.user, COALESCE(u.name, '') AS user_name, r.superuser, r.area, r.file_name,
		r.file_sha256, r.file_size, r.rows, r.created_n, r.changed_n, r.unchanged_n, r.created
		FROM import_runs r LEFT JOIN users u ON u.id = r.user WHERE ` + where + ` ORDER BY r.created DESC LIMIT 50`).Bind(params).All(&runs)
	if err != nil {
		return e.InternalServerError("", err)
	}
	return e.JSON(http.StatusOK, map[string]any{"kinds": kinds, "runs": runs, "limits": map[string]any{"maxFileBytes": MaxFileBytes, "maxRows": MaxRows}})
}

// handleTemplate answers GET /api/imports/{kind}/template: the workbook to
// fill in, with reference sheets for the caller.
func handleTemplate(e *core.RequestEvent) error {
	imp, a, err := importer(e)
	if err != nil {
		return err
	}
	sheets, err := imp.Sheets(e.App, a)
	if err != nil {
		return e.InternalServerError("", err)
	}
	f, err := Template(sheets)
	if err != nil {
		return e.InternalServerError("", err)
	}
	defer f.Close()
	h := e.Response.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="jangkau-templat-`+imp.Kind()+`.xlsx"`)
	h.Set("Cache-Control", "no-store")
	e.Response.WriteHeader(http.StatusOK)
	return f.Write(e.Response)
}

// handleRun answers a preview (confirm false) or a confirm: the file of
// the multipart field "file"; a confirm also sends "sha256", the hash the
// preview answered. Both answer a Result; a confirm whose rows are not all
// valid answers 400 with the Result under "preview" and writes nothing.
func handleRun(e *core.RequestEvent, confirm bool) error {
	imp, a, err := importer(e)
	if err != nil {
		return err
	}
	job := e.Request.URL.Query().Get("job")
	if job != "" && !jobID.MatchString(job) {
		return apierr.BadRequest("job", "invalid_job", msgBadJobID)
	}
	if err := e.Request.ParseMultipartForm(1 << 20); err != nil {
		return apierr.BadRequest("file", "no_file", msgNoFile)
	}
	file, header, err := e.Request.FormFile("file")
	if err != nil {
		return apierr.BadRequest("file", "no_file", msgNoFile)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxFileBytes+1))
	if err != nil {
		return apierr.BadRequest("file", "no_file", msgNoFile)
	}
	opt := Options{Confirm: confirm, FileName: cut(header.Filename, 200), Job: job}
	if job != "" {
		key := e.Auth.Id + ":" + job
		opt.Progress = func(stage string, done, total int) { progress.set(key, stage, done, total) }
		defer progress.set(key, "done", -1, -1)
	}
	if confirm {
		want := e.Request.FormValue("sha256")
		if want == "" || want != sha256Hex(data) {
			return apierr.New(http.StatusConflict, "sha256", "file_changed", msgHash)
		}
	}
	res, err := Execute(e.App, imp, a, audit.ActorFromRequest(e), data, opt)
	var fe *FileError
	if errors.As(err, &fe) {
		return apierr.BadRequest("file", fe.Code, fe.Message)
	}
	if err != nil {
		return e.InternalServerError("", err)
	}
	e.Response.Header().Set("Cache-Control", "no-store")
	if confirm && !res.Written {
		return e.JSON(http.StatusBadRequest, map[string]any{"status": http.StatusBadRequest, "message": msgRefused,
			"data": map[string]any{"rows": map[string]any{"code": "import_invalid", "message": msgRefused}}, "preview": res})
	}
	return e.JSON(http.StatusOK, res)
}

// handleProgress answers GET /api/imports/{kind}/progress/{job}: how far the
// caller's preview or confirm of that job id is.
func handleProgress(e *core.RequestEvent) error {
	job := e.Request.PathValue("job")
	if !jobID.MatchString(job) {
		return apierr.BadRequest("job", "invalid_job", msgBadJobID)
	}
	p, ok := progress.get(e.Auth.Id + ":" + job)
	if !ok {
		return e.JSON(http.StatusOK, map[string]any{"stage": "waiting", "done": 0, "total": 0})
	}
	return e.JSON(http.StatusOK, p)
}

var jobID = regexp.MustCompile(`^[a-z0-9]{8,40}$`)

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// jobProgress is how far one job is.
type jobProgress struct {
	Stage   string `json:"stage"` // checking, writing, done
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	updated time.Time
}

// progressBoard keeps the jobs of the last minutes, in memory: a lost
// progress line costs a progress bar, nothing else.
type progressBoard struct {
	mu   sync.Mutex
	jobs map[string]*jobProgress
}

var progress = &progressBoard{jobs: map[string]*jobProgress{}}

func (b *progressBoard) set(key, stage string, done, total int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	for k, p := range b.jobs {
		if now.Sub(p.updated) > 10*time.Minute {
			delete(b.jobs, k)
		}
	}
	p := b.jobs[key]
	if p == nil {
		if len(b.jobs) > 1000 {
			return
		}
		p = &jobProgress{}
		b.jobs[key] = p
	}
	p.Stage, p.updated = stage, now
	if done >= 0 {
		p.Done, p.Total = done, total
	}
}

func (b *progressBoard) get(key string) (jobProgress, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.jobs[key]
	if !ok {
		return jobProgress{}, false
	}
	return *p, true
}
