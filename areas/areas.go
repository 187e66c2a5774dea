// Package areas loads Indonesia's official administrative areas (Kepmendagri
// 300.2.2-2138/2025, as published by the idn-area-data package under ODbL) into
// the areas collection, and answers questions about an area's place in the
// hierarchy.
package areas

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"jangkau/catalog"
)

// Credit is the attribution the ODbL requires wherever the area data is shown.
const Credit = "Data wilayah: Kepmendagri 300.2.2-2138/2025 via idn-area-data, ODbL"

// LampungCode is the province code of Lampung.
const LampungCode = "18"

//go:embed data/18/*.csv
var embedded embed.FS

// Lampung returns the embedded CSV files of Lampung's areas.
func Lampung() fs.FS {
	sub, err := fs.Sub(embedded, "data/18")
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder
	}
	return sub
}

// CodePattern matches an official area code of any level.
const CodePattern = `^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[12][0-9]{3})?)?)?$`

var codeRe = regexp.MustCompile(CodePattern)

// Row is one area as read from the CSV files.
type Row struct {
	Code   string
	Name   string
	Level  string
	Kind   string
	Parent string
}

// LevelOf returns the level of an area code ("" when the code is malformed).
func LevelOf(code string) string {
	if !codeRe.MatchString(code) {
		return ""
	}
	return catalog.AreaLevels[strings.Count(code, ".")]
}

// ParentOf returns the code of the area that contains code ("" for a province).
func ParentOf(code string) string {
	i := strings.LastIndexByte(code, '.')
	if i < 0 {
		return ""
	}
	return code[:i]
}

// RegencyOf returns the regency code that contains code, or "" for a province.
func RegencyOf(code string) string {
	if len(code) < 5 {
		return ""
	}
	return code[:5]
}

// DistrictOf returns the district code that contains code, or "" above district level.
func DistrictOf(code string) string {
	if len(code) < 8 {
		return ""
	}
	return code[:8]
}

// Contains reports whether area outer is area inner or one of its ancestors.
func Contains(outer, inner string) bool {
	return outer != "" && (inner == outer || strings.HasPrefix(inner, outer+"."))
}

// kindOf derives the official kind from a code: regencies 71-99 are cities
// (kota), villages whose number starts with 1 are kelurahan.
func kindOf(code string) string {
	switch LevelOf(code) {
	case catalog.LevelProvince:
		return "provinsi"
	case catalog.LevelRegency:
		if code[3] >= '7' {
			return "kota"
		}
		return "kabupaten"
	case catalog.LevelDistrict:
		return "kecamatan"
	case catalog.LevelVillage:
		if code[9] == '1' {
			return "kelurahan"
		}
		return "desa"
	}
	return ""
}

// ReadCSV reads the four idn-area-data files (provinces.csv, regencies.csv,
// districts.csv, villages.csv) from fsys, parents first, and checks every
// code, level and parent link. It uses a real CSV parser: names may hold
// quotes and commas.
func ReadCSV(fsys fs.FS) ([]Row, error) {
	files := []struct{ name, level, parentColumn string }{
		{"provinces.csv", catalog.LevelProvince, ""},
		{"regencies.csv", catalog.LevelRegency, "province_code"},
		{"districts.csv", catalog.LevelDistrict, "regency_code"},
		{"villages.csv", catalog.LevelVillage, "district_code"},
	}
	seen := map[string]bool{}
	var rows []Row
	for _, f := range files {
		fh, err := fsys.Open(f.name)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", f.name, err)
		}
		r := csv.NewReader(fh)
		header, err := r.Read()
		if err != nil {
			fh.Close()
			return nil, fmt.Errorf("%s: read header: %w", f.name, err)
		}
		col := map[string]int{}
		for i, h := range header {
			col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
		}
		want := []string{"code", "name"}
		if f.parentColumn != "" {
			want = append(want, f.parentColumn)
		}
		for _, w := range want {
			if _, ok := col[w]; !ok {
				fh.Close()
				return nil, fmt.Errorf("%s: missing column %q", f.name, w)
			}
		}
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fh.Close()
				return nil, fmt.Errorf("%s: %w", f.name, err)
			}
			code := strings.TrimSpace(rec[col["code"]])
			name := strings.TrimSpace(rec[col["name"]])
			line, _ := r.FieldPos(0)
			if LevelOf(code) != f.level {
				fh.Close()
				return nil, fmt.Errorf("%s line %d: %q is not a %s code", f.name, line, code, f.level)
			}
			if name == "" {
				fh.Close()
				return nil, fmt.Errorf("%s line %d: empty name for %s", f.name, line, code)
			}
			parent := ""
			if f.parentColumn != "" {
				parent = strings.TrimSpace(rec[col[f.parentColumn]])
				if parent != ParentOf(code) {
					fh.Close()
					return nil, fmt.Errorf("%s line %d: parent %q does not contain %q", f.name, line, parent, code)
				}
				if !seen[parent] {
					fh.Close()
					return nil, fmt.Errorf("%s line %d: parent %q of %q is not in the files", f.name, line, parent, code)
				}
			}
			if seen[code] {
				fh.Close()
				return nil, fmt.Errorf("%s line %d: duplicate code %q", f.name, line, code)
			}
			seen[code] = true
			rows = append(rows, Row{Code: code, Name: name, Level: f.level, Kind: kindOf(code), Parent: parent})
		}
		fh.Close()
	}
	return rows, nil
}

// ImportResult counts what an import did.
type ImportResult struct {
	Created     int `json:"created"`
	Updated     int `json:"updated"`
	Unchanged   int `json:"unchanged"`
	Deactivated int `json:"deactivated"`
}

// Import writes rows into the areas collection in one transaction: new codes
// are created, changed names are updated, codes that are back in the files
// are reactivated, and codes of the imported provinces that are no longer in
// the files are deactivated (never deleted). Running it twice changes nothing
// the second time.
func Import(app core.App, rows []Row) (ImportResult, error) {
	var res ImportResult
	err := app.RunInTransaction(func(txApp core.App) error {
		col, err := txApp.FindCollectionByNameOrId(catalog.Areas)
		if err != nil {
			return err
		}
		existing := map[string]*core.Record{}
		provinces := map[string]bool{}
		for _, row := range rows {
			provinces[row.Code[:2]] = true
		}
		for prov := range provinces {
			recs, err := txApp.FindRecordsByFilter(col, "id = {:p} || id ~ {:prefix}", "", 0, 0,
				map[string]any{"p": prov, "prefix": prov + ".%"})
			if err != nil {
				return err
			}
			for _, r := range recs {
				existing[r.Id] = r
			}
		}
		inFiles := map[string]bool{}
		for _, row := range rows {
			inFiles[row.Code] = true
			rec, ok := existing[row.Code]
			if !ok {
				rec = core.NewRecord(col)
				rec.Id = row.Code
				rec.Set("name", row.Name)
				rec.Set("level", row.Level)
				rec.Set("kind", row.Kind)
				rec.Set("parent", row.Parent)
				rec.Set("active", true)
				// PocketBase refuses '.' in new primary keys, but the official
				// code is the id phone apps and reports key on. ReadCSV has
				// checked every field, so the record is saved without the
				// generic validation; model hooks (change feed) still run.
				if err := txApp.SaveNoValidate(rec); err != nil {
					return fmt.Errorf("create area %s: %w", row.Code, err)
				}
				res.Created++
				continue
			}
			if rec.GetString("name") == row.Name && rec.GetString("kind") == row.Kind &&
				rec.GetString("parent") == row.Parent && rec.GetBool("active") {
				res.Unchanged++
				continue
			}
			rec.Set("name", row.Name)
			rec.Set("kind", row.Kind)
			rec.Set("parent", row.Parent)
			rec.Set("active", true)
			if err := txApp.Save(rec); err != nil {
				return fmt.Errorf("update area %s: %w", row.Code, err)
			}
			res.Updated++
		}
		for code, rec := range existing {
			if inFiles[code] || !rec.GetBool("active") {
				continue
			}
			rec.Set("active", false)
			if err := txApp.Save(rec); err != nil {
				return fmt.Errorf("deactivate area %s: %w", code, err)
			}
			res.Deactivated++
		}
		return nil
	})
	return res, err
}

// ImportDir reads the four CSV files in fsys and imports them.
func ImportDir(app core.App, fsys fs.FS) (ImportResult, error) {
	rows, err := ReadCSV(fsys)
	if err != nil {
		return ImportResult{}, err
	}
	return Import(app, rows)
}
