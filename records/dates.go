package records

import (
	"net/http"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/apierr"
	"jangkau/catalog"
)

// CodeInvalidDate is the code of a date field given a value that is not a date.
const CodeInvalidDate = "invalid_date"

var errInvalidDate = apierr.Field(CodeInvalidDate, apierr.Text(
	"Tanggal tidak sah: tulis tanggal yang ada, seperti 2025-03-10 (tahun-bulan-tanggal), atau kosongkan bila tidak wajib.",
	"Not a valid date: give a date that exists, like 2025-03-10 (year-month-day), or leave it empty when it is optional."))

// msgInvalidDates is the message of a write refused for a date that is not one.
var msgInvalidDates = apierr.Text("Ada tanggal yang tidak sah; tidak ada yang disimpan.",
	"A date is not valid; nothing was saved.")

// CheckDateValue checks the value a client sent for field f before it is
// set on a record: PocketBase's date field turns a value it cannot parse
// into an empty date, which would save the record without it (or call a
// required date missing). Nil and "" are no date (PocketBase's required
// check still applies); a string must be a date types.ParseDateTime reads
// ("2025-03-10", "2025-03-10 08:00:00.000Z", RFC 3339...); anything else
// (a number, true, a list, an object) is refused. Fields of other types
// are not checked.
func CheckDateValue(f core.Field, v any) validation.Error {
	if f == nil || f.Type() != core.FieldTypeDate {
		return nil
	}
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if x == "" {
			return nil
		}
		if d, err := types.ParseDateTime(x); err == nil && !d.IsZero() {
			return nil
		}
	case types.DateTime, time.Time: // set by Go code, already a date
		return nil
	}
	return errInvalidDate
}

// checkBodyValues is the request hook (REST and each request of a batch)
// refusing a write whose body gives a field a value PocketBase would cast
// into something else (CheckValues): a date field a value that is not a
// date, a number field text that is not a number, and so on. It reads the
// body again as the client sent it: by the time the hook runs, PocketBase
// has replaced RequestInfo().Body's values with the fields' prepared ones,
// an unparsable date already an empty one, "abc" already 0.
func checkBodyValues(e *core.RecordRequestEvent) error {
	sent := map[string]any{}
	if err := e.BindBody(&sent); err != nil {
		return e.BadRequestError("Failed to read the submitted data.", err)
	}
	errs := CheckValues(e.Collection, sent)
	if errs == nil {
		return e.Next()
	}
	msg := msgInvalidDates
	for _, err := range errs {
		if ve, ok := err.(validation.Error); !ok || ve.Code() != CodeInvalidDate {
			msg = msgInvalidValues
		}
	}
	return apierr.Fields(http.StatusBadRequest, msg, errs)
}

// Day is the calendar day of a stored date, "YYYY-MM-DD" (empty when
// none): the day the apps show and enter (the first ten characters of the
// stored value, which is in UTC).
func Day(d types.DateTime) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().UTC().Format(time.DateOnly)
}

// DateOrder is a pair of date fields of a collection where Then may not
// fall on a day before First (either empty: nothing to compare). Days are
// compared, not instants: an end given as a date alone ("2025-03-10") is
// not before a start at 08:00 the same day.
type DateOrder struct {
	Collection  string
	First, Then string
	Err         validation.Error // reported on Then
}

// Check returns the order's error on rec, reported on Then. A record stored
// out of order before the rule is checked only when a write changes either
// date (a review decision on it is not refused for dates it does not touch).
func (o DateOrder) Check(rec *core.Record) validation.Errors {
	first, then := Day(rec.GetDateTime(o.First)), Day(rec.GetDateTime(o.Then))
	if first == "" || then == "" || then >= first {
		return nil
	}
	if !rec.IsNew() {
		orig := rec.Original()
		if Day(orig.GetDateTime(o.First)) == first && Day(orig.GetDateTime(o.Then)) == then {
			return nil
		}
	}
	return validation.Errors{o.Then: o.Err}
}

// DateOrders are the date pairs the records hooks keep in order. Village
// programmes keep theirs (valid_from, valid_to) in package programs, which
// first fills in a missing valid_from.
var DateOrders = []DateOrder{
	{catalog.Activities, "start_date", "end_date", apierr.Field("end_before_start", apierr.Text(
		"Tanggal selesai tidak boleh sebelum tanggal mulai.",
		"The end date cannot be before the start date."))},
	{catalog.OutreachLogs, "date", "follow_up_date", apierr.Field("follow_up_before_date", apierr.Text(
		"Tanggal tindak lanjut tidak boleh sebelum tanggal penjangkauan (tanggal temuan).",
		"The follow-up date cannot be before the outreach date (the date it was found)."))},
}

// checkDateOrders is the model check (every path) of DateOrders.
func checkDateOrders(_ core.App, rec *core.Record) validation.Errors {
	errs := validation.Errors{}
	for _, o := range DateOrders {
		if o.Collection == rec.Collection().Name {
			for k, v := range o.Check(rec) {
				errs[k] = v
			}
		}
	}
	return errs
}

// dateOrderCollections are the collections of DateOrders.
func dateOrderCollections() []string {
	var names []string
	for _, o := range DateOrders {
		names = append(names, o.Collection)
	}
	return names
}
