package apierr

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
)

// ErrTrailingData is a decoder's refusal of a body with more after its
// JSON value ({...}{...}); JSONProblem describes it.
var ErrTrailingData = errors.New("data after the JSON value")

// JSONProblem says, in Bahasa Indonesia and in English, what is wrong with a
// body a JSON decoder refused, for a person: where the text stops being
// JSON, or which member holds what kind of value instead of what kind.
// It never repeats the decoder's own message, which names Go types
// ("cannot unmarshal array into Go value of type sync.nativePushBody").
func JSONProblem(err error) (id, en string) {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var sem *jsonv2.SemanticError
	var jsyn *jsontext.SyntacticError
	switch {
	case err == nil:
		return "", ""
	case errors.Is(err, ErrTrailingData):
		return "ada isi lain setelah nilai JSON-nya", "there is more after its JSON value"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return fmt.Sprintf("anggota %s tidak dikenal", name), fmt.Sprintf("member %s is not known", name)
	case errors.Is(err, io.EOF):
		return "isinya kosong", "it is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "isinya terpotong sebelum selesai", "it is cut off before its end"
	case errors.As(err, &syn):
		return fmt.Sprintf("bukan JSON mulai karakter ke-%d", syn.Offset), fmt.Sprintf("it stops being JSON at character %d", syn.Offset)
	case errors.As(err, &jsyn):
		return fmt.Sprintf("bukan JSON mulai karakter ke-%d", jsyn.ByteOffset+1), fmt.Sprintf("it stops being JSON at character %d", jsyn.ByteOffset+1)
	case errors.As(err, &typ):
		return kindProblem(typ.Field, typ.Value, typ.Type)
	case errors.As(err, &sem):
		got := ""
		if sem.JSONKind != 0 {
			got = jsonKindName(sem.JSONKind.String())
		}
		return kindProblem(strings.TrimPrefix(string(sem.JSONPointer), "/"), got, sem.GoType)
	}
	return "bentuknya tidak sah", "its shape is not valid"
}

// kindProblem is JSONProblem's sentence for a member holding the wrong kind
// of value: field is its path ("" for the body itself), got the JSON kind
// it holds, want the Go type that was to receive it.
func kindProblem(field, got string, want reflect.Type) (id, en string) {
	wantID, wantEN := "nilai lain", "another value"
	if want != nil {
		switch want.Kind() {
		case reflect.Slice, reflect.Array:
			wantID, wantEN = "daftar (larik)", "a list (array)"
		case reflect.Struct, reflect.Map:
			wantID, wantEN = "objek", "an object"
		case reflect.String:
			wantID, wantEN = "teks", "text"
		case reflect.Bool:
			wantID, wantEN = "true atau false", "true or false"
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
			reflect.Float32, reflect.Float64:
			wantID, wantEN = "angka", "a number"
		}
	}
	gotID, gotEN := jsonKind(got)
	field = strings.Trim(strings.ReplaceAll(field, "/", "."), ".")
	if field == "" {
		return fmt.Sprintf("isinya %s, padahal harus %s", gotID, wantID), fmt.Sprintf("it is %s where %s is expected", gotEN, wantEN)
	}
	return fmt.Sprintf("%q berisi %s, padahal harus %s", field, gotID, wantID), fmt.Sprintf("%q holds %s where %s is expected", field, gotEN, wantEN)
}

// jsonKindName is the name encoding/json uses for a jsontext.Kind's String().
func jsonKindName(kind string) string {
	switch kind {
	case "{":
		return "object"
	case "[":
		return "array"
	case "\"":
		return "string"
	case "0":
		return "number"
	case "t", "f":
		return "bool"
	case "n":
		return "null"
	}
	return kind
}

// jsonKind is the bilingual name of a JSON kind as encoding/json names it.
func jsonKind(kind string) (id, en string) {
	switch {
	case kind == "array":
		return "daftar (larik)", "a list (array)"
	case kind == "object":
		return "objek", "an object"
	case kind == "string":
		return "teks", "text"
	case kind == "bool":
		return "true/false", "true/false"
	case kind == "null":
		return "null", "null"
	case strings.HasPrefix(kind, "number"):
		return "angka", "a number"
	}
	return "nilai lain", "another value"
}

// InvalidJSON is the refusal (400, field "body", CodeInvalidJSON) of a body
// that is not the JSON the route reads: what (a bilingual pair, such as
// "Isi permintaan bukan JSON yang sah", "The request body is not valid
// JSON") then, from JSONProblem, what is wrong with it.
func InvalidJSON(whatID, whatEN string, err error) *Error {
	id, en := JSONProblem(err)
	return BadRequest("body", CodeInvalidJSON, Text(whatID+": "+id+".", whatEN+": "+en+"."))
}

// InvalidBody is InvalidJSON for a route whose body is a JSON object with
// nothing more to name: "the request body is not valid JSON", then what is
// wrong with it.
func InvalidBody(err error) *Error {
	return InvalidJSON("Isi permintaan bukan JSON yang sah", "The request body is not valid JSON", err)
}
