package reports

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

func areaCells(a AreaRef) []any {
	return []any{a.Code, a.Name, a.Level, a.District, a.Regency}
}

// totalRef labels the total line of a table.
func totalRef(a AreaRef, lang string) AreaRef {
	return AreaRef{Code: a.Code, Name: T(lang, "Total ", "Total ") + a.Name, Level: a.Level, District: a.District, Regency: a.Regency}
}
