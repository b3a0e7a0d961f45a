package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sync"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/shared/apidoc/apicheck"
)

var (
	checkerOnce sync.Once
	checker     *apicheck.Checker
	checkerErr  error
)

// conformance is the checker of the committed document, loaded (and
// validated) once per test binary.
func conformance() (*apicheck.Checker, error) {
	checkerOnce.Do(func() {
		checker, checkerErr = apicheck.New(functions.OpenAPIDocument, functions.Table())
		if checkerErr != nil {
			checkerErr = fmt.Errorf("apitest: %w", checkerErr)
		}
	})
	return checker, checkerErr
}

// HTTPClient is an HTTP client whose answers from the stack are checked
// against the OpenAPI document (requests elsewhere, e.g. to signed storage
// URLs, pass unchecked); give it to a functions/client.Client.
func (e *Env) HTTPClient() *http.Client {
	return &http.Client{Transport: checkingTransport{e: e, next: http.DefaultTransport}}
}

type checkingTransport struct {
	e    *Env
	next http.RoundTripper
}

func (c checkingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil || !c.e.serves(req.URL) || apicheck.Skip(req.URL.Path) {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil // the caller meets the same error reading
	}
	if req.Method == http.MethodHead {
		return resp, nil
	}
	ch, _ := conformance()
	if cerr := ch.Check(req, resp.StatusCode, resp.Header, body); cerr != nil {
		c.e.T.Errorf("apitest: the answer does not match the API document (functions/openapi.json):\n%v", cerr)
	}
	c.e.mu.Lock()
	c.e.checked++
	c.e.mu.Unlock()
	if path := os.Getenv("KW_APICHECK_LOG"); path != "" {
		logChecked(path, ch.Function(req), req, resp.StatusCode)
	}
	return resp, nil
}

// serves reports whether u is the stack's.
func (e *Env) serves(u *url.URL) bool {
	base, err := url.Parse(e.URL)
	return err == nil && u.Host == base.Host
}

var logMu sync.Mutex

// logChecked appends one line per checked answer to path (KW_APICHECK_LOG),
// for a summary of what the flow tests covered.
func logChecked(path, function string, req *http.Request, status int) {
	logMu.Lock()
	defer logMu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	b, _ := json.Marshal(map[string]any{"function": function, "method": req.Method, "path": req.URL.Path, "status": status})
	_, _ = f.Write(append(b, '\n'))
}
