package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

// testFFmpeg transcodes fast: the tests check structure, not quality.
// (superfast, not ultrafast: ultrafast drops CABAC and B-frames, so x264
// writes Constrained Baseline whatever profile it is asked for.)
var testFFmpeg = FFmpeg{Preset: "superfast"}

// ffprobeJSON runs ffprobe with args on path and decodes its JSON.
func ffprobeJSON(t *testing.T, path string, v any, args ...string) {
	t.Helper()
	args = append([]string{"-v", "error", "-print_format", "json"}, append(args, path)...)
	out, err := exec.Command("ffprobe", args...).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatal(err)
	}
}

// keyframeTimes are the presentation times of a segment's video keyframes.
func keyframeTimes(t *testing.T, path string) []string {
	var pk struct {
		Packets []struct {
			PTSTime string `json:"pts_time"`
			Flags   string `json:"flags"`
		} `json:"packets"`
	}
	ffprobeJSON(t, path, &pk, "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags")
	var ks []string
	for _, p := range pk.Packets {
		if strings.HasPrefix(p.Flags, "K") {
			ks = append(ks, p.PTSTime)
		}
	}
	return ks
}

func TestFFmpeg_transcodesTheLadderInOneRun(t *testing.T) {
	start := time.Now()
	tc := sharedTranscode(t)
	l, out, res := tc.ladder, tc.dir, tc.res
	t.Logf("transcoded %v of 640x360 into %d rungs in %v", tc.probe.Duration, len(l.Rungs), time.Since(start))

	// Every name is the fixed one, and nothing else is written.
	want := []string{PosterName, "240p.m3u8", "360p.m3u8", "audio.m3u8", TranscoderManifestName}
	for _, r := range []string{"240p", "360p", "audio"} {
		want = append(want, SegmentName(r, 0))
	}
	for _, f := range want {
		if !slices.Contains(res.Files, f) {
			t.Errorf("no %s among %v", f, res.Files)
		}
	}
	for _, f := range res.Files {
		if !strings.HasSuffix(f, ".ts") && !slices.Contains(want, f) {
			t.Errorf("unexpected output %s", f)
		}
	}
	if res.Poster != PosterName || (res.Duration-3*time.Second).Abs() > 100*time.Millisecond {
		t.Errorf("poster %q, duration %v; want %q, 3s", res.Poster, res.Duration, PosterName)
	}

	// Renditions carry measured bandwidths and the codecs the segments have.
	if len(res.Renditions) != 3 {
		t.Fatalf("renditions %+v, want 240p, 360p, audio", res.Renditions)
	}
	for _, r := range res.Renditions {
		if r.Bandwidth <= 0 || r.AverageBandwidth <= 0 || r.AverageBandwidth > r.Bandwidth {
			t.Errorf("%s: bandwidth %d, average %d", r.Name, r.Bandwidth, r.AverageBandwidth)
		}
		seg := filepath.Join(out, SegmentName(r.Name, 0))
		var st struct {
			Streams []struct {
				CodecType string `json:"codec_type"`
				Profile   string `json:"profile"`
				Level     int    `json:"level"`
				Width     int    `json:"width"`
				Height    int    `json:"height"`
			} `json:"streams"`
		}
		ffprobeJSON(t, seg, &st, "-show_streams")
		var got []string
		for _, s := range st.Streams {
			if s.CodecType == "video" {
				got = append(got, fmt.Sprintf("%s@%d %dx%d", strings.ToLower(s.Profile), s.Level, s.Width, s.Height))
			} else {
				got = append(got, s.CodecType+" "+s.Profile)
			}
		}
		rung := l.Rungs[slices.IndexFunc(l.Rungs, func(x Rung) bool { return x.Name == r.Name })]
		var wantStreams []string
		if !rung.AudioOnly() {
			wantStreams = append(wantStreams, fmt.Sprintf("%s@%d %dx%d", rung.Profile,
				int(10*parseRate(rung.Level)+0.5), rung.Width, rung.Height))
		}
		wantStreams = append(wantStreams, "audio LC")
		if strings.Join(got, "; ") != strings.Join(wantStreams, "; ") {
			t.Errorf("%s: segment streams %v, want %v", r.Name, got, wantStreams)
		}
	}

	// Keyframes every 2 s on the same timestamps in every rung: players
	// switch rungs at any segment boundary.
	k240 := keyframeTimes(t, filepath.Join(out, SegmentName("240p", 0)))
	k360 := keyframeTimes(t, filepath.Join(out, SegmentName("360p", 0)))
	if len(k240) != 2 || !slices.Equal(k240, k360) {
		t.Errorf("keyframes 240p %v, 360p %v; want the same two (0 s and 2 s)", k240, k360)
	}

	// The poster is a JPEG of the 360p size.
	var ps struct {
		Streams []struct {
			CodecName     string `json:"codec_name"`
			Width, Height int
		} `json:"streams"`
	}
	ffprobeJSON(t, filepath.Join(out, PosterName), &ps, "-show_streams")
	if len(ps.Streams) != 1 || ps.Streams[0].CodecName != "mjpeg" || ps.Streams[0].Width != 640 || ps.Streams[0].Height != 360 {
		t.Errorf("poster %+v, want one 640x360 mjpeg", ps.Streams)
	}
}

func TestFFmpeg_rotatedPhoneVideoBecomesPortraitRungs(t *testing.T) {
	src := clip(t, clipSpec{W: 640, H: 360, Seconds: 2, Rotate: 90})
	probe, err := FFprobe{}.Probe(ctx(t), src)
	if err != nil {
		t.Fatal(err)
	}
	l := Plan(probe)
	res, err := testFFmpeg.Transcode(ctx(t), src, t.TempDir(), l)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Renditions {
		got = append(got, fmt.Sprintf("%s %dx%d", r.Name, r.Width, r.Height))
	}
	if want := "240p 240x426, 360p 360x640"; strings.Join(got, ", ") != want {
		t.Errorf("renditions %v, want %s", got, want)
	}
}

func TestFFmpeg_silentSourceHasNoAudio(t *testing.T) {
	src := clip(t, clipSpec{W: 320, H: 180, Seconds: 2, Rate: "60"})
	probe, err := FFprobe{}.Probe(ctx(t), src)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := testFFmpeg.Transcode(ctx(t), src, out, Plan(probe))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Renditions) != 1 || res.Renditions[0].Codecs != "avc1.4d401e" || res.Renditions[0].FrameRate != 30 {
		t.Fatalf("renditions %+v; want one 180p rung at 30 fps without audio", res.Renditions)
	}
	var st struct {
		Streams []struct {
			CodecType    string `json:"codec_type"`
			AvgFrameRate string `json:"avg_frame_rate"`
		} `json:"streams"`
	}
	ffprobeJSON(t, filepath.Join(out, SegmentName("180p", 0)), &st, "-show_streams")
	if len(st.Streams) != 1 || st.Streams[0].CodecType != "video" || parseRate(st.Streams[0].AvgFrameRate) > 30.01 {
		t.Errorf("segment streams %+v; want video only at 30 fps", st.Streams)
	}
}

func TestFFmpeg_cancellationKillsIt(t *testing.T) {
	src := clip(t, clipSpec{W: 1280, H: 720, Seconds: 6})
	probe, err := FFprobe{}.Probe(ctx(t), src)
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithCancel(ctx(t))
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err = FFmpeg{Preset: "veryslow"}.Transcode(c, src, t.TempDir(), Plan(probe))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("returned %v after the cancel; ffmpeg was not killed", d)
	}
}

func TestFFmpeg_missingProgramSaysHowToInstall(t *testing.T) {
	_, err := FFmpeg{Path: "/nonexistent/ffmpeg"}.Transcode(ctx(t), "in.mp4", t.TempDir(), Plan(Probe{Width: 640, Height: 360}))
	if !errors.Is(err, ErrNoTool) || !strings.Contains(err.Error(), "apt-get install ffmpeg") {
		t.Errorf("error %v; want ErrNoTool saying apt-get install ffmpeg", err)
	}
}

func TestFFmpeg_unreadableInputIsInvalid(t *testing.T) {
	in := filepath.Join(t.TempDir(), "notes.mp4")
	if err := os.WriteFile(in, []byte("these are not video bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := testFFmpeg.Transcode(ctx(t), in, t.TempDir(), Plan(Probe{Width: 640, Height: 360}))
	if errs.KindOf(err) != errs.Invalid {
		t.Errorf("error %v, want Invalid", err)
	}
	_, err = testFFmpeg.Transcode(ctx(t), in, t.TempDir(), Plan(Probe{HasAudio: true}))
	if errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), "no video") {
		t.Errorf("audio-only source: error %v, want Invalid about no video", err)
	}
}

func TestMeasure(t *testing.T) {
	pl := []byte(`#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:4
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:4.000000,
a0.ts
#EXTINF:4.000000,
a1.ts
#EXTINF:4.000,
a2.ts
#EXTINF:0.020000,
a3.ts
#EXT-X-ENDLIST
`)
	sizes := map[string]int64{"a0.ts": 200_000, "a1.ts": 300_000, "a2.ts": 250_000, "a3.ts": 2_000}
	m, err := Measure(pl, func(u string) (int64, error) {
		s, ok := sizes[u]
		if !ok {
			return 0, os.ErrNotExist
		}
		return s, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The 20 ms last segment alone would be 800 kb/s: it only counts
	// together with the one before it (RFC 8216 4.3.4.2).
	if m.Bandwidth != 600_000 || m.AverageBandwidth != 500_500 || len(m.Segments) != 4 ||
		(m.Duration-12020*time.Millisecond).Abs() > time.Millisecond {
		t.Errorf("got %+v; want peak 600000, average 500500, 4 segments, 12.02s", m)
	}
	if _, err := Measure([]byte("#EXTM3U\n#EXTINF:4,\nmissing.ts\n"), func(string) (int64, error) { return 0, os.ErrNotExist }); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing segment: error %v", err)
	}
	if _, err := Measure([]byte("#EXTM3U\n#EXT-X-ENDLIST\n"), nil); err == nil {
		t.Error("no error for a playlist without segments")
	}
}
