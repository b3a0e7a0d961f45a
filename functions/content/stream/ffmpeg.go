package stream

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

// FFmpeg transcodes local files with ffmpeg: the local stand-in for the
// Transcoder API, writing the same names (names.go).
type FFmpeg struct {
	// Path is the ffmpeg program; "" finds ffmpeg on $PATH.
	Path string
	// Preset is the x264 preset; "" is "veryfast", the Transcoder API's
	// default.
	Preset string
}

// Result is what a transcode produced: the data the master playlist needs.
type Result struct {
	// Renditions are the ladder's rungs as written, with bandwidths
	// measured on the segments (Measure), in the ladder's order.
	Renditions []Rendition
	// Poster is the poster image's name (PosterName).
	Poster string
	// Duration is the length of the video as its playlists say.
	Duration time.Duration
	// Files are every file written, relative to the output directory,
	// sorted.
	Files []string
}

// Transcode writes the HLS ladder l of the media file input into outDir (an
// existing directory, best empty): one ffmpeg run makes every rung
// (filter_complex split + var_stream_map), a second one the poster. The
// context's end kills ffmpeg; the error is then the context's.
//
// An input ffmpeg cannot decode is an errs.Invalid error quoting ffmpeg.
func (f FFmpeg) Transcode(ctx context.Context, input, outDir string, l Ladder) (Result, error) {
	bin, err := lookTool(f.Path, "ffmpeg")
	if err != nil {
		return Result{}, err
	}
	if len(l.Video()) == 0 {
		return Result{}, errs.E(errs.Invalid, "the source has no video stream to transcode")
	}
	if strings.Contains(outDir, "%") {
		return Result{}, fmt.Errorf("stream: output directory %q must not contain %%", outDir)
	}
	if err := run(ctx, bin, input, f.ladderArgs(input, outDir, l)); err != nil {
		return Result{}, err
	}
	if err := run(ctx, bin, input, posterArgs(input, filepath.Join(outDir, PosterName), l)); err != nil {
		return Result{}, err
	}
	return collect(outDir, l)
}

func (f FFmpeg) preset() string {
	if f.Preset == "" {
		return "veryfast"
	}
	return f.Preset
}

// ladderArgs is the ffmpeg command line making every rung of l.
func (f FFmpeg) ladderArgs(input, outDir string, l Ladder) []string {
	video := l.Video()
	hasAudio := l.Source.HasAudio
	// The first video that is not cover art (V, not v) is autorotated by
	// ffmpeg, converted to 8-bit 4:2:0 (Main and High need it), thinned to
	// the output rate, then split per rung.
	var g strings.Builder
	g.WriteString("[0:V:0]")
	if l.Source.FrameRate > 0 && l.FrameRate > 0 && l.FrameRate < l.Source.FrameRate-0.01 {
		g.WriteString("fps=" + strconv.FormatFloat(l.FrameRate, 'f', 6, 64) + ",")
	}
	fmt.Fprintf(&g, "format=yuv420p,split=%d", len(video))
	for i := range video {
		fmt.Fprintf(&g, "[s%d]", i)
	}
	for i, r := range video {
		fmt.Fprintf(&g, ";[s%d]scale=%d:%d:flags=bicubic,setsar=1[v%d]", i, r.Width, r.Height, i)
	}
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-i", "file:" + input,
		"-filter_complex", g.String()}
	var vsm []string
	audio := 0
	for i, r := range video {
		args = append(args, "-map", fmt.Sprintf("[v%d]", i))
		entry := fmt.Sprintf("v:%d", i)
		if hasAudio {
			args = append(args, "-map", "0:a:0")
			entry += fmt.Sprintf(",a:%d", audio)
			audio++
		}
		vsm = append(vsm, entry+",name:"+r.Name)
	}
	for _, r := range l.Rungs {
		if r.AudioOnly() {
			args = append(args, "-map", "0:a:0")
			vsm = append(vsm, fmt.Sprintf("a:%d,name:%s", audio, r.Name))
			audio++
		}
	}
	args = append(args, "-c:v", "libx264", "-preset", f.preset(), "-sc_threshold", "0",
		"-force_key_frames", fmt.Sprintf("expr:gte(t,n_forced*%g)", GOPDuration.Seconds()))
	if gop := l.GOPFrames(); gop > 0 {
		args = append(args, "-g", strconv.Itoa(gop), "-keyint_min", strconv.Itoa(gop))
	}
	for i, r := range video {
		s := strconv.Itoa(i)
		args = append(args, "-b:v:"+s, strconv.Itoa(r.VideoBitrate), "-maxrate:v:"+s, strconv.Itoa(r.VideoBitrate),
			"-bufsize:v:"+s, strconv.Itoa(2*r.VideoBitrate), "-profile:v:"+s, r.Profile, "-level:v:"+s, r.Level)
	}
	if audio > 0 {
		args = append(args, "-c:a", "aac", "-b:a", strconv.Itoa(AudioBitrate), "-ac", strconv.Itoa(AudioChannels),
			"-ar", strconv.Itoa(AudioSampleRate))
	}
	return append(args, "-max_muxing_queue_size", "4096",
		"-f", "hls", "-hls_time", strconv.Itoa(int(SegmentDuration.Seconds())), "-hls_playlist_type", "vod",
		"-hls_list_size", "0", "-hls_flags", "independent_segments", "-hls_segment_type", "mpegts",
		"-start_number", "0", "-hls_segment_filename", filepath.Join(outDir, "%v%010d.ts"),
		"-master_pl_name", TranscoderManifestName, "-var_stream_map", strings.Join(vsm, " "),
		filepath.Join(outDir, "%v.m3u8"))
}

// posterTime is when the poster is taken: past a fade-in or a title card,
// within short clips.
func posterTime(d time.Duration) time.Duration {
	const at = 2 * time.Second
	if d > 0 && d < 2*at {
		return d / 2
	}
	return at
}

// posterSize is the poster's displayed size: the largest rung up to 720p.
func posterSize(l Ladder) (w, h int) {
	for _, r := range l.Video() {
		if min(r.Width, r.Height) <= 720 || w == 0 {
			w, h = r.Width, r.Height
		}
	}
	return w, h
}

func posterArgs(input, out string, l Ladder) []string {
	w, h := posterSize(l)
	return []string{"-hide_banner", "-nostdin", "-loglevel", "error", "-y",
		"-ss", strconv.FormatFloat(posterTime(l.Source.Duration).Seconds(), 'f', 3, 64), "-i", "file:" + input,
		"-map", "0:V:0", "-frames:v", "1", "-vf", fmt.Sprintf("scale=%d:%d:flags=bicubic,setsar=1", w, h),
		"-q:v", "4", "-f", "image2", "-update", "1", out}
}

// run runs ffmpeg on input; its end kills it.
func run(ctx context.Context, bin, input string, args []string) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr tailBuffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		msg := strings.ReplaceAll(strings.TrimSpace(stderr.String()), "file:"+input, "input")
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			// ffmpeg exits non-zero for input it cannot read, which
			// no retry fixes.
			return errs.Wrap(errs.Invalid, err, "ffmpeg could not transcode the video: "+msg)
		}
		return fmt.Errorf("stream: running ffmpeg: %w: %s", err, msg)
	}
	return nil
}

// tailBuffer keeps the last 4 KiB written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	const keep = 4 << 10
	t.b = append(t.b, p...)
	if len(t.b) > keep {
		t.b = t.b[len(t.b)-keep:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// collect measures what Transcode wrote.
func collect(outDir string, l Ladder) (Result, error) {
	res := Result{Poster: PosterName}
	sizeOf := func(name string) (int64, error) {
		fi, err := os.Stat(filepath.Join(outDir, filepath.FromSlash(name)))
		if err != nil {
			return 0, err
		}
		return fi.Size(), nil
	}
	for _, r := range l.Renditions() {
		pl, err := os.ReadFile(filepath.Join(outDir, r.Playlist))
		if err != nil {
			return Result{}, fmt.Errorf("stream: ffmpeg wrote no %s: %w", r.Playlist, err)
		}
		m, err := Measure(pl, sizeOf)
		if err != nil {
			return Result{}, fmt.Errorf("stream: %s: %w", r.Playlist, err)
		}
		r.Bandwidth, r.AverageBandwidth = m.Bandwidth, m.AverageBandwidth
		if !r.AudioOnly() && res.Duration == 0 {
			res.Duration = m.Duration
		}
		res.Renditions = append(res.Renditions, r)
	}
	if _, err := os.Stat(filepath.Join(outDir, PosterName)); err != nil {
		return Result{}, fmt.Errorf("stream: ffmpeg wrote no poster: %w", err)
	}
	err := filepath.WalkDir(outDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(outDir, p)
		res.Files = append(res.Files, filepath.ToSlash(rel))
		return err
	})
	slices.Sort(res.Files)
	return res, err
}

// Measurement is what a media playlist and the sizes of its segments say.
type Measurement struct {
	// Bandwidth is the peak segment bit rate as RFC 8216 (4.3.4.2) defines
	// it: the largest bit rate of any run of consecutive segments lasting
	// between 0.5 and 1.5 times the target duration. AverageBandwidth is
	// the whole playlist's bits over its duration. Both in bits/s, rounded
	// up.
	Bandwidth, AverageBandwidth int
	Duration                    time.Duration
	// Segments are the segment URIs, in order.
	Segments []string
}

// Measure reads a media playlist and measures it with the size of each
// segment (sizeOf is given each segment URI as written in the playlist).
func Measure(playlist []byte, sizeOf func(uri string) (int64, error)) (Measurement, error) {
	type seg struct {
		dur  float64
		size int64
	}
	var segs []seg
	var m Measurement
	target := 0.0
	pending := -1.0
	sc := bufio.NewScanner(bytes.NewReader(playlist))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "#EXT-X-TARGETDURATION:"):
			target, _ = strconv.ParseFloat(strings.TrimPrefix(line, "#EXT-X-TARGETDURATION:"), 64)
		case strings.HasPrefix(line, "#EXTINF:"):
			v, _, _ := strings.Cut(strings.TrimPrefix(line, "#EXTINF:"), ",")
			d, err := strconv.ParseFloat(v, 64)
			if err != nil || d < 0 {
				return Measurement{}, fmt.Errorf("bad segment duration %q", line)
			}
			pending = d
		case line == "" || strings.HasPrefix(line, "#"):
		default:
			if pending < 0 {
				return Measurement{}, fmt.Errorf("segment %q has no #EXTINF", line)
			}
			size, err := sizeOf(line)
			if err != nil {
				return Measurement{}, fmt.Errorf("segment %s: %w", line, err)
			}
			segs = append(segs, seg{pending, size})
			m.Segments = append(m.Segments, line)
			pending = -1
		}
	}
	if len(segs) == 0 {
		return Measurement{}, errors.New("the playlist has no segments")
	}
	var totalDur float64
	var totalSize int64
	for _, s := range segs {
		totalDur += s.dur
		totalSize += s.size
	}
	if totalDur <= 0 {
		return Measurement{}, errors.New("the playlist lasts 0 seconds")
	}
	m.Duration = time.Duration(totalDur * float64(time.Second))
	m.AverageBandwidth = int(math.Ceil(float64(totalSize) * 8 / totalDur))
	if target <= 0 {
		target = SegmentDuration.Seconds()
	}
	peak := 0.0
	for i := range segs {
		var d float64
		var size int64
		for j := i; j < len(segs); j++ {
			d += segs[j].dur
			size += segs[j].size
			if d > 1.5*target {
				break
			}
			if d >= 0.5*target {
				peak = max(peak, float64(size)*8/d)
			}
		}
	}
	if peak == 0 { // the whole playlist is shorter than half a target duration
		peak = float64(totalSize) * 8 / totalDur
	}
	m.Bandwidth = int(math.Ceil(peak))
	return m, nil
}
