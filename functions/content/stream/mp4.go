package stream

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// ErrNotMP4 is wrapped by ProbeMP4's errors about the file's structure: it
// is not an MP4/MOV file, or not one it can read (a moov box too large, a
// truncated box).
var ErrNotMP4 = errors.New("not a readable MP4/MOV file")

// Bounds on what ProbeMP4 reads, so that a hostile file costs little.
const (
	// mp4ReadBudget bounds the bytes ProbeMP4 reads in all: box headers
	// and the few small boxes it decodes, never sample tables or media.
	mp4ReadBudget = 256 << 10
	// mp4MaxBoxes bounds the boxes it walks past.
	mp4MaxBoxes = 4096
)

// ProbeMP4 reads the size, rotation, duration, frame rate and whether there
// is sound of the MP4 or QuickTime (MOV) file r of size bytes, without
// ffprobe: for the cloud, where r reads a Cloud Storage object by ranges.
//
// It walks the top-level box headers to moov, wherever it is (at the front
// of a "fast start" file, or after mdat), and decodes only mvhd, and per
// track tkhd, mdhd, hdlr, the visual sample entry of stsd and the count of
// stsz: a few hundred bytes of header reads plus those boxes, never media
// data (mp4ReadBudget in all). The frame rate is the video track's sample
// count over its duration, as ffprobe's avg_frame_rate.
func ProbeMP4(r io.ReaderAt, size int64) (Probe, error) {
	b := &boxReader{r: r, size: size}
	var moov *box
	err := b.walk(0, size, func(bx box) (bool, error) {
		if bx.typ == "moov" {
			moov = &bx
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return Probe{}, err
	}
	if moov == nil {
		return Probe{}, fmt.Errorf("stream: %w: no moov box", ErrNotMP4)
	}
	return b.moov(*moov)
}

// box is a box's type and the extent of its payload.
type box struct {
	typ        string
	start, end int64 // payload
}

type boxReader struct {
	r     io.ReaderAt
	size  int64
	read  int64 // bytes read so far
	boxes int
}

// readAt reads exactly n bytes at off, within the read budget.
func (b *boxReader) readAt(off int64, n int) ([]byte, error) {
	if b.read+int64(n) > mp4ReadBudget {
		return nil, fmt.Errorf("stream: %w: its header boxes are over %d KiB", ErrNotMP4, mp4ReadBudget>>10)
	}
	b.read += int64(n)
	buf := make([]byte, n)
	if got, err := b.r.ReadAt(buf, off); got < n {
		if err == nil || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("stream: %w: truncated at offset %d", ErrNotMP4, off)
		}
		return nil, fmt.Errorf("stream: reading the MP4 header at %d: %w", off, err)
	}
	return buf, nil
}

// walk calls fn for each box in [start, end) until fn returns false.
func (b *boxReader) walk(start, end int64, fn func(box) (bool, error)) error {
	for off := start; off+8 <= end; {
		b.boxes++
		if b.boxes > mp4MaxBoxes {
			return fmt.Errorf("stream: %w: more than %d boxes before the tracks", ErrNotMP4, mp4MaxBoxes)
		}
		h, err := b.readAt(off, 8)
		if err != nil {
			return err
		}
		size := int64(binary.BigEndian.Uint32(h))
		typ := string(h[4:8])
		hdr := int64(8)
		switch size {
		case 0: // to the end of the enclosing box
			size = end - off
		case 1: // 64-bit size follows
			ext, err := b.readAt(off+8, 8)
			if err != nil {
				return err
			}
			u := binary.BigEndian.Uint64(ext)
			if u > math.MaxInt64 {
				return fmt.Errorf("stream: %w: box %q at %d has size %d", ErrNotMP4, typ, off, u)
			}
			size, hdr = int64(u), 16
		}
		if size < hdr || size > end-off {
			return fmt.Errorf("stream: %w: box %q at %d has size %d beyond its container", ErrNotMP4, printable(typ), off, size)
		}
		more, err := fn(box{typ: typ, start: off + hdr, end: off + size})
		if err != nil || !more {
			return err
		}
		off += size
	}
	return nil
}

// child returns the first box of type typ in bx.
func (b *boxReader) child(bx box, typ string) (box, bool, error) {
	var found box
	ok := false
	err := b.walk(bx.start, bx.end, func(c box) (bool, error) {
		if c.typ == typ {
			found, ok = c, true
			return false, nil
		}
		return true, nil
	})
	return found, ok, err
}

// payload reads the first n bytes of bx's payload (fewer if it is shorter).
func (b *boxReader) payload(bx box, n int) ([]byte, error) {
	n = int(min(int64(n), bx.end-bx.start))
	return b.readAt(bx.start, n)
}

// track is what one trak box says.
type track struct {
	handler       string // "vide", "soun", ...
	enabled       bool
	width, height int // stored size: the sample entry's, else tkhd's
	rotation      int
	timescale     uint32
	duration      uint64 // in timescale units
	samples       uint32
}

func (b *boxReader) moov(moov box) (Probe, error) {
	var p Probe
	var movieScale uint32
	var movieDur, fragDur uint64
	var tracks []track
	err := b.walk(moov.start, moov.end, func(bx box) (bool, error) {
		switch bx.typ {
		case "mvhd":
			d, err := b.payload(bx, 32)
			if err != nil {
				return false, err
			}
			movieScale, movieDur, err = scaleAndDuration(d)
			if err != nil {
				return false, err
			}
		case "mvex":
			if mehd, ok, err := b.child(bx, "mehd"); err != nil {
				return false, err
			} else if ok {
				d, err := b.payload(mehd, 12)
				if err != nil {
					return false, err
				}
				if len(d) >= 8 && d[0] == 1 && len(d) >= 12 {
					fragDur = binary.BigEndian.Uint64(d[4:12])
				} else if len(d) >= 8 {
					fragDur = uint64(binary.BigEndian.Uint32(d[4:8]))
				}
			}
		case "trak":
			t, err := b.trak(bx)
			if err != nil {
				return false, err
			}
			tracks = append(tracks, t)
		}
		return true, nil
	})
	if err != nil {
		return Probe{}, err
	}
	if movieDur == 0 {
		movieDur = fragDur
	}
	if movieScale > 0 && movieDur > 0 {
		p.Duration = ticks(movieDur, movieScale)
	}
	seenVideo := false
	for _, t := range tracks {
		if !t.enabled {
			continue
		}
		switch t.handler {
		case "soun":
			p.HasAudio = true
		case "vide":
			if seenVideo || t.width <= 0 || t.height <= 0 {
				continue
			}
			seenVideo = true
			p.Width, p.Height, p.Rotation = t.width, t.height, t.rotation
			if t.timescale > 0 && t.duration > 0 && t.samples > 0 {
				p.FrameRate = float64(t.samples) / (float64(t.duration) / float64(t.timescale))
			}
			if p.Duration == 0 && t.timescale > 0 {
				p.Duration = ticks(t.duration, t.timescale)
			}
		}
	}
	return p, nil
}

func (b *boxReader) trak(trak box) (track, error) {
	var t track
	err := b.walk(trak.start, trak.end, func(bx box) (bool, error) {
		switch bx.typ {
		case "tkhd":
			if err := b.tkhd(bx, &t); err != nil {
				return false, err
			}
		case "mdia":
			if err := b.mdia(bx, &t); err != nil {
				return false, err
			}
		}
		return true, nil
	})
	return t, err
}

// tkhd reads the enabled flag, the transformation matrix and the size.
func (b *boxReader) tkhd(bx box, t *track) error {
	d, err := b.payload(bx, 92)
	if err != nil {
		return err
	}
	if len(d) < 4 {
		return fmt.Errorf("stream: %w: tkhd too short", ErrNotMP4)
	}
	t.enabled = d[3]&1 != 0
	// version 0: 4+4+4+4+4 bytes to the end of duration, version 1: 8+8+4+4+8.
	off := 4 + 20
	if d[0] == 1 {
		off = 4 + 32
	}
	off += 8 + 2 + 2 + 2 + 2 // reserved, layer, alternate group, volume, reserved
	if len(d) < off+36+8 {
		return fmt.Errorf("stream: %w: tkhd too short", ErrNotMP4)
	}
	m := d[off : off+36]
	a := float64(int32(binary.BigEndian.Uint32(m[0:4]))) / 65536
	bb := float64(int32(binary.BigEndian.Uint32(m[4:8]))) / 65536
	// As ffmpeg's av_display_rotation_get: counterclockwise degrees.
	t.rotation = normalizeRotation(-math.Atan2(bb, a) * 180 / math.Pi)
	if t.width == 0 {
		t.width = int(binary.BigEndian.Uint32(d[off+36:off+40]) >> 16)
		t.height = int(binary.BigEndian.Uint32(d[off+40:off+44]) >> 16)
	}
	return nil
}

func (b *boxReader) mdia(mdia box, t *track) error {
	var minf box
	hasMinf := false
	err := b.walk(mdia.start, mdia.end, func(bx box) (bool, error) {
		switch bx.typ {
		case "mdhd":
			d, err := b.payload(bx, 32)
			if err != nil {
				return false, err
			}
			if t.timescale, t.duration, err = scaleAndDuration(d); err != nil {
				return false, err
			}
		case "hdlr":
			d, err := b.payload(bx, 12)
			if err != nil {
				return false, err
			}
			if len(d) == 12 {
				t.handler = string(d[8:12])
			}
		case "minf":
			minf, hasMinf = bx, true
		}
		return true, nil
	})
	if err != nil || !hasMinf || t.handler != "vide" {
		return err
	}
	stbl, ok, err := b.child(minf, "stbl")
	if err != nil || !ok {
		return err
	}
	return b.walk(stbl.start, stbl.end, func(bx box) (bool, error) {
		switch bx.typ {
		case "stsd":
			// version/flags, entry count, then the first sample entry:
			// size, format, 6 reserved, data reference index, 16 bytes of
			// pre-defined/reserved, width, height.
			d, err := b.payload(bx, 8+36)
			if err != nil {
				return false, err
			}
			if len(d) == 44 {
				if w, h := int(binary.BigEndian.Uint16(d[40:42])), int(binary.BigEndian.Uint16(d[42:44])); w > 0 && h > 0 {
					t.width, t.height = w, h
				}
			}
		case "stsz", "stz2":
			d, err := b.payload(bx, 12)
			if err != nil {
				return false, err
			}
			if len(d) == 12 {
				t.samples = binary.BigEndian.Uint32(d[8:12])
			}
		}
		return true, nil
	})
}

// scaleAndDuration reads the timescale and duration of an mvhd or mdhd
// payload (both versions).
func scaleAndDuration(d []byte) (uint32, uint64, error) {
	if len(d) >= 32 && d[0] == 1 {
		return binary.BigEndian.Uint32(d[20:24]), binary.BigEndian.Uint64(d[24:32]), nil
	}
	if len(d) >= 20 && d[0] == 0 {
		return binary.BigEndian.Uint32(d[12:16]), uint64(binary.BigEndian.Uint32(d[16:20])), nil
	}
	return 0, 0, fmt.Errorf("stream: %w: a movie or media header is malformed", ErrNotMP4)
}

// ticks converts a duration in timescale units; durations of all ones mean
// "unknown".
func ticks(d uint64, scale uint32) time.Duration {
	if d == math.MaxUint32 || d == math.MaxUint64 {
		return 0
	}
	secs := float64(d) / float64(scale)
	if secs > float64(math.MaxInt64/int64(time.Second)) {
		return 0
	}
	return time.Duration(secs * float64(time.Second))
}

// printable quotes a box type for an error message.
func printable(typ string) string {
	for _, c := range []byte(typ) {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("%x", typ)
		}
	}
	return typ
}
