package records

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/apierr"
)

// CodeInvalidType is the code of a field given a value of the wrong kind
// (text for a number, a list for a text), as the sync pushes name it too.
const CodeInvalidType = "invalid_type"

// msgInvalidValues is the message of a write refused for a value of the
// wrong kind (a date that is not one among them).
var msgInvalidValues = apierr.Text("Ada nilai yang tidak sah; tidak ada yang disimpan.",
	"A value is not valid; nothing was saved.")

// InvalidTypeMessage is the message of a field given a value of the wrong
// kind (CodeInvalidType, on REST and in the sync pushes): wantID and wantEN
// say what the field takes.
func InvalidTypeMessage(name, wantID, wantEN string) string {
	return apierr.Text(fmt.Sprintf("Kolom %q harus %s.", name, wantID), fmt.Sprintf("Field %q must be %s.", name, wantEN))
}

// typeError is the field error of a value of the wrong kind.
func typeError(name, wantID, wantEN string) validation.Error {
	return apierr.Field(CodeInvalidType, InvalidTypeMessage(name, wantID, wantEN))
}

// CheckValue checks the value a client sent for field f on REST or in a
// batch, before PocketBase casts it to the field's type: a cast that would
// lose what was sent is refused instead of saved. A number field given
// "abc", true or a list would store 0, a bool field given "abc" false, a
// text field given a list or an object its JSON or nothing, a date field
// given "besok" no date (CheckDateValue). What a form sends (every value
// as text: "12", "true", "") and nil pass, as does what PocketBase's own
// validators refuse with a code of their own (a select's unknown code, a
// number out of range).
func CheckValue(f core.Field, v any) validation.Error {
	if f == nil || v == nil {
		return nil
	}
	name := f.GetName()
	switch f.Type() {
	case core.FieldTypeDate:
		return CheckDateValue(f, v)
	case core.FieldTypeNumber:
		switch x := v.(type) {
		case float64:
			return nil
		case int, int64:
			return nil
		case string:
			s := strings.TrimSpace(x)
			if s == "" {
				return nil
			}
			if n, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(n) && !math.IsInf(n, 0) {
				return nil
			}
		}
		return typeError(name, "berupa angka, seperti 12", "a number, like 12")
	case core.FieldTypeBool:
		switch x := v.(type) {
		case bool:
			return nil
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "", "true", "false", "1", "0", "on", "off":
				return nil
			}
		case float64:
			if x == 0 || x == 1 {
				return nil
			}
		}
		return typeError(name, "true atau false", "true or false")
	case core.FieldTypeText, core.FieldTypeEditor, core.FieldTypeEmail, core.FieldTypeURL:
		switch v.(type) {
		case []any, map[string]any:
			return typeError(name, "berupa teks", "text")
		}
	}
	return nil
}

// CheckValues checks, with CheckValue, the value data gives for each field
// of col (data as the client sent it: a request body).
func CheckValues(col *core.Collection, data map[string]any) validation.Errors {
	errs := validation.Errors{}
	for _, f := range col.Fields {
		v, ok := data[f.GetName()]
		if !ok {
			continue
		}
		if err := CheckValue(f, v); err != nil {
			errs[f.GetName()] = err
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
