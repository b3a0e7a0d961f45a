package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/kwipper/kwipper/shared/errs"
)

// Local is the Transcoder of the local stack: ffmpeg in the background,
// behind the same port and with the same outcome as Cloud. Submit queues
// the job; a worker reads the input through Objects, transcodes it,
// writes every output through Outputs and publishes the job's notification
// through Notifier, in the Transcoder API's format.
type Local struct {
	objects  ObjectReader
	outputs  ObjectWriter
	notifier Notifier
	ffmpeg   FFmpeg
	ffprobe  FFprobe
	tempDir  string
	workers  int
	log      *slog.Logger
	newName  func() string

	startOnce sync.Once
	queue     chan localJob
	ctx       context.Context // ends on Close: kills running ffmpeg
	cancel    context.CancelFunc
	mu        sync.Mutex
	closed    bool
	pending   sync.WaitGroup // queued and running jobs
	workersWG sync.WaitGroup
}

type localJob struct {
	name string
	job  Job
}

// LocalConfig is what NewLocal needs.
type LocalConfig struct {
	Objects  ObjectReader
	Outputs  ObjectWriter
	Notifier Notifier
	FFmpeg   FFmpeg
	FFprobe  FFprobe
	// TempDir holds each job's files while it runs ("" is os.TempDir()).
	TempDir string
	// Concurrency is how many jobs transcode at once (default 1: ffmpeg
	// already uses every core); QueueLength how many more may wait
	// (default 16) before Submit refuses.
	Concurrency, QueueLength int
	Log                      *slog.Logger
	// NewName names jobs; the default mimics the API's names:
	// projects/local/locations/local/jobs/<uuid>.
	NewName func() string
}

// NewLocal returns a Local transcoder. Its workers start on the first
// Submit. It panics without Objects, Outputs and Notifier: a wiring bug.
func NewLocal(c LocalConfig) *Local {
	if c.Objects == nil || c.Outputs == nil || c.Notifier == nil {
		panic("stream.NewLocal: Objects, Outputs and Notifier are required")
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 1
	}
	if c.QueueLength <= 0 {
		c.QueueLength = 16
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.NewName == nil {
		c.NewName = func() string { return "projects/local/locations/local/jobs/" + uuid.NewString() }
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Local{objects: c.Objects, outputs: c.Outputs, notifier: c.Notifier, ffmpeg: c.FFmpeg, ffprobe: c.FFprobe,
		tempDir: c.TempDir, workers: c.Concurrency, log: c.Log, newName: c.NewName,
		queue: make(chan localJob, c.QueueLength), ctx: ctx, cancel: cancel}
}

// Submit implements Transcoder. It refuses with an Unavailable error when
// the queue is full or the transcoder is closed.
func (l *Local) Submit(_ context.Context, j Job) (string, error) {
	if err := j.Validate(); err != nil {
		return "", err
	}
	l.startOnce.Do(l.start)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return "", errs.E(errs.Unavailable, "the local transcoder is shut down")
	}
	lj := localJob{name: l.newName(), job: j}
	l.pending.Add(1)
	select {
	case l.queue <- lj:
		return lj.name, nil
	default:
		l.pending.Done()
		return "", errs.E(errs.Unavailable, "the local transcoder has %d jobs waiting: try again later", cap(l.queue))
	}
}

func (l *Local) start() {
	for range l.workers {
		l.workersWG.Add(1)
		go func() {
			defer l.workersWG.Done()
			for lj := range l.queue {
				l.process(lj)
				l.pending.Done()
			}
		}()
	}
}

// Wait returns once every job submitted so far is done and notified.
func (l *Local) Wait() { l.pending.Wait() }

// Close stops taking jobs, kills the running ones (whose notifications say
// they failed, ABORTED) and waits for the workers.
func (l *Local) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.queue)
	l.mu.Unlock()
	l.cancel()
	l.startOnce.Do(func() {}) // no workers to start now
	l.workersWG.Wait()
	return nil
}

// gRPC codes used in failure notifications, as the API would.
const (
	codeInvalidArgument = 3
	codeAborted         = 10
	codeInternal        = 13
)

func (l *Local) process(lj localJob) {
	start := time.Now()
	log := l.log.With("job", lj.name, "input", lj.job.Input)
	res := JobResult{Name: lj.name, State: StateSucceeded}
	if err := l.transcode(l.ctx, lj.job); err != nil {
		code := codeInternal
		switch {
		case l.ctx.Err() != nil:
			code = codeAborted
			err = fmt.Errorf("the local transcoder shut down while transcoding: %w", err)
		case errs.KindOf(err) == errs.Invalid:
			code = codeInvalidArgument
		}
		// The reason may reach the tutor: an error's client-safe message
		// when it has one.
		msg := err.Error()
		if e := (*errs.Error)(nil); errors.As(err, &e) && e.Message != "" {
			msg = e.Message
		}
		res = JobResult{Name: lj.name, State: StateFailed, Error: &JobError{Code: code, Message: msg}}
		log.Warn("transcode failed", "err", err.Error(), "took", time.Since(start).String())
	} else {
		log.Info("transcoded", "took", time.Since(start).String())
	}
	l.notify(log, res)
}

// notify publishes res, retrying a few times, even during Close.
func (l *Local) notify(log *slog.Logger, res JobResult) {
	payload, err := EncodeNotification(res)
	if err != nil {
		log.Error("job notification does not encode", "err", err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(l.ctx), 30*time.Second)
	defer cancel()
	backoff := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err = l.notifier.Notify(ctx, payload)
		if err == nil {
			return
		}
		if attempt == 4 || ctx.Err() != nil {
			log.Error("job notification lost: the job's outcome is never announced", "state", res.State, "err", err.Error())
			return
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
		}
		backoff *= 2
	}
}

// transcode runs one job: input to a temporary file, ffmpeg, outputs up.
func (l *Local) transcode(ctx context.Context, j Job) error {
	dir, err := os.MkdirTemp(l.tempDir, "kw-transcode-")
	if err != nil {
		return fmt.Errorf("stream.Local: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "input")
	if err := l.download(ctx, j.Input, in); err != nil {
		return err
	}
	probe, err := l.ffprobe.Probe(ctx, in)
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "the upload is not a video ffprobe can read")
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		return fmt.Errorf("stream.Local: %w", err)
	}
	res, err := l.ffmpeg.Transcode(ctx, in, out, Plan(probe))
	if err != nil {
		return err
	}
	// Segments and the poster before the playlists that name them.
	files := append([]string(nil), res.Files...)
	first := func(f string) bool { return !strings.HasSuffix(f, ".m3u8") }
	for _, pass := range []bool{true, false} {
		for _, f := range files {
			if first(f) != pass {
				continue
			}
			if err := l.upload(ctx, filepath.Join(out, filepath.FromSlash(f)), j.OutputPrefix+f); err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *Local) download(ctx context.Context, name, to string) error {
	obj, err := l.objects.OpenObject(ctx, name)
	if err != nil {
		return fmt.Errorf("stream.Local: open %s: %w", name, err)
	}
	defer obj.Close()
	f, err := os.Create(to)
	if err != nil {
		return fmt.Errorf("stream.Local: %w", err)
	}
	_, err = io.Copy(f, io.NewSectionReader(obj, 0, obj.Size()))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("stream.Local: read %s: %w", name, err)
	}
	return nil
}

func (l *Local) upload(ctx context.Context, file, name string) error {
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("stream.Local: %w", err)
	}
	defer f.Close()
	if err := l.outputs.WriteObject(ctx, name, ContentType(path.Base(name)), f); err != nil {
		return fmt.Errorf("stream.Local: write %s: %w", name, err)
	}
	return nil
}
