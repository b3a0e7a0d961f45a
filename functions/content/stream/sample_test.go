package stream

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/devstack/sample"
)

func TestSampleLesson(t *testing.T) {
	b := sample.LessonMP4
	if len(b) >= 400_000 {
		t.Errorf("lesson.mp4 is %d bytes, want under 400 KB", len(b))
	}
	if got := http.DetectContentType(b); got != "video/mp4" {
		t.Errorf("sniffed as %q; the Content service expects video/mp4", got)
	}
	p, err := ProbeMP4(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if !sameProbe(p, Probe{Width: 640, Height: 360, HasAudio: true, FrameRate: 30, Duration: 10 * time.Second}) {
		t.Errorf("probe %+v", p)
	}
	if got := rungNames(Plan(p)); fmt.Sprint(got) != "[240p 360p audio]" {
		t.Errorf("ladder %v", got)
	}
}

func TestSampleHandout(t *testing.T) {
	b := sample.HandoutPDF
	if got := http.DetectContentType(b); got != "application/pdf" {
		t.Errorf("sniffed as %q", got)
	}
	if n := bytes.Count(b, []byte("/Type /Page ")); n != 1 {
		t.Errorf("%d pages", n)
	}
	// startxref points at the xref table, whose entries point at their objects.
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[xref:], []byte("xref\n0 6\n")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(b[xref:], -1)
	if len(entries) != 5 {
		t.Fatalf("%d xref entries, want 5", len(entries))
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if want := fmt.Sprintf("%d 0 obj\n", i+1); !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %q", i+1, b[off:min(off+12, len(b))])
		}
	}
}
