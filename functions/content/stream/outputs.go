package stream

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

// Outputs is what a finished job wrote under its prefix, as the master
// playlist and the captions need it. It is read once, when the job's
// notification says it succeeded (ReadOutputs), and kept by the Content
// service so that captions added later re-render the master without
// reading the segments again.
type Outputs struct {
	// Renditions are the transcoder's variants with bandwidths measured on
	// their segments, in the transcoder manifest's order.
	Renditions []Rendition `json:"renditions"`
	// Duration is the video's length as its first video rendition says.
	Duration time.Duration `json:"duration"`
	// FirstPTS is the first presentation time of that rendition's first
	// segment (90 kHz), the captions' X-TIMESTAMP-MAP.
	FirstPTS int64 `json:"first_pts"`
}

// maxManifest bounds a playlist ReadOutputs reads (a 3-hour video's media
// playlist at 4 s segments is about 100 KB).
const maxManifest = 4 << 20

// ReadOutputs reads the outputs of a job that succeeded under prefix: the
// variants the transcoder manifest (TranscoderManifestName) lists, with
// their RESOLUTION and CODECS, each variant's media playlist measured with
// its segments' sizes (Measure), and the first video segment's first PTS.
// Both transcoders write that manifest, so the ladder is what was made,
// whatever the source probed as.
//
// Outputs that are missing or do not parse are an Invalid error (the job's
// outputs are not what a player can use, and reading again will not
// change that); a storage failure is returned as it is.
func ReadOutputs(ctx context.Context, objects ObjectReader, prefix string) (Outputs, error) {
	manifest, err := readSmall(ctx, objects, prefix+TranscoderManifestName)
	if err != nil {
		return Outputs{}, err
	}
	variants, err := parseVariants(manifest)
	if err != nil {
		return Outputs{}, err
	}
	var out Outputs
	firstVideo := ""
	for _, v := range variants {
		pl, err := readSmall(ctx, objects, prefix+v.Playlist)
		if err != nil {
			return Outputs{}, err
		}
		var readErr error // a storage failure, which a retry may get past
		m, err := Measure(pl, func(uri string) (int64, error) {
			if !relativeURI(uri) {
				return 0, fmt.Errorf("segment %q is not a relative path", uri)
			}
			o, err := objects.OpenObject(ctx, prefix+uri)
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					readErr = err
				}
				return 0, err
			}
			defer o.Close()
			return o.Size(), nil
		})
		if readErr != nil {
			return Outputs{}, readErr
		}
		if err != nil {
			return Outputs{}, errs.Wrap(errs.Invalid, err, "the transcoder's "+v.Playlist+" is not a playlist of segments it wrote")
		}
		v.Bandwidth, v.AverageBandwidth = m.Bandwidth, m.AverageBandwidth
		if !v.AudioOnly() && firstVideo == "" {
			firstVideo, out.Duration = m.Segments[0], m.Duration
		}
		out.Renditions = append(out.Renditions, v)
	}
	if firstVideo == "" {
		return Outputs{}, errs.E(errs.Invalid, "the transcoder wrote no video rendition")
	}
	o, err := objects.OpenObject(ctx, prefix+firstVideo)
	if err != nil {
		return Outputs{}, notExistInvalid(err, firstVideo)
	}
	defer o.Close()
	pts, err := FirstPTS(io.NewSectionReader(o, 0, o.Size()))
	if errors.Is(err, ErrNoPTS) {
		return Outputs{}, errs.Wrap(errs.Invalid, err, "the first segment "+firstVideo+" has no presentation time")
	}
	if err != nil {
		return Outputs{}, err
	}
	out.FirstPTS = pts
	return out, nil
}

func notExistInvalid(err error, name string) error {
	if errors.Is(err, fs.ErrNotExist) {
		return errs.Wrap(errs.Invalid, err, "the transcoder did not write "+name)
	}
	return err
}

func readSmall(ctx context.Context, objects ObjectReader, name string) ([]byte, error) {
	o, err := objects.OpenObject(ctx, name)
	if err != nil {
		return nil, notExistInvalid(err, name)
	}
	defer o.Close()
	if o.Size() > maxManifest {
		return nil, errs.E(errs.Invalid, "%s is %d bytes, over %d", name, o.Size(), maxManifest)
	}
	b := make([]byte, o.Size())
	if _, err := o.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return b, nil
}

// parseVariants reads the EXT-X-STREAM-INF entries of a master playlist:
// each variant's playlist URI, RESOLUTION, FRAME-RATE and CODECS (the name
// is the URI without ".m3u8").
func parseVariants(b []byte) ([]Rendition, error) {
	var out []Rendition
	var pending *Rendition
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), maxManifest)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "#EXT-X-STREAM-INF:"):
			r := Rendition{}
			for k, v := range hlsAttributes(strings.TrimPrefix(line, "#EXT-X-STREAM-INF:")) {
				switch k {
				case "RESOLUTION":
					w, h, ok := strings.Cut(v, "x")
					r.Width, _ = strconv.Atoi(w)
					r.Height, _ = strconv.Atoi(h)
					if !ok || r.Width <= 0 || r.Height <= 0 {
						return nil, errs.E(errs.Invalid, "transcoder manifest: bad RESOLUTION %q", v)
					}
				case "FRAME-RATE":
					r.FrameRate, _ = strconv.ParseFloat(v, 64)
				case "CODECS":
					r.Codecs = v
				}
			}
			pending = &r
		case line == "" || strings.HasPrefix(line, "#"):
		case pending != nil:
			if !relativeURI(line) || !strings.HasSuffix(line, ".m3u8") {
				return nil, errs.E(errs.Invalid, "transcoder manifest: variant %q is not a relative .m3u8 path", line)
			}
			pending.Playlist, pending.Name = line, strings.TrimSuffix(line, ".m3u8")
			if pending.Codecs == "" {
				pending.Codecs = AudioCodecs // only an audio variant lacks them in practice
				if !pending.AudioOnly() {
					return nil, errs.E(errs.Invalid, "transcoder manifest: variant %s has no CODECS", line)
				}
			}
			out = append(out, *pending)
			pending = nil
		}
	}
	if len(out) == 0 {
		return nil, errs.E(errs.Invalid, "transcoder manifest lists no variants")
	}
	return out, nil
}

// hlsAttributes splits an attribute list (RFC 8216 4.2): KEY=value pairs
// separated by commas, values possibly quoted (quotes removed).
func hlsAttributes(s string) map[string]string {
	out := map[string]string{}
	for s != "" {
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		var v string
		if strings.HasPrefix(rest, `"`) {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				v, rest = rest[1:], ""
			} else {
				v, rest = rest[1:1+end], rest[2+end:]
			}
			rest = strings.TrimPrefix(rest, ",")
		} else {
			v, rest, _ = strings.Cut(rest, ",")
		}
		out[strings.TrimSpace(k)] = v
		s = rest
	}
	return out
}

// CaptionFile is a caption's WebVTT as the tutor uploaded it (it passed
// ValidateVTT).
type CaptionFile struct {
	Language string // canonical (CaptionLanguage)
	VTT      []byte
}

// Publish writes, under prefix, each caption's HLS WebVTT (HLSCaption, with
// o.FirstPTS) and subtitle playlist, then the master playlist naming o's
// renditions and those captions (MasterPlaylist): what players read. The
// master goes last, so it never names a file not yet written. Writing the
// same again changes nothing; a caption dropped from cs stays as a file
// but is no longer in the master.
func Publish(ctx context.Context, w ObjectWriter, prefix string, o Outputs, cs []CaptionFile) error {
	var captions []Caption
	for _, c := range cs {
		vtt, err := HLSCaption(c.VTT, o.FirstPTS)
		if err != nil {
			return err
		}
		pl, err := CaptionPlaylist(strings.TrimPrefix(CaptionVTTName(c.Language), CaptionDir), o.Duration)
		if err != nil {
			return err
		}
		if err := w.WriteObject(ctx, prefix+CaptionVTTName(c.Language), ContentType(".vtt"), bytes.NewReader(vtt)); err != nil {
			return err
		}
		if err := w.WriteObject(ctx, prefix+CaptionPlaylistName(c.Language), ContentType(".m3u8"), bytes.NewReader(pl)); err != nil {
			return err
		}
		captions = append(captions, Caption{Language: c.Language, Playlist: CaptionPlaylistName(c.Language)})
	}
	master, err := MasterPlaylist(o.Renditions, captions)
	if err != nil {
		return err
	}
	return w.WriteObject(ctx, prefix+MasterName, ContentType(MasterName), bytes.NewReader(master))
}
