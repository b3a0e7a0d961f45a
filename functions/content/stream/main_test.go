package stream

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// update rewrites golden files: go test ./functions/content/stream/ -run Golden -update
var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// clipDir holds the clips generated for this test binary.
var clipDir string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "stream-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	clipDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// clipSpec describes a test video made by ffmpeg from its test sources.
type clipSpec struct {
	W, H      int
	Seconds   float64
	Rate      string // frame rate, "25" or "30000/1001"; "" is 30
	Audio     bool
	Container string // "mp4" (default) or "mov"
	FastStart bool   // moov before mdat
	Rotate    int    // the legacy rotate tag (clockwise degrees) written by a remux
	Bitrate   string // libx264 target, e.g. "2M"; "" leaves x264's CRF
}

var (
	clipsMu sync.Mutex
	clips   = map[clipSpec]string{}
)

// needFFmpeg fails the test when ffmpeg is missing: the package's tests
// need it (they never skip silently).
func needFFmpeg(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatalf("ffmpeg is not installed: install it with `apt-get install ffmpeg` (%v)", err)
	}
	return p
}

// clip returns the path of a generated clip, made once per test binary.
func clip(t testing.TB, s clipSpec) string {
	t.Helper()
	clipsMu.Lock()
	defer clipsMu.Unlock()
	if p, ok := clips[s]; ok {
		return p
	}
	bin := needFFmpeg(t)
	if s.Rate == "" {
		s.Rate = "30"
	}
	if s.Container == "" {
		s.Container = "mp4"
	}
	name := fmt.Sprintf("clip_%dx%d_%gs_%s_a%v_fs%v_r%d_%s.%s", s.W, s.H, s.Seconds, sanitize(s.Rate), s.Audio,
		s.FastStart, s.Rotate, s.Bitrate, s.Container)
	out := filepath.Join(clipDir, name)
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=%s", s.W, s.H, s.Rate)}
	if s.Audio {
		args = append(args, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000")
	}
	args = append(args, "-t", strconv.FormatFloat(s.Seconds, 'f', -1, 64), "-c:v", "libx264", "-preset", "ultrafast",
		"-pix_fmt", "yuv420p")
	if s.Bitrate != "" {
		args = append(args, "-b:v", s.Bitrate)
	}
	if s.Audio {
		args = append(args, "-c:a", "aac", "-b:a", "96k")
	}
	if s.FastStart {
		args = append(args, "-movflags", "+faststart")
	}
	encoded := out
	if s.Rotate != 0 {
		encoded = out + ".tmp." + s.Container
	}
	args = append(args, encoded)
	if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("generating %s: %v: %s", name, err, b)
	}
	if s.Rotate != 0 {
		// ffmpeg 5.1 writes the rotate tag as a display matrix on a remux.
		b, err := exec.Command(bin, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", encoded,
			"-c", "copy", "-metadata:s:v:0", "rotate="+strconv.Itoa(s.Rotate), out).CombinedOutput()
		if err != nil {
			t.Fatalf("rotating %s: %v: %s", name, err, b)
		}
	}
	clips[s] = out
	return out
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '/' {
			b[i] = '_'
		}
	}
	return string(b)
}

// ctx is a test's context.
func ctx(t testing.TB) context.Context { return t.Context() }

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// transcoded is one local transcode shared by the tests that read its
// outputs: a 3 s 640x360 clip with sound.
type transcoded struct {
	src    string
	probe  Probe
	ladder Ladder
	dir    string
	res    Result
}

var (
	sharedOnce sync.Once
	shared     transcoded
	sharedErr  error
)

func sharedTranscode(t testing.TB) transcoded {
	t.Helper()
	src := clip(t, clipSpec{W: 640, H: 360, Seconds: 3, Audio: true})
	sharedOnce.Do(func() {
		shared.src = src
		if shared.probe, sharedErr = (FFprobe{}).Probe(context.Background(), src); sharedErr != nil {
			return
		}
		shared.ladder = Plan(shared.probe)
		shared.dir = filepath.Join(clipDir, "shared-transcode")
		if sharedErr = os.Mkdir(shared.dir, 0o700); sharedErr != nil {
			return
		}
		shared.res, sharedErr = testFFmpeg.Transcode(context.Background(), src, shared.dir, shared.ladder)
	})
	if sharedErr != nil {
		t.Fatalf("shared transcode: %v", sharedErr)
	}
	return shared
}
