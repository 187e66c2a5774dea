package reports

import "jangkau/catalog"

// Table is one sheet of an export: a title, column headers and rows of
// plain values (strings, integers, floats).
type Table struct {
	Name    string // sheet name (at most 31 characters)
	Title   string
	Columns []string
	Rows    [][]any
}

// Tabular is a report that can be exported.
type Tabular interface {
	Tables(lang string) []Table
}

func areaColumns(lang string) []string {
	return []string{T(lang, "Kode wilayah", "Area code"), T(lang, "Nama wilayah", "Area name"), T(lang, "Tingkat", "Level"),
		T(lang, "Kecamatan", "District"), T(lang, "Kabupaten/kota", "Regency/city")}
}

// areaCells are an area's cells under areaColumns, its level in words.
func areaCells(a AreaRef, lang string) []any {
	return []any{a.Code, a.Name, catalog.LabelOf("area_levels", a.Level, lang), a.District, a.Regency}
}

// totalRef labels the total line of a table.
func totalRef(a AreaRef, lang string) AreaRef {
	return AreaRef{Code: a.Code, Name: T(lang, "Total ", "Total ") + a.Name, Level: a.Level, District: a.District, Regency: a.Regency}
}

// codeColumns heads one column per code of a vocabulary, in its order:
// prefix, then the code's label. countsOf fills them.
func codeColumns(prefix, vocabulary string, codes []string, lang string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = prefix + LabelOf(vocabulary, c, lang)
	}
	return out
}

// countsOf lists the counts of the vocabulary's codes, in its order.
func countsOf(list []Breakdown, codes []string) []any {
	by := map[string]int64{}
	for _, b := range list {
		by[b.Key] = b.Count
	}
	out := make([]any, len(codes))
	for i, c := range codes {
		out[i] = by[c]
	}
	return out
}

// monthTable lays a month series out as the sheet per_bulan; count and
// people head its count and participants columns.
func monthTable(lang, title, count, people string, months []MonthPoint) Table {
	s := Table{Name: "per_bulan", Title: title, Columns: []string{T(lang, "Bulan", "Month"), count, people}}
	for _, m := range months {
		s.Rows = append(s.Rows, []any{m.Month, m.Count, m.Participants})
	}
	return s
}
