// Package mailbox is the local stack's email provider: it speaks the part
// of SendGrid's v3 Mail Send API that shared/mail uses (so the services send
// to it exactly as they send in the cloud) and keeps every message it
// accepts, newest last, for tests and people to read:
//
//	GET {URL}/messages[?to=ana@example.com]   the messages as JSON
//
// It also hands each accepted message to Options.OnMessage (scripts/dev
// prints them).
package mailbox

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kwipper/kwipper/shared/mail"
)

// Options configure a mailbox.
type Options struct {
	// Key is the only API key it accepts.
	Key string
	// OnMessage, when set, hears every accepted message.
	OnMessage func(Received)
}

// Received is a message the mailbox accepted.
type Received struct {
	mail.Message
	At time.Time `json:"at"`
}

// MarshalJSON writes the message with lower-case field names.
func (r Received) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"to": r.To, "subject": r.Subject, "text": r.Text, "category": r.Category, "at": r.At})
}

// Server is a running mailbox.
type Server struct {
	// URL is the API base the services send to (KW_MAIL_API_BASE).
	URL  string
	opts Options
	srv  *http.Server
	mu   sync.Mutex
	msgs []Received
}

// Start serves a mailbox on a loopback port.
func Start(o Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), opts: o}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+mail.SendPath, s.send)
	mux.Handle("GET /messages", s.ListHandler())
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// Close stops the mailbox.
func (s *Server) Close() { _ = s.srv.Close() }

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.opts.Key {
		http.Error(w, `{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked"}]}`, http.StatusUnauthorized)
		return
	}
	msgs, err := mail.Parse(r.Body)
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"message": err.Error()}}})
		return
	}
	now := time.Now().UTC()
	s.mu.Lock()
	for _, m := range msgs {
		s.msgs = append(s.msgs, Received{Message: m, At: now})
	}
	s.mu.Unlock()
	if s.opts.OnMessage != nil {
		for _, m := range msgs {
			s.opts.OnMessage(Received{Message: m, At: now})
		}
	}
	w.WriteHeader(http.StatusAccepted)
}

// ListHandler answers the messages as JSON (?to= for one recipient's).
func (s *Server) ListHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(s.Messages(r.URL.Query().Get("to")))
	})
}

// Messages are the messages sent to to (every message when to is empty),
// oldest first.
func (s *Server) Messages(to string) []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Received{}
	for _, m := range s.msgs {
		if to == "" || strings.EqualFold(m.To, to) {
			out = append(out, m)
		}
	}
	return out
}
