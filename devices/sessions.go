package devices

import (
	"context"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// Requests in flight, per app, by device and by user, so that a revocation
// or a deactivation can cancel them. This is what ends long-lived custom
// responses at once (the sync hint streams, any future SSE or long poll):
// they watch their request's context, which is cancelled here.
type sessions struct {
	mu   sync.Mutex
	next uint64
	byID map[uint64]session
}

type session struct {
	device, user string
	cancel       context.CancelFunc
}

const sessionsStoreKey = "jangkau.devices.sessions"

func sessionsOf(app core.App) *sessions {
	return app.Store().GetOrSet(sessionsStoreKey, func() any {
		return &sessions{byID: map[uint64]session{}}
	}).(*sessions)
}

// Track registers a request of the user (and device, "" for a plain user
// token) whose context is cancelled by cancel. Call the returned function
// when the request ends.
func Track(app core.App, deviceID, userID string, cancel context.CancelFunc) (done func()) {
	s := sessionsOf(app)
	s.mu.Lock()
	s.next++
	id := s.next
	s.byID[id] = session{device: deviceID, user: userID, cancel: cancel}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.byID, id)
		s.mu.Unlock()
	}
}

// cancelSessions cancels the tracked requests that match.
func cancelSessions(app core.App, match func(device, user string) bool) {
	s := sessionsOf(app)
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, ss := range s.byID {
		if match(ss.device, ss.user) {
			ss.cancel()
			delete(s.byID, id)
		}
	}
}
