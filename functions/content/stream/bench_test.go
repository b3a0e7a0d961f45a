package stream

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// BenchmarkTranscode transcodes 20 s of generated 1080p30 video with sound
// (testsrc2 + a sine tone, H.264 at 8 Mb/s and AAC at 128 kb/s: about what
// a phone records) with the production settings (FFmpeg{}: x264
// veryfast) and reports
//
//   - s/src-min: seconds of transcode work per minute of source, wall clock
//     on this machine;
//   - ladder/source: bytes of every output (5 rungs and the poster) over
//     the source's bytes;
//   - ladder-MB/src-min: output megabytes per minute of source.
//
// Run it alone: go test ./functions/content/stream/ -run '^$' -bench Transcode -benchtime 1x
func BenchmarkTranscode(b *testing.B) {
	const seconds = 20
	src := filepath.Join(b.TempDir(), "src1080.mp4")
	gen := exec.Command(needFFmpeg(b), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", strconv.Itoa(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "8M", "-maxrate", "8M", "-bufsize", "16M",
		"-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", src)
	if out, err := gen.CombinedOutput(); err != nil {
		b.Fatalf("generating the source: %v: %s", err, out)
	}
	fi, err := os.Stat(src)
	if err != nil {
		b.Fatal(err)
	}
	probe, err := FFprobe{}.Probe(b.Context(), src)
	if err != nil {
		b.Fatal(err)
	}
	l := Plan(probe)
	b.ResetTimer()
	var work time.Duration
	var outBytes int64
	for i := 0; i < b.N; i++ {
		out := b.TempDir()
		start := time.Now()
		res, err := FFmpeg{}.Transcode(b.Context(), src, out, l)
		work += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		outBytes = 0
		for _, f := range res.Files {
			st, err := os.Stat(filepath.Join(out, filepath.FromSlash(f)))
			if err != nil {
				b.Fatal(err)
			}
			outBytes += st.Size()
		}
		if i == 0 {
			for _, r := range res.Renditions {
				b.Logf("%-6s %4dx%-4d peak %5d kb/s  average %5d kb/s  %s", r.Name, r.Width, r.Height,
					r.Bandwidth/1000, r.AverageBandwidth/1000, r.Codecs)
			}
		}
	}
	minutes := probe.Duration.Minutes()
	b.ReportMetric(work.Seconds()/float64(b.N)/minutes, "s/src-min")
	b.ReportMetric(float64(outBytes)/float64(fi.Size()), "ladder/source")
	b.ReportMetric(float64(outBytes)/1e6/minutes, "ladder-MB/src-min")
	b.Logf("source %s, %d bytes (%.1f Mb/s); ladder %d bytes", probe.Duration, fi.Size(),
		float64(fi.Size())*8/probe.Duration.Seconds()/1e6, outBytes)
}
