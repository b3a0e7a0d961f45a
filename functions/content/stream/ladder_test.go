package stream

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// rungSummary is "name WxH video/audio codecs" for each rung.
func rungSummary(l Ladder) string {
	var parts []string
	for _, r := range l.Rungs {
		parts = append(parts, fmt.Sprintf("%s %dx%d %d/%d %s", r.Name, r.Width, r.Height, r.VideoBitrate/1000,
			r.AudioBitrate/1000, r.Codecs()))
	}
	return strings.Join(parts, "; ")
}

func TestPlan(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  Probe
		want string
	}{
		{"1080p_source_gets_every_rung_and_audio",
			Probe{Width: 1920, Height: 1080, HasAudio: true, FrameRate: 30},
			"240p 426x240 250/64 avc1.4d401e,mp4a.40.2; 360p 640x360 500/64 avc1.4d401e,mp4a.40.2; " +
				"720p 1280x720 1500/64 avc1.64001f,mp4a.40.2; 1080p 1920x1080 3000/64 avc1.640028,mp4a.40.2; audio 0x0 0/64 mp4a.40.2"},
		{"4k_source_stops_at_1080p",
			Probe{Width: 3840, Height: 2160, HasAudio: true, FrameRate: 30},
			"240p 426x240 250/64 avc1.4d401e,mp4a.40.2; 360p 640x360 500/64 avc1.4d401e,mp4a.40.2; " +
				"720p 1280x720 1500/64 avc1.64001f,mp4a.40.2; 1080p 1920x1080 3000/64 avc1.640028,mp4a.40.2; audio 0x0 0/64 mp4a.40.2"},
		{"720p_source_never_upscales",
			Probe{Width: 1280, Height: 720, HasAudio: true},
			"240p 426x240 250/64 avc1.4d401e,mp4a.40.2; 360p 640x360 500/64 avc1.4d401e,mp4a.40.2; " +
				"720p 1280x720 1500/64 avc1.64001f,mp4a.40.2; audio 0x0 0/64 mp4a.40.2"},
		{"540p_source_gets_a_rung_of_its_own",
			Probe{Width: 960, Height: 540, HasAudio: true},
			"240p 426x240 250/64 avc1.4d401e,mp4a.40.2; 360p 640x360 500/64 avc1.4d401e,mp4a.40.2; " +
				"540p 960x540 920/64 avc1.64001f,mp4a.40.2; audio 0x0 0/64 mp4a.40.2"},
		{"900p_source_gets_720p_and_900p",
			Probe{Width: 1600, Height: 900},
			"240p 426x240 250/0 avc1.4d401e; 360p 640x360 500/0 avc1.4d401e; 720p 1280x720 1500/0 avc1.64001f; " +
				"900p 1600x900 2180/0 avc1.640028"},
		{"738p_source_is_close_enough_to_720p",
			Probe{Width: 1312, Height: 738, HasAudio: true},
			"240p 426x240 250/64 avc1.4d401e,mp4a.40.2; 360p 640x360 500/64 avc1.4d401e,mp4a.40.2; " +
				"720p 1280x720 1500/64 avc1.64001f,mp4a.40.2; audio 0x0 0/64 mp4a.40.2"},
		{"tiny_source_gets_one_rung_at_its_size",
			Probe{Width: 320, Height: 180, HasAudio: true},
			"180p 320x180 140/64 avc1.4d401e,mp4a.40.2; audio 0x0 0/64 mp4a.40.2"},
		{"silent_source_has_no_audio_rung",
			Probe{Width: 640, Height: 360},
			"240p 426x240 250/0 avc1.4d401e; 360p 640x360 500/0 avc1.4d401e"},
		{"phone_portrait_with_rotation_is_portrait",
			Probe{Width: 1920, Height: 1080, Rotation: 90, HasAudio: true},
			"240p 240x426 250/64 avc1.4d401e,mp4a.40.2; 360p 360x640 500/64 avc1.4d401e,mp4a.40.2; " +
				"720p 720x1280 1500/64 avc1.64001f,mp4a.40.2; 1080p 1080x1920 3000/64 avc1.640028,mp4a.40.2; audio 0x0 0/64 mp4a.40.2"},
		{"stored_portrait_is_portrait",
			Probe{Width: 720, Height: 1280},
			"240p 240x426 250/0 avc1.4d401e; 360p 360x640 500/0 avc1.4d401e; 720p 720x1280 1500/0 avc1.64001f"},
		{"4_3_source_keeps_its_shape",
			Probe{Width: 1440, Height: 1080},
			"240p 320x240 250/0 avc1.4d401e; 360p 480x360 500/0 avc1.4d401e; 720p 960x720 1500/0 avc1.64001f; " +
				"1080p 1440x1080 3000/0 avc1.640028"},
		{"ultrawide_source_fits_the_16_9_box",
			Probe{Width: 2560, Height: 1080},
			"240p 426x180 250/0 avc1.4d401e; 360p 640x270 500/0 avc1.4d401e; 720p 1280x540 1500/0 avc1.64001f; " +
				"1080p 1920x810 3000/0 avc1.640028"},
		{"audio_only_source_gets_only_the_audio_rung",
			Probe{HasAudio: true},
			"audio 0x0 0/64 mp4a.40.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := rungSummary(Plan(tc.src)); got != tc.want {
				t.Errorf("Plan(%+v)\n got %s\nwant %s", tc.src, got, tc.want)
			}
		})
	}
}

func TestPlan_frameRateIsDownsampledToAtMost30(t *testing.T) {
	for _, tc := range []struct{ src, want float64 }{
		{60, 30}, {59.94, 29.97}, {50, 25}, {48, 24}, {30, 30}, {29.97, 29.97}, {25, 25}, {24, 24}, {15, 15}, {0, 0},
		{120, 30}, {90, 30}, {31, 15.5},
	} {
		l := Plan(Probe{Width: 640, Height: 360, FrameRate: tc.src})
		if math.Abs(l.FrameRate-tc.want) > 0.001 {
			t.Errorf("source at %g fps: output %g, want %g", tc.src, l.FrameRate, tc.want)
		}
		for _, r := range l.Rungs {
			if r.FrameRate != l.FrameRate {
				t.Errorf("source at %g fps: rung %s at %g, ladder at %g", tc.src, r.Name, r.FrameRate, l.FrameRate)
			}
		}
	}
	if got := Plan(Probe{Width: 640, Height: 360, FrameRate: 25}).GOPFrames(); got != 50 {
		t.Errorf("GOP at 25 fps = %d frames, want 50 (2 s)", got)
	}
}

func TestPlan_everyVideoRungFitsItsLevel(t *testing.T) {
	// H.264 MaxFS (macroblocks per frame) and MaxMBPS per level.
	limits := map[string][2]int{"3.0": {1620, 40500}, "3.1": {3600, 108000}, "4.0": {8192, 245760}}
	for _, src := range []Probe{
		{Width: 1920, Height: 1080, FrameRate: 60}, {Width: 1080, Height: 1920, FrameRate: 30},
		{Width: 3840, Height: 2160, FrameRate: 30}, {Width: 2560, Height: 1080, FrameRate: 30},
		{Width: 1440, Height: 1080, FrameRate: 29.97}, {Width: 1600, Height: 900}, {Width: 960, Height: 540},
		{Width: 1920, Height: 1080, Rotation: 270, FrameRate: 30},
	} {
		for _, r := range Plan(src).Video() {
			mbs := ((r.Width + 15) / 16) * ((r.Height + 15) / 16)
			lim, ok := limits[r.Level]
			if !ok {
				t.Fatalf("%v: rung %s has level %q", src, r.Name, r.Level)
			}
			rate := r.FrameRate
			if rate == 0 {
				rate = MaxFrameRate
			}
			if mbs > lim[0] || float64(mbs)*rate > float64(lim[1]) {
				t.Errorf("%v: rung %s %dx%d@%g is over level %s", src, r.Name, r.Width, r.Height, rate, r.Level)
			}
			if r.Width%2 != 0 || r.Height%2 != 0 {
				t.Errorf("%v: rung %s has odd size %dx%d", src, r.Name, r.Width, r.Height)
			}
		}
	}
}

func TestLadder_renditionsAreNominal(t *testing.T) {
	rs := Plan(Probe{Width: 640, Height: 360, HasAudio: true, FrameRate: 30}).Renditions()
	want := []Rendition{
		{Name: "240p", Width: 426, Height: 240, FrameRate: 30, Bandwidth: 393_000, AverageBandwidth: 377_000,
			Codecs: "avc1.4d401e,mp4a.40.2", Playlist: "240p.m3u8"},
		{Name: "360p", Width: 640, Height: 360, FrameRate: 30, Bandwidth: 705_000, AverageBandwidth: 677_000,
			Codecs: "avc1.4d401e,mp4a.40.2", Playlist: "360p.m3u8"},
		{Name: "audio", Bandwidth: 80_000, AverageBandwidth: 77_000, Codecs: "mp4a.40.2", Playlist: "audio.m3u8"},
	}
	if fmt.Sprint(rs) != fmt.Sprint(want) {
		t.Errorf("Renditions()\n got %+v\nwant %+v", rs, want)
	}
}

func TestNames(t *testing.T) {
	for got, want := range map[string]string{
		PlaylistName("360p"):              "360p.m3u8",
		SegmentName("360p", 12):           "360p0000000012.ts",
		PosterName:                        "poster0000000000.jpeg",
		CaptionVTTName("en-PH"):           "captions/en-PH.vtt",
		CaptionPlaylistName("ja"):         "captions/ja.m3u8",
		OutputPrefix("media/c/i/upload1"): "media/c/i/upload1.hls/",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestProbe_displaySize(t *testing.T) {
	for _, tc := range []struct {
		p    Probe
		w, h int
	}{
		{Probe{Width: 1920, Height: 1080}, 1920, 1080},
		{Probe{Width: 1920, Height: 1080, Rotation: 90}, 1080, 1920},
		{Probe{Width: 1920, Height: 1080, Rotation: 180}, 1920, 1080},
		{Probe{Width: 1920, Height: 1080, Rotation: 270}, 1080, 1920},
	} {
		if w, h := tc.p.DisplaySize(); w != tc.w || h != tc.h {
			t.Errorf("%+v: %dx%d, want %dx%d", tc.p, w, h, tc.w, tc.h)
		}
	}
}
