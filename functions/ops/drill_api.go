package ops

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// apiClient calls Kwipper's public API as a client would: JSON in and out,
// a bearer token when it has one.
type apiClient struct {
	base  string
	http  *http.Client
	token string
}

// newAPIClient calls the API at base; a request may take up to timeout
// (an emulator on a busy machine can be slow; a POST cut short may still
// have committed, so the bound is generous).
func newAPIClient(base string, timeout time.Duration) *apiClient {
	return &apiClient{base: base, http: &http.Client{Timeout: timeout}}
}

// as is the client acting with token.
func (c *apiClient) as(token string) *apiClient {
	cp := *c
	cp.token = token
	return &cp
}

// apiError is an answer with a status other than the one wanted.
type apiError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %s", e.Method, e.Path, e.Status, e.Body)
}

// call sends body (JSON, unless nil) and decodes a 2xx answer into out
// (unless nil). Any other status is an *apiError. A 503 is tried again a
// few times: the API answers it only when nothing was committed (e.g. a
// transaction the emulator lost), so a retry cannot write twice.
func (c *apiClient) call(ctx context.Context, method, path string, body, out any) error {
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		err := c.once(ctx, method, path, b, out)
		var ae *apiError
		if attempt == 5 || !errors.As(err, &ae) || ae.Status != http.StatusServiceUnavailable {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(100<<attempt) * time.Millisecond):
		}
	}
}

func (c *apiClient) once(ctx context.Context, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &apiError{Method: method, Path: path, Status: resp.StatusCode, Body: string(bytes.TrimSpace(b))}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decode %s: %w", method, path, b, err)
		}
	}
	return nil
}

// register creates a user and logs in, returning the user's id and token.
func (c *apiClient) register(ctx context.Context, email, password, name, country string, roles ...string) (id, token string, err error) {
	var u struct {
		ID string `json:"id"`
	}
	if err := c.call(ctx, "POST", "/v1/users", map[string]any{"email": email, "password": password, "display_name": name,
		"roles": roles, "country": country}, &u); err != nil {
		return "", "", err
	}
	token, err = c.login(ctx, email, password)
	return u.ID, token, err
}

// login returns an access token.
func (c *apiClient) login(ctx context.Context, email, password string) (string, error) {
	var s struct {
		AccessToken string `json:"access_token"`
	}
	err := c.call(ctx, "POST", "/v1/sessions", map[string]string{"email": email, "password": password}, &s)
	return s.AccessToken, err
}

// subscriptionView is what the API says of a subscription.
type subscriptionView struct {
	ID                string `json:"id"`
	CourseID          string `json:"course_id"`
	Status            string `json:"status"`
	ReasonCode        string `json:"reason_code"`
	CancelAtPeriodEnd bool   `json:"cancel_at_period_end"`
}

// itemView is what the API says of a course item.
type itemView struct {
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// items lists a course's items as the client sees them.
func (c *apiClient) items(ctx context.Context, courseID string) ([]itemView, error) {
	var out struct {
		Items []itemView `json:"items"`
	}
	err := c.call(ctx, "GET", "/v1/courses/"+courseID+"/items", nil, &out)
	return out.Items, err
}
