package testapp

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Realtime is a connection to PocketBase realtime (/api/realtime), read the
// way a phone's SDK reads it.
type Realtime struct {
	ID     string              // the client id PB_CONNECT gave
	Events chan map[string]any // record messages, in order
	closed chan struct{}
	srv    *Server
}

// ConnectRealtime opens a realtime connection and waits for PB_CONNECT.
func ConnectRealtime(t testing.TB, srv *Server) *Realtime {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/realtime", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	c := &Realtime{Events: make(chan map[string]any, 100), closed: make(chan struct{}), srv: srv}
	connected := make(chan string, 1)
	go func() {
		defer close(c.closed)
		sc := bufio.NewScanner(res.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event:"):
				event = strings.TrimSpace(line[6:])
			case strings.HasPrefix(line, "data:"):
				var m map[string]any
				_ = json.Unmarshal([]byte(strings.TrimSpace(line[5:])), &m)
				if event == "PB_CONNECT" {
					id, _ := m["clientId"].(string)
					connected <- id
				} else {
					c.Events <- m
				}
			}
		}
	}()
	select {
	case c.ID = <-connected:
	case <-time.After(10 * time.Second):
		t.Fatal("no PB_CONNECT")
	}
	return c
}

// Subscribe sets the connection's topics with token's authorization.
func (c *Realtime) Subscribe(t testing.TB, token string, topics ...string) Response {
	t.Helper()
	return c.srv.Do(t, http.MethodPost, "/api/realtime", token, map[string]any{"clientId": c.ID, "subscriptions": topics})
}

// Next waits (bounded, so a broken server fails the test instead of
// hanging it) for the next record message.
func (c *Realtime) Next(t testing.TB) map[string]any {
	t.Helper()
	select {
	case ev := <-c.Events:
		return ev
	case <-c.closed:
		t.Fatal("realtime connection closed")
	case <-time.After(10 * time.Second):
		t.Fatal("no realtime event")
	}
	return nil
}

// Received collects the ids of the records delivered within the wait.
func (c *Realtime) Received(wait time.Duration) map[string]bool {
	got := map[string]bool{}
	deadline := time.After(wait)
	for {
		select {
		case ev := <-c.Events:
			if rec, ok := ev["record"].(map[string]any); ok {
				id, _ := rec["id"].(string)
				got[id] = true
			}
		case <-deadline:
			return got
		}
	}
}

// WaitClosed reports whether the server ended the connection (bounded wait).
func (c *Realtime) WaitClosed() bool {
	select {
	case <-c.closed:
		return true
	case <-time.After(10 * time.Second):
		return false
	}
}
