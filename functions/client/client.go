// Package client calls Kwipper's public API as an app would: JSON in and
// out, a bearer token when it has one, media through the signed upload URLs
// the Content service issues. The operator commands (kwipper drill) and the
// local stack's demo data use it; it knows the API only by its paths and
// JSON, never by a service's Go types.
package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Client calls the API at Base.
type Client struct {
	Base  string
	HTTP  *http.Client
	Token string
}

// New calls the API at base; a request may take up to timeout (an emulator
// on a busy machine can be slow; a POST cut short may still have committed,
// so the bound should be generous).
func New(base string, timeout time.Duration) *Client {
	return &Client{Base: base, HTTP: &http.Client{Timeout: timeout}}
}

// As is the client acting with token.
func (c *Client) As(token string) *Client {
	cp := *c
	cp.Token = token
	return &cp
}

// APIError is an answer with a status other than 2xx.
type APIError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %s", e.Method, e.Path, e.Status, e.Body)
}

// StatusOf is err's HTTP status when it is an *APIError, else 0.
func StatusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// Call sends body (JSON, unless nil) and decodes a 2xx answer into out
// (unless nil). Any other status is an *APIError. A 503 is tried again a
// few times: the API answers it only when nothing was committed (e.g. a
// transaction the emulator lost), so a retry cannot write twice.
func (c *Client) Call(ctx context.Context, method, path string, body, out any) error {
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		err := c.once(ctx, method, path, b, out)
		if attempt == 5 || StatusOf(err) != http.StatusServiceUnavailable {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(100<<attempt) * time.Millisecond):
		}
	}
}

func (c *Client) once(ctx context.Context, method, path string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &APIError{Method: method, Path: path, Status: resp.StatusCode, Body: string(bytes.TrimSpace(b))}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decode %s: %w", method, path, b, err)
		}
	}
	return nil
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// Register creates a user and logs in, returning the user's id and token.
func (c *Client) Register(ctx context.Context, email, password, name, country string, roles ...string) (id, token string, err error) {
	var u struct {
		ID string `json:"id"`
	}
	if err := c.Call(ctx, "POST", "/v1/users", map[string]any{"email": email, "password": password, "display_name": name,
		"roles": roles, "country": country}, &u); err != nil {
		return "", "", err
	}
	token, err = c.Login(ctx, email, password)
	return u.ID, token, err
}

// Login returns an access token.
func (c *Client) Login(ctx context.Context, email, password string) (string, error) {
	var s struct {
		AccessToken string `json:"access_token"`
	}
	err := c.Call(ctx, "POST", "/v1/sessions", map[string]string{"email": email, "password": password}, &s)
	return s.AccessToken, err
}

// Upload is what the API says of an upload.
type Upload struct {
	ID        string            `json:"id"`
	Status    string            `json:"status"`
	Reason    string            `json:"reason"`
	Resumable bool              `json:"resumable"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
}

// NewItemWait is how long UploadMedia waits for the Content service to learn
// of a new item.
const NewItemWait = 60 * time.Second

// UploadMedia uploads body as the video or file of a course item, as the
// apps do (ask for a signed URL, send the bytes to Cloud Storage, a
// resumable session for large ones), and waits until the Content service
// has checked it: the upload it returns is ready, or the error says why not.
func (c *Client) UploadMedia(ctx context.Context, courseID, itemID, contentType, fileName string, body []byte) (Upload, error) {
	sum := sha256.Sum256(body)
	path := "/v1/courses/" + courseID + "/items/" + itemID + "/uploads"
	var up Upload
	// The Content service learns of a new item from course events, within
	// seconds: until then the item is not found there.
	for waited := time.Duration(0); ; waited += time.Second {
		err := c.Call(ctx, "POST", path, map[string]any{"content_type": contentType, "size": len(body),
			"sha256": hex.EncodeToString(sum[:]), "file_name": fileName}, &up)
		if err == nil {
			break
		}
		if StatusOf(err) != http.StatusNotFound || waited >= NewItemWait {
			return up, err
		}
		select {
		case <-ctx.Done():
			return up, err
		case <-time.After(time.Second):
		}
	}
	if err := c.send(ctx, up, body); err != nil {
		return up, fmt.Errorf("upload %s: %w", up.ID, err)
	}
	for {
		if err := c.Call(ctx, "GET", path+"/"+up.ID, nil, &up); err != nil {
			return up, err
		}
		switch up.Status {
		case "ready":
			return up, nil
		case "pending":
		default:
			return up, fmt.Errorf("upload %s is %s: %s", up.ID, up.Status, up.Reason)
		}
		select {
		case <-ctx.Done():
			return up, fmt.Errorf("upload %s still pending: %w", up.ID, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// send puts body through the signed URL: one request, or for a resumable
// upload a session opened by the signed POST and then the bytes in one PUT.
func (c *Client) send(ctx context.Context, up Upload, body []byte) error {
	var rd io.Reader = bytes.NewReader(body)
	if up.Resumable {
		rd = nil
	}
	resp, err := c.storage(ctx, up.Method, up.URL, up.Headers, rd)
	if err != nil || !up.Resumable {
		return err
	}
	session := resp.Header.Get("Location")
	if session == "" {
		return errors.New("the resumable upload answered no session URI")
	}
	_, err = c.storage(ctx, http.MethodPut, session, map[string]string{
		"Content-Range": "bytes 0-" + strconv.Itoa(len(body)-1) + "/" + strconv.Itoa(len(body))}, bytes.NewReader(body))
	return err
}

func (c *Client) storage(ctx context.Context, method, url string, headers map[string]string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, err
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	if resp.StatusCode > 299 {
		return nil, fmt.Errorf("%s to storage: status %d: %s", method, resp.StatusCode, bytes.TrimSpace(b))
	}
	return resp, nil
}

// Placeholder is a small file for an item of kind ("video" or "file") that
// passes the Content service's checks (an MP4 ftyp box, a PDF header), for
// seeds and tests that need media but not a playable one; ok is false for
// kinds without media.
func Placeholder(kind string) (contentType, fileName string, body []byte, ok bool) {
	switch kind {
	case "video":
		return "video/mp4", "lesson.mp4", append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 8<<10)...), true
	case "file":
		return "application/pdf", "handout.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), true
	}
	return "", "", nil, false
}

// Publish publishes a course. The Course service hears that an item's media
// is ready through Pub/Sub, a moment after the upload is: until then
// publishing is 409, so Publish tries again for up to NewItemWait.
func (c *Client) Publish(ctx context.Context, courseID string) error {
	for deadline := time.Now().Add(NewItemWait); ; {
		err := c.Call(ctx, "POST", "/v1/courses/"+courseID+"/publish", nil, nil)
		if err == nil || StatusOf(err) != http.StatusConflict || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(300 * time.Millisecond):
		}
	}
}
