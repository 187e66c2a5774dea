package reports

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/apierr"
	"jangkau/audit"
	"jangkau/catalog"
)

// Codes of the refusals of report and export requests (data.<field>.code;
// the field is the query parameter at fault).
const (
	CodeForbiddenRole = "forbidden_role" // the role has no reports, or not this one
	CodeNotYourArea   = "not_your_area"  // area: outside the caller's
	CodeUnknownArea   = "unknown_area"   // area: no such code
	CodeInvalidPeriod = "invalid_period" // period, year, index, from, to
	CodeCasePeriod    = "case_period_year"
	CodeInvalidValue  = "invalid_value" // a parameter outside its choices
	CodeNotFound      = "not_found"     // name, file: no such report or export
)

var errUnknownExport = apierr.New(http.StatusNotFound, "file", CodeNotFound, "Ekspor tidak dikenal. / Unknown export.")

// Names of the reports served under /api/reports/{name}.
var Names = []string{"activities", "coverage", "rad", "programs", "outreach", "cases", "review", "annual"}

// RequestOptions reads and checks a report or export request: the caller's
// scope, the area, the period and the switches. The error is an API error
// ready to return.
func RequestOptions(e *core.RequestEvent) (Options, error) {
	q := e.Request.URL.Query()
	actor := access.ActorOf(e.Auth)
	dir, err := Areas(e.App)
	if err != nil {
		return Options{}, e.InternalServerError("", err)
	}
	area, err := Resolve(dir, actor, strings.TrimSpace(q.Get("area")))
	switch {
	case err != nil:
		return Options{}, err // an *apierr.Error (scope.go)
	}
	now := time.Now()
	if v := q.Get("asOf"); v != "" {
		t, err := time.ParseInLocation(time.DateOnly, v, WIB)
		if err != nil {
			return Options{}, apierr.BadRequest("asOf", CodeInvalidValue, "asOf harus YYYY-MM-DD. / asOf must be YYYY-MM-DD.")
		}
		now = t.Add(12 * time.Hour)
	}
	period, err := ParsePeriod(q, now)
	if err != nil {
		return Options{}, apierr.BadRequest("period", CodeInvalidPeriod, err.Error())
	}
	o := Options{App: e.App, Dir: dir, Area: area, Period: period, Now: now, Lang: "id", Reader: &actor}
	switch strings.ToLower(q.Get("includeSubmitted")) {
	case "1", "true", "yes":
		o.IncludeSubmitted = true
	case "", "0", "false", "no":
	default:
		// a value read as "off" would count fewer records than asked for
		return Options{}, apierr.BadRequest("includeSubmitted", CodeInvalidValue,
			"includeSubmitted harus 1 atau true (atau kosong). / includeSubmitted must be 1 or true (or left out).")
	}
	switch q.Get("lang") {
	case "en":
		o.Lang = "en"
	case "", "id":
	default:
		return Options{}, apierr.BadRequest("lang", CodeInvalidValue, "lang harus id atau en. / lang must be id or en.")
	}
	if c := q.Get("cluster"); c != "" {
		if !contains(catalog.CodesOf("clusters"), c) {
			return Options{}, apierr.BadRequest("cluster", CodeInvalidValue, "Klaster tidak dikenal. / Unknown cluster.")
		}
		o.Cluster = c
	}
	if plan := q.Get("plan"); plan != "" {
		if _, _, ok := ParsePlan(plan); !ok {
			return Options{}, apierr.BadRequest("plan", CodeInvalidValue, "plan harus TTTT-TTTT, paling lama 10 tahun. / plan must be YYYY-YYYY, 10 years at most.")
		}
		o.Plan = plan
	}
	o.EngineName = EnginePrecomputed
	if name := q.Get("engine"); name == EngineRaw {
		// the naive GROUP BY is slow on big stores: for checks by the secretariat only
		if !access.MayUseRawReports(actor) {
			return Options{}, apierr.Forbidden("engine", CodeForbiddenRole, "engine=raw hanya untuk sekretariat provinsi. / engine=raw is for the province secretariat only.")
		}
		o.EngineName = EngineRaw
	} else if name != "" && name != EnginePrecomputed {
		return Options{}, apierr.BadRequest("engine", CodeInvalidValue, "engine harus precomputed atau raw. / engine must be precomputed or raw.")
	}
	o.Engine = Memoize(NewEngine(e.App, o.EngineName))
	return o, nil
}

// Build runs the named report.
func Build(name string, o Options, source string) (Tabular, error) {
	switch name {
	case "activities":
		return Activities(o)
	case "coverage":
		return Coverage(o)
	case "rad":
		return Rad(o)
	case "programs":
		return Programs(o)
	case "outreach":
		return Outreach(o)
	case "cases":
		return Cases(o, source)
	case "review":
		return Review(o)
	case "annual":
		return Annual(o)
	}
	return nil, nil
}

// buildError answers a report that could not be built: 400 naming the
// period for case figures of a period other than a whole year, else 500.
func buildError(e *core.RequestEvent, err error) error {
	if errors.Is(err, ErrCasePeriod) {
		return apierr.BadRequest("period", CodeCasePeriod, ErrCasePeriod.Error())
	}
	return e.InternalServerError("", err)
}

func caseSource(e *core.RequestEvent) (string, error) {
	s := e.Request.URL.Query().Get("source")
	if s != "" && !contains(catalog.CodesOf("case_sources"), s) {
		return "", apierr.BadRequest("source", CodeInvalidValue, "Sumber angka kasus tidak dikenal. / Unknown case figure source.")
	}
	return s, nil
}

// HandleReport answers GET /api/reports/{name}, written to the audit trail
// (action report, with the filters) before the answer goes out.
func HandleReport(e *core.RequestEvent) error {
	name := e.Request.PathValue("name")
	if !contains(Names, name) {
		return apierr.New(http.StatusNotFound, "name", CodeNotFound, "Laporan tidak dikenal. / Unknown report.")
	}
	o, err := RequestOptions(e)
	if err != nil {
		return err
	}
	source, err := caseSource(e)
	if err != nil {
		return err
	}
	r, err := Build(name, o, source)
	if err != nil {
		return buildError(e, err)
	}
	note := filtersNote("report", name, "json", o, map[string]any{"source": source, "engine": o.EngineName, "cluster": o.Cluster})
	if err := audit.Read(e, audit.Entry{Action: audit.ActionReport, Collection: name, Note: note}); err != nil {
		return err
	}
	return e.JSON(http.StatusOK, r)
}

// HandleLabels answers GET /api/reports/labels.
func HandleLabels(e *core.RequestEvent) error {
	return e.JSON(http.StatusOK, AllLabels())
}

// Export names: the records, and each report with the report_ prefix;
// annual is a workbook only.
var recordExports = map[string]string{"activities": catalog.Activities, "outreach_logs": catalog.OutreachLogs}

// ExportNames lists every export name.
func ExportNames() []string {
	out := []string{"activities", "outreach_logs"}
	for _, n := range Names {
		if n != "annual" {
			out = append(out, "report_"+n)
		}
	}
	return append(out, "annual")
}

// HandleExport answers GET /api/exports/{file}: {name}.csv or {name}.xlsx,
// filtered and scoped exactly as the JSON report, written to the audit
// trail before the first byte goes out.
func HandleExport(e *core.RequestEvent) error {
	file := e.Request.PathValue("file")
	dot := strings.LastIndexByte(file, '.')
	if dot < 0 {
		return errUnknownExport
	}
	name, format := file[:dot], file[dot+1:]
	if (format != FormatCSV && format != FormatXLSX) || !contains(ExportNames(), name) || (name == "annual" && format == FormatCSV) {
		return errUnknownExport
	}
	o, err := RequestOptions(e)
	if err != nil {
		return err
	}
	source, err := caseSource(e)
	if err != nil {
		return err
	}
	tableArg := e.Request.URL.Query().Get("table")

	var report Tabular
	if col, isRecords := recordExports[name]; isRecords {
		// rows are chosen by area only: the caller must read every record
		// of the collection in its area (policy table)
		if !access.ReadsWholeArea(access.ActorOf(e.Auth), col) {
			return ErrForbidden
		}
		switch st := e.Request.URL.Query().Get("status"); st {
		case "all":
			o.AllStatuses = true
		case "", "counted":
		default:
			return apierr.BadRequest("status", CodeInvalidValue, "status harus all atau kosong. / status must be all or left out.")
		}
	} else {
		if report, err = Build(strings.TrimPrefix(name, "report_"), o, source); err != nil {
			return buildError(e, err)
		}
	}
	var table Table
	if report != nil && format == FormatCSV {
		tables := report.Tables(o.Lang)
		table = tables[0]
		if tableArg != "" {
			found := false
			for i, t := range tables {
				if t.Name == tableArg || strconv.Itoa(i) == tableArg {
					table, found = t, true
				}
			}
			if !found {
				return apierr.BadRequest("table", CodeInvalidValue, "Tabel tidak dikenal. / Unknown table.")
			}
		}
	}

	note := filtersNote("export", name, format, o, map[string]any{"source": source, "table": tableArg, "engine": o.EngineName})
	if err := audit.Write(e.App, audit.Entry{Actor: audit.ActorFromRequest(e), Action: audit.ActionExport, Collection: name, Note: note}); err != nil {
		return e.InternalServerError("Ekspor tidak dapat dicatat di jejak audit. / The export could not be recorded in the audit trail.", err)
	}

	// big exports outlive the server's default write timeout
	_ = http.NewResponseController(e.Response).SetWriteDeadline(time.Now().Add(30 * time.Minute))
	filename := fmt.Sprintf("jangkau-%s-%s-%s.%s", strings.ReplaceAll(name, "_", "-"), o.Area.Code, periodSlug(o.Period), format)
	h := e.Response.Header()
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "no-store")
	if format == FormatCSV {
		h.Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	e.Response.WriteHeader(http.StatusOK)

	switch {
	case recordExports[name] != "":
		_, err = ExportRecords(e.Response, format, recordExports[name], o)
	case format == FormatCSV:
		err = WriteTablesCSV(e.Response, table)
	case name == "annual":
		err = WriteSheetsXLSX(e.Response, report.(*AnnualReport).Sheets(o.Lang), Caption(T(o.Lang, "Laporan tahunan", "Annual report"), o))
	default:
		tables := report.Tables(o.Lang)
		err = WriteSheetsXLSX(e.Response, SheetsOf(tables, o.Lang), Caption(tables[0].Title, o))
	}
	if err != nil {
		// the status is sent: log, and cut the connection so that the
		// client sees a failed download rather than a short file
		e.App.Logger().Error("export failed", "export", name, "error", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

func periodSlug(p Period) string {
	switch p.Kind {
	case PeriodYear:
		return strconv.Itoa(p.Year)
	case PeriodSemester:
		return fmt.Sprintf("%d-s%d", p.Year, p.Index)
	case PeriodQuarter:
		return fmt.Sprintf("%d-q%d", p.Year, p.Index)
	case PeriodMonth:
		return fmt.Sprintf("%d-%02d", p.Year, p.Index)
	}
	return p.From.Format("20060102") + "-" + p.To.AddDate(0, 0, -1).Format("20060102")
}
