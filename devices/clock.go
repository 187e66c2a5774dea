package devices

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

const clockKey = "jangkau.devices.clock"

// SetClock makes the device code of app read the time from now instead of
// the wall clock. Tests use it to move an app months ahead (a phone that was
// offline for 90 days) without sleeping; it is kept per app, so tests that
// run side by side do not see each other's time.
func SetClock(app core.App, now func() time.Time) {
	app.Store().Set(clockKey, now)
}

// Now is the time as the device code of app sees it (UTC).
func Now(app core.App) time.Time {
	if f, ok := app.Store().Get(clockKey).(func() time.Time); ok && f != nil {
		return f().UTC()
	}
	return time.Now().UTC()
}
