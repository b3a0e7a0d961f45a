package stream

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

// golden compares got with testdata/golden/name (rewritten with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want := readFile(t, path); !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update if the change is meant):\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestMasterPlaylist_golden(t *testing.T) {
	hd := Plan(Probe{Width: 1920, Height: 1080, HasAudio: true, FrameRate: 29.97}).Renditions()
	captions := []Caption{
		{Language: "id", Playlist: CaptionPlaylistName("id")},
		{Language: "en-PH", Playlist: CaptionPlaylistName("en-PH")},
		{Language: "ja", Name: "日本語 (字幕)", Playlist: CaptionPlaylistName("ja")},
	}
	for _, tc := range []struct {
		file string
		rs   []Rendition
		cs   []Caption
	}{
		{"master_hd_with_captions.m3u8", hd, captions},
		{"master_hd_without_captions.m3u8", hd, nil},
		{"master_silent_540p.m3u8", Plan(Probe{Width: 960, Height: 540, FrameRate: 25}).Renditions(), nil},
		{"master_tiny_with_caption.m3u8", Plan(Probe{Width: 320, Height: 180, HasAudio: true, FrameRate: 30}).Renditions(),
			captions[:1]},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := MasterPlaylist(tc.rs, tc.cs)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, got)
		})
	}
}

func TestMasterPlaylist_structure(t *testing.T) {
	rs := Plan(Probe{Width: 1920, Height: 1080, HasAudio: true, FrameRate: 30}).Renditions()
	got, err := MasterPlaylist(rs, []Caption{{Language: "es-MX", Playlist: "captions/es-MX.m3u8"}})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	var variants []string
	for i, l := range lines {
		if !strings.HasPrefix(l, "#EXT-X-STREAM-INF:") {
			continue
		}
		uri := lines[i+1]
		variants = append(variants, uri)
		audioOnly := uri == "audio.m3u8"
		if strings.Contains(l, "RESOLUTION=") == audioOnly || strings.Contains(l, `SUBTITLES="subs"`) == audioOnly {
			t.Errorf("%s: %s", uri, l)
		}
		if audioOnly && !strings.Contains(l, `CODECS="mp4a.40.2"`) {
			t.Errorf("audio-only variant: %s", l)
		}
		if !strings.Contains(l, "AVERAGE-BANDWIDTH=") {
			t.Errorf("%s has no AVERAGE-BANDWIDTH", uri)
		}
	}
	if want := "360p.m3u8 240p.m3u8 720p.m3u8 1080p.m3u8 audio.m3u8"; strings.Join(variants, " ") != want {
		t.Errorf("variants in order %v, want %s", variants, want)
	}
	if !strings.Contains(string(got), `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="es-MX",NAME="Español (MX)",DEFAULT=NO,AUTOSELECT=YES,URI="captions/es-MX.m3u8"`) {
		t.Errorf("no subtitles media line in\n%s", got)
	}
}

func TestMasterPlaylist_refusesWhatPlayersCannotUse(t *testing.T) {
	rs := Plan(Probe{Width: 640, Height: 360, HasAudio: true}).Renditions()
	abs := append([]Rendition(nil), rs...)
	abs[0].Playlist = "https://cdn.example.com/240p.m3u8"
	rooted := append([]Rendition(nil), rs...)
	rooted[0].Playlist = "/media/240p.m3u8"
	up := append([]Rendition(nil), rs...)
	up[0].Playlist = "../other/240p.m3u8"
	noBW := append([]Rendition(nil), rs...)
	noBW[1].Bandwidth = 0
	for name, tc := range map[string]struct {
		rs   []Rendition
		cs   []Caption
		want string
	}{
		"absolute_uri":        {abs, nil, "must be a relative path"},
		"rooted_uri":          {rooted, nil, "must be a relative path"},
		"dot_dot":             {up, nil, "must be a relative path"},
		"no_bandwidth":        {noBW, nil, "needs a bandwidth"},
		"audio_only":          {rs[2:], nil, "need at least one video rendition"},
		"unsupported_caption": {rs, []Caption{{Language: "de", Playlist: "captions/de.m3u8"}}, `captions in "de" are not supported`},
		"caption_twice": {rs, []Caption{{Language: "en", Playlist: "captions/en.m3u8"},
			{Language: "EN", Playlist: "captions/en2.m3u8"}}, "language en is there twice"},
		"quote_in_name":       {rs, []Caption{{Language: "en", Name: `Say "hi"`, Playlist: "captions/en.m3u8"}}, "must not contain quotes"},
		"caption_uri_absolut": {rs, []Caption{{Language: "en", Playlist: "http://x/en.m3u8"}}, "must be a relative path"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := MasterPlaylist(tc.rs, tc.cs)
			if errs.KindOf(err) != errs.Invalid || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want Invalid containing %q", err, tc.want)
			}
		})
	}
}

func TestCaptionPlaylist_golden(t *testing.T) {
	got, err := CaptionPlaylist("en-PH.vtt", 20005*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "caption_en-PH.m3u8", got)
	// Target duration: the duration rounded up, also where 3-decimal
	// rounding of EXTINF reaches the next second.
	for d, want := range map[time.Duration]string{
		10 * time.Second: "#EXT-X-TARGETDURATION:10\n", 10*time.Second + time.Millisecond: "#EXT-X-TARGETDURATION:11\n",
		9999600 * time.Microsecond: "#EXT-X-TARGETDURATION:10\n",
	} {
		got, err := CaptionPlaylist("x.vtt", d)
		if err != nil || !strings.Contains(string(got), want) {
			t.Errorf("%v: %s, %v; want %q", d, got, err, want)
		}
	}
	if _, err := CaptionPlaylist("/captions/en.vtt", time.Second); errs.KindOf(err) != errs.Invalid {
		t.Errorf("rooted URI: %v", err)
	}
	if _, err := CaptionPlaylist("en.vtt", 0); errs.KindOf(err) != errs.Invalid {
		t.Errorf("no duration: %v", err)
	}
}
