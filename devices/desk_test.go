package devices_test

import (
	"net/http"
	"strings"
	"testing"

	"jangkau/catalog"
	"jangkau/devices"
	tt "jangkau/internal/testapp"
)

// Desk roles (regency task-force members, agency officers) work in the
// console: no manager may enroll a phone for them, and a code issued for
// such an account before the role changed to a desk role is refused too.
func TestDeskRolesHaveNoPhone(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	for _, c := range []struct{ by, user string }{
		{tt.Secretariat, tt.RegencyMemberA},
		{tt.Secretariat, tt.AgencyOfficer},
		{tt.SuperuserEmail, tt.RegencyMemberA},
		{tt.SuperuserEmail, tt.AgencyOfficer},
	} {
		res := enroll(t, srv, c.by, c.user)
		body := string(res.Body)
		if res.Status != http.StatusForbidden || !strings.Contains(body, devices.CodeDeskRole) {
			t.Errorf("%s enrolling %s: %d %s, want 403 %s", c.by, c.user, res.Status, body, devices.CodeDeskRole)
		}
		// the reason, in both languages
		if !strings.Contains(body, "konsol") || !strings.Contains(body, "console") {
			t.Errorf("%s enrolling %s: the message does not name the reason: %s", c.by, c.user, body)
		}
	}
	if n := count(t, srv.App, catalog.DeviceEnrollments, ""); n != 0 {
		t.Errorf("%d enrollments stored for desk roles", n)
	}
	// an account outside the verifier's regency is refused as unknown, before its role is read
	if res := enroll(t, srv, tt.VerifierB, tt.RegencyMemberA); res.Status != http.StatusBadRequest || res.FieldError("user") != devices.CodeUnknownUser {
		t.Errorf("verifier B enrolling a regency A member: %d %s", res.Status, res.Body)
	}
}

// A code issued while the account was not a desk role, activated after
// the role became one by a direct write that kept the binding (what a code
// from before this rule looks like): refused, and no device is made.
func TestDeskRoleCodeRefusedAtActivation(t *testing.T) {
	t.Parallel()
	srv := tt.NewServer(t)
	code := str(mustEnroll(t, srv, tt.Secretariat, tt.Taskforce)["code"])
	if _, err := srv.App.DB().NewQuery("UPDATE users SET role = {:r} WHERE id = {:id}").
		Bind(map[string]any{"r": catalog.RoleAgencyOfficer, "id": tt.UserID(tt.Taskforce)}).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.App.DB().NewQuery("UPDATE device_enrollments SET bound_role = {:r}").
		Bind(map[string]any{"r": catalog.RoleAgencyOfficer}).Execute(); err != nil {
		t.Fatal(err)
	}
	res := activate(t, srv, code)
	if res.Status != http.StatusForbidden || !strings.Contains(string(res.Body), devices.CodeDeskRole) {
		t.Fatalf("activation of a desk role's code: %d %s", res.Status, res.Body)
	}
	if n := count(t, srv.App, catalog.Devices, "enrolled = true"); n != 0 {
		t.Errorf("%d devices enrolled", n)
	}
}
