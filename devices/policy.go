package devices

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/access"
	"jangkau/catalog"
)

// Who manages whose phones comes from the policy table (access.Table): a
// role manages the devices of the accounts it manages (its row's Manages,
// within its area). Today that is a district verifier for the village
// officers of its regency, the province secretariat for anyone, and
// superusers. Village officers and task-force members manage none, not
// even their own phone: a lost phone is reported to the verifier.

// CanManageAny reports whether the actor's role may enroll or revoke
// devices at all.
func CanManageAny(a access.Actor) bool {
	return access.Manages(a)
}

// checkManager decides whether the actor may enroll or revoke devices of
// user. An account outside the actor's area is, to the actor, one that does
// not exist: the answer is notFound, the same as for an unknown id, so that
// the answer does not tell which ids exist elsewhere (as resetting a
// password does, access.AccountInArea).
func checkManager(a access.Actor, user *core.Record, notFound *Error) *Error {
	if !access.AccountInArea(a, user) {
		return notFound
	}
	switch access.CheckManaged(a, user) {
	case access.ManageOK:
		return nil
	case access.ManageRoleNot:
		return errVerifierOfficersOnly
	case access.ManageNotInArea:
		return notFound
	}
	return errManagerRole
}

// fleetScope limits the fleet list to the devices the actor may list (the
// devices collection's list grant): its own, and those of the accounts it
// manages. nil: every device.
func fleetScope(a access.Actor) dbx.Expression {
	cond, ok := access.OwnedFilter(a, catalog.Devices)
	if !ok {
		return dbx.HashExp{"user": a.ID}
	}
	return cond
}
