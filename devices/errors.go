package devices

import (
	"net/http"

	"jangkau/apierr"
)

// Error codes an app keys on (the message is for people).
const (
	CodeTokenInvalid    = "token_invalid"
	CodeTokenExpired    = "token_expired"
	CodeDeviceRevoked   = "device_revoked"
	CodeUserDeactivated = "user_deactivated"
	CodeCodeInvalid     = "code_invalid"
	CodeCodeExpired     = "code_expired"
	CodeCodeUsed        = "code_used"
	CodeRefreshInvalid  = "refresh_invalid"
	CodeRefreshExpired  = "refresh_expired"
	CodeRefreshReused   = "refresh_reused"
	CodeForbiddenRole   = "forbidden_role"
	CodeUnknownUser     = "unknown_user"
	CodeNotFound        = "not_found"
	CodeRequired        = "required"
	CodeTooLong         = "too_long"
	CodeInvalidValue    = "invalid_value"
	CodeDeviceToken     = "device_token_not_allowed"
	CodeAccountChanged  = "account_changed"
	CodeDeskRole        = "desk_role_no_phone"
	CodeDeviceWipe      = "device_wipe"
)

// Error is a refusal in Jangkau's one error shape (apierr.Error): the
// HTTP status, the field it is about, a stable code and a bilingual message.
type Error = apierr.Error

func newErr(status int, field, code, msg string) *Error { return apierr.New(status, field, code, msg) }

// The refusals, one per situation, so that every path says the same thing.
var (
	errTokenInvalid = newErr(http.StatusUnauthorized, "token", CodeTokenInvalid,
		"Token perangkat tidak sah. / The device token is invalid.")
	errTokenExpired = newErr(http.StatusUnauthorized, "token", CodeTokenExpired,
		"Token perangkat kedaluwarsa; perbarui dengan refresh token. / The device token has expired; renew it with the refresh token.")
	errDeviceRevoked = newErr(http.StatusUnauthorized, "token", CodeDeviceRevoked,
		"Perangkat ini telah dicabut. / This device has been revoked.")
	errDeviceWipe = newErr(http.StatusUnauthorized, "token", CodeDeviceWipe,
		"Perangkat ini dicabut dan datanya dihapus: data yang belum terkirim dikirim dulu, lalu data di ponsel ini dihapus. / This device has been revoked and wiped: what was not yet sent is sent first, then the data on this phone is deleted.")
	errNotWiping = newErr(http.StatusConflict, "token", "not_wiping",
		"Perangkat ini tidak sedang dihapus datanya. / This device is not being wiped.")
	errUserDeactivated = newErr(http.StatusUnauthorized, "token", CodeUserDeactivated,
		"Akun pemilik perangkat ini dinonaktifkan. / The account of this device is deactivated.")

	errCodeInvalid = newErr(http.StatusBadRequest, "code", CodeCodeInvalid,
		"Kode pendaftaran tidak sah. / The enrollment code is invalid.")
	errCodeExpired = newErr(http.StatusBadRequest, "code", CodeCodeExpired,
		"Kode pendaftaran kedaluwarsa (berlaku 72 jam); minta kode baru. / The enrollment code has expired (valid 72 hours); ask for a new one.")
	errCodeUsed = newErr(http.StatusConflict, "code", CodeCodeUsed,
		"Kode pendaftaran sudah dipakai; minta kode baru. / The enrollment code has already been used; ask for a new one.")
	errCodeUserDeactivated = newErr(http.StatusForbidden, "code", CodeUserDeactivated,
		"Akun untuk kode ini dinonaktifkan (kode dibatalkan); minta kode baru. / The account this code is for was deactivated (the code is void); ask for a new one.")
	errCodeRoleChanged = newErr(http.StatusConflict, "code", CodeAccountChanged,
		"Peran akun berubah sejak kode ini dibuat; minta kode baru. / The account's role changed since this code was issued; ask for a new one.")
	errCodeAreaChanged = newErr(http.StatusConflict, "code", CodeAccountChanged,
		"Wilayah akun berubah sejak kode ini dibuat; minta kode baru. / The account's area changed since this code was issued; ask for a new one.")
	errCodeClusterChanged = newErr(http.StatusConflict, "code", CodeAccountChanged,
		"Klaster akun berubah sejak kode ini dibuat; minta kode baru. / The account's cluster changed since this code was issued; ask for a new one.")
	errCodeAccountChanged = newErr(http.StatusConflict, "code", CodeAccountChanged,
		"Cakupan akun berubah sejak kode ini dibuat; minta kode baru. / The account's scope changed since this code was issued; ask for a new one.")

	errRefreshInvalid = newErr(http.StatusUnauthorized, "refreshToken", CodeRefreshInvalid,
		"Refresh token tidak sah. / The refresh token is invalid.")
	errRefreshExpired = newErr(http.StatusUnauthorized, "refreshToken", CodeRefreshExpired,
		"Refresh token kedaluwarsa (120 hari tanpa dipakai); daftarkan ulang perangkat. / The refresh token has expired (120 days unused); enroll the device again.")
	errRefreshReused = newErr(http.StatusUnauthorized, "refreshToken", CodeRefreshReused,
		"Refresh token ini sudah pernah dipakai; perangkat dicabut demi keamanan. / This refresh token was already used; the device has been revoked for safety.")
	errRefreshDeviceRevoked = newErr(http.StatusUnauthorized, "refreshToken", CodeDeviceRevoked,
		"Perangkat ini telah dicabut. / This device has been revoked.")
	errRefreshDeviceWipe = newErr(http.StatusUnauthorized, "refreshToken", CodeDeviceWipe,
		"Perangkat ini dicabut dan datanya dihapus. / This device has been revoked and wiped.")
	errRefreshUserDeactivated = newErr(http.StatusUnauthorized, "refreshToken", CodeUserDeactivated,
		"Akun pemilik perangkat ini dinonaktifkan. / The account of this device is deactivated.")

	errManagerRole = newErr(http.StatusForbidden, "user", CodeForbiddenRole,
		"Hanya verifikator kabupaten/kota atau sekretariat provinsi yang boleh mendaftarkan dan mencabut perangkat. / Only a district verifier or the province secretariat may enroll and revoke devices.")
	errVerifierOfficersOnly = newErr(http.StatusForbidden, "user", CodeForbiddenRole,
		"Verifikator kabupaten/kota hanya mengelola perangkat operator desa. / A district verifier manages village officers' devices only.")
	errUnknownUser = newErr(http.StatusBadRequest, "user", CodeUnknownUser,
		"Pengguna tidak ditemukan. / The user was not found.")
	errUserRequired = newErr(http.StatusBadRequest, "user", CodeRequired,
		"Pilih pengguna yang perangkatnya didaftarkan. / Choose the user whose device is enrolled.")
	errEnrollDeactivated = newErr(http.StatusBadRequest, "user", CodeUserDeactivated,
		"Akun ini dinonaktifkan; aktifkan dulu sebelum mendaftarkan perangkat. / This account is deactivated; reactivate it before enrolling a device.")
	errDeskRole = newErr(http.StatusForbidden, "user", CodeDeskRole,
		"Anggota gugus tugas kabupaten/kota dan petugas OPD bekerja di konsol, bukan di ponsel: perangkat tidak dapat didaftarkan untuk peran ini. / Regency task-force members and agency officers work in the console, not on a phone: no device can be enrolled for this role.")
	errDeviceNotFound = newErr(http.StatusNotFound, "id", CodeNotFound,
		"Perangkat tidak ditemukan. / The device was not found.")
	errEnrollmentNotFound = newErr(http.StatusNotFound, "id", CodeNotFound,
		"Pendaftaran tidak ditemukan. / The enrollment was not found.")
	errEnrollmentGone = newErr(http.StatusGone, "id", CodeCodeUsed,
		"Kode ini sudah dipakai atau kedaluwarsa; buat pendaftaran baru. / This code has been used or has expired; create a new enrollment.")
)

// fieldErr is a 400 about one field of a request body.
func fieldErr(field, code, msg string) *Error {
	return newErr(http.StatusBadRequest, field, code, msg)
}
