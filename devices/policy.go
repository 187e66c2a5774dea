package devices

import (
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/areas"
	"jangkau/catalog"
)

// CanManageAny reports whether the actor's role may enroll or revoke
// devices at all: a district verifier, the province secretariat or a
// superuser. Village officers and task-force members may not, not even
// for their own phone: a lost phone is reported to the verifier.
func CanManageAny(a access.Actor) bool {
	return a.Superuser || a.Role == catalog.RoleDistrictVerifier || a.Role == catalog.RoleProvinceSecretariat
}

// checkManager decides whether the actor may enroll or revoke devices of
// user: the province (and superusers) for anyone, a district verifier for
// the village officers of its own regency.
func checkManager(a access.Actor, user *core.Record) *Error {
	switch {
	case a.Superuser, a.Role == catalog.RoleProvinceSecretariat:
		return nil
	case a.Role == catalog.RoleDistrictVerifier:
		if user.GetString("role") != catalog.RoleVillageOfficer {
			return errVerifierOfficersOnly
		}
		if !areas.Contains(a.Area, user.GetString("area")) {
			return errNotYourRegency
		}
		return nil
	}
	return errManagerRole
}
