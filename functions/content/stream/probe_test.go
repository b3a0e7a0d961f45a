package stream

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// probeClips are MP4 and MOV files of the shapes uploads come in.
var probeClips = []struct {
	name string
	spec clipSpec
	want Probe // Duration and FrameRate compared approximately
}{
	{"mp4_faststart_with_audio", clipSpec{W: 640, H: 360, Seconds: 2, Audio: true, FastStart: true},
		Probe{Width: 640, Height: 360, HasAudio: true, FrameRate: 30, Duration: 2 * time.Second}},
	{"mp4_moov_at_end", clipSpec{W: 320, H: 240, Seconds: 2, Rate: "25", Audio: true},
		Probe{Width: 320, Height: 240, HasAudio: true, FrameRate: 25, Duration: 2 * time.Second}},
	{"mp4_silent_ntsc_rate", clipSpec{W: 426, H: 240, Seconds: 2, Rate: "30000/1001"},
		Probe{Width: 426, Height: 240, FrameRate: 29.97, Duration: 2 * time.Second}},
	{"mov_with_audio", clipSpec{W: 480, H: 270, Seconds: 2, Audio: true, Container: "mov"},
		Probe{Width: 480, Height: 270, HasAudio: true, FrameRate: 30, Duration: 2 * time.Second}},
	{"mp4_phone_portrait_rotated_90", clipSpec{W: 640, H: 360, Seconds: 2, Audio: true, Rotate: 90},
		Probe{Width: 640, Height: 360, Rotation: 90, HasAudio: true, FrameRate: 30, Duration: 2 * time.Second}},
	{"mp4_rotated_180", clipSpec{W: 320, H: 180, Seconds: 2, Rotate: 180},
		Probe{Width: 320, Height: 180, Rotation: 180, FrameRate: 30, Duration: 2 * time.Second}},
}

// sameProbe compares probes, durations within 50 ms and rates within 0.01.
func sameProbe(got, want Probe) bool {
	return got.Width == want.Width && got.Height == want.Height && got.Rotation == want.Rotation &&
		got.HasAudio == want.HasAudio && math.Abs(got.FrameRate-want.FrameRate) < 0.01 &&
		(got.Duration-want.Duration).Abs() <= 50*time.Millisecond
}

func TestFFprobe_readsTheClips(t *testing.T) {
	for _, tc := range probeClips {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FFprobe{}.Probe(ctx(t), clip(t, tc.spec))
			if err != nil {
				t.Fatal(err)
			}
			if !sameProbe(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestProbeMP4_agreesWithFFprobe(t *testing.T) {
	for _, tc := range probeClips {
		t.Run(tc.name, func(t *testing.T) {
			path := clip(t, tc.spec)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			got, err := ProbeMP4(f, fi.Size())
			if err != nil {
				t.Fatal(err)
			}
			ref, err := FFprobe{}.Probe(ctx(t), path)
			if err != nil {
				t.Fatal(err)
			}
			if !sameProbe(got, ref) || !sameProbe(got, tc.want) {
				t.Errorf("ProbeMP4 %+v\n ffprobe %+v\n    want %+v", got, ref, tc.want)
			}
		})
	}
}

// countingReaderAt records the ranges read.
type countingReaderAt struct {
	r     *bytes.Reader
	mu    sync.Mutex
	reads [][2]int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	c.mu.Lock()
	c.reads = append(c.reads, [2]int64{off, off + int64(len(p))})
	c.mu.Unlock()
	return c.r.ReadAt(p, off)
}

func TestProbeMP4_readsOnlyHeadersNotMedia(t *testing.T) {
	for _, fast := range []bool{false, true} {
		b, err := os.ReadFile(clip(t, clipSpec{W: 640, H: 360, Seconds: 3, Audio: true, FastStart: fast, Bitrate: "3M"}))
		if err != nil {
			t.Fatal(err)
		}
		c := &countingReaderAt{r: bytes.NewReader(b)}
		if _, err := ProbeMP4(c, int64(len(b))); err != nil {
			t.Fatal(err)
		}
		var total int64
		for _, rg := range c.reads {
			total += rg[1] - rg[0]
		}
		// mdat holds nearly all of the file; only its 8-byte header may be read.
		mdat := int64(bytes.Index(b, []byte("mdat"))) - 4
		mdatSize := int64(len(b)) / 2
		for _, rg := range c.reads {
			if rg[0] > mdat+16 && rg[1] < mdat+mdatSize {
				t.Errorf("faststart=%v: read %v inside mdat (at %d)", fast, rg, mdat)
			}
		}
		if total > 8<<10 {
			t.Errorf("faststart=%v: read %d bytes of a %d-byte file in %d reads; want a few KiB", fast, total, len(b), len(c.reads))
		}
		t.Logf("faststart=%v: %d reads, %d bytes of %d", fast, len(c.reads), total, len(b))
	}
}

func TestProbeMP4_rejectsWhatIsNotMP4(t *testing.T) {
	valid, err := os.ReadFile(clip(t, clipSpec{W: 320, H: 180, Seconds: 2, FastStart: true}))
	if err != nil {
		t.Fatal(err)
	}
	moov := bytes.Index(valid, []byte("moov")) - 4
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"pdf", []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")},
		{"box_larger_than_file", []byte("\x00\x00\x10\x00ftypisom\x00\x00\x00\x00")},
		{"box_smaller_than_its_header", []byte("\x00\x00\x00\x04ftypisom")},
		{"no_moov", valid[:moov]},
		{"moov_cut_short", valid[:moov+200]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ProbeMP4(bytes.NewReader(tc.b), int64(len(tc.b)))
			if !errors.Is(err, ErrNotMP4) {
				t.Errorf("error %v, want ErrNotMP4", err)
			}
		})
	}
}

func TestProbeMP4_boundsTheWorkOfAHostileFile(t *testing.T) {
	// A moov of 100,000 empty free boxes: walked until the box bound.
	var b bytes.Buffer
	b.WriteString("\x00\x00\x00\x10ftypisom\x00\x00\x00\x00")
	n := 100_000
	size := 8 + 8*n
	b.Write([]byte{byte(size >> 24), byte(size >> 16), byte(size >> 8), byte(size)})
	b.WriteString("moov")
	for range n {
		b.WriteString("\x00\x00\x00\x08free")
	}
	c := &countingReaderAt{r: bytes.NewReader(b.Bytes())}
	_, err := ProbeMP4(c, int64(b.Len()))
	if !errors.Is(err, ErrNotMP4) {
		t.Fatalf("error %v, want ErrNotMP4", err)
	}
	if len(c.reads) > mp4MaxBoxes+10 {
		t.Errorf("%d reads; want at most about %d", len(c.reads), mp4MaxBoxes)
	}
}

func TestParseFFprobe(t *testing.T) {
	// Cover art is not the video; the older rotate tag is clockwise.
	out := `{"streams":[
		{"codec_type":"video","width":600,"height":600,"disposition":{"attached_pic":1}},
		{"codec_type":"video","width":1920,"height":1080,"avg_frame_rate":"0/0","r_frame_rate":"60000/1001",
		 "tags":{"rotate":"90"}},
		{"codec_type":"audio"}],
		"format":{"duration":"12.5"}}`
	got, err := parseFFprobe([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := Probe{Width: 1920, Height: 1080, Rotation: 270, HasAudio: true, FrameRate: 59.94, Duration: 12500 * time.Millisecond}
	if !sameProbe(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := parseFFprobe([]byte("not json")); err == nil {
		t.Error("no error for output that is not JSON")
	}
}

func TestFFprobe_missingProgramSaysHowToInstall(t *testing.T) {
	_, err := FFprobe{Path: "/nonexistent/ffprobe"}.Probe(ctx(t), "x.mp4")
	if !errors.Is(err, ErrNoTool) || !strings.Contains(err.Error(), "apt-get install ffmpeg") {
		t.Errorf("error %v; want ErrNoTool saying apt-get install ffmpeg", err)
	}
}
