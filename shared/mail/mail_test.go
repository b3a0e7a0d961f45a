package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kwipper/kwipper/shared/devstack/mailbox"
	"github.com/kwipper/kwipper/shared/mail"
)

// The SendGrid sender and the dev mailbox speak the same Mail Send API: a
// message sent arrives as it was sent; a wrong key or a message the API
// would refuse is an error and nothing arrives.
func TestSendGrid_toTheMailbox(t *testing.T) {
	var heard []mailbox.Received
	box, err := mailbox.Start(mailbox.Options{Key: "k", OnMessage: func(r mailbox.Received) { heard = append(heard, r) }})
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	ctx := context.Background()
	s := mail.SendGrid{Base: box.URL, Key: "k", From: "Kwipper <no-reply@kwipper.test>"}
	m := mail.Message{To: "ana@example.com", Subject: "Restablece tu contraseña", Text: "Hola Ana:\n\nhttps://x/#/reset-password?token=kwe1.abc\n", Category: "reset_password"}
	if err := s.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	got := box.Messages("ANA@example.com")
	if len(got) != 1 || got[0].Message != m || len(heard) != 1 {
		t.Fatalf("mailbox holds %+v, heard %d", got, len(heard))
	}
	for name, bad := range map[string]struct {
		s mail.SendGrid
		m mail.Message
	}{
		"wrong_key":  {mail.SendGrid{Base: box.URL, Key: "nope", From: s.From}, m},
		"no_subject": {s, mail.Message{To: m.To, Text: "x"}},
		"bad_from":   {mail.SendGrid{Base: box.URL, Key: "k", From: "not an address"}, m},
	} {
		if err := bad.s.Send(ctx, bad.m); err == nil {
			t.Errorf("%s: sent", name)
		}
	}
	if n := len(box.Messages("")); n != 1 {
		t.Fatalf("%d messages after refusals, want 1", n)
	}
}

func TestParse_refusesWhatTheAPIRefuses(t *testing.T) {
	for _, body := range []string{`{`, `{"personalizations":[],"from":{"email":"a@b"},"subject":"s","content":[{"type":"text/plain","value":"v"}]}`,
		`{"personalizations":[{"to":[{"email":"x@y"}]}],"from":{"email":"a@b"},"subject":"s","content":[{"type":"text/html","value":"v"}]}`} {
		if _, err := mail.Parse(strings.NewReader(body)); err == nil {
			t.Errorf("parsed %s", body)
		}
	}
}
