package apierr

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"jangkau/internal/wiring"
)

// PocketBase and ozzo-validation write their messages in English only. A
// person reads them wherever an app shows a server's message as it came
// (the field app's rejected records, an import's rows, a developer's
// console), so they are given their Indonesian half here, by code: one
// table for every path (REST and batch through Middleware, sync pushes,
// imports).

// indonesian is the Indonesian half of PocketBase's and ozzo-validation's
// own field messages, by code; {{.name}} takes the error's parameter.
var indonesian = map[string]string{
	"validation_required":                        "Wajib diisi",
	"validation_nil_or_not_empty_required":       "Wajib diisi",
	"validation_not_nil_required":                "Wajib diisi",
	"validation_empty":                           "Harus kosong",
	"validation_nil":                             "Harus kosong",
	"validation_is_email":                        "Alamat e-mail tidak sah",
	"validation_invalid_email":                   "Alamat e-mail tidak sah",
	"validation_email_domain_not_allowed":        "Domain e-mail tidak diizinkan",
	"validation_not_unique":                      "Nilai ini sudah dipakai",
	"validation_invalid_value":                   "Nilai tidak termasuk pilihan yang sah",
	"validation_in_invalid":                      "Nilai tidak termasuk pilihan yang sah",
	"validation_not_in_invalid":                  "Nilai ini tidak diterima",
	"validation_min_text_constraint":             "Paling sedikit {{.min}} karakter",
	"validation_max_text_constraint":             "Paling banyak {{.max}} karakter",
	"validation_length_too_long":                 "Paling banyak {{.max}}",
	"validation_length_too_short":                "Paling sedikit {{.min}}",
	"validation_length_out_of_range":             "Panjangnya harus antara {{.min}} dan {{.max}}",
	"validation_length_invalid":                  "Panjangnya harus tepat {{.min}}",
	"validation_invalid_format":                  "Bentuknya tidak sah",
	"validation_match_invalid":                   "Bentuknya tidak sah",
	"validation_min_number_constraint":           "Harus {{.min}} atau lebih",
	"validation_max_number_constraint":           "Harus {{.max}} atau kurang",
	"validation_min_greater_equal_than_required": "Harus {{.threshold}} atau lebih",
	"validation_min_greater_than_required":       "Harus lebih dari {{.threshold}}",
	"validation_max_less_equal_than_required":    "Harus {{.threshold}} atau kurang",
	"validation_max_less_than_required":          "Harus kurang dari {{.threshold}}",
	"validation_only_int_constraint":             "Harus bilangan bulat, tanpa desimal",
	"validation_not_a_number":                    "Bukan angka yang sah",
	"validation_invalid_number":                  "Bukan angka yang sah",
	"validation_missing_rel_records":             "Data yang dirujuk tidak ditemukan",
	"validation_missing_rel_collection":          "Koleksi yang dirujuk tidak dapat dibaca",
	"validation_not_enough_values":               "Pilih paling sedikit {{.minSelect}}",
	"validation_too_many_values":                 "Pilih paling banyak {{.maxSelect}}",
	"validation_too_many_files":                  "Paling banyak {{.maxSelect}} berkas",
	"validation_invalid_file":                    "Berkas tidak sah",
	"validation_values_mismatch":                 "Tidak sama",
	"validation_json_size_limit":                 "Data terlalu besar",
	"validation_invalid_json":                    "Bukan JSON yang sah",
	"validation_invalid_url":                     "Alamat URL tidak sah",
	"validation_url_domain_not_allowed":          "Domain URL tidak diizinkan",
	"validation_date_invalid":                    "Bukan tanggal yang sah",
	"validation_date_out_of_range":               "Tanggal di luar rentang",
	"validation_pk_invalid":                      "Id tidak sah atau sudah dipakai",
	"validation_pk_change":                       "Id catatan tidak boleh diubah",
	"validation_forbidden_pk_character":          "Id memuat karakter yang tidak boleh",
	"validation_reserved_pk":                     "Id ini dicadangkan",
	"validation_unknown_field":                   "Kolom tidak dikenal",
	"validation_invalid_field_value":             "Nilai kolom tidak sah",
	"validation_invalid_old_password":            "Kata sandi lama salah",
	"validation_invalid_auth_id":                 "Id akun tidak sah atau sudah dipakai",
	"batch_request_failed":                       "Permintaan ini dalam kiriman gabungan gagal; lihat jawabannya",
}

// Bilingual returns a field's message in the agreed form: as it is when it
// is bilingual already, else with the Indonesian half of its code (its
// {{.name}} placeholders filled from params), or a general one.
func Bilingual(code, message string, params map[string]any) string {
	message = plainNumbers(fill(message, params))
	if strings.Contains(message, Separator) {
		return message
	}
	if id, ok := indonesian[code]; ok {
		return Text(fillFrom(fill(id, params), message), message)
	}
	return Text("Nilai tidak sah", message)
}

// Describe returns the code and the bilingual message of a field error
// (Jangkau's own are bilingual already; PocketBase's get their Indonesian
// half, Bilingual); an error that is no validation.Error is "invalid".
func Describe(err error) (code, message string) {
	var ve validation.Error
	if errors.As(err, &ve) {
		return ve.Code(), Bilingual(ve.Code(), ve.Message(), ve.Params())
	}
	return "invalid", Bilingual("invalid", err.Error(), nil)
}

// fill replaces a message's {{.name}} placeholders by params; a whole
// number is written as one (10000000, not 1e+07).
func fill(message string, params map[string]any) string {
	for k, v := range params {
		s := fmt.Sprint(v)
		if f, ok := v.(float64); ok {
			if whole, ok := wholeNumber(f); ok {
				s = whole
			}
		}
		message = strings.ReplaceAll(message, "{{."+k+"}}", s)
	}
	return message
}

// wholeNumber writes f as people write a whole number (10000000, not
// 1e+07); ok is false when f is not one.
func wholeNumber(f float64) (s string, ok bool) {
	if f != math.Trunc(f) || math.Abs(f) >= 1e15 {
		return "", false
	}
	return strconv.FormatInt(int64(f), 10), true
}

// number is a number as PocketBase writes it in an English message.
var number = regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?`)

// plainNumbers writes the whole numbers of a message PocketBase wrote in
// exponent form ("Must be less or equal than 1e+07.") as people write them.
func plainNumbers(message string) string {
	if !strings.Contains(message, "e+") {
		return message
	}
	return number.ReplaceAllStringFunc(message, func(n string) string {
		if f, err := strconv.ParseFloat(n, 64); err == nil && strings.Contains(n, "e") {
			if whole, ok := wholeNumber(f); ok {
				return whole
			}
		}
		return n
	})
}

// fillFrom fills the placeholders params left in the Indonesian half id
// with the numbers of the English message en, in order: PocketBase sends
// some field errors already filled and without their params (a password
// too short: "Must be at least 8 character(s)."), which would otherwise
// read "Paling sedikit {{.min}} karakter".
func fillFrom(id, en string) string {
	if !strings.Contains(id, "{{.") {
		return id
	}
	nums := number.FindAllString(en, -1)
	for _, n := range nums {
		start := strings.Index(id, "{{.")
		if start < 0 {
			break
		}
		end := strings.Index(id[start:], "}}")
		if end < 0 {
			break
		}
		if f, err := strconv.ParseFloat(n, 64); err == nil {
			if whole, ok := wholeNumber(f); ok {
				n = whole
			}
		}
		id = id[:start] + n + id[start+end+2:]
	}
	return id
}

// statusTexts is the Indonesian half of PocketBase's general messages, by
// status: what a refused request says when its handler said nothing of
// its own (PocketBase's defaults, such as "The requested resource wasn't
// found.", or a handler's own English text).
var statusTexts = map[int]string{
	http.StatusBadRequest:            "Permintaan tidak dapat diproses; periksa isinya",
	http.StatusUnauthorized:          "Masuk dulu: token tidak ada, tidak sah atau sudah berakhir",
	http.StatusForbidden:             "Anda tidak berwenang melakukan ini",
	http.StatusNotFound:              "Data yang diminta tidak ditemukan",
	http.StatusMethodNotAllowed:      "Metode ini tidak diterima di alamat ini",
	http.StatusRequestEntityTooLarge: "Permintaan terlalu besar",
	http.StatusTooManyRequests:       "Terlalu banyak permintaan; coba lagi sebentar lagi",
	http.StatusInternalServerError:   "Terjadi kesalahan di server; coba lagi",
	http.StatusServiceUnavailable:    "Layanan sedang sibuk; coba lagi sebentar lagi",
}

// CodeAuthRequired is the code of a request refused for want of a valid
// sign-in (401), on the field "token".
const CodeAuthRequired = "auth_required"

// Middleware gives every refusal of every route the agreed shape: the
// message bilingual (PocketBase's own defaults included), each field's
// message bilingual by its code, and a refusal without fields naming the
// field that stands for the request (a 401 token, code CodeAuthRequired;
// see Translate). Jangkau's own refusals are bilingual
// already and pass unchanged.
func Middleware(e *core.RequestEvent) error {
	err := e.Next()
	if err == nil {
		return nil
	}
	var ae *router.ApiError
	if !errors.As(err, &ae) {
		ae = router.ToApiError(err)
	}
	if ae.Status == http.StatusBadRequest && len(ae.Data) == 0 {
		if bodyErr := unreadableBody(e, ae.Message); bodyErr != nil {
			return bodyErr.APIError()
		}
	}
	Translate(ae)
	return ae
}

// unreadableBody is the refusal of a JSON body PocketBase could not read,
// naming the field "body" (CodeInvalidJSON) and what is wrong with it, for
// a 400 that named no field: PocketBase's record and auth handlers answer
// such a body with a bare "Something went wrong while processing your
// request." (their error data, the decoder's, dropped). It reads the body
// again (PocketBase keeps it rereadable); nil when the body reads.
func unreadableBody(e *core.RequestEvent, message string) *Error {
	if e.Request == nil || e.Request.ContentLength == 0 ||
		!strings.HasPrefix(e.Request.Header.Get("Content-Type"), "application/json") {
		return nil
	}
	// a decoder that stopped at the fault left the body unrewound, or at an
	// end that rewinds it on the next read: rewind it, and read it from the
	// start again once if all it gives is that end
	body, rereads := e.Request.Body.(router.Rereader)
	if !rereads {
		return nil
	}
	var sent any
	body.Reread()
	err := e.BindBody(&sent)
	if errors.Is(err, io.EOF) {
		body.Reread()
		sent = nil
		err = e.BindBody(&sent)
	}
	if err == nil {
		if _, isObject := sent.(map[string]any); isObject || sent == nil || message != msgDefaultBadRequest {
			return nil
		}
		return BadRequest("body", CodeInvalidJSON, Text("Isi permintaan harus objek JSON ({...}).", "The request body must be a JSON object ({...})."))
	}
	return InvalidBody(err)
}

// messages is the Indonesian half of PocketBase's own general messages
// that say more than their status (the others read statusTexts).
var messages = map[string]string{
	"Failed to authenticate.":                                      "Gagal masuk: e-mail atau kata sandi salah",
	"Failed to create record.":                                     "Catatan baru tidak tersimpan; periksa kolom yang disebut",
	"Failed to update record.":                                     "Perubahan tidak tersimpan; periksa kolom yang disebut",
	"Failed to delete record.":                                     "Catatan tidak terhapus",
	"Failed to load the submitted data due to invalid formatting.": "Data yang dikirim tidak dapat dibaca (bentuknya tidak sah)",
	"Batch transaction failed.":                                    "Kiriman gabungan gagal; tidak ada yang tersimpan",
	"Batch request failed.":                                        "Permintaan ini gagal",
	"Something went wrong while processing your request.":          "Terjadi kesalahan saat memproses permintaan",
	"The authorized record is not allowed to perform this action.": "Akun Anda tidak berwenang melakukan ini",
	"Only superusers can perform this action.":                     "Hanya superuser yang boleh melakukan ini",
	"Missing or invalid collection context.":                       "Koleksi tidak ada atau tidak sah",
	"An error occurred while loading the submitted data.":          "Data yang dikirim tidak dapat dibaca (ada nilai yang jenisnya tidak sah)",
	"Failed to read the submitted batch data.":                     "Kiriman gabungan tidak dapat dibaca (bentuknya tidak sah: {\"requests\": [...]})",
	"Failed to read the submitted data.":                           "Data yang dikirim tidak dapat dibaca (bentuknya tidak sah)",
}

// bodyMessages are PocketBase's messages of a body it could not read into
// its form (valid JSON of the wrong shape, such as a password sent as a
// number): the refusal names the field "body" (CodeInvalidJSON).
var bodyMessages = map[string]bool{
	msgUnreadableBody: true,
	"An error occurred while loading the submitted data.": true,
	"Failed to read the submitted batch data.":            true,
	"Failed to read the submitted data.":                  true,
}

// Codes of a refusal of the request as a whole, on the field that stands
// for it (docs/api.md, Errors), given when the refusal named no field of its
// own (PocketBase's general refusals, a handler's bare e.NotFoundError).
const (
	CodeNotFound     = "not_found"      // 404, field "id": no such record (or none the caller may see)
	CodeForbidden    = "forbidden_role" // 403, field "role": the caller's role may not do this
	CodeBadRequest   = "bad_request"    // 400, field "request": the request as a whole was refused
	CodeBodyTooLarge = "too_large"      // 413, field "body"
	CodeInvalidJSON  = "invalid_json"   // 400, field "body": PocketBase could not read the body
)

// msgDefaultBadRequest is PocketBase's message of a 400 its handler gave
// none (router.NewBadRequestError("")).
const msgDefaultBadRequest = "Something went wrong while processing your request."

// msgUnreadableBody is PocketBase's refusal of a body it cannot decode.
const msgUnreadableBody = "Failed to load the submitted data due to invalid formatting."

// wholeRequest is the field and code of a refusal without fields, by status.
var wholeRequest = map[int][2]string{
	http.StatusUnauthorized:          {"token", CodeAuthRequired},
	http.StatusNotFound:              {"id", CodeNotFound},
	http.StatusForbidden:             {"role", CodeForbidden},
	http.StatusBadRequest:            {"request", CodeBadRequest},
	http.StatusRequestEntityTooLarge: {"body", CodeBodyTooLarge},
}

// Translate makes the messages of ae bilingual, in place (Middleware), and
// gives a refusal that names no field the field that stands for the whole
// request, so that an app always finds data.<field>.code.
func Translate(ae *router.ApiError) {
	original := ae.Message
	ae.Message = general(ae.Status, ae.Message)
	translateData(ae.Data)
	if fc, ok := wholeRequest[ae.Status]; ok && len(ae.Data) == 0 {
		if bodyMessages[original] {
			fc = [2]string{"body", CodeInvalidJSON}
		}
		ae.Data = map[string]any{fc[0]: map[string]any{"code": fc[1], "message": ae.Message}}
	}
}

// general is a request's message, bilingual.
func general(status int, message string) string {
	if message == "" || strings.Contains(message, Separator) {
		return message
	}
	if id, ok := messages[message]; ok {
		return Text(id+".", message)
	}
	id, ok := statusTexts[status]
	if !ok {
		id = "Permintaan tidak berhasil"
	}
	return Text(id+".", message)
}

// translateData makes the field messages of an error's data bilingual:
// each {code, message} item, the nested ones (a field's own fields), and
// the answer a batch's failed request carries ({code, message, response}).
func translateData(data map[string]any) {
	for _, v := range data {
		if item, ok := v.(map[string]any); ok {
			code, isItem := item["code"].(string)
			if msg, ok := item["message"].(string); isItem && ok && msg != "" {
				params, _ := item["params"].(map[string]any)
				item["message"] = Bilingual(code, msg, params)
			}
			if resp, ok := item["response"].(*router.ApiError); ok {
				Translate(resp)
			}
			if !isItem {
				translateData(item)
			}
		}
	}
}

// Register binds Middleware around every route, outside PocketBase's own
// middlewares (their refusals, such as a body too large, are translated too).
func Register(app core.App) {
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "jangkau.apierr.bilingual", Priority: wiring.ServeBind, Func: func(e *core.ServeEvent) error {
		e.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "jangkau.apierr.bilingual", Priority: wiring.MiddlewareBilingual, Func: Middleware})
		return e.Next()
	}})
}
