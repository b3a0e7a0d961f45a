package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// ErrNoTool is wrapped by the error of a local prober or transcoder whose
// program (ffmpeg, ffprobe) is not installed.
var ErrNoTool = errors.New("not installed")

// lookTool finds program name (or the path given) and says how to install
// it when it is missing.
func lookTool(path, name string) (string, error) {
	if path == "" {
		path = name
	}
	p, err := exec.LookPath(path)
	if err != nil {
		return "", fmt.Errorf("stream: %s is %w (%v): install it with `apt-get install ffmpeg` (Debian/Ubuntu) or `apk add ffmpeg` (Alpine)",
			name, ErrNoTool, err)
	}
	return p, nil
}

// FFprobe probes local files with ffprobe's JSON output.
type FFprobe struct {
	// Path is the ffprobe program; "" finds ffprobe on $PATH.
	Path string
}

// ffprobeOutput is the part of `ffprobe -print_format json -show_streams
// -show_format` that Probe reads.
type ffprobeOutput struct {
	Streams []struct {
		CodecType    string `json:"codec_type"`
		Width        int    `json:"width"`
		Height       int    `json:"height"`
		AvgFrameRate string `json:"avg_frame_rate"`
		RFrameRate   string `json:"r_frame_rate"`
		Duration     string `json:"duration"`
		Disposition  struct {
			AttachedPic int `json:"attached_pic"`
		} `json:"disposition"`
		Tags struct {
			Rotate string `json:"rotate"`
		} `json:"tags"`
		SideDataList []struct {
			Rotation *float64 `json:"rotation"`
		} `json:"side_data_list"`
	} `json:"streams"`
	Format struct {
		Duration string `json:"duration"`
	} `json:"format"`
}

// Probe reads what the ladder needs of the media file at path. A file
// ffprobe cannot read is an error that quotes ffprobe's message.
func (p FFprobe) Probe(ctx context.Context, path string) (Probe, error) {
	bin, err := lookTool(p.Path, "ffprobe")
	if err != nil {
		return Probe{}, err
	}
	cmd := exec.CommandContext(ctx, bin, "-v", "error", "-print_format", "json", "-show_streams", "-show_format", "--", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return Probe{}, ctx.Err()
		}
		return Probe{}, fmt.Errorf("stream: ffprobe %s: %w: %s", path, err, strings.TrimSpace(stderr.String()))
	}
	return parseFFprobe(out)
}

func parseFFprobe(out []byte) (Probe, error) {
	var o ffprobeOutput
	if err := json.Unmarshal(out, &o); err != nil {
		return Probe{}, fmt.Errorf("stream: ffprobe output does not parse: %w", err)
	}
	var pr Probe
	seenVideo := false
	for _, s := range o.Streams {
		switch s.CodecType {
		case "audio":
			pr.HasAudio = true
		case "video":
			if seenVideo || s.Disposition.AttachedPic == 1 || s.Width <= 0 || s.Height <= 0 {
				continue // cover art, or a second angle
			}
			seenVideo = true
			pr.Width, pr.Height = s.Width, s.Height
			pr.FrameRate = parseRate(s.AvgFrameRate)
			if pr.FrameRate == 0 {
				pr.FrameRate = parseRate(s.RFrameRate)
			}
			pr.Rotation = ffprobeRotation(s.Tags.Rotate, s.SideDataList)
			if pr.Duration == 0 {
				pr.Duration = parseSeconds(s.Duration)
			}
		}
	}
	if d := parseSeconds(o.Format.Duration); d > 0 {
		pr.Duration = d
	}
	return pr, nil
}

// ffprobeRotation normalizes the display matrix's rotation (counterclockwise
// degrees) or, from older ffprobe versions, the rotate tag (clockwise).
func ffprobeRotation(tag string, side []struct {
	Rotation *float64 `json:"rotation"`
}) int {
	for _, sd := range side {
		if sd.Rotation != nil {
			return normalizeRotation(*sd.Rotation)
		}
	}
	if v, err := strconv.ParseFloat(tag, 64); err == nil {
		return normalizeRotation(-v)
	}
	return 0
}

// normalizeRotation rounds deg to a quarter turn in [0, 360).
func normalizeRotation(deg float64) int {
	q := int(math.Round(deg/90)) % 4
	if q < 0 {
		q += 4
	}
	return q * 90
}

// parseRate reads "30000/1001" or "25".
func parseRate(s string) float64 {
	num, den, found := strings.Cut(s, "/")
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || n <= 0 {
		return 0
	}
	if !found {
		return n
	}
	d, err := strconv.ParseFloat(den, 64)
	if err != nil || d <= 0 {
		return 0
	}
	return n / d
}

func parseSeconds(s string) time.Duration {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0
	}
	return time.Duration(v * float64(time.Second))
}
