package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

type body struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, body, ctype string
		status            int
		want              string // substring of the message or a field name
	}{
		{"ok", `{"name":"a","count":2}`, "application/json", 0, ""},
		{"ok_no_content_type", `{"name":"a"}`, "", 0, ""},
		{"400_malformed", `{"name":`, "application/json", 400, "ends too early"},
		{"400_syntax", `{"name" "a"}`, "application/json", 400, "not valid JSON"},
		{"400_unknown_field", `{"nme":"a"}`, "application/json", 400, "nme"},
		{"400_wrong_type", `{"count":"two"}`, "application/json", 400, "count"},
		{"400_not_object", `[1,2]`, "application/json", 400, "JSON object"},
		{"400_empty", ``, "application/json", 400, "empty"},
		{"400_two_values", `{"name":"a"}{"name":"b"}`, "application/json", 400, "single JSON object"},
		{"400_content_type", `{"name":"a"}`, "text/plain", 400, "Content-Type"},
		{"413_oversize", `{"name":"` + strings.Repeat("x", MaxBody) + `"}`, "application/json", 413, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			w := httptest.NewRecorder()
			var b body
			err := Decode(w, r, &b)
			if tc.status == 0 {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var e *errs.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *errs.Error", err)
			}
			if e.Kind.HTTPStatus() != tc.status {
				t.Fatalf("status %d, want %d (%v)", e.Kind.HTTPStatus(), tc.status, err)
			}
			if !strings.Contains(e.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", e.Error(), tc.want)
			}
		})
	}
}

func TestWriteError_masksInternalAndNamesFields(t *testing.T) {
	w := httptest.NewRecorder()
	WriteError(w, httptest.NewRequest("GET", "/", nil), errors.New("spanner: secret connection detail"))
	if w.Code != 500 || strings.Contains(w.Body.String(), "secret connection detail") {
		t.Fatalf("internal error leaked: %d %s", w.Code, w.Body)
	}
	var f errs.Fields
	f.Add("title", "is required")
	w = httptest.NewRecorder()
	WriteError(w, httptest.NewRequest("GET", "/", nil), f.Err())
	var got ErrorBody
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if w.Code != 400 || got.Error.Code != "invalid" || got.Error.Fields["title"] != "is required" {
		t.Fatalf("got %d %+v", w.Code, got)
	}
}

func TestMiddleware_recoversPanics(t *testing.T) {
	h := Middleware(nil, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 500 {
		t.Fatalf("status %d", w.Code)
	}
}

// A client that sends its body slower than ReadTimeout loses the connection
// instead of holding it, even behind a server without timeouts.
func TestMiddleware_slowBodyDoesNotHoldTheConnection(t *testing.T) {
	old := ReadTimeout
	ReadTimeout = 200 * time.Millisecond
	defer func() { ReadTimeout = old }()
	srv := httptest.NewServer(Middleware(nil, Handler(func(w http.ResponseWriter, r *http.Request) error {
		var v map[string]any
		if err := Decode(w, r, &v); err != nil {
			return err
		}
		WriteJSON(w, 200, v)
		return nil
	})))
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":")
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(conn) // ends when the server gives up on the body and closes
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server still holds a connection whose body stalled (read %q)", b)
	}
	if len(b) > 0 && !strings.Contains(string(b), "400") && !strings.Contains(string(b), "408") {
		t.Fatalf("answer to a stalled body: %q", b)
	}
}

// Any body and Content-Type into a request struct: decoded, or refused as
// Invalid/TooLarge (a 4xx), never a panic or another kind.
func FuzzDecode(f *testing.F) {
	f.Add(`{"name":"Ana","n":1,"price":{"amount":100,"currency":"IDR"},"tags":["a"]}`, "application/json")
	f.Add(`{"n":1e999}`, "")
	f.Add(`{"price":{"amount":"x"}}`, "application/json; charset=utf-8")
	f.Add(`{"name":"\ud800"} {}`, "text/plain")
	f.Add(`{"unknown":true}`, "application/json")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		var dst struct {
			Name  string   `json:"name"`
			N     int64    `json:"n"`
			F     *float64 `json:"f"`
			Tags  []string `json:"tags"`
			Price struct {
				Amount   int64  `json:"amount"`
				Currency string `json:"currency"`
			} `json:"price"`
			When *time.Time `json:"when"`
		}
		r := httptest.NewRequest("POST", "/x", strings.NewReader(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		err := Decode(httptest.NewRecorder(), r, &dst)
		if err != nil && !errs.Is(err, errs.Invalid) && !errs.Is(err, errs.TooLarge) {
			t.Fatalf("Decode(%q, %q): %T %v", body, contentType, err, err)
		}
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("refusal without a message: %v", err)
			}
		}
	})
}
