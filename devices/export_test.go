package devices

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"jangkau/catalog"
)

// TouchBySave is Touch as it was before its prepared UPDATE: the device
// loaded and saved as a PocketBase record, all record hooks running. It is
// the oracle of TestTouchWritesWhatASaveWrote.
func TouchBySave(app core.App, user *core.Record, c Contact) error {
	if Fresh(app, user, c) {
		return nil
	}
	var dev *core.Record
	var err error
	switch {
	case c.DeviceID != "":
		dev, err = app.FindRecordById(catalog.Devices, c.DeviceID)
		if err != nil {
			return err
		}
	case c.ClientID != "":
		dev, err = app.FindFirstRecordByFilter(catalog.Devices, "user = {:u} && client_id = {:c}", map[string]any{"u": user.Id, "c": c.ClientID})
		if err != nil {
			col, cerr := app.FindCollectionByNameOrId(catalog.Devices)
			if cerr != nil {
				return cerr
			}
			dev = core.NewRecord(col)
			dev.Set("user", user.Id)
			dev.Set("client_id", c.ClientID)
		}
	default:
		return nil
	}
	setHealth(dev, user, c, types.NowDateTime())
	if err := app.Save(dev); err != nil {
		return err
	}
	remember(app, user, c, dev)
	return nil
}

// ForgetWritten forgets what Touch wrote on app's devices (Fresh then
// reports false).
func ForgetWritten(app core.App) {
	writtenMu.Lock()
	defer writtenMu.Unlock()
	for k := range writtenBy {
		if strings.HasPrefix(k, app.DataDir()+"\x00") {
			delete(writtenBy, k)
		}
	}
}
