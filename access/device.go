package access

import "github.com/pocketbase/pocketbase/core"

// DeviceKey is the request-store key under which the device middleware
// (package devices) puts the id of the enrolled phone a request comes
// from. It is defined here, below devices and audit, so that the audit
// trail can name the device without importing package devices.
const DeviceKey = "jangkau.device"

// DeviceOf returns the id of the enrolled device that sent e ("" for a
// password session or a guest).
func DeviceOf(e *core.RequestEvent) string {
	id, _ := e.Get(DeviceKey).(string)
	return id
}
