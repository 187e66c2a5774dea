// Package apierr builds Jangkau's one error shape: PocketBase's own
// (router.ApiError) with, for each field the error is about, a stable
// code an app keys on and a bilingual message for people, in the agreed
// form "Bahasa Indonesia / English" (docs/api.md):
//
//	{"status": 400, "message": "Wilayah ... / Areas ...",
//	 "data": {"id": {"code": "area_never_deleted", "message": "Wilayah ... / Areas ..."}}}
//
// An *Error returned from any hook (a model hook included) or handler
// reaches the client in that shape: PocketBase's handlers and router look
// for a *router.ApiError with errors.As, which Error answers.
package apierr

import (
	"net/http"
	"strconv"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/tools/router"
)

// Separator joins the two languages of a message: Bahasa Indonesia first,
// then English.
const Separator = " / "

// Text is a bilingual message in the agreed form.
func Text(id, en string) string { return id + Separator + en }

// Field is a field error: a stable code and a bilingual message (Text).
func Field(code, message string) validation.Error { return validation.NewError(code, message) }

// Error is a refusal: the HTTP status, the field it is about, a stable code
// and a bilingual message. It turns into PocketBase's error body, so apps
// read data.<field>.code.
type Error struct {
	Status  int
	Field   string
	Code    string
	Message string
}

// New returns a refusal of status about field.
func New(status int, field, code, message string) *Error {
	return &Error{Status: status, Field: field, Code: code, Message: message}
}

// BadRequest is a 400 about one field.
func BadRequest(field, code, message string) *Error {
	return New(http.StatusBadRequest, field, code, message)
}

// Forbidden is a 403 about one field.
func Forbidden(field, code, message string) *Error {
	return New(http.StatusForbidden, field, code, message)
}

// Error returns the bilingual message.
func (e *Error) Error() string { return e.Message }

// APIError is the error as PocketBase's router writes it, with the messages
// as written (PocketBase would otherwise capitalize their first letter,
// turning "asOf ..." into "AsOf ...").
func (e *Error) APIError() *router.ApiError {
	ae := router.NewApiError(e.Status, e.Message, validation.Errors{e.Field: validation.NewError(e.Code, e.Message)})
	ae.Message = e.Message
	ae.Data = map[string]any{e.Field: map[string]any{"code": e.Code, "message": e.Message}}
	return ae
}

// As lets errors.As find the *router.ApiError of e, which is how
// PocketBase's record handlers and router pass a hook's error on to the
// client unchanged instead of wrapping it in a message of their own.
func (e *Error) As(target any) bool {
	if p, ok := target.(**router.ApiError); ok {
		*p = e.APIError()
		return true
	}
	return false
}

// Fields is an error of status with several field errors, each a code and
// a bilingual message, under one bilingual message.
func Fields(status int, message string, fields validation.Errors) *router.ApiError {
	ae := router.NewApiError(status, message, fields)
	ae.Message = message
	return ae
}

// CodeAuthUnavailable is the code of AuthUnavailable.
const CodeAuthUnavailable = "auth_unavailable"

// AuthRetryAfterSeconds is the Retry-After of AuthUnavailable.
const AuthRetryAfterSeconds = 5

var errAuthUnavailable = New(http.StatusServiceUnavailable, "token", CodeAuthUnavailable,
	Text("Akun tidak dapat dibaca saat ini; token Anda tetap berlaku, coba lagi sebentar lagi.",
		"The account could not be read just now; your token is still valid, try again shortly."))

// AuthUnavailable is the answer to a request whose token could not be
// checked because its account could not be read (the database failing or
// overloaded, not a token that is invalid): 503 with Retry-After set on h.
// A 401 there would tell a phone to sign its user out.
func AuthUnavailable(h http.Header) *Error {
	h.Set("Retry-After", strconv.Itoa(AuthRetryAfterSeconds))
	return errAuthUnavailable
}
