package content

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/shared/errs"
)

var lim = Limits{MaxVideoSize: 250 << 20, MaxFileSize: 50 << 20}

// mp4Head is the start of an MP4 file (an ftyp box) that content sniffing
// recognises.
var mp4Head = []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")

func TestValidateUpload(t *testing.T) {
	video := Item{Kind: coursemsg.KindVideo, Title: "Pronunciation: part 1"}
	file := Item{Kind: coursemsg.KindFile, Title: "Vocabulary"}
	for name, tc := range map[string]struct {
		it        Item
		req       UploadRequest
		badFields []string // empty: valid
	}{
		"ok_video_mp4":               {video, UploadRequest{ContentType: "video/mp4", Size: 90 << 20}, nil},
		"ok_file_pdf_params_ignored": {file, UploadRequest{ContentType: "Application/PDF; charset=binary", Size: 10 << 20}, nil},
		"400_pdf_on_video_item":      {video, UploadRequest{ContentType: "application/pdf", Size: 1}, []string{"content_type"}},
		"400_video_on_file_item":     {file, UploadRequest{ContentType: "video/mp4", Size: 1}, []string{"content_type"}},
		"400_unknown_type":           {file, UploadRequest{ContentType: "application/x-msdownload", Size: 1}, []string{"content_type"}},
		"400_no_type_no_size":        {file, UploadRequest{}, []string{"content_type", "size"}},
		"400_video_over_max":         {video, UploadRequest{ContentType: "video/webm", Size: lim.MaxVideoSize + 1}, []string{"size"}},
		"400_file_over_max":          {file, UploadRequest{ContentType: "application/zip", Size: lim.MaxFileSize + 1}, []string{"size"}},
		"400_bad_checksums":          {file, UploadRequest{ContentType: "image/png", Size: 5, SHA256: "abc", CRC32C: "nope"}, []string{"sha256", "crc32c"}},
		"400_slash_in_file_name":     {file, UploadRequest{ContentType: "image/png", Size: 5, FileName: "../etc/passwd"}, []string{"file_name"}},
	} {
		t.Run(name, func(t *testing.T) {
			up, err := validateUpload(tc.req, tc.it, lim)
			if len(tc.badFields) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *errs.Error
			if !errs.Is(err, errs.Invalid) || !errors.As(err, &e) {
				t.Fatalf("err = %v, want Invalid", err)
			}
			for _, f := range tc.badFields {
				if e.Fields[f] == "" {
					t.Errorf("no message for %s: %v", f, e)
				}
			}
			_ = up
		})
	}
	if _, err := validateUpload(UploadRequest{ContentType: "text/plain", Size: 1}, Item{Kind: coursemsg.KindText}, lim); !errs.Is(err, errs.Invalid) {
		t.Fatalf("text item upload: %v", err)
	}
}

func TestValidateUpload_resumableFromThresholdAndFileNameFromTitle(t *testing.T) {
	up, err := validateUpload(UploadRequest{ContentType: "video/mp4", Size: ResumableThreshold}, Item{Kind: coursemsg.KindVideo, Title: "Lesson 1: Hello/Bye"}, lim)
	if err != nil {
		t.Fatal(err)
	}
	if !up.Resumable || up.FileName != "Lesson 1_ Hello_Bye.mp4" {
		t.Fatalf("%+v", up)
	}
	up, _ = validateUpload(UploadRequest{ContentType: "application/pdf", Size: ResumableThreshold - 1, FileName: "notes.PDF"}, Item{Kind: coursemsg.KindFile, Title: "x"}, lim)
	if up.Resumable || up.FileName != "notes.PDF" {
		t.Fatalf("%+v", up)
	}
}

func TestContentDisposition_asciiFallbackAndUTF8Name(t *testing.T) {
	got := contentDisposition(coursemsg.KindFile, `Kosakata "dasar" ひらがな.pdf`)
	if !strings.HasPrefix(got, `attachment; filename="Kosakata _dasar_ ____.pdf"`) ||
		!strings.HasSuffix(got, "filename*=UTF-8''Kosakata%20%22dasar%22%20%E3%81%B2%E3%82%89%E3%81%8C%E3%81%AA.pdf") {
		t.Fatal(got)
	}
	if !strings.HasPrefix(contentDisposition(coursemsg.KindVideo, "a.mp4"), "inline;") {
		t.Fatal("videos should play inline")
	}
}

func TestParseObjectName_onlyTheServicesOwn(t *testing.T) {
	c, i, u, ok := parseObjectName("media/local/", "media/local/c1/i1/u1")
	if !ok || c != "c1" || i != "i1" || u != "u1" {
		t.Fatal(c, i, u, ok)
	}
	for _, n := range []string{"media/other/c/i/u", "media/local/c/i", "media/local/c/i/u/x", "media/local/c/i/u v", "tmp/x"} {
		if _, _, _, ok := parseObjectName("media/local/", n); ok {
			t.Errorf("%s parsed", n)
		}
	}
}

func TestCheck(t *testing.T) {
	body := append(append([]byte{}, mp4Head...), make([]byte, 1000)...)
	sum := sha256.Sum256(body)
	up := Upload{ContentType: "video/mp4", Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:]), CRC32C: "AAAAAA=="}
	ok := Observed{ContentType: "video/mp4", Size: up.Size, CRC32C: "AAAAAA==", Head: body[:sniffLen], SHA256: sum[:]}
	if r := check(up, ok); r != "" {
		t.Fatalf("matching object rejected: %s", r)
	}
	pdf := []byte("%PDF-1.7\n...")
	for name, tc := range map[string]struct {
		mutate func(*Observed)
		want   string
	}{
		"rejected_size":         {func(o *Observed) { o.Size-- }, "size mismatch"},
		"rejected_content_type": {func(o *Observed) { o.ContentType = "video/webm" }, "content type mismatch"},
		"rejected_crc32c":       {func(o *Observed) { o.CRC32C = "BBBBBB==" }, "CRC32C"},
		"rejected_sha256":       {func(o *Observed) { o.SHA256 = make([]byte, 32) }, "SHA-256"},
		"rejected_sniffed_pdf":  {func(o *Observed) { o.Head = pdf }, "look like application/pdf"},
	} {
		t.Run(name, func(t *testing.T) {
			o := ok
			tc.mutate(&o)
			if r := check(up, o); !strings.Contains(r, tc.want) {
				t.Fatalf("reason %q, want %q", r, tc.want)
			}
		})
	}
}

func TestItem_rejectKeepsWhatServes_acceptReplacesIt(t *testing.T) {
	it := Item{ContentStatus: contentmsg.StatusAwaitingUpload, ActiveUploadID: "a"}
	it.reject(Upload{ID: "a"})
	if it.ContentStatus != contentmsg.StatusRejected || it.ActiveUploadID != "" || it.ContentVersion != 1 {
		t.Fatalf("%+v", it)
	}
	it.ActiveUploadID = "b"
	if replaced := it.accept(Upload{ID: "b"}); replaced != "" || it.ContentStatus != contentmsg.StatusReady || it.ReadyUploadID != "b" {
		t.Fatalf("%+v", it)
	}
	it.ActiveUploadID = "c"
	it.reject(Upload{ID: "c"})
	if it.ContentStatus != contentmsg.StatusReady || it.ReadyUploadID != "b" {
		t.Fatalf("a rejected replacement stopped what serves: %+v", it)
	}
	it.ActiveUploadID = "d"
	if replaced := it.accept(Upload{ID: "d"}); replaced != "b" || it.ContentVersion != 4 {
		t.Fatalf("replaced %q %+v", replaced, it)
	}
	now := time.Now()
	it.ActiveUploadID = "e"
	if !activeUpload(it, &Upload{Status: UploadPending, ExpiresAt: now.Add(time.Second)}, now) ||
		activeUpload(it, &Upload{Status: UploadPending, ExpiresAt: now}, now) {
		t.Fatal("activeUpload")
	}
}

// Any upload request for a video or file item: accepted with a type of the
// item's kind, a size within its limit and a file name that is safe to save
// as, or refused as Invalid naming a field.
func FuzzValidateUpload(f *testing.F) {
	f.Add(true, "video/mp4", int64(90<<20), "", "", "lesson.mp4")
	f.Add(false, "Application/PDF; charset=binary", int64(1), "abc", "nope", "../etc/passwd")
	f.Add(false, "text/csv;;", int64(-1), strings.Repeat("0", 64), "AAAAAA==", "\x00con.")
	f.Fuzz(func(t *testing.T, video bool, contentType string, size int64, sha, crc, name string) {
		it := Item{Kind: coursemsg.KindFile, Title: "Vocabulary"}
		if video {
			it.Kind = coursemsg.KindVideo
		}
		up, err := validateUpload(UploadRequest{ContentType: contentType, Size: size, SHA256: sha, CRC32C: crc, FileName: name}, it, lim)
		if err != nil {
			var e *errs.Error
			if !errors.As(err, &e) || e.Kind != errs.Invalid || len(e.Fields) == 0 {
				t.Fatalf("refusal %v does not name a field", err)
			}
			return
		}
		if mediaTypes[up.ContentType].kind != it.Kind || up.Size < 1 || up.Size > lim.max(it.Kind) {
			t.Fatalf("accepted %+v for a %s item", up, it.Kind)
		}
		if strings.ContainsAny(up.FileName, "/\\\x00") || up.FileName == "" {
			t.Fatalf("unsafe file name %q", up.FileName)
		}
	})
}

// Any object against any declaration: check either accepts bytes that
// match what was declared, or gives a reason.
func FuzzCheck(f *testing.F) {
	f.Add("video/mp4", int64(24), "video/mp4", int64(24), mp4Head)
	f.Add("application/pdf", int64(9), "application/pdf", int64(9), []byte("%PDF-1.4\n"))
	f.Add("image/png", int64(3), "text/plain", int64(4), []byte("abc"))
	f.Fuzz(func(t *testing.T, declared string, size int64, uploadedAs string, objSize int64, head []byte) {
		up := Upload{ContentType: normalizeType(declared), Size: size}
		reason := check(up, Observed{ContentType: uploadedAs, Size: objSize, Head: head})
		if reason != "" {
			return
		}
		if objSize != size || normalizeType(uploadedAs) != up.ContentType {
			t.Fatalf("accepted %q (%d bytes) declared %q (%d bytes)", uploadedAs, objSize, declared, size)
		}
		if _, known := mediaTypes[up.ContentType]; !known {
			t.Fatalf("accepted a type no item takes: %q", up.ContentType)
		}
	})
}
