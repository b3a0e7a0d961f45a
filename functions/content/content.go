// Package content is Kwipper's Content service: tutors upload a course item's
// video or file straight to Cloud Storage through a short-lived signed URL;
// when Cloud Storage finalizes the object, the service checks it against what
// the tutor declared and marks the item's content ready (or rejects and
// deletes it); whoever may see the course then gets a short-lived signed URL
// and downloads or streams the object from storage (or Cloud CDN) itself.
//
// It owns the "contents" database and announces content changes on
// content-events (functions/contract/contentmsg). It reads no other service's database: it keeps
// projections of courses and items (course-events) and of entitlements
// (subscription-events).
//
// content.go is the domain: the media types an item may hold, validation,
// the checks a finalized object must pass and who may see what (no cloud
// SDK). api.go holds the thin HTTP handlers and their request and response
// types, events.go the event consumers, routes.go the service's functions,
// config.go its settings, sign.go the URL signers, objects.go Cloud Storage,
// store*.go the Spanner storage.
package content

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"mime"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/shared/errs"
)

// Upload statuses.
const (
	UploadPending  = "pending"  // the URL was issued; waiting for the object
	UploadReady    = "ready"    // the object passed its checks and serves (or served)
	UploadRejected = "rejected" // the object failed its checks and was deleted
	UploadExpired  = "expired"  // its URL expired without an object and a newer upload replaced it
	UploadReplaced = "replaced" // it served until a newer upload became ready; its object was deleted
	UploadRemoved  = "removed"  // its item was removed from the course
)

// ResumableThreshold is the size from which an upload is resumable: the
// client opens a session with a signed POST (x-goog-resumable: start) and
// sends the bytes in chunks that survive a dropped connection, instead of
// one signed PUT. The design's 10 MB files go in one PUT (one round trip
// less); its 90 MB videos over mobile networks go resumable.
const ResumableThreshold = 16 << 20

// Limits.
const (
	maxFileNameLen = 200
	sniffLen       = 512 // bytes http.DetectContentType looks at
)

// mediaType is a content type an item may hold.
type mediaType struct {
	kind string
	ext  string
	// sniff lists what http.DetectContentType says about a real file of this
	// type ("application/octet-stream" where it may not recognise one).
	sniff []string
}

const octet = "application/octet-stream"

// mediaTypes are the content types items accept, by kind.
var mediaTypes = map[string]mediaType{
	"video/mp4":        {coursemsg.KindVideo, ".mp4", []string{"video/mp4", octet}},
	"video/webm":       {coursemsg.KindVideo, ".webm", []string{"video/webm"}},
	"video/quicktime":  {coursemsg.KindVideo, ".mov", []string{octet, "video/mp4"}},
	"video/x-matroska": {coursemsg.KindVideo, ".mkv", []string{"video/webm", octet}},
	"video/ogg":        {coursemsg.KindVideo, ".ogv", []string{"application/ogg"}},
	"video/mpeg":       {coursemsg.KindVideo, ".mpeg", []string{octet}},

	"application/pdf":               {coursemsg.KindFile, ".pdf", []string{"application/pdf"}},
	"application/zip":               {coursemsg.KindFile, ".zip", []string{"application/zip"}},
	"application/epub+zip":          {coursemsg.KindFile, ".epub", []string{"application/zip"}},
	"image/png":                     {coursemsg.KindFile, ".png", []string{"image/png"}},
	"image/jpeg":                    {coursemsg.KindFile, ".jpg", []string{"image/jpeg"}},
	"image/gif":                     {coursemsg.KindFile, ".gif", []string{"image/gif"}},
	"image/webp":                    {coursemsg.KindFile, ".webp", []string{"image/webp"}},
	"audio/mpeg":                    {coursemsg.KindFile, ".mp3", []string{"audio/mpeg", octet}},
	"audio/mp4":                     {coursemsg.KindFile, ".m4a", []string{"video/mp4", octet}},
	"audio/ogg":                     {coursemsg.KindFile, ".ogg", []string{"application/ogg"}},
	"audio/wav":                     {coursemsg.KindFile, ".wav", []string{"audio/wave"}},
	"audio/webm":                    {coursemsg.KindFile, ".weba", []string{"video/webm"}},
	"audio/flac":                    {coursemsg.KindFile, ".flac", []string{octet}},
	"text/plain":                    {coursemsg.KindFile, ".txt", []string{"text/plain"}},
	"text/csv":                      {coursemsg.KindFile, ".csv", []string{"text/plain"}},
	"application/msword":            {coursemsg.KindFile, ".doc", []string{octet}},
	"application/vnd.ms-excel":      {coursemsg.KindFile, ".xls", []string{octet}},
	"application/vnd.ms-powerpoint": {coursemsg.KindFile, ".ppt", []string{octet}},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {coursemsg.KindFile, ".docx", []string{"application/zip"}},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {coursemsg.KindFile, ".xlsx", []string{"application/zip"}},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {coursemsg.KindFile, ".pptx", []string{"application/zip"}},
	"application/vnd.oasis.opendocument.text":                                   {coursemsg.KindFile, ".odt", []string{"application/zip"}},
	"application/vnd.oasis.opendocument.spreadsheet":                            {coursemsg.KindFile, ".ods", []string{"application/zip"}},
	"application/vnd.oasis.opendocument.presentation":                           {coursemsg.KindFile, ".odp", []string{"application/zip"}},
}

// typesOf lists the content types kind accepts, for error messages.
func typesOf(kind string) string {
	var out []string
	for t, mt := range mediaTypes {
		if mt.kind == kind {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// Limits says how large an upload of each kind may be.
type Limits struct {
	MaxVideoSize, MaxFileSize int64
}

func (l Limits) max(kind string) int64 {
	if kind == coursemsg.KindVideo {
		return l.MaxVideoSize
	}
	return l.MaxFileSize
}

// Course is the projection of a course this service keeps.
type Course struct {
	ID      string
	TutorID string
	Status  string
}

// Item is the projection of an item with its content state.
type Item struct {
	CourseID, ItemID string
	Kind, Title      string
	Body             string // text items
	Removed          bool
	ContentStatus    string
	ReadyUploadID    string // the upload whose object serves, if any
	ActiveUploadID   string // the pending upload, if any
	ContentVersion   int64
	// CourseEventVersion is the version of the latest course event applied
	// to the item (0: none carried one).
	CourseEventVersion int64
	// StreamUploadID is the upload whose HLS ladder serves ("" for none);
	// StreamStatus the state of the ladder of ReadyUploadID (processing,
	// ready, failed with StreamReason; "" before any video upload).
	StreamUploadID, StreamStatus, StreamReason string
}

// Upload is one issued upload URL and what became of it.
type Upload struct {
	ID, CourseID, ItemID, TutorID string
	ObjectName                    string
	ContentType                   string
	Size                          int64
	SHA256, CRC32C                string // as declared; empty when not
	FileName                      string
	Resumable                     bool
	Status, Reason                string
	Generation                    int64 // of the object, once finalized
	CreatedAt, ExpiresAt          time.Time
}

// Errors the service returns.
var (
	ErrCourseNotFound = errs.E(errs.NotFound, "course not found")
	ErrItemNotFound   = errs.E(errs.NotFound, "item not found in this course")
	ErrUploadNotFound = errs.E(errs.NotFound, "upload not found for this item")
	ErrNotOwner       = errs.E(errs.PermissionDenied, "only the course's tutor may upload its content")
	ErrNotEntitled    = errs.E(errs.PermissionDenied, "subscribe to this course to see its content")
)

// --- Who may see what.

// isOwner reports whether userID is the course's tutor.
func (c Course) isOwner(userID string) bool { return userID != "" && userID == c.TutorID }

// maySee reports whether userID may see the course's content: its tutor, and
// users entitled to it (an active subscription, from the entitlement
// projection). It is the one place access to content is decided.
func (c Course) maySee(userID string, entitled bool) bool {
	return c.isOwner(userID) || (userID != "" && entitled)
}

// --- Validation.

var (
	sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)
	idRE     = regexp.MustCompile(`^[A-Za-z0-9-]{1,36}$`)
)

// validID reports whether s can be a course, item or upload id.
func validID(s string) bool { return idRE.MatchString(s) }

// validateUpload checks a request to upload content for item it and returns
// the upload (without ids, object or times), or an Invalid error naming each
// bad field.
func validateUpload(req UploadRequest, it Item, lim Limits) (Upload, error) {
	var f errs.Fields
	if it.Kind == coursemsg.KindText {
		return Upload{}, errs.E(errs.Invalid, "a text item has no media: change its body through the Course service")
	}
	up := Upload{ContentType: normalizeType(req.ContentType), Size: req.Size,
		SHA256: strings.ToLower(strings.TrimSpace(req.SHA256)), CRC32C: strings.TrimSpace(req.CRC32C),
		FileName: strings.TrimSpace(req.FileName)}
	mt, ok := mediaTypes[up.ContentType]
	switch {
	case up.ContentType == "":
		f.Add("content_type", "is required: one of "+typesOf(it.Kind))
	case !ok || mt.kind != it.Kind:
		f.Add("content_type", fmt.Sprintf("a %s item takes one of %s", it.Kind, typesOf(it.Kind)))
	}
	if max := lim.max(it.Kind); up.Size < 1 || up.Size > max {
		f.Add("size", fmt.Sprintf("must be the exact size in bytes, 1 to %d for a %s item", max, it.Kind))
	}
	if up.SHA256 != "" && !sha256RE.MatchString(up.SHA256) {
		f.Add("sha256", "must be 64 hex digits (the SHA-256 of the bytes)")
	}
	if up.CRC32C != "" {
		if b, err := base64.StdEncoding.DecodeString(up.CRC32C); err != nil || len(b) != 4 {
			f.Add("crc32c", `must be the base64 of the 4-byte big-endian CRC32C, e.g. "yZRlqg=="`)
		}
	}
	if n := utf8.RuneCountInString(up.FileName); n > maxFileNameLen || strings.ContainsAny(up.FileName, `/\`) ||
		strings.ContainsFunc(up.FileName, unicode.IsControl) || !utf8.ValidString(up.FileName) {
		f.Add("file_name", fmt.Sprintf("must be at most %d characters, without slashes or control characters", maxFileNameLen))
	}
	if err := f.Err(); err != nil {
		return Upload{}, err
	}
	if up.FileName == "" {
		up.FileName = it.Title
	}
	up.FileName = fileName(up.FileName, mt.ext)
	up.Resumable = up.Size >= ResumableThreshold
	return up, nil
}

// normalizeType returns the media type of a Content-Type value in lower case
// without parameters ("" when it does not parse).
func normalizeType(ct string) string {
	mt, _, err := mime.ParseMediaType(strings.TrimSpace(ct))
	if err != nil {
		return ""
	}
	return strings.ToLower(mt)
}

// fileName makes name safe to save as and gives it ext unless it has it.
func fileName(name, ext string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), strings.ContainsRune(`/\:*?"<>|`, r):
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, ". ")
	if name == "" {
		name = "download"
	}
	if !strings.EqualFold(path.Ext(name), ext) {
		name += ext
	}
	return name
}

// contentDisposition is the Content-Disposition stored with an object: videos
// play inline, files download; both carry the file name (RFC 6266, with an
// ASCII fallback).
func contentDisposition(kind, name string) string {
	disp := "attachment"
	if kind == coursemsg.KindVideo {
		disp = "inline"
	}
	ascii := strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, name)
	return mime.FormatMediaType(disp, map[string]string{"filename": ascii}) + "; filename*=UTF-8''" + pathEscape(name)
}

// pathEscape percent-encodes everything but RFC 5987 attr-chars.
func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// objectName is where upload id of an item lives: under the service's
// prefix, one object per upload, so a replacement never overwrites what
// serves.
func objectName(prefix, courseID, itemID, uploadID string) string {
	return prefix + courseID + "/" + itemID + "/" + uploadID
}

// parseObjectName returns the upload id of an object the service named, or
// false for any other object.
func parseObjectName(prefix, name string) (courseID, itemID, uploadID string, ok bool) {
	rest, found := strings.CutPrefix(name, prefix)
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || !validID(parts[0]) || !validID(parts[1]) || !validID(parts[2]) {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// --- Checking a finalized object.

// Observed is what Cloud Storage says about a finalized object, and what the
// service read of it.
type Observed struct {
	ContentType string
	Size        int64
	CRC32C      string // base64, from the object's metadata
	// Head is the object's first bytes (up to 512), for content sniffing.
	Head []byte
	// SHA256 is the digest of the bytes, computed when one was declared.
	SHA256 []byte
}

// check compares an object with its upload's declaration and returns why it
// is rejected, or "" when it matches: the exact size, the declared content
// type, the declared checksums, and bytes that look like that type.
func check(up Upload, o Observed) string {
	if o.Size != up.Size {
		return fmt.Sprintf("size mismatch: %d bytes were declared, the object has %d", up.Size, o.Size)
	}
	if got := normalizeType(o.ContentType); got != up.ContentType {
		return fmt.Sprintf("content type mismatch: %s was declared, the object was uploaded as %q", up.ContentType, o.ContentType)
	}
	if up.CRC32C != "" && o.CRC32C != up.CRC32C {
		return fmt.Sprintf("checksum mismatch: CRC32C %s was declared, the object's is %s", up.CRC32C, o.CRC32C)
	}
	if up.SHA256 != "" && hex.EncodeToString(o.SHA256) != up.SHA256 {
		return fmt.Sprintf("checksum mismatch: SHA-256 %s was declared, the object's is %x", up.SHA256, o.SHA256)
	}
	if sniffed := normalizeType(http.DetectContentType(o.Head)); !slices.Contains(mediaTypes[up.ContentType].sniff, sniffed) {
		return fmt.Sprintf("content does not look like %s (its bytes look like %s)", up.ContentType, sniffed)
	}
	return ""
}

// --- Changes an upload's outcome makes to its item.

// accept makes up the item's serving content. It returns the upload it
// replaces ("" when none), whose object is to be deleted.
func (it *Item) accept(up Upload) (replaced string) {
	replaced = it.ReadyUploadID
	it.ReadyUploadID, it.ActiveUploadID = up.ID, ""
	it.ContentStatus = contentmsg.StatusReady
	it.ContentVersion++
	return replaced
}

// reject ends the item's active upload up; what served before keeps serving.
func (it *Item) reject(up Upload) {
	if it.ActiveUploadID == up.ID {
		it.ActiveUploadID = ""
	}
	if it.ReadyUploadID == "" {
		it.ContentStatus = contentmsg.StatusRejected
	}
	it.ContentVersion++
}

// activeUpload reports whether the item has an upload in progress whose URL
// has not expired at now (given that upload).
func activeUpload(it Item, active *Upload, now time.Time) bool {
	return it.ActiveUploadID != "" && active != nil && active.Status == UploadPending && now.Before(active.ExpiresAt)
}
