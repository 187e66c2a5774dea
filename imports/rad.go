package imports

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/apierr"
	"jangkau/catalog"
	"jangkau/vocab"
)

// The RAD matrix import: one row per indicator of a plan (its definition),
// with its target and budget (allocation, realisation) per plan year as
// columns "Target 2025", "Alokasi 2025", "Realisasi 2025". Indicators are
// keyed by plan period and code: a row of a stored indicator changes it
// (only when something differs), any other row adds one.
//
// An empty target or budget cell leaves what is stored for that year as it
// is (per-area targets set in the console included), and so does an empty
// automatic rule (a rule built with filters on the RAD page); any other
// definition cell left empty sets the field empty, as the row is the
// indicator's whole definition. Written through the record API's hooks (budgets checked,
// vocabularies, privacy, the definition's version kept).
func init() { Add(radImporter{}) }

// RadKind is the RAD matrix import's kind.
const RadKind = "rad"

// RadSheet is the sheet of the RAD matrix.
const RadSheet = "Indikator"

// DefaultRadPeriod is the plan the template lays its years out for when
// no indicator is stored yet (Keputusan Gubernur G/361/V.09/HK/2022).
const DefaultRadPeriod = "2022-2026"

type radImporter struct{}

func (radImporter) Kind() string { return RadKind }

func (radImporter) Title() string { return apierr.Text("Matriks RAD", "RAD matrix") }

// Allowed: whoever may create and change every RAD indicator (the province
// secretariat).
func (radImporter) Allowed(a access.Actor) bool {
	return a.Superuser || (access.Can(a, catalog.RadIndicators, access.Create) && access.Can(a, catalog.RadIndicators, access.Update) &&
		access.ReadsWholeArea(a, catalog.RadIndicators) && a.Level() == catalog.LevelProvince)
}

var radColumns = []Column{
	{Key: "rad_period", Header: "Periode RAD / RAD period", Required: true, Hint: "2022-2026", Width: 12},
	{Key: "code", Header: "Kode / Code", Required: true, Hint: "P.1.1", Width: 10},
	{Key: "cluster", Header: "Klaster / Cluster", Required: true, Hint: "kode atau nama (lembar Klaster) / code or name (sheet Klaster)", Width: 22},
	{Key: "program", Header: "Program / Programme", Width: 30},
	{Key: "activity", Header: "Kegiatan / Activity", Width: 30},
	{Key: "description", Header: "Indikator / Indicator", Width: 40},
	{Key: "unit", Header: "Satuan / Unit", Hint: "kegiatan, desa, %", Width: 12},
	{Key: "level", Header: "Tingkat / Level", Required: true, Hint: "provinsi | kabupaten", Width: 12},
	{Key: "lead_agency", Header: "Penanggung jawab / Lead agency", Width: 24},
	{Key: "baseline", Header: "Baseline", Hint: "angka / number", Width: 10},
	{Key: "direction", Header: "Arah / Direction", Hint: "naik | turun", Width: 10},
	{Key: "counting", Header: "Cara hitung / Counting", Required: true, Hint: "otomatis | manual", Width: 12},
	{Key: "auto_rule", Header: "Aturan otomatis / Automatic rule", Hint: "kode (lembar Aturan) / code (sheet Aturan)", Width: 22},
	{Key: "active", Header: "Aktif / Active", Hint: "ya | tidak", Width: 8},
}

// yearColumns are the per-year columns: key prefix and the header words
// (Indonesian, English) that introduce a year.
var yearColumns = []struct{ prefix, id, en string }{
	{"target", "Target", "Target"},
	{"allocation", "Alokasi", "Allocation"},
	{"realisation", "Realisasi", "Realisation"},
}

var yearHeader = regexp.MustCompile(`^(?i)\s*(target|alokasi|allocation|realisasi|realisation|realization|anggaran)\b[^0-9]*([0-9]{4})\s*$`)

// yearColumn reads a per-year header ("Target 2025", "Alokasi 2025 /
// Allocation 2025", "Realisasi 2025").
func yearColumn(header string) (Column, bool) {
	// a bilingual header: its first half decides
	first := strings.Split(header, apierr.Separator)[0]
	m := yearHeader.FindStringSubmatch(first)
	if m == nil {
		return Column{}, false
	}
	prefix := map[string]string{"target": "target", "alokasi": "allocation", "allocation": "allocation", "anggaran": "allocation",
		"realisasi": "realisation", "realisation": "realisation", "realization": "realisation"}[strings.ToLower(m[1])]
	return yearCol(prefix, m[2]), true
}

func yearCol(prefix, year string) Column {
	for _, y := range yearColumns {
		if y.prefix == prefix {
			h := y.id + " " + year
			if y.id != y.en {
				h += apierr.Separator + y.en + " " + year
			}
			hint := apierr.Text("angka", "number")
			if prefix != "target" {
				hint = "rupiah"
			}
			return Column{Key: prefix + "_" + year, Header: h, Hint: hint, Width: 14}
		}
	}
	return Column{}
}

// planYears returns the years of a plan period ("2022-2026").
func planYears(period string) []int {
	var a, b int
	if _, err := fmt.Sscanf(period, "%d-%d", &a, &b); err != nil || b < a || b-a > 20 {
		return nil
	}
	var out []int
	for y := a; y <= b; y++ {
		out = append(out, y)
	}
	return out
}

// currentPeriod is the plan period most indicators belong to.
func currentPeriod(app core.App) string {
	var p string
	_ = app.DB().NewQuery(`SELECT rad_period FROM rad_indicators GROUP BY rad_period ORDER BY COUNT(*) DESC, rad_period DESC LIMIT 1`).Row(&p)
	if planYears(p) == nil {
		return DefaultRadPeriod
	}
	return p
}

// selectValues returns the values of a select field of a collection (nil
// when the field is not a select).
func selectValues(app core.App, collection, field string) []string {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil
	}
	if f, ok := c.Fields.GetByName(field).(*core.SelectField); ok {
		return f.Values
	}
	return nil
}

func (radImporter) Sheets(app core.App, _ access.Actor) ([]Sheet, error) {
	period := currentPeriod(app)
	cols := slices.Clone(radColumns)
	for _, y := range yearColumns {
		for _, year := range planYears(period) {
			cols = append(cols, yearCol(y.prefix, strconv.Itoa(year)))
		}
	}
	example := map[string]string{"rad_period": period, "code": "CONTOH.1", "cluster": "prevention", "program": "Pencegahan TPPO berbasis desa",
		"activity": "Sosialisasi pencegahan TPPO di desa", "description": "Jumlah kegiatan sosialisasi pencegahan TPPO", "unit": "kegiatan",
		"level": "kabupaten", "lead_agency": "Dinas PPPA", "baseline": "0", "direction": "naik", "counting": "otomatis",
		"auto_rule": "sosialisasi_count", "active": "ya"}
	if ys := planYears(period); len(ys) > 0 {
		example["target_"+strconv.Itoa(ys[len(ys)-1])] = "12"
		example["allocation_"+strconv.Itoa(ys[len(ys)-1])] = "150000000"
	}
	set, err := vocab.For(app)
	if err != nil {
		return nil, err
	}
	var clusters []map[string]string
	for _, e := range set.Entries("clusters") {
		if e.Active {
			clusters = append(clusters, map[string]string{"code": e.Code, "id": e.LabelID, "en": e.LabelEN})
		}
	}
	var rules []map[string]string
	for _, r := range selectValues(app, catalog.RadIndicators, "auto_rule") {
		rules = append(rules, map[string]string{"code": r, "id": catalog.LabelOf("rad_counting_rules", r, "id"), "en": catalog.LabelOf("rad_counting_rules", r, "en")})
	}
	ref := []Column{{Key: "code", Header: "Kode / Code", Width: 22}, {Key: "id", Header: "Bahasa Indonesia", Width: 50}, {Key: "en", Header: "English", Width: 50}}
	return []Sheet{
		{Name: RadSheet, Columns: cols, Extra: yearColumn, Examples: []map[string]string{example},
			Note: apierr.Text("Matriks RAD: satu baris per indikator. Sel target/anggaran yang kosong tidak mengubah nilai tersimpan.",
				"RAD matrix: one row per indicator. An empty target/budget cell leaves the stored value as it is.")},
		{Name: "Klaster", Reference: true, Columns: ref, Rows: clusters},
		{Name: "Aturan", Reference: true, Columns: ref, Rows: rules},
		{Name: "Pilihan", Reference: true, Columns: []Column{{Key: "column", Header: "Kolom / Column", Width: 22}, {Key: "values", Header: "Nilai / Values", Width: 60}},
			Rows: []map[string]string{
				{"column": "Tingkat / Level", "values": "provinsi (province), kabupaten (regency: kabupaten/kota)"},
				{"column": "Arah / Direction", "values": "naik (higher is better), turun (lower is better)"},
				{"column": "Cara hitung / Counting", "values": "otomatis (auto), manual"},
				{"column": "Aktif / Active", "values": "ya (yes), tidak (no)"},
			}},
	}, nil
}

// Words accepted for the coded cells of the RAD sheet.
var (
	radLevels     = map[string]string{"province": "province", "provinsi": "province", "prov": "province", "regency": "regency", "kabupaten": "regency", "kabupaten/kota": "regency", "kab/kota": "regency", "kota": "regency"}
	radDirections = map[string]string{"higher": "higher", "naik": "higher", "lebih tinggi": "higher", "lower": "lower", "turun": "lower", "lebih rendah": "lower"}
	radCountings  = map[string]string{"auto": "auto", "otomatis": "auto", "automatic": "auto", "manual": "manual"}
	yesNo         = map[string]bool{"ya": true, "yes": true, "y": true, "1": true, "true": true, "aktif": true, "tidak": false, "no": false, "n": false, "0": false, "false": false, "nonaktif": false}
)

// radFields maps the fields of rad_indicators to the sheet's columns (for
// the errors of a save).
var radFields = map[string]string{"rad_period": "rad_period", "code": "code", "cluster": "cluster", "program": "program", "activity": "activity",
	"description": "description", "unit": "unit", "level": "level", "lead_agency": "lead_agency", "baseline": "baseline",
	"direction": "direction", "counting": "counting", "auto_rule": "auto_rule", "active": "active", "targets": "", "budgets": "",
	// an automatic indicator's rule (the RAD rule engine): the import names a standard rule in auto_rule
	"rule": "auto_rule"}

func msgChoice(values string) string {
	return apierr.Text("Nilai tidak dikenal; pilihan: "+values+".", "Unknown value; choices: "+values+".")
}

var (
	msgNumber    = apierr.Text("Bukan angka (contoh: 12, 12,5 atau 150.000.000).", "Not a number (e.g. 12, 12.5 or 150,000,000).")
	msgNegative  = apierr.Text("Angka tidak boleh negatif.", "The number may not be negative.")
	msgYearOut   = apierr.Text("Tahun ini di luar periode RAD indikator.", "This year is outside the indicator's RAD period.")
	msgDuplicate = apierr.Text("Indikator ini sudah ada di baris %d berkas ini.", "This indicator is already in row %d of this file.")
	msgCluster   = apierr.Text("Klaster tidak dikenal atau sudah tidak dipakai (lihat lembar Klaster).", "Unknown or retired cluster (see the sheet Klaster).")
)

// parseNumber reads a number as spreadsheets and people write it: 12,
// 12.5, 1.5E8 (a raw cell), 150.000.000 or 12,5 (Indonesian), 150,000,000
// (English), with or without "Rp".
func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "Rp"), "."))
	s = strings.ReplaceAll(s, " ", "")
	if v, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		return v, true
	}
	switch {
	case idNumber.MatchString(s):
		s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	case enNumber.MatchString(s):
		s = strings.ReplaceAll(s, ",", "")
	default:
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

var (
	idNumber = regexp.MustCompile(`^-?[0-9]{1,3}(\.[0-9]{3})*(,[0-9]+)?$|^-?[0-9]+,[0-9]+$`)
	enNumber = regexp.MustCompile(`^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$`)
)

// activeCode finds an active entry of a vocabulary kind (clusters,
// case_sources...) by its code or either label.
func activeCode(set *vocab.Set, kind, v string) (string, bool) {
	n := norm(v)
	for _, e := range set.Entries(kind) {
		if e.Active && (norm(e.Code) == n || norm(e.LabelID) == n || norm(e.LabelEN) == n) {
			return e.Code, true
		}
	}
	return "", false
}

func (radImporter) Apply(run *Run) error {
	return applyRows(run, catalog.RadIndicators, RadSheet, applyRadRow)
}

// applyRows saves each row of sheet into collection with apply, in the
// run's transaction, counting its progress.
func applyRows(run *Run, collection, sheet string, apply func(*Run, *vocab.Set, *core.Collection, *Row, map[string]int) error) error {
	set, err := vocab.For(run.Tx)
	if err != nil {
		return err
	}
	col, err := run.Tx.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return err
	}
	seen := map[string]int{}
	for _, row := range run.Rows(sheet) {
		if err := apply(run, set, col, row, seen); err != nil {
			return err
		}
		run.Done()
	}
	return nil
}

func applyRadRow(run *Run, set *vocab.Set, col *core.Collection, row *Row, seen map[string]int) error {
	period, code := row.Get("rad_period"), row.Get("code")
	row.Key = period + " " + code
	if len(row.Errors) > 0 && (period == "" || code == "") {
		return nil
	}
	if first, dup := seen[row.Key]; dup {
		row.Fail("code", "duplicate_row", fmt.Sprintf(msgDuplicate, first, first))
		return nil
	}
	seen[row.Key] = row.Line

	years := planYears(period)
	if years == nil {
		row.Fail("rad_period", "validation_invalid_format", apierr.Text("Periode: tahun-tahun, misalnya 2022-2026.", "Period: year-year, e.g. 2022-2026."))
	}
	// the definition
	def := map[string]any{}
	for _, k := range []string{"rad_period", "code", "program", "activity", "description", "unit", "lead_agency"} {
		def[k] = row.Get(k)
	}
	// an automatic indicator's rule: a standard rule named, or (empty) the
	// rule stored kept, a rule built with filters on the RAD page included
	if v := row.Get("auto_rule"); v != "" {
		def["auto_rule"] = v
	}
	if v := row.Get("cluster"); v != "" {
		if c, ok := activeCode(set, "clusters", v); ok {
			def["cluster"] = c
		} else if !hasError(row, "cluster") {
			row.Fail("cluster", "unknown_code", msgCluster)
		}
	}
	coded := func(key string, words map[string]string, choices string, dflt string) {
		v := row.Get(key)
		if v == "" {
			if dflt != "" {
				def[key] = dflt
			}
			return
		}
		if c, ok := words[norm(v)]; ok {
			def[key] = c
		} else if !hasError(row, key) {
			row.Fail(key, "validation_invalid_value", msgChoice(choices))
		}
	}
	coded("level", radLevels, "provinsi, kabupaten", "")
	coded("direction", radDirections, "naik, turun", catalog.DirectionHigher)
	coded("counting", radCountings, "otomatis, manual", "")
	if def["counting"] == "manual" {
		def["auto_rule"] = ""
	}
	def["active"] = true
	if v := row.Get("active"); v != "" {
		if b, ok := yesNo[norm(v)]; ok {
			def["active"] = b
		} else if !hasError(row, "active") {
			row.Fail("active", "validation_invalid_value", msgChoice("ya, tidak"))
		}
	}
	def["baseline"] = 0.0
	if v := row.Get("baseline"); v != "" {
		if n, ok := parseNumber(v); !ok {
			row.Fail("baseline", "not_number", msgNumber)
		} else if n < 0 {
			row.Fail("baseline", "validation_min_number_constraint", msgNegative)
		} else {
			def["baseline"] = n
		}
	}
	// per-year cells: target, allocation, realisation
	targets := map[string]float64{}
	budgets := map[string]map[string]float64{}
	for key, v := range row.Cells {
		prefix, year, ok := strings.Cut(key, "_")
		if !ok || len(year) != 4 || v == "" || hasError(row, key) {
			continue
		}
		if prefix != "target" && prefix != "allocation" && prefix != "realisation" {
			continue
		}
		n, ok := parseNumber(v)
		switch {
		case !ok:
			row.Fail(key, "not_number", msgNumber)
			continue
		case n < 0:
			row.Fail(key, "validation_min_number_constraint", msgNegative)
			continue
		}
		y, _ := strconv.Atoi(year)
		if years != nil && !slices.Contains(years, y) {
			row.Fail(key, "year_outside_period", msgYearOut)
			continue
		}
		if prefix == "target" {
			targets[year] = n
		} else {
			if budgets[year] == nil {
				budgets[year] = map[string]float64{}
			}
			budgets[year][prefix] = n
		}
	}
	stored, err := run.Tx.FindFirstRecordByFilter(catalog.RadIndicators, "rad_period = {:p} && code = {:c}", dbx.Params{"p": period, "c": code})
	if err != nil && !isNotFound(err) {
		return err
	}
	rec := stored
	if rec == nil {
		rec = core.NewRecord(col)
	}
	var changed []string
	for k, v := range def {
		if !sameValue(rec.Get(k), v) {
			changed = append(changed, k)
			rec.Set(k, v)
		}
	}
	if t, diff := mergeTargets(rec.GetString("targets"), targets); diff {
		rec.Set("targets", t)
		for y := range targets {
			changed = append(changed, "target_"+y)
		}
	}
	if b, diff := mergeBudgets(rec.GetString("budgets"), budgets); diff {
		rec.Set("budgets", b)
		for y, kinds := range budgets {
			for k := range kinds {
				changed = append(changed, k+"_"+y)
			}
		}
	}
	sort.Strings(changed)
	if stored != nil && len(changed) == 0 && !row.Failed() {
		row.SetUnchanged()
		return nil
	}
	return run.Write(row, rec, radFields, stored, changed)
}

// sameValue compares a stored field value with the row's.
func sameValue(stored, next any) bool {
	switch n := next.(type) {
	case float64:
		s, ok := stored.(float64)
		return ok && s == n
	case bool:
		s, ok := stored.(bool)
		return ok && s == n
	case string:
		return fmt.Sprint(stored) == n
	}
	return fmt.Sprint(stored) == fmt.Sprint(next)
}

// mergeTargets sets the row's targets into the stored ones (other years,
// and years the row leaves empty, kept); diff is whether anything changed.
func mergeTargets(stored string, targets map[string]float64) (string, bool) {
	all := map[string]json.RawMessage{}
	if stored != "" && stored != "null" {
		if json.Unmarshal([]byte(stored), &all) != nil {
			all = map[string]json.RawMessage{}
		}
	}
	diff := false
	for y, n := range targets {
		var old float64
		if raw, ok := all[y]; ok && json.Unmarshal(raw, &old) == nil && old == n {
			continue
		}
		raw, _ := json.Marshal(n)
		all[y] = raw
		diff = true
	}
	if !diff {
		return stored, false
	}
	out, _ := json.Marshal(all)
	return string(out), true
}

// mergeBudgets sets the row's allocations and realisations into the stored
// budgets, as mergeTargets does.
func mergeBudgets(stored string, budgets map[string]map[string]float64) (string, bool) {
	all := map[string]map[string]float64{}
	if stored != "" && stored != "null" {
		if json.Unmarshal([]byte(stored), &all) != nil {
			all = map[string]map[string]float64{}
		}
	}
	diff := false
	for y, kinds := range budgets {
		for k, n := range kinds {
			if old, ok := all[y][k]; ok && old == n {
				continue
			}
			if all[y] == nil {
				all[y] = map[string]float64{}
			}
			all[y][k] = n
			diff = true
		}
	}
	if !diff {
		return stored, false
	}
	out, _ := json.Marshal(all)
	return string(out), true
}
