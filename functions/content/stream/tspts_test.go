package stream

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// ffprobeFirstPTS is the smallest PTS ffprobe sees in a stream of a file.
func ffprobeFirstPTS(t *testing.T, path, stream string) int64 {
	var pk struct {
		Packets []struct {
			PTS *int64 `json:"pts"`
		} `json:"packets"`
	}
	ffprobeJSON(t, path, &pk, "-select_streams", stream, "-show_entries", "packet=pts")
	best := int64(-1)
	for _, p := range pk.Packets {
		if p.PTS != nil && (best < 0 || *p.PTS < best) {
			best = *p.PTS
		}
	}
	return best
}

func TestFirstPTS_isTheVideosFirstPresentationTime(t *testing.T) {
	tc := sharedTranscode(t)
	seg := filepath.Join(tc.dir, SegmentName("360p", 0))
	f, err := os.Open(seg)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := FirstPTS(f)
	if err != nil {
		t.Fatal(err)
	}
	if want := ffprobeFirstPTS(t, seg, "v:0"); got != want || got == 0 {
		t.Errorf("FirstPTS %d, ffprobe's first video PTS %d (and not 0)", got, want)
	}
	t.Logf("ffmpeg's first video PTS: %d (%s s)", got, strconv.FormatFloat(float64(got)/90000, 'f', 3, 64))

	// Without video, the first PTS of anything.
	audio := filepath.Join(tc.dir, SegmentName(AudioRung, 0))
	got, err = FirstPTS(bytes.NewReader(readFile(t, audio)))
	if want := ffprobeFirstPTS(t, audio, "a:0"); err != nil || got != want {
		t.Errorf("audio segment: FirstPTS %d, %v; ffprobe %d", got, err, want)
	}
}

func TestFirstPTS_refusesWhatIsNotTS(t *testing.T) {
	if _, err := FirstPTS(bytes.NewReader(nil)); !errors.Is(err, ErrNoPTS) {
		t.Errorf("empty: %v, want ErrNoPTS", err)
	}
	if _, err := FirstPTS(bytes.NewReader(bytes.Repeat([]byte("x"), 400))); err == nil {
		t.Error("no error for bytes without sync")
	}
	// Only null packets: no PTS.
	null := append([]byte{0x47, 0x1f, 0xff, 0x10}, bytes.Repeat([]byte{0xff}, 184)...)
	if _, err := FirstPTS(bytes.NewReader(bytes.Repeat(null, 10))); !errors.Is(err, ErrNoPTS) {
		t.Errorf("null packets: %v, want ErrNoPTS", err)
	}
}
