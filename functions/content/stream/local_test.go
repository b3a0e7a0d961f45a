package stream

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

func newTestLocal(t *testing.T, objects ObjectReader, outputs ObjectWriter, n Notifier, c LocalConfig) *Local {
	c.Objects, c.Outputs, c.Notifier = objects, outputs, n
	c.FFmpeg, c.TempDir, c.Log = testFFmpeg, t.TempDir(), slog.New(slog.DiscardHandler)
	l := NewLocal(c)
	t.Cleanup(func() { l.Close() })
	return l
}

func TestLocal_transcodesInTheBackgroundThenNotifies(t *testing.T) {
	bucket := newMemObjects()
	in := "media/c1/i1/u1"
	bucket.put(in, "video/mp4", readFile(t, clip(t, clipSpec{W: 640, H: 360, Seconds: 2, Audio: true})))
	n := &memNotifier{}
	l := newTestLocal(t, bucket, bucket, n, LocalConfig{})

	start := time.Now()
	name, err := l.Submit(ctx(t), Job{Input: in, OutputPrefix: OutputPrefix(in)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("Submit took %v: it must not wait for the transcode", d)
	}
	if !strings.HasPrefix(name, "projects/local/locations/local/jobs/") {
		t.Errorf("job name %q", name)
	}
	l.Wait()

	rs := n.results(t)
	if len(rs) != 1 || rs[0].Name != name || !rs[0].Succeeded() {
		t.Fatalf("notifications %+v, want one SUCCEEDED for %s", rs, name)
	}
	prefix := OutputPrefix(in)
	outs := bucket.names(prefix)
	for _, want := range []string{"240p.m3u8", "360p.m3u8", "audio.m3u8", TranscoderManifestName, PosterName,
		SegmentName("240p", 0), SegmentName("audio", 0)} {
		o, ok := bucket.get(prefix + want)
		if !ok {
			t.Errorf("no output %s among %v", want, outs)
			continue
		}
		if o.contentType != ContentType(want) || len(o.data) == 0 {
			t.Errorf("%s: content type %q, %d bytes", want, o.contentType, len(o.data))
		}
	}
	// Playlists are written after every segment they name.
	order := bucket.written()
	lastSegment, firstPlaylist := -1, len(order)
	for i, n := range order {
		switch {
		case strings.HasSuffix(n, ".ts"):
			lastSegment = i
		case strings.HasSuffix(n, ".m3u8") && i < firstPlaylist:
			firstPlaylist = i
		}
	}
	if lastSegment > firstPlaylist {
		t.Errorf("a playlist was written before a segment: %v", order)
	}
}

func TestLocal_failedTranscodeIsNotifiedAsFailed(t *testing.T) {
	bucket := newMemObjects()
	bucket.put("media/c1/i1/garbage", "video/mp4", []byte("not a video at all"))
	n := &memNotifier{}
	l := newTestLocal(t, bucket, bucket, n, LocalConfig{})
	bad, err := l.Submit(ctx(t), Job{Input: "media/c1/i1/garbage", OutputPrefix: "media/c1/i1/garbage.hls/"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := l.Submit(ctx(t), Job{Input: "media/c1/i1/missing", OutputPrefix: "media/c1/i1/missing.hls/"})
	if err != nil {
		t.Fatal(err)
	}
	l.Wait()
	rs := n.results(t)
	if len(rs) != 2 {
		t.Fatalf("notifications %+v, want two", rs)
	}
	byName := map[string]JobResult{rs[0].Name: rs[0], rs[1].Name: rs[1]}
	if r := byName[bad]; r.State != StateFailed || r.Error.Code != codeInvalidArgument || r.Reason() != "the upload is not a video ffprobe can read" {
		t.Errorf("unreadable input: %+v %+v", r, r.Error)
	}
	if r := byName[gone]; r.State != StateFailed || r.Error.Code != codeInternal || !strings.Contains(r.Reason(), "does not exist") {
		t.Errorf("missing input: %+v %+v", r, r.Error)
	}
	if outs := bucket.names("media/c1/i1/garbage.hls/"); len(outs) != 0 {
		t.Errorf("a failed job wrote %v", outs)
	}
}

// gatedObjects blocks OpenObject until released (or the context ends),
// counting how many opens run at once; the object is then missing.
type gatedObjects struct {
	release           chan struct{}
	entered           chan string
	running, maxInUse atomic.Int32
}

func newGatedObjects() *gatedObjects {
	return &gatedObjects{release: make(chan struct{}), entered: make(chan string, 16)}
}

func (g *gatedObjects) OpenObject(ctx context.Context, name string) (Object, error) {
	n := g.running.Add(1)
	defer g.running.Add(-1)
	for {
		m := g.maxInUse.Load()
		if n <= m || g.maxInUse.CompareAndSwap(m, n) {
			break
		}
	}
	g.entered <- name
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return nil, fmt.Errorf("object %s: gone", name)
}

func TestLocal_runsOneJobAtATimeAndRefusesWhenTheQueueIsFull(t *testing.T) {
	g := newGatedObjects()
	n := &memNotifier{}
	l := newTestLocal(t, g, newMemObjects(), n, LocalConfig{QueueLength: 1})
	job := func(i int) Job {
		return Job{Input: fmt.Sprintf("media/in%d", i), OutputPrefix: fmt.Sprintf("media/in%d.hls/", i)}
	}
	if _, err := l.Submit(ctx(t), job(1)); err != nil {
		t.Fatal(err)
	}
	<-g.entered // job 1 runs
	if _, err := l.Submit(ctx(t), job(2)); err != nil {
		t.Fatal(err) // job 2 waits in the queue
	}
	if _, err := l.Submit(ctx(t), job(3)); errs.KindOf(err) != errs.Unavailable {
		t.Errorf("third job with one running and one queued: error %v, want Unavailable", err)
	}
	select {
	case name := <-g.entered:
		t.Fatalf("%s started while job 1 runs", name)
	case <-time.After(100 * time.Millisecond):
	}
	close(g.release)
	l.Wait()
	if got := g.maxInUse.Load(); got != 1 {
		t.Errorf("%d jobs ran at once, want 1", got)
	}
	if rs := n.results(t); len(rs) != 2 || rs[0].Succeeded() || rs[1].Succeeded() {
		t.Errorf("notifications %+v, want two FAILED", rs)
	}
}

func TestLocal_closeAbortsTheRunningJob(t *testing.T) {
	g := newGatedObjects()
	n := &memNotifier{}
	l := newTestLocal(t, g, newMemObjects(), n, LocalConfig{})
	name, err := l.Submit(ctx(t), Job{Input: "media/in", OutputPrefix: "media/in.hls/"})
	if err != nil {
		t.Fatal(err)
	}
	<-g.entered
	done := make(chan struct{})
	go func() { l.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	rs := n.results(t)
	if len(rs) != 1 || rs[0].Name != name || rs[0].State != StateFailed || rs[0].Error.Code != codeAborted {
		t.Errorf("notifications %+v, want one FAILED, ABORTED", rs)
	}
	if _, err := l.Submit(ctx(t), Job{Input: "media/in", OutputPrefix: "media/in.hls/"}); errs.KindOf(err) != errs.Unavailable {
		t.Errorf("Submit after Close: %v, want Unavailable", err)
	}
}

func TestLocal_retriesTheNotification(t *testing.T) {
	n := &memNotifier{failures: 2}
	l := newTestLocal(t, newMemObjects(), newMemObjects(), n, LocalConfig{})
	if _, err := l.Submit(ctx(t), Job{Input: "media/missing", OutputPrefix: "media/missing.hls/"}); err != nil {
		t.Fatal(err)
	}
	l.Wait()
	if rs := n.results(t); len(rs) != 1 || n.calls != 3 {
		t.Errorf("%d calls, published %+v; want 3 calls and one notification", n.calls, rs)
	}
}

func TestLocal_refusesAnInvalidJob(t *testing.T) {
	n := &memNotifier{}
	l := newTestLocal(t, newMemObjects(), newMemObjects(), n, LocalConfig{})
	for _, j := range []Job{{}, {Input: "a/b"}, {Input: "a/b", OutputPrefix: "a/b.hls"}, {Input: "a/b/c", OutputPrefix: "a/"}} {
		if _, err := l.Submit(ctx(t), j); errs.KindOf(err) != errs.Invalid {
			t.Errorf("Submit(%+v): %v, want Invalid", j, err)
		}
	}
	l.Wait()
	if len(n.results(t)) != 0 {
		t.Error("an invalid job was notified")
	}
}

// Local and Cloud are the same port.
var (
	_ Transcoder = (*Local)(nil)
	_ Transcoder = (*Cloud)(nil)
)
