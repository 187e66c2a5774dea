package reports

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// WIB is Western Indonesian Time (UTC+7), Lampung's clock. Record dates are
// stored in UTC; periods and months are counted on WIB calendar days.
var WIB = time.FixedZone("WIB", 7*3600)

// Period kinds.
const (
	PeriodYear     = "year"
	PeriodSemester = "semester"
	PeriodQuarter  = "quarter"
	PeriodMonth    = "month"
	PeriodCustom   = "custom"
)

// Period is a reporting period: WIB calendar days From (inclusive) to To
// (exclusive).
type Period struct {
	Kind  string
	Year  int
	Index int // semester 1-2, quarter 1-4, month 1-12; 0 for year and custom
	From  time.Time
	To    time.Time
}

// PeriodJSON is how a period is shown to clients.
type PeriodJSON struct {
	Kind    string `json:"kind"`
	Year    int    `json:"year"`
	Index   int    `json:"index,omitempty"`
	From    string `json:"from"`
	To      string `json:"to"` // inclusive, as people read it
	Label   string `json:"label"`
	LabelEN string `json:"labelEn"`
}

// JSON describes the period for clients.
func (p Period) JSON() PeriodJSON {
	id, en := p.Labels()
	return PeriodJSON{Kind: p.Kind, Year: p.Year, Index: p.Index, From: p.From.Format(time.DateOnly),
		To: p.To.AddDate(0, 0, -1).Format(time.DateOnly), Label: id, LabelEN: en}
}

var (
	monthsID = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
	roman    = []string{"I", "II", "III", "IV"}
)

// Labels names the period in Bahasa Indonesia and English.
func (p Period) Labels() (string, string) {
	switch p.Kind {
	case PeriodYear:
		return fmt.Sprintf("Tahun %d", p.Year), fmt.Sprintf("Year %d", p.Year)
	case PeriodSemester:
		return fmt.Sprintf("Semester %d %d", p.Index, p.Year), fmt.Sprintf("Semester %d %d", p.Index, p.Year)
	case PeriodQuarter:
		return fmt.Sprintf("Triwulan %s %d", roman[p.Index-1], p.Year), fmt.Sprintf("Q%d %d", p.Index, p.Year)
	case PeriodMonth:
		return fmt.Sprintf("%s %d", monthsID[p.Index-1], p.Year), fmt.Sprintf("%s %d", time.Month(p.Index), p.Year)
	}
	last := p.To.AddDate(0, 0, -1)
	return fmt.Sprintf("%s s.d. %s", p.From.Format("02-01-2006"), last.Format("02-01-2006")),
		fmt.Sprintf("%s to %s", p.From.Format(time.DateOnly), last.Format(time.DateOnly))
}

// MaxCustomDays bounds a custom period.
const MaxCustomDays = 3700

// ErrPeriod is a period the caller wrote wrongly; its text is shown as is.
type ErrPeriod string

func (e ErrPeriod) Error() string { return string(e) }

// ParsePeriod reads period, year, index, from and to (YYYY-MM-DD, both
// inclusive) from the query. The default is the current WIB year.
func ParsePeriod(q url.Values, now time.Time) (Period, error) {
	kind := strings.TrimSpace(q.Get("period"))
	if kind == "" {
		kind = PeriodYear
	}
	if kind == PeriodCustom {
		from, err1 := time.ParseInLocation(time.DateOnly, q.Get("from"), WIB)
		to, err2 := time.ParseInLocation(time.DateOnly, q.Get("to"), WIB)
		if err1 != nil || err2 != nil {
			return Period{}, ErrPeriod("Periode khusus butuh from dan to (YYYY-MM-DD). / A custom period needs from and to (YYYY-MM-DD).")
		}
		to = to.AddDate(0, 0, 1)
		if !to.After(from) || to.Sub(from) > MaxCustomDays*24*time.Hour {
			return Period{}, ErrPeriod("Tanggal akhir harus sesudah tanggal awal, paling lama 10 tahun. / The end date must follow the start date, at most 10 years later.")
		}
		return Period{Kind: kind, Year: from.Year(), From: from, To: to}, nil
	}
	year := now.In(WIB).Year()
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return Period{}, ErrPeriod("Tahun tidak sah. / Invalid year.")
		}
		year = y
	}
	index, _ := strconv.Atoi(q.Get("index"))
	return NewPeriod(kind, year, index)
}

// NewPeriod builds a year, semester, quarter or month period.
func NewPeriod(kind string, year, index int) (Period, error) {
	months, count := 12, 1
	switch kind {
	case PeriodYear:
		index = 0
	case PeriodSemester:
		months, count = 6, 2
	case PeriodQuarter:
		months, count = 3, 4
	case PeriodMonth:
		months, count = 1, 12
	default:
		return Period{}, ErrPeriod("Periode harus year, semester, quarter, month atau custom. / The period must be year, semester, quarter, month or custom.")
	}
	if kind != PeriodYear && (index < 1 || index > count) {
		return Period{}, ErrPeriod(fmt.Sprintf("index harus 1 sampai %d untuk %s. / index must be 1 to %d for %s.", count, kind, count, kind))
	}
	start := 1
	if index > 0 {
		start = (index-1)*months + 1
	}
	from := time.Date(year, time.Month(start), 1, 0, 0, 0, 0, WIB)
	return Period{Kind: kind, Year: year, Index: index, From: from, To: from.AddDate(0, months, 0)}, nil
}

// WholeYear reports whether the period is one whole calendar year: asked
// as a year, or as a custom period from 1 January to 31 December.
func (p Period) WholeYear() bool {
	return p.From.Month() == time.January && p.From.Day() == 1 && p.To.Equal(p.From.AddDate(1, 0, 0))
}

// YearPeriod is the calendar year.
func YearPeriod(year int) Period {
	p, _ := NewPeriod(PeriodYear, year, 0)
	return p
}

// ym numbers a month as YYYYMM.
func ym(t time.Time) int {
	t = t.In(WIB)
	return t.Year()*100 + int(t.Month())
}

// ymd numbers a WIB day as YYYYMMDD.
func ymd(t time.Time) int {
	t = t.In(WIB)
	return t.Year()*10000 + int(t.Month())*100 + t.Day()
}

func ymLabel(m int) string { return fmt.Sprintf("%04d-%02d", m/100, m%100) }

// split cuts the period into the whole months it covers (first and last
// YYYYMM, ok false when none) and the partial edges before and after them.
func (p Period) split() (first, last int, ok bool, edges [][2]time.Time) {
	start := time.Date(p.From.Year(), p.From.Month(), 1, 0, 0, 0, 0, WIB)
	if start.Before(p.From) {
		start = start.AddDate(0, 1, 0)
	}
	end := time.Date(p.To.Year(), p.To.Month(), 1, 0, 0, 0, 0, WIB)
	if !start.Before(end) {
		return 0, 0, false, [][2]time.Time{{p.From, p.To}}
	}
	if p.From.Before(start) {
		edges = append(edges, [2]time.Time{p.From, start})
	}
	if end.Before(p.To) {
		edges = append(edges, [2]time.Time{end, p.To})
	}
	return ym(start), ym(end.AddDate(0, -1, 0)), true, edges
}

// storedTime formats an instant as PocketBase stores dates (UTC), so that
// string comparison in SQL orders them.
func storedTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }
