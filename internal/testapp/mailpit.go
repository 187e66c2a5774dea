package testapp

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/mailer"
)

// MailpitVersion is the Mailpit release the e-mail tests run against.
const MailpitVersion = "v1.33.1"

// MailpitBin is where `make mailpit` builds Mailpit (once per machine):
// ${XDG_CACHE_HOME:-$HOME/.cache}/jangkau-tools/mailpit-<version>/mailpit,
// or $JANGKAU_MAILPIT when set.
func MailpitBin() string {
	if p := os.Getenv("JANGKAU_MAILPIT"); p != "" {
		return p
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "jangkau-tools", "mailpit-"+MailpitVersion, "mailpit")
}

// Mailpit is a real Mailpit process: an SMTP server whose messages are
// read back through its HTTP API.
type Mailpit struct {
	SMTPPort int
	API      string // http://127.0.0.1:port
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// StartMailpit runs Mailpit on free loopback ports until the test ends.
// A missing binary fails the test with how to build it (make mailpit).
func StartMailpit(t testing.TB) *Mailpit {
	t.Helper()
	bin := MailpitBin()
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("Mailpit %s is not built at %s: run `make mailpit` (go install github.com/axllent/mailpit@%s into that directory)", MailpitVersion, bin, MailpitVersion)
	}
	smtpPort, httpPort := freePort(t), freePort(t)
	cmd := exec.Command(bin, "--smtp", fmt.Sprintf("127.0.0.1:%d", smtpPort), "--listen", fmt.Sprintf("127.0.0.1:%d", httpPort),
		"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--smtp-auth-accept-any", "--smtp-auth-allow-insecure",
		"--disable-version-check", "--quiet")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	m := &Mailpit{SMTPPort: smtpPort, API: fmt.Sprintf("http://127.0.0.1:%d", httpPort)}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(m.API + "/api/v1/messages")
		if err == nil {
			res.Body.Close()
			if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", smtpPort)); err == nil {
				c.Close()
				return m
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("Mailpit did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// UseMailpit points app's mailer at m: the SMTP settings, and (a test app
// otherwise keeps mails in its TestMailer) a real SMTP client for every
// message.
func UseMailpit(t testing.TB, app *tests.TestApp, m *Mailpit) {
	t.Helper()
	s := app.Settings()
	s.SMTP.Enabled, s.SMTP.Host, s.SMTP.Port = true, "127.0.0.1", m.SMTPPort
	s.Meta.SenderAddress, s.Meta.SenderName = "noreply@jangkau.test", "Jangkau"
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	app.OnMailerSend().Bind(&hook.Handler[*core.MailerEvent]{
		Priority: -99998, // right after the TestApp's own, which swaps in its TestMailer
		Func: func(e *core.MailerEvent) error {
			e.Mailer = &mailer.SMTPClient{Host: "127.0.0.1", Port: m.SMTPPort}
			return e.Next()
		},
	})
}

// MailSummary is one message in Mailpit's list.
type MailSummary struct {
	ID      string `json:"ID"`
	Subject string `json:"Subject"`
	To      []struct {
		Address string `json:"Address"`
	} `json:"To"`
}

// Mail is one message read back whole.
type Mail struct {
	Subject string `json:"Subject"`
	HTML    string `json:"HTML"`
	Text    string `json:"Text"`
}

func (m *Mailpit) get(t testing.TB, path string, v any) {
	t.Helper()
	res, err := http.Get(m.API + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("mailpit %s: %d %s", path, res.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// Messages lists the messages sent to address (every message when empty),
// newest first.
func (m *Mailpit) Messages(t testing.TB, address string) []MailSummary {
	t.Helper()
	var list struct {
		Messages []MailSummary `json:"messages"`
	}
	m.get(t, "/api/v1/messages?limit=200", &list)
	out := []MailSummary{}
	for _, msg := range list.Messages {
		for _, to := range msg.To {
			if address == "" || strings.EqualFold(to.Address, address) {
				out = append(out, msg)
				break
			}
		}
	}
	return out
}

// WaitMessage waits (up to 20 s) for a message to address and reads it.
func (m *Mailpit) WaitMessage(t testing.TB, address string) Mail {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if list := m.Messages(t, address); len(list) > 0 {
			var mail Mail
			m.get(t, "/api/v1/message/"+list[0].ID, &mail)
			return mail
		}
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail to %s reached Mailpit", address)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
