package apitest

import (
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/kwipper/kwipper/shared/devstack/mailbox"
)

// Mails are the emails of category (verify_email, reset_password) the
// stack's mailbox holds for to, oldest first.
func (e *Env) Mails(to, category string) []mailbox.Received {
	var out []mailbox.Received
	for _, m := range e.Mailbox.Messages(to) {
		if m.Category == category {
			out = append(out, m)
		}
	}
	return out
}

// Mail waits for the n-th (1-based) email of category to to and returns it.
func (e *Env) Mail(to, category string, n int) mailbox.Received {
	e.T.Helper()
	var ms []mailbox.Received
	e.Eventually(fmt.Sprintf("email %s #%d to %s", category, n, to), 30*time.Second, func() bool {
		ms = e.Mails(to, category)
		return len(ms) >= n
	})
	return ms[n-1]
}

var linkToken = regexp.MustCompile(`[?&]token=([^\s&#]+)`)

// MailToken is the token of the link in m.
func (e *Env) MailToken(m mailbox.Received) string {
	e.T.Helper()
	match := linkToken.FindStringSubmatch(m.Text)
	if match == nil {
		e.T.Fatalf("apitest: no link with a token in the email %q:\n%s", m.Subject, m.Text)
	}
	tok, err := url.QueryUnescape(match[1])
	if err != nil {
		e.T.Fatal(err)
	}
	return tok
}
