package stream

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

// Caption is a subtitle track of the master playlist.
type Caption struct {
	// Language is its BCP 47 tag (CaptionLanguage).
	Language string
	// Name is what players list it as; "" is LanguageName(Language).
	Name string
	// Playlist is its subtitle media playlist, relative to the master
	// (CaptionPlaylistName).
	Playlist string
}

// subtitleGroup is the GROUP-ID of the captions.
const subtitleGroup = "subs"

// startRung is the rung players begin with: listed first, since hls.js and
// AVPlayer start with the first variant. 360p shows a picture quickly on a
// phone without spending the data plan before the player has measured the
// network.
const startRung = 360

// MasterPlaylist renders the master playlist (RFC 8216 4.3.4) of
// renditions rs and captions cs, every URI relative:
//
//   - one EXT-X-MEDIA per caption (TYPE=SUBTITLES, GROUP-ID="subs",
//     DEFAULT=NO, AUTOSELECT=YES), in the order given;
//   - one EXT-X-STREAM-INF per video rendition with BANDWIDTH,
//     AVERAGE-BANDWIDTH, RESOLUTION, FRAME-RATE, CODECS and, with captions,
//     SUBTITLES="subs": the rendition nearest 360p first, then the others
//     from the smallest;
//   - the audio-only rendition last, with CODECS naming only the audio.
//
// It is ours rather than the transcoder's so that captions added later
// appear in it. Bad input (a URI that is absolute or not a path, a missing
// bandwidth or codecs, a caption language twice) is an Invalid error.
func MasterPlaylist(rs []Rendition, cs []Caption) ([]byte, error) {
	if err := checkMaster(rs, cs); err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n")
	if len(cs) > 0 {
		b.WriteString("\n")
	}
	for _, c := range cs {
		lang, _ := CaptionLanguage(c.Language)
		name := c.Name
		if name == "" {
			name = LanguageName(lang)
		}
		fmt.Fprintf(&b, `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="%s",LANGUAGE="%s",NAME="%s",DEFAULT=NO,AUTOSELECT=YES,URI="%s"`+"\n",
			subtitleGroup, lang, name, c.Playlist)
	}
	for _, r := range orderVariants(rs) {
		b.WriteString("\n#EXT-X-STREAM-INF:BANDWIDTH=" + strconv.Itoa(r.Bandwidth))
		if r.AverageBandwidth > 0 {
			b.WriteString(",AVERAGE-BANDWIDTH=" + strconv.Itoa(r.AverageBandwidth))
		}
		if !r.AudioOnly() {
			fmt.Fprintf(&b, ",RESOLUTION=%dx%d", r.Width, r.Height)
			if r.FrameRate > 0 {
				b.WriteString(",FRAME-RATE=" + strconv.FormatFloat(math.Round(r.FrameRate*1000)/1000, 'f', 3, 64))
			}
		}
		b.WriteString(`,CODECS="` + r.Codecs + `"`)
		if !r.AudioOnly() && len(cs) > 0 {
			b.WriteString(`,SUBTITLES="` + subtitleGroup + `"`)
		}
		b.WriteString("\n" + r.Playlist + "\n")
	}
	return []byte(b.String()), nil
}

// orderVariants puts the video rendition nearest startRung first, the
// other videos by bandwidth, then audio only.
func orderVariants(rs []Rendition) []Rendition {
	var video, audio []Rendition
	for _, r := range rs {
		if r.AudioOnly() {
			audio = append(audio, r)
		} else {
			video = append(video, r)
		}
	}
	slices.SortStableFunc(video, func(a, b Rendition) int { return a.Bandwidth - b.Bandwidth })
	if len(video) > 1 {
		best := 0
		dist := func(r Rendition) int { return abs(min(r.Width, r.Height) - startRung) }
		for i, r := range video {
			if dist(r) < dist(video[best]) {
				best = i
			}
		}
		start := video[best]
		video = append([]Rendition{start}, slices.Delete(video, best, best+1)...)
	}
	return append(video, audio...)
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func checkMaster(rs []Rendition, cs []Caption) error {
	var f errs.Fields
	videos := 0
	for i, r := range rs {
		field := fmt.Sprintf("renditions[%d]", i)
		switch {
		case !relativeURI(r.Playlist):
			f.Add(field, fmt.Sprintf("playlist %q must be a relative path", r.Playlist))
		case r.Bandwidth <= 0 || r.AverageBandwidth < 0:
			f.Add(field, "needs a bandwidth")
		case r.Codecs == "" || strings.ContainsAny(r.Codecs, "\"\r\n"):
			f.Add(field, "needs a codecs string")
		case !r.AudioOnly() && r.Width <= 0:
			f.Add(field, "needs a width with its height")
		}
		if !r.AudioOnly() {
			videos++
		}
	}
	if videos == 0 {
		f.Add("renditions", "need at least one video rendition")
	}
	seen := map[string]bool{}
	names := map[string]bool{}
	for i, c := range cs {
		field := fmt.Sprintf("captions[%d]", i)
		lang, err := CaptionLanguage(c.Language)
		name := c.Name
		if name == "" {
			name = LanguageName(lang)
		}
		switch {
		case err != nil:
			msg := err.Error()
			if e := (*errs.Error)(nil); errors.As(err, &e) {
				msg = e.Message
			}
			f.Add(field, msg)
		case seen[lang]:
			f.Add(field, "language "+lang+" is there twice")
		case names[name]:
			f.Add(field, "name "+name+" is there twice")
		case strings.ContainsAny(name, "\"\r\n"):
			f.Add(field, "name must not contain quotes or line breaks")
		case !relativeURI(c.Playlist):
			f.Add(field, fmt.Sprintf("playlist %q must be a relative path", c.Playlist))
		}
		seen[lang], names[name] = true, true
	}
	return f.Err()
}

// relativeURI reports whether u is a relative path a playlist may name:
// no scheme or host, not rooted, no dot segments, nothing to quote.
func relativeURI(u string) bool {
	if u == "" || strings.HasPrefix(u, "/") || strings.ContainsAny(u, "\"\r\n\t ?#\\") {
		return false
	}
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "" || p.Host != "" {
		return false
	}
	return cleanObjectPath(u)
}

// CaptionPlaylist is the subtitle media playlist of one caption: a VOD
// playlist whose single segment is the WebVTT file vttURI (relative to the
// playlist, e.g. "en.vtt" beside captions/en.m3u8) lasting the video's
// duration, EXT-X-TARGETDURATION being that duration rounded up to whole
// seconds.
func CaptionPlaylist(vttURI string, duration time.Duration) ([]byte, error) {
	if !relativeURI(vttURI) {
		return nil, errs.E(errs.Invalid, "caption URI %q must be a relative path", vttURI)
	}
	if duration <= 0 {
		return nil, errs.E(errs.Invalid, "a caption playlist needs the video's duration")
	}
	secs := duration.Seconds()
	extinf := strconv.FormatFloat(secs, 'f', 3, 64)
	target := int(math.Ceil(secs))
	if v, _ := strconv.ParseFloat(extinf, 64); v > float64(target) {
		target++ // 3-decimal rounding went up past a whole second
	}
	return fmt.Appendf(nil, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:0\n"+
		"#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:%s,\n%s\n#EXT-X-ENDLIST\n", target, extinf, vttURI), nil
}
