package stream

import (
	"math"
	"strconv"
	"time"
)

// Probe is what the ladder needs to know about a source video.
type Probe struct {
	// Width and Height are the stored frame size, in pixels.
	Width, Height int
	// Rotation is how far players turn the stored frames for display, in
	// degrees counterclockwise (ffmpeg's display matrix convention): 0, 90,
	// 180 or 270. At 90 and 270 the displayed width and height swap.
	Rotation int
	Duration time.Duration
	HasAudio bool
	// FrameRate is in frames per second; 0 when unknown.
	FrameRate float64
}

// DisplaySize is the size the video is shown at: Width x Height turned by
// Rotation.
func (p Probe) DisplaySize() (w, h int) {
	if p.Rotation == 90 || p.Rotation == 270 {
		return p.Height, p.Width
	}
	return p.Width, p.Height
}

// HasVideo reports whether the source has a picture to transcode.
func (p Probe) HasVideo() bool { return p.Width > 0 && p.Height > 0 }

// Encoding parameters shared by every rung, locally and in the cloud.
const (
	// SegmentDuration is the target length of an HLS segment: short enough
	// for a player on a poor mobile network to switch rungs quickly, long
	// enough to keep request and TS overheads small.
	SegmentDuration = 4 * time.Second
	// GOPDuration is the keyframe interval. Keyframes are forced on the
	// same timestamps in every rung (closed GOPs, no scene-cut keyframes),
	// so every segment of every rung starts on a keyframe at the same time
	// and players switch rungs at any segment boundary.
	GOPDuration = 2 * time.Second
	// MaxFrameRate caps the output frame rate. A faster source keeps every
	// n-th frame, n = ceil(rate/MaxFrameRate) (the Transcoder API's
	// DOWNSAMPLE strategy): 60 -> 30, 50 -> 25, 59.94 -> 29.97.
	MaxFrameRate = 30
	// AudioBitrate is the AAC-LC bitrate of every rung (stereo, 48 kHz):
	// enough for a tutor's speech, and the whole of the audio-only rung.
	AudioBitrate    = 64_000
	AudioSampleRate = 48_000
	AudioChannels   = 2
	// AudioCodecs is the RFC 6381 codecs string of AAC-LC.
	AudioCodecs = "mp4a.40.2"
)

// Nominal overheads of MPEG-TS over the encoders' target bitrates, used
// where the real segments cannot be measured (Ladder.Renditions). Measured
// on ffmpeg output: peaks reach 1.13x (1080p) to 1.20x (240p) of
// video+audio, averages 1.07x to 1.17x.
const (
	peakOverhead    = 1.25
	averageOverhead = 1.20
)

// Rung is one rendition of the ladder.
type Rung struct {
	// Name is "<short side>p" (e.g. "360p") or AudioRung; it names the
	// rung's playlist and segments.
	Name string
	// Width and Height are the displayed size (0 for the audio-only rung).
	// The shorter side is at most the number in Name; a source wider than
	// 16:9 is fitted inside the 16:9 box of that size.
	Width, Height int
	// VideoBitrate is the H.264 target in bits/s (0: audio only);
	// AudioBitrate is the AAC-LC one.
	VideoBitrate, AudioBitrate int
	// Profile and Level are the H.264 profile ("main", "high") and level
	// ("3.0", "3.1", "4.0") the encoder is told to use.
	Profile, Level string
	// FrameRate is the output frame rate (0: as the source).
	FrameRate float64
}

// AudioOnly reports whether the rung carries no picture.
func (r Rung) AudioOnly() bool { return r.Height == 0 }

// HasAudio reports whether the rung carries sound.
func (r Rung) HasAudio() bool { return r.AudioBitrate > 0 }

// Codecs is the rung's RFC 6381 CODECS string, e.g. "avc1.4d401e,mp4a.40.2".
func (r Rung) Codecs() string {
	var c string
	if !r.AudioOnly() {
		c = avcCodec(r.Profile, r.Level)
	}
	if r.HasAudio() {
		if c != "" {
			c += ","
		}
		c += AudioCodecs
	}
	return c
}

// avcCodec is avc1.PPCCLL: profile_idc, constraint flags and level_idc in hex.
func avcCodec(profile, level string) string {
	pc := "4d40" // main, constraint_set1 (as x264 writes it)
	if profile == "high" {
		pc = "6400"
	}
	lv, _ := strconv.ParseFloat(level, 64)
	return "avc1." + pc + hex2(int(math.Round(lv*10)))
}

func hex2(n int) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[n>>4&15], digits[n&15]})
}

// Ladder is the set of renditions made of one source.
type Ladder struct {
	Source Probe
	// Rungs are the video rungs from the smallest up, then the audio-only
	// rung when the source has sound.
	Rungs []Rung
	// FrameRate is the output frame rate of every video rung (0: as the
	// source, when its rate is unknown).
	FrameRate float64
}

// Video returns the video rungs, smallest first.
func (l Ladder) Video() []Rung {
	var v []Rung
	for _, r := range l.Rungs {
		if !r.AudioOnly() {
			v = append(v, r)
		}
	}
	return v
}

// GOPFrames is the keyframe interval in frames (0 when the rate is unknown).
func (l Ladder) GOPFrames() int {
	return int(math.Round(GOPDuration.Seconds() * l.FrameRate))
}

// standardRung is a rung every source at least this tall gets.
type standardRung struct {
	short          int // the shorter side, in pixels
	videoBitrate   int
	profile, level string
}

// standardRungs are the rungs of the ladder, with their H.264 targets. The
// bitrates suit lecture video (slides, a talking head, screen recordings):
// 240p and 360p are what a learner on a metered 3G/4G phone plan watches,
// 720p makes slide text and code crisp, 1080p is for Wi-Fi. Main profile
// at 240p and 360p for old phones, High above.
var standardRungs = []standardRung{
	{240, 250_000, "main", "3.0"},
	{360, 500_000, "main", "3.0"},
	{720, 1_500_000, "high", "3.1"},
	{1080, 3_000_000, "high", "4.0"},
}

// betweenSlack is how much taller than the standard rung below it a source
// must be to get a rung of its own: a 738p source gets 720p, not 720p and
// 738p.
const betweenSlack = 1.10

// Plan chooses the ladder for src:
//
//   - the standard rungs 240p, 360p, 720p and 1080p up to the source's
//     shorter side, never upscaling: a 4K source stops at 1080p;
//   - a rung at the source's own size when it falls between two standard
//     rungs (more than 10% above the one below), e.g. 240p, 360p and 540p
//     for a 960x540 source; a source under 240p gets one rung, its own size;
//   - an audio-only AAC rung (AudioBitrate) when the source has sound: the
//     lowest-cost fallback for a learner on a poor network, who still hears
//     the lesson. There is no 144p rung: slide text is unreadable at 144p and
//     the audio rung costs a fifth of its bytes.
//
// Rung sizes keep the displayed aspect ratio (after rotation) with even
// dimensions; the shorter side is the rung's number, the longer side at most
// 16/9 of it. A source without a picture gets no video rungs.
func Plan(src Probe) Ladder {
	l := Ladder{Source: src, FrameRate: outputFrameRate(src.FrameRate)}
	if src.HasVideo() {
		w, h := src.DisplaySize()
		short := min(w, h)
		below := 0
		for _, s := range standardRungs {
			if s.short > short {
				break
			}
			l.Rungs = append(l.Rungs, l.videoRung(w, h, s.short, s.videoBitrate, s.profile, s.level))
			below = s.short
		}
		if own := short &^ 1; own > 0 && own < standardRungs[len(standardRungs)-1].short &&
			(below == 0 || float64(own) > betweenSlack*float64(below)) {
			br := interpolatedBitrate(own)
			profile, level := "high", "4.0"
			switch {
			case own <= 360:
				profile, level = "main", "3.0"
			case own <= 720:
				level = "3.1"
			}
			l.Rungs = append(l.Rungs, l.videoRung(w, h, own, br, profile, level))
		}
	}
	if src.HasAudio {
		l.Rungs = append(l.Rungs, Rung{Name: AudioRung, AudioBitrate: AudioBitrate})
	}
	return l
}

func (l Ladder) videoRung(srcW, srcH, short, bitrate int, profile, level string) Rung {
	w, h := fitInside(srcW, srcH, short)
	r := Rung{Name: strconv.Itoa(short) + "p", Width: w, Height: h, VideoBitrate: bitrate,
		Profile: profile, Level: level, FrameRate: l.FrameRate}
	if l.Source.HasAudio {
		r.AudioBitrate = AudioBitrate
	}
	return r
}

// fitInside scales srcW x srcH down (never up) so that its shorter side is
// at most short and its longer side at most 16/9 of short, to even sizes.
func fitInside(srcW, srcH, short int) (w, h int) {
	long := int(float64(short)*16/9) &^ 1
	sw, sh := float64(srcW), float64(srcH)
	var scale float64
	if srcW >= srcH {
		scale = min(float64(long)/sw, float64(short)/sh, 1)
	} else {
		scale = min(float64(short)/sw, float64(long)/sh, 1)
	}
	return even(sw * scale), even(sh * scale)
}

// even rounds to the nearest even integer, at least 2 (H.264 4:2:0 needs
// even sizes).
func even(v float64) int {
	return max(2, int(math.Round(v/2))*2)
}

// interpolatedBitrate is the video bitrate of a rung whose shorter side is
// short, between the standard rungs: linear in the pixel count of its 16:9
// frame; below 240p in proportion to 240p's, at least 100 kb/s.
func interpolatedBitrate(short int) int {
	px := func(s int) float64 { return float64(s) * float64(s) * 16 / 9 }
	lo := standardRungs[0]
	if short <= lo.short {
		return max(100_000, roundTo(float64(lo.videoBitrate)*px(short)/px(lo.short), 10_000))
	}
	for _, hi := range standardRungs[1:] {
		if short <= hi.short {
			f := (px(short) - px(lo.short)) / (px(hi.short) - px(lo.short))
			return roundTo(float64(lo.videoBitrate)+f*float64(hi.videoBitrate-lo.videoBitrate), 10_000)
		}
		lo = hi
	}
	return lo.videoBitrate
}

func roundTo(v float64, step int) int {
	return int(math.Round(v/float64(step))) * step
}

// outputFrameRate applies MaxFrameRate by keeping every n-th frame.
func outputFrameRate(src float64) float64 {
	if src <= 0 || math.IsNaN(src) || math.IsInf(src, 0) {
		return 0
	}
	n := math.Ceil(src/MaxFrameRate - 1e-9)
	return src / max(n, 1)
}

// Rendition is what a master playlist says of one rung: the data players
// choose a variant by.
type Rendition struct {
	Name          string
	Width, Height int // 0 for audio only
	FrameRate     float64
	// Bandwidth is the peak segment bitrate and AverageBandwidth the
	// average over the whole playlist, in bits/s, as RFC 8216 defines
	// BANDWIDTH and AVERAGE-BANDWIDTH.
	Bandwidth, AverageBandwidth int
	Codecs                      string
	// Playlist is the media playlist, relative to the master playlist.
	Playlist string
}

// AudioOnly reports whether the rendition carries no picture.
func (r Rendition) AudioOnly() bool { return r.Height == 0 }

// Renditions are the ladder's renditions with nominal bandwidths: the
// targets plus a margin for MPEG-TS overhead. Prefer measured values
// (Measure) when the segments can be read: they are exact.
func (l Ladder) Renditions() []Rendition {
	rs := make([]Rendition, 0, len(l.Rungs))
	for _, r := range l.Rungs {
		total := float64(r.VideoBitrate + r.AudioBitrate)
		rs = append(rs, Rendition{Name: r.Name, Width: r.Width, Height: r.Height, FrameRate: r.FrameRate,
			Bandwidth: roundTo(total*peakOverhead, 1000), AverageBandwidth: roundTo(total*averageOverhead, 1000),
			Codecs: r.Codecs(), Playlist: PlaylistName(r.Name)})
	}
	return rs
}
