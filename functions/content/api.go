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

	"cloud.google.com/go/spanner"
	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
)

// Names the consumers record processed events under.
const (
	ConsumerObjectFinalized   = "content-on-object-finalized"
	ConsumerCourseEvent       = "content-on-course-event"
	ConsumerSubscriptionEvent = "content-on-subscription-event"
)

const courseItemRemoved = course.EventItemRemoved

// Service is the Content service: its handlers and what they need.
type Service struct {
	store     store
	objects   objectStore
	uploads   URLSigner
	downloads URLSigner
	bucket    string
	prefix    string
	limits    Limits
	uploadTTL time.Duration
	getTTL    time.Duration
	staleness time.Duration
	now       func() time.Time
	newID     func() string
	log       *slog.Logger
}

// Config is what New needs.
type Config struct {
	// DB is a client of the contents database; Outbox publishes its events.
	DB     *spanner.Client
	Outbox *events.Outbox
	// Objects is the media bucket.
	Objects objectStore
	// Bucket and Prefix say where the service's objects live.
	Bucket, Prefix string
	// Uploads signs upload URLs (V4); Downloads signs download URLs (V4, or
	// Cloud CDN).
	Uploads, Downloads URLSigner
	Limits             Limits
	// UploadTTL and DownloadTTL are how long signed URLs live.
	UploadTTL, DownloadTTL time.Duration
	// Staleness bounds how old reads of the projections may be on the
	// download path (0: strong); a refusal is re-checked strongly.
	Staleness time.Duration
	Log       *slog.Logger
	// Now and NewID default to time.Now and random UUIDs.
	Now   func() time.Time
	NewID func() string
}

// New returns the Content service. It panics without a database, an outbox,
// objects or signers: a wiring bug no retry can fix.
func New(c Config) *Service {
	if c.DB == nil || c.Outbox == nil || c.Objects == nil || c.Uploads == nil || c.Downloads == nil {
		panic("content.New: DB, Outbox, Objects, Uploads and Downloads are required")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.NewID == nil {
		c.NewID = uuid.NewString
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	s := &Service{store: store{db: c.DB, outbox: c.Outbox}, objects: c.Objects, uploads: c.Uploads, downloads: c.Downloads,
		bucket: c.Bucket, prefix: c.Prefix, limits: c.Limits, uploadTTL: c.UploadTTL, getTTL: c.DownloadTTL,
		staleness: max(c.Staleness, 0), now: c.Now, newID: c.NewID, log: c.Log}
	s.store.afterDelete = s.deleteObjects
	return s
}

// Handlers returns the service's function handlers by function name.
func (s *Service) Handlers() map[string]http.Handler {
	return map[string]http.Handler{
		"content-upload-start":          httpx.Handler(s.startUpload),
		"content-upload-get":            httpx.Handler(s.getUpload),
		"content-get":                   httpx.Handler(s.getContent),
		"content-on-object-finalized":   events.Push(s.onObjectFinalized),
		"content-on-course-event":       events.Push(s.onCourseEvent),
		"content-on-subscription-event": events.Push(s.onSubscriptionEvent),
		"content-outbox-relay":          events.Push(s.relay),
	}
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
	up, err := validateUpload(req, ic.Item, s.limits)
	if err != nil {
		return err
	}
	now := s.now()
	up.ID, up.CourseID, up.ItemID, up.TutorID = s.newID(), courseID, itemID, p.UserID
	up.ObjectName = objectName(s.prefix, courseID, itemID, up.ID)
	up.Status, up.CreatedAt, up.ExpiresAt = UploadPending, now, now.Add(s.uploadTTL)
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
	if it.Kind == KindText {
		v.Body = it.Body
		httpx.WriteJSON(w, http.StatusOK, v)
		return nil
	}
	exp := s.now().Add(s.getTTL).Truncate(time.Second)
	u, err := s.downloads.SignURL(SignRequest{Method: http.MethodGet, Object: ic.Ready.ObjectName, Expires: exp})
	if err != nil {
		return fmt.Errorf("sign download: %w", err)
	}
	v.URL, v.ExpiresAt, v.ContentType, v.Size, v.FileName = u, &exp, ic.Ready.ContentType, ic.Ready.Size, ic.Ready.FileName
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
	if ic.Item.Kind != KindText && ic.Ready == nil {
		msg := "this item's media is not uploaded yet"
		switch {
		case ic.Item.ActiveUploadID != "":
			msg = "this item's media is being uploaded or checked: try again shortly"
		case ic.Item.ContentStatus == StatusRejected:
			msg = "this item's last upload was rejected: nothing to show yet"
		}
		return itemContent{}, errs.E(errs.FailedPrecondition, "%s", msg)
	}
	return ic, nil
}

// objectNotification is the JSON_API_V1 payload of a Cloud Storage
// notification (the object's resource; numbers are strings).
type objectNotification struct {
	Name        string `json:"name"`
	Bucket      string `json:"bucket"`
	Generation  int64  `json:"generation,string"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size,string"`
	CRC32C      string `json:"crc32c"`
}

// onObjectFinalized checks an object Cloud Storage finalized against its
// upload's declaration and records the outcome (ready, or rejected and
// deleted) with its event, once per object generation however often the
// notification is delivered. Objects that are not the service's are
// acknowledged and left alone.
func (s *Service) onObjectFinalized(ctx context.Context, m events.Message) error {
	// The bucket's notification configuration sends OBJECT_FINALIZE only.
	var n objectNotification
	if err := m.Decode(&n); err != nil {
		return err
	}
	if n.Bucket != s.bucket {
		return nil
	}
	courseID, itemID, uploadID, ok := parseObjectName(s.prefix, n.Name)
	if !ok {
		s.log.WarnContext(ctx, "finalized object is not one the service issued; left alone", "object", n.Name)
		return nil
	}
	up, err := s.store.getUpload(ctx, uploadID)
	if errs.Is(err, errs.NotFound) {
		s.log.WarnContext(ctx, "finalized object has no upload; left alone", "object", n.Name)
		return nil
	}
	if err != nil {
		return err
	}
	if up.CourseID != courseID || up.ItemID != itemID || up.ObjectName != n.Name {
		s.log.WarnContext(ctx, "finalized object does not match its upload; left alone", "object", n.Name)
		return nil
	}
	reason := ""
	if up.Status == UploadPending {
		// Reading the object happens before the transaction: no I/O but
		// Spanner's inside it.
		head, sum, err := s.objects.inspect(ctx, n.Name, n.Generation, up.SHA256 != "")
		if errs.Is(err, errs.NotFound) {
			return nil // this generation is gone: a later one brings its own notification
		}
		if err != nil {
			return err
		}
		reason = check(up, Observed{ContentType: n.ContentType, Size: n.Size, CRC32C: n.CRC32C, Head: head, SHA256: sum})
	}
	key := uuid.NewSHA1(uuid.NameSpaceURL, []byte("gs://"+n.Bucket+"/"+n.Name+"#"+strconv.FormatInt(n.Generation, 10))).String()
	got, err := s.store.finishUpload(ctx, key, uploadID, n.Generation, reason)
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "upload finalized", "upload_id", uploadID, "status", got.Status, "reason", got.Reason)
	return nil
}

// onCourseEvent keeps the course and item projections in step with the
// Course service, once per event.
func (s *Service) onCourseEvent(ctx context.Context, m events.Message) error {
	var d course.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if !validID(d.CourseID) || !validID(d.TutorID) || (d.ItemID != "" && !validID(d.ItemID)) {
		return errs.E(errs.Invalid, "event %s %s needs a course_id, a tutor_id and a valid item_id", m.Type, m.ID)
	}
	c := Course{ID: d.CourseID, TutorID: d.TutorID, Status: d.Status}
	var it Item
	switch m.Type {
	case course.EventItemAdded, course.EventItemUpdated, course.EventItemRemoved:
		if d.ItemID == "" || (d.ItemKind != KindText && d.ItemKind != KindVideo && d.ItemKind != KindFile) {
			return errs.E(errs.Invalid, "item event %s %s needs an item_id and a known item_kind", m.Type, m.ID)
		}
		it = Item{CourseID: d.CourseID, ItemID: d.ItemID, Kind: d.ItemKind, Title: d.ItemTitle, Body: d.ItemBody}
	}
	return s.store.applyCourse(ctx, m.ID, m.Type, d.Version, c, it)
}

// onSubscriptionEvent keeps the entitlement projection in step with the
// Subscribe service, once per event.
func (s *Service) onSubscriptionEvent(ctx context.Context, m events.Message) error {
	if m.Type != EventSubscriptionActivated && m.Type != EventSubscriptionEnded {
		return nil
	}
	var d SubscriptionEventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if d.SubscriptionID == "" || len(d.SubscriptionID) > 64 || !validID(d.UserID) || !validID(d.CourseID) {
		return errs.E(errs.Invalid, "event %s %s needs a subscription_id, a user_id and a course_id", m.Type, m.ID)
	}
	return s.store.applySubscription(ctx, m.ID, m.Type, d)
}

// relay publishes what the outbox still holds and deletes the objects whose
// deletion was recorded but not done; a Cloud Scheduler tick triggers it.
func (s *Service) relay(ctx context.Context, _ events.Message) error {
	_, err := s.store.outbox.Sweep(ctx, 500)
	ds, derr := s.store.pendingDeletions(ctx, time.Minute, 500)
	if derr == nil {
		s.deleteObjects(ctx, ds)
	}
	return errors.Join(err, derr)
}

// deleteObjects deletes ds from the bucket and forgets each deletion done;
// what fails stays recorded for the relay.
func (s *Service) deleteObjects(ctx context.Context, ds []deletion) {
	for _, d := range ds {
		if err := s.objects.delete(ctx, d.Object, d.Generation); err != nil {
			s.log.WarnContext(ctx, "object deletion failed; the relay will retry", "object", d.Object, "err", err.Error())
			continue
		}
		if err := s.store.deleted(ctx, d); err != nil {
			s.log.WarnContext(ctx, "object deleted but its record stays; the relay will retry", "object", d.Object, "err", err.Error())
		}
	}
}

// Plugin plugs the Content service into the platform.
var Plugin = fnreg.Service{
	Name: "content", Database: Database, Publishes: []string{Topic}, Migrations: Migrations,
	Build: func(d fnreg.Deps) (map[string]http.Handler, error) {
		svc, err := FromConfig(context.Background(), d)
		if err != nil {
			return nil, err
		}
		return svc.Handlers(), nil
	},
}

// FromConfig builds the service from the platform's configuration: the
// storage client (fake-gcs-server when STORAGE_EMULATOR_HOST is set), the V4
// signer (a generated key locally, KW_GCS_SIGNING_KEY in the cloud) and, when
// configured, the Cloud CDN signer for downloads.
func FromConfig(ctx context.Context, d fnreg.Deps) (*Service, error) {
	m := d.Config.Media
	uploads, err := v4Signer(d.Config)
	if err != nil {
		return nil, err
	}
	var downloads URLSigner = uploads
	if m.CDNBaseURL != "" {
		key, err := ParseCDNKey(m.URLSigningKey.Reveal())
		if err != nil {
			return nil, fmt.Errorf("KW_URL_SIGNING_KEY: %w", err)
		}
		downloads = CDNSigner{BaseURL: m.CDNBaseURL, KeyName: m.URLSigningKeyName, Key: key}
	}
	client, err := newStorageClient(ctx, m.StorageEmulatorHost)
	if err != nil {
		return nil, err
	}
	return New(Config{DB: d.DB, Outbox: d.Outbox, Objects: gcsObjects{bucket: client.Bucket(m.Bucket)},
		Bucket: m.Bucket, Prefix: m.ObjectPrefix, Uploads: uploads, Downloads: downloads,
		Limits:    Limits{MaxVideoSize: m.MaxVideoSize, MaxFileSize: m.MaxFileSize},
		UploadTTL: m.UploadURLTTL, DownloadTTL: m.DownloadURLTTL, Staleness: d.Config.CatalogStaleness, Log: d.Log}), nil
}

// v4Signer returns the V4 signer of the configured key; locally, without
// one, a key generated for the process.
func v4Signer(cfg config.Config) (V4Signer, error) {
	m := cfg.Media
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
