package access

import (
	"fmt"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"jangkau/areas"
	"jangkau/catalog"
)

// Actor is the caller as the access checks see it.
type Actor struct {
	ID        string
	Role      string
	Area      string
	Cluster   string
	Superuser bool
}

// ActorOf describes an authenticated record; nil gives the anonymous actor.
func ActorOf(auth *core.Record) Actor {
	if auth == nil {
		return Actor{}
	}
	if auth.IsSuperuser() {
		return Actor{ID: auth.Id, Superuser: true}
	}
	return Actor{
		ID:      auth.Id,
		Role:    auth.GetString("role"),
		Area:    auth.GetString("area"),
		Cluster: auth.GetString("cluster"),
	}
}

// Covers reports whether the actor's area includes the area code.
func (a Actor) Covers(code string) bool {
	if a.Superuser {
		return true
	}
	if a.Role == "" {
		return false
	}
	return areas.Contains(a.Area, code)
}

// Bilingual field messages.
var (
	errNotYourVillage = validation.NewError("not_your_area",
		"Desa/kelurahan ini di luar wilayah Anda. / This village is outside your area.")
	errNotYourRegency = validation.NewError("not_your_area",
		"Wilayah ini di luar kabupaten/kota Anda. / This area is outside your regency.")
	errNotYourCluster = validation.NewError("not_your_cluster",
		"Anda hanya boleh mengisi angka klaster Anda sendiri. / You may only enter figures of your own cluster.")
	errNoWriteRole = validation.NewError("forbidden_role",
		"Peran Anda tidak boleh mengubah data ini. / Your role may not change this data.")
	errOwnRoleArea = validation.NewError("self_escalation",
		"Anda tidak boleh mengubah peran, wilayah atau status akun Anda sendiri. / You may not change your own role, area or account state.")
	errOfficerOnly = validation.NewError("forbidden_role",
		"Verifikator kabupaten hanya mengelola akun operator desa. / A district verifier manages village officer accounts only.")
)

// CheckVillageRecord checks that the actor may write rec (an activity,
// outreach log or village programme) for the village it names.
func CheckVillageRecord(a Actor, rec *core.Record) validation.Errors {
	if a.Superuser {
		return nil
	}
	village := rec.GetString("village")
	switch a.Role {
	case catalog.RoleVillageOfficer:
		if village != a.Area {
			return validation.Errors{"village": errNotYourVillage}
		}
	case catalog.RoleDistrictVerifier:
		if !areas.Contains(a.Area, village) {
			return validation.Errors{"village": errNotYourRegency}
		}
	case catalog.RoleProvinceSecretariat:
	default:
		return validation.Errors{"village": errNoWriteRole}
	}
	return nil
}

// ReviewFields are what a reviewer (verifier, secretariat) may change on an
// activity or outreach log: the content belongs to the village.
var ReviewFields = map[string]bool{"status": true, "review_note": true, "reviewed_by": true, "reviewed_at": true, "updated": true}

var errReviewerEdit = validation.NewError("reviewer_edit",
	"Verifikator hanya boleh menyetujui atau mengembalikan; isi catatan diubah oleh desa. / A reviewer may only approve or return; the village edits the content.")

// CheckReviewerEdit refuses content changes by reviewers on a reviewed record.
func CheckReviewerEdit(a Actor, rec *core.Record) validation.Errors {
	if a.Superuser || a.Role == catalog.RoleVillageOfficer {
		return nil
	}
	for _, f := range ChangedFields(rec) {
		if !ReviewFields[f] {
			return validation.Errors{f: errReviewerEdit}
		}
	}
	return nil
}

// ChangedFields lists the fields whose value differs from the last saved one.
func ChangedFields(rec *core.Record) []string {
	orig := rec.Original()
	var changed []string
	for _, f := range rec.Collection().Fields {
		name := f.GetName()
		if fmt.Sprint(rec.Get(name)) != fmt.Sprint(orig.Get(name)) {
			changed = append(changed, name)
		}
	}
	return changed
}

// CheckAreaFigure checks that the actor may write an aggregate figure
// (case figures, RAD achievements) for the area and cluster it names.
func CheckAreaFigure(a Actor, rec *core.Record) validation.Errors {
	if a.Superuser {
		return nil
	}
	switch a.Role {
	case catalog.RoleProvinceSecretariat:
		return nil
	case catalog.RoleDistrictVerifier:
		if rec.GetString("area") != a.Area {
			return validation.Errors{"area": errNotYourRegency}
		}
		return nil
	case catalog.RoleTaskforceMember:
		if rec.Collection().Name == catalog.CaseAggregates && a.Cluster != "" && rec.GetString("cluster") == a.Cluster {
			return nil
		}
		return validation.Errors{"cluster": errNotYourCluster}
	}
	return validation.Errors{"area": errNoWriteRole}
}

// userProtectedFields are the account fields nobody may change on their own account.
var userProtectedFields = []string{"role", "area", "cluster", "deactivated"}

// CheckUserWrite checks an account create or update by the actor: nobody
// changes their own role, area or state; a verifier manages only village
// officers of its own regency.
func CheckUserWrite(a Actor, rec *core.Record) validation.Errors {
	if a.Superuser {
		return nil
	}
	if !rec.IsNew() && rec.Id == a.ID {
		orig := rec.Original()
		for _, f := range userProtectedFields {
			if rec.GetString(f) != orig.GetString(f) {
				return validation.Errors{f: errOwnRoleArea}
			}
		}
		return nil
	}
	switch a.Role {
	case catalog.RoleProvinceSecretariat:
		return nil
	case catalog.RoleDistrictVerifier:
		if rec.GetString("role") != catalog.RoleVillageOfficer {
			return validation.Errors{"role": errOfficerOnly}
		}
		if !areas.Contains(a.Area, rec.GetString("area")) {
			return validation.Errors{"area": errNotYourRegency}
		}
		return nil
	}
	return validation.Errors{"role": errNoWriteRole}
}
