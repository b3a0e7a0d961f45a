package content

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/kwipper/kwipper/functions/content/stream"
	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/idempotency"
)

// Service is the Content service: its handlers and what they need.
type Service struct {
	store     store
	objects   objectStore
	uploads   URLSigner
	downloads URLSigner
	cfg       Config
	// media reads and writes streaming outputs; transcoder makes ladders
	// (nil when KW_TRANSCODER=off); cookies signs streaming cookies.
	media      stream.GCS
	transcoder stream.Transcoder
	cookies    stream.CookieSigner
	staleness  time.Duration
	now        func() time.Time
	log        *slog.Logger
}

// build makes the service from its settings: the storage client
// (fake-gcs-server when STORAGE_EMULATOR_HOST is set), the V4 signer (a
// generated key locally, KW_GCS_SIGNING_KEY in the cloud) and, when
// configured, the Cloud CDN signer for downloads.
func build(d fnreg.Deps) (*Service, error) {
	r := d.Env()
	c := loadConfig(r, d.Config)
	if err := r.Err(); err != nil {
		return nil, err
	}
	uploads, err := v4Signer(c, d.Config)
	if err != nil {
		return nil, err
	}
	var downloads URLSigner = uploads
	if c.CDNBaseURL != "" {
		key, err := ParseCDNKey(c.URLSigningKey.Reveal())
		if err != nil {
			return nil, fmt.Errorf("KW_URL_SIGNING_KEY: %w", err)
		}
		downloads = CDNSigner{BaseURL: c.CDNBaseURL, KeyName: c.URLSigningKeyName, Key: key}
	}
	client, err := newStorageClient(context.Background(), c.StorageEmulatorHost)
	if err != nil {
		return nil, err
	}
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	s := &Service{store: newStore(d), objects: gcsObjects{bucket: client.Bucket(c.Bucket)}, uploads: uploads, downloads: downloads,
		cfg: c, staleness: max(d.Config.CatalogStaleness, 0), now: time.Now, log: log,
		media: stream.GCS{Bucket: client.Bucket(c.Bucket)}}
	s.store.afterDelete = s.deleteObjects
	s.store.afterLadder = s.deleteLadders
	if err := s.buildStreaming(d); err != nil {
		return nil, err
	}
	return s, nil
}

// pathIDs returns the course and item of the request's path.
func pathIDs(r *http.Request) (courseID, itemID string, err error) {
	courseID, itemID = r.PathValue("courseId"), r.PathValue("itemId")
	if !validID(courseID) {
		return "", "", ErrCourseNotFound
	}
	if !validID(itemID) {
		return "", "", ErrItemNotFound
	}
	return courseID, itemID, nil
}

func (s *Service) startUpload(w http.ResponseWriter, r *http.Request) error {
	var req UploadRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	courseID, itemID, err := pathIDs(r)
	if err != nil {
		return err
	}
	p := auth.Caller(r)
	ic, err := s.store.get(r.Context(), courseID, itemID, 0)
	if err != nil {
		return err
	}
	if !ic.Course.isOwner(p.UserID) {
		return ErrNotOwner
	}
	up, err := validateUpload(req, ic.Item, s.cfg.Limits)
	if err != nil {
		return err
	}
	now := s.now()
	up.ID, up.CourseID, up.ItemID, up.TutorID = idempotency.ID(r.Context(), 0), courseID, itemID, p.UserID
	up.ObjectName = objectName(s.cfg.ObjectPrefix, courseID, itemID, up.ID)
	up.Status, up.CreatedAt, up.ExpiresAt = UploadPending, now, now.Add(s.cfg.UploadURLTTL)
	v, err := s.uploadView(up, ic.Item.Kind)
	if err != nil {
		return err
	}
	if err := s.store.startUpload(r.Context(), up, now); err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/courses/"+courseID+"/items/"+itemID+"/uploads/"+up.ID)
	httpx.WriteJSON(w, http.StatusCreated, v)
	return nil
}

// uploadView signs up's upload URL: a PUT of the bytes, or for a resumable
// upload a POST that opens the session. The signed headers make Cloud
// Storage itself refuse another type, size or CRC32C, and an overwrite.
func (s *Service) uploadView(up Upload, kind string) (UploadView, error) {
	h := map[string]string{
		"content-disposition":         contentDisposition(kind, up.FileName),
		"x-goog-if-generation-match":  "0",
		"x-goog-content-length-range": strconv.FormatInt(up.Size, 10) + "," + strconv.FormatInt(up.Size, 10),
	}
	method := http.MethodPut
	if up.Resumable {
		method = http.MethodPost
		h["x-goog-resumable"] = "start"
	} else if up.CRC32C != "" {
		h["x-goog-hash"] = "crc32c=" + up.CRC32C
	}
	u, err := s.uploads.SignURL(SignRequest{Method: method, Object: up.ObjectName, Expires: up.ExpiresAt,
		ContentType: up.ContentType, Headers: h})
	if err != nil {
		return UploadView{}, fmt.Errorf("sign upload: %w", err)
	}
	v := uploadView(up)
	v.Method, v.URL = method, u
	v.Headers = map[string]string{"Content-Type": up.ContentType}
	for k, val := range h {
		v.Headers[k] = val
	}
	return v, nil
}

func uploadView(up Upload) UploadView {
	return UploadView{ID: up.ID, CourseID: up.CourseID, ItemID: up.ItemID, Status: up.Status, Reason: up.Reason,
		ContentType: up.ContentType, Size: up.Size, FileName: up.FileName, Resumable: up.Resumable,
		ExpiresAt: up.ExpiresAt, CreatedAt: up.CreatedAt}
}

// getUpload shows an upload to its tutor: pending, ready, or rejected and why.
func (s *Service) getUpload(w http.ResponseWriter, r *http.Request) error {
	courseID, itemID, err := pathIDs(r)
	if err != nil {
		return err
	}
	up, err := s.store.getUpload(r.Context(), r.PathValue("uploadId"))
	if err != nil {
		return err
	}
	if up.CourseID != courseID || up.ItemID != itemID {
		return ErrUploadNotFound
	}
	if up.TutorID != auth.Caller(r).UserID {
		return ErrNotOwner
	}
	httpx.WriteJSON(w, http.StatusOK, uploadView(up))
	return nil
}

// getContent answers the owner and entitled users with a text item's body or
// a signed download URL of a media item's object.
func (s *Service) getContent(w http.ResponseWriter, r *http.Request) error {
	courseID, itemID, err := pathIDs(r)
	if err != nil {
		return err
	}
	p := auth.Caller(r)
	ic, err := s.authorizedContent(r.Context(), p.UserID, courseID, itemID, s.staleness)
	if err != nil && s.staleness > 0 {
		// A refusal from a stale replica may be out of date (a subscription
		// or an upload that just happened): ask the leader before answering.
		ic, err = s.authorizedContent(r.Context(), p.UserID, courseID, itemID, 0)
	}
	if err != nil {
		return err
	}
	it := ic.Item
	v := ContentView{CourseID: courseID, ItemID: itemID, Kind: it.Kind, Title: it.Title}
	if it.Kind == coursemsg.KindText {
		v.Body = it.Body
		httpx.WriteJSON(w, http.StatusOK, v)
		return nil
	}
	exp := s.now().Add(s.cfg.DownloadURLTTL).Truncate(time.Second)
	u, err := s.downloads.SignURL(SignRequest{Method: http.MethodGet, Object: ic.Ready.ObjectName, Expires: exp})
	if err != nil {
		return fmt.Errorf("sign download: %w", err)
	}
	v.URL, v.ExpiresAt, v.ContentType, v.Size, v.FileName = u, &exp, ic.Ready.ContentType, ic.Ready.Size, ic.Ready.FileName
	if v.Stream, err = s.streamView(w, ic); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

// authorizedContent returns the item if userID may see it and it is ready.
func (s *Service) authorizedContent(ctx context.Context, userID, courseID, itemID string, stale time.Duration) (itemContent, error) {
	ic, err := s.store.get(ctx, courseID, itemID, stale)
	if err != nil {
		return itemContent{}, err
	}
	entitled := false
	if !ic.Course.isOwner(userID) {
		if entitled, err = s.store.entitled(ctx, userID, courseID, stale); err != nil {
			return itemContent{}, err
		}
	}
	if !ic.Course.maySee(userID, entitled) {
		return itemContent{}, ErrNotEntitled
	}
	if ic.Item.Kind != coursemsg.KindText && ic.Ready == nil {
		msg := "this item's media is not uploaded yet"
		switch {
		case ic.Item.ActiveUploadID != "":
			msg = "this item's media is being uploaded or checked: try again shortly"
		case ic.Item.ContentStatus == contentmsg.StatusRejected:
			msg = "this item's last upload was rejected: nothing to show yet"
		}
		return itemContent{}, errs.E(errs.FailedPrecondition, "%s", msg)
	}
	return ic, nil
}

// v4Signer returns the V4 signer of the configured key; locally, without
// one, a key generated for the process.
func v4Signer(m Config, cfg config.Config) (V4Signer, error) {
	s := V4Signer{Bucket: m.Bucket, GoogleAccessID: m.GCSSignerEmail}
	if m.StorageEmulatorHost != "" {
		s.Hostname, s.Insecure = m.StorageEmulatorHost, true
	}
	switch {
	case m.GCSSigningKey != "":
		key, email, err := ParseSigningKey(m.GCSSigningKey.Reveal())
		if err != nil {
			return V4Signer{}, fmt.Errorf("KW_GCS_SIGNING_KEY: %w", err)
		}
		s.Key = key
		if s.GoogleAccessID == "" {
			s.GoogleAccessID = email
		}
	case cfg.Env == "local":
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return V4Signer{}, err
		}
		s.Key = key
	default:
		return V4Signer{}, errors.New("the Content service needs KW_GCS_SIGNING_KEY (and KW_GCS_SIGNER_EMAIL) to sign URLs locally")
	}
	if s.GoogleAccessID == "" {
		if cfg.Env != "local" {
			return V4Signer{}, errors.New("KW_GCS_SIGNER_EMAIL is required with KW_GCS_SIGNING_KEY")
		}
		s.GoogleAccessID = "content@" + cfg.Project + ".iam.gserviceaccount.com"
	}
	return s, nil
}

// UploadRequest is the body of POST .../items/{itemId}/uploads: what the
// tutor is about to upload. The object must match it exactly.
type UploadRequest struct {
	// ContentType is the media type, e.g. video/mp4 or application/pdf.
	ContentType string `json:"content_type" example:"video/mp4"`
	// Size is the exact size in bytes.
	Size int64 `json:"size" example:"48213760"`
	// SHA256, optional, is the hex SHA-256 of the bytes.
	SHA256 string `json:"sha256,omitempty"`
	// CRC32C, optional, is the base64 of the big-endian CRC32C of the bytes
	// (as Cloud Storage shows it, e.g. "yZRlqg==").
	CRC32C string `json:"crc32c,omitempty"`
	// FileName, optional, is the name downloads are saved as (default: the
	// item's title with the type's extension).
	FileName string `json:"file_name,omitempty" example:"lesson-1.mp4"`
}

// UploadView is an upload as the API shows it. Method, URL and Headers are
// set only when the upload starts: send the bytes with Method to URL with
// exactly these Headers before ExpiresAt. When Resumable, the POST opens a
// session and answers with its URI in Location; PUT the bytes there (in
// chunks with Content-Range if you like).
type UploadView struct {
	ID          string            `json:"id" example:"f47ac10b-58cc-4372-a567-0e02b2c3d479"`
	CourseID    string            `json:"course_id" example:"7c9e6679-7425-40de-944b-e07fc1f90ae7"`
	ItemID      string            `json:"item_id" example:"9b2d4e6f-1a3c-4e5f-8a7b-6c5d4e3f2a10"`
	Status      string            `json:"status" enum:"pending,ready,rejected" example:"pending"`
	Reason      string            `json:"reason,omitempty"`
	ContentType string            `json:"content_type" example:"video/mp4"`
	Size        int64             `json:"size" example:"48213760"`
	FileName    string            `json:"file_name" example:"lesson-1.mp4"`
	Resumable   bool              `json:"resumable"`
	Method      string            `json:"method,omitempty" example:"PUT"`
	URL         string            `json:"url,omitempty" example:"https://storage.googleapis.com/kwipper-media/media/asia-southeast1/7c9e6679-7425-40de-944b-e07fc1f90ae7/9b2d4e6f-1a3c-4e5f-8a7b-6c5d4e3f2a10/f47ac10b-58cc-4372-a567-0e02b2c3d479?X-Goog-Signature=..."`
	Headers     map[string]string `json:"headers,omitempty" example:"{\"Content-Type\":\"video/mp4\",\"x-goog-content-length-range\":\"48213760,48213760\"}"`
	ExpiresAt   time.Time         `json:"expires_at"`
	CreatedAt   time.Time         `json:"created_at"`
}

// ContentView is an item's content for someone who may see it: a signed URL
// (GET, usable with Range requests) for media, the body for text.
type ContentView struct {
	CourseID    string     `json:"course_id" example:"7c9e6679-7425-40de-944b-e07fc1f90ae7"`
	ItemID      string     `json:"item_id" example:"9b2d4e6f-1a3c-4e5f-8a7b-6c5d4e3f2a10"`
	Kind        string     `json:"kind" enum:"text,video,file" example:"video"`
	Title       string     `json:"title" example:"Greetings"`
	Body        string     `json:"body,omitempty"`
	URL         string     `json:"url,omitempty" example:"https://cdn.kwipper.example/media/7c9e6679-7425-40de-944b-e07fc1f90ae7/9b2d4e6f-1a3c-4e5f-8a7b-6c5d4e3f2a10/index.m3u8?Expires=1772357400&Signature=..."`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	ContentType string     `json:"content_type,omitempty" example:"video/mp4"`
	Size        int64      `json:"size,omitempty" example:"48213760"`
	FileName    string     `json:"file_name,omitempty"`
	// Stream is a video's adaptive stream (absent before its first upload
	// since streaming began, or when streaming is off).
	Stream *StreamView `json:"stream,omitempty"`
}

// StreamView is a video item's HLS stream. Status is the state of the
// ladder of the video that serves now: processing, ready, or failed with
// Reason (the MP4 at URL plays meanwhile, and stays the download). MasterURL
// is the master playlist of the ladder that serves: the newest ready one,
// an older video's while a replacement is processing. With it comes a
// signed cookie (Cloud-CDN-Cookie) for the ladder's URL prefix, valid until
// ExpiresAt: ask again to renew it.
type StreamView struct {
	Status    string     `json:"status"`
	Reason    string     `json:"reason,omitempty"`
	MasterURL string     `json:"master_url,omitempty"`
	PosterURL string     `json:"poster_url,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}
