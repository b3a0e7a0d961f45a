package stream

import (
	"strings"
	"testing"

	"github.com/kwipper/kwipper/shared/errs"
)

func TestReadOutputs_measuresWhatTheLocalTranscoderWroteThenPublishesTheMaster(t *testing.T) {
	bucket := newMemObjects()
	in := "media/c1/i1/u1"
	bucket.put(in, "video/mp4", readFile(t, clip(t, clipSpec{W: 640, H: 360, Seconds: 6, Audio: true})))
	n := &memNotifier{}
	l := newTestLocal(t, bucket, bucket, n, LocalConfig{})
	if _, err := l.Submit(ctx(t), Job{Input: in, OutputPrefix: OutputPrefix(in)}); err != nil {
		t.Fatal(err)
	}
	l.Wait()
	prefix := OutputPrefix(in)
	out, err := ReadOutputs(ctx(t), bucket, prefix)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range out.Renditions {
		names = append(names, r.Name)
		if r.Bandwidth <= 0 || r.AverageBandwidth <= 0 || r.Codecs == "" {
			t.Errorf("rendition %+v not measured", r)
		}
	}
	if got := strings.Join(names, ","); got != "240p,360p,audio" {
		t.Errorf("renditions %s, want 240p,360p,audio", got)
	}
	if out.Duration.Seconds() < 5.5 || out.Duration.Seconds() > 6.5 || out.FirstPTS <= 0 {
		t.Errorf("duration %v, first PTS %d", out.Duration, out.FirstPTS)
	}
	vtt := []byte("WEBVTT\n\n00:00.000 --> 00:02.000\nSelamat pagi\n")
	if err := Publish(ctx(t), bucket, prefix, out, []CaptionFile{{Language: "id", VTT: vtt}}); err != nil {
		t.Fatal(err)
	}
	master, _ := bucket.get(prefix + MasterName)
	for _, want := range []string{`TYPE=SUBTITLES`, `LANGUAGE="id"`, `URI="captions/id.m3u8"`, "360p.m3u8", "audio.m3u8"} {
		if !strings.Contains(string(master.data), want) {
			t.Errorf("master lacks %s:\n%s", want, master.data)
		}
	}
	cv, _ := bucket.get(prefix + CaptionVTTName("id"))
	if !strings.Contains(string(cv.data), "X-TIMESTAMP-MAP=MPEGTS:") {
		t.Errorf("caption has no timestamp map:\n%s", cv.data)
	}
	if _, ok := bucket.get(prefix + CaptionPlaylistName("id")); !ok {
		t.Error("no caption playlist")
	}
}

func TestReadOutputs_missingOutputsAreInvalid(t *testing.T) {
	bucket := newMemObjects()
	bucket.put("p/"+TranscoderManifestName, "", []byte("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=2x2,CODECS=\"avc1\"\n240p.m3u8\n"))
	if _, err := ReadOutputs(ctx(t), bucket, "p/"); errs.KindOf(err) != errs.Invalid {
		t.Fatalf("err %v, want Invalid", err)
	}
	if _, err := ReadOutputs(ctx(t), bucket, "q/"); errs.KindOf(err) != errs.Invalid {
		t.Fatalf("no manifest: err %v, want Invalid", err)
	}
}
