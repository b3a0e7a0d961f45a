// Package mail is Kwipper's port to an email provider: a Message, and a
// Sender that speaks Twilio SendGrid's v3 Mail Send API
// (POST {base}/v3/mail/send, Bearer API key, 202 Accepted). In the cloud
// the base is https://api.sendgrid.com and the key comes from Secret
// Manager; locally it is the dev stack's mailbox (shared/devstack/mailbox),
// which speaks the same API and keeps what it is sent for tests and people
// to read.
package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/config"
)

// DefaultAPIBase is SendGrid's API.
const DefaultAPIBase = "https://api.sendgrid.com"

// SendPath is the Mail Send endpoint under the API base.
const SendPath = "/v3/mail/send"

// Message is one plain-text email to one recipient.
type Message struct {
	To      string
	Subject string
	Text    string
	// Category names the kind of message (verify_email, reset_password):
	// the provider's statistics group by it, and tests find messages by it.
	Category string
}

// Sender sends messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SendGrid sends through the v3 Mail Send API at Base with Key, from From
// ("Kwipper <no-reply@kwipper.example>").
type SendGrid struct {
	Base   string
	Key    config.Secret
	From   string
	Client *http.Client
}

// sendRequest is the Mail Send body (the part Kwipper uses).
type sendRequest struct {
	Personalizations []personalization `json:"personalizations"`
	From             Address           `json:"from"`
	Subject          string            `json:"subject"`
	Content          []Content         `json:"content"`
	Categories       []string          `json:"categories,omitempty"`
}

type personalization struct {
	To []Address `json:"to"`
}

// Address is an email address with an optional name.
type Address struct {
	Email string `json:"email"`
	Name  string `json:"name,omitempty"`
}

// Content is one body of a message, by MIME type.
type Content struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Send sends m, answering an error unless the provider accepted it.
func (s SendGrid) Send(ctx context.Context, m Message) error {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("mail: sender %q: %w", s.From, err)
	}
	req := sendRequest{Personalizations: []personalization{{To: []Address{{Email: m.To}}}},
		From: Address{Email: from.Address, Name: from.Name}, Subject: m.Subject,
		Content: []Content{{Type: "text/plain", Value: m.Text}}}
	if m.Category != "" {
		req.Categories = []string{m.Category}
	}
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(s.Base, "/")+SendPath, bytes.NewReader(b))
	if err != nil {
		return err
	}
	hr.Header.Set("Authorization", "Bearer "+s.Key.Reveal())
	hr.Header.Set("Content-Type", "application/json")
	c := s.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(hr)
	if err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("mail: the provider answered %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

// Parse reads a SendGrid Mail Send body back into its messages (one per
// recipient): the dev mailbox uses it, and so do tests of Send.
func Parse(r io.Reader) ([]Message, error) {
	var req sendRequest
	if err := json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&req); err != nil {
		return nil, fmt.Errorf("not a Mail Send body: %w", err)
	}
	var text string
	for _, c := range req.Content {
		if c.Type == "text/plain" {
			text = c.Value
		}
	}
	category := ""
	if len(req.Categories) > 0 {
		category = req.Categories[0]
	}
	var out []Message
	for _, p := range req.Personalizations {
		for _, to := range p.To {
			out = append(out, Message{To: to.Email, Subject: req.Subject, Text: text, Category: category})
		}
	}
	if len(out) == 0 || req.From.Email == "" || req.Subject == "" || text == "" {
		return nil, fmt.Errorf("a Mail Send body needs a recipient, a from address, a subject and text/plain content")
	}
	return out, nil
}
