package stream

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/kwipper/kwipper/shared/errs"
)

// Job asks a Transcoder for the ladder and poster of one source object.
type Job struct {
	// Input is the source object's name in the media bucket.
	Input string
	// OutputPrefix is the object name prefix the outputs go under (see
	// OutputPrefix); it ends in "/".
	OutputPrefix string
	// Source is what ProbeMP4 (or FFprobe) read of the input. The cloud
	// transcoder plans the ladder from it; its zero value means "unknown"
	// (see JobFor). The local transcoder probes the file itself.
	Source Probe
}

// Validate reports what is wrong with j, as an Invalid error.
func (j Job) Validate() error {
	var f errs.Fields
	f.Check(j.Input != "" && !strings.HasSuffix(j.Input, "/"), "input", "must name an object")
	f.Check(strings.HasSuffix(j.OutputPrefix, "/") && len(j.OutputPrefix) > 1 && !strings.HasPrefix(j.OutputPrefix, "/"),
		"output_prefix", `must be an object prefix ending in "/"`)
	f.Check(j.OutputPrefix != j.Input+"/" && !strings.HasPrefix(j.Input, j.OutputPrefix), "output_prefix",
		"must not contain the input")
	return f.Err()
}

// Transcoder turns a source video into the HLS ladder and poster under a
// prefix (names.go). It is the port the Content service uses; Cloud runs the
// Transcoder API behind it, Local runs ffmpeg.
type Transcoder interface {
	// Submit starts j and returns the job's name. It returns once the job is
	// accepted, not done: its outcome is published later on the
	// notification topic as the Transcoder API's Pub/Sub payload
	// (DecodeNotification), with this name and the state SUCCEEDED (every
	// output is written) or FAILED (with a reason). Pub/Sub delivers it at
	// least once: deduplicate on the name.
	//
	// An error means no job started: errs.Invalid when j can never run
	// (a retry will not help), anything else may be retried. Submitting
	// the same job twice runs it twice; the outputs are the same.
	Submit(ctx context.Context, j Job) (name string, err error)
}

// ObjectReader reads objects of the media bucket.
type ObjectReader interface {
	// OpenObject opens object name for reading at any offset. A missing
	// object is an error that errors.Is fs.ErrNotExist.
	OpenObject(ctx context.Context, name string) (Object, error)
}

// Object is an open object. ReadAt may be called concurrently.
type Object interface {
	io.ReaderAt
	io.Closer
	// Size is the object's length in bytes.
	Size() int64
}

// ObjectWriter writes objects of the media bucket.
type ObjectWriter interface {
	// WriteObject stores the bytes of r as object name with contentType,
	// replacing any object of that name. The object exists, whole, once it
	// returns nil; on an error it may not exist.
	WriteObject(ctx context.Context, name, contentType string, r io.Reader) error
}

// Notifier publishes a job notification to the topic the cloud
// Transcoder's notifications go to.
type Notifier interface {
	// Notify publishes payload (EncodeNotification) as a message's data,
	// and returns once Pub/Sub accepted it.
	Notify(ctx context.Context, payload []byte) error
}

// Job states in a Notification: the Transcoder API reports only these two.
const (
	StateSucceeded = "SUCCEEDED"
	StateFailed    = "FAILED"
)

// Notification is the data of the Pub/Sub message the Transcoder API
// publishes to a job's pubsubDestination once the job fails or succeeds
// (https://cloud.google.com/transcoder/docs/how-to/create-pub-sub):
// {"job": {"name": ..., "state": ..., "error": {...}}}.
type Notification struct {
	Job JobResult `json:"job"`
}

// JobResult is the outcome of a job.
type JobResult struct {
	// Name is the job's name, as Submit returned it.
	Name string `json:"name"`
	// State is StateSucceeded or StateFailed.
	State string `json:"state"`
	// Error is why the job failed (always present when it did).
	Error *JobError `json:"error,omitempty"`
	// FailureReason is the v1beta1 API's reason; decoded, never written.
	FailureReason string `json:"failureReason,omitempty"`
}

// JobError is a google.rpc.Status in its JSON form.
type JobError struct {
	Code    int               `json:"code"`
	Message string            `json:"message"`
	Details []json.RawMessage `json:"details,omitempty"`
}

// Succeeded reports whether every output was written.
func (r JobResult) Succeeded() bool { return r.State == StateSucceeded }

// Reason says why a failed job failed ("" when it succeeded).
func (r JobResult) Reason() string {
	switch {
	case r.Succeeded():
		return ""
	case r.Error != nil && r.Error.Message != "":
		return r.Error.Message
	case r.FailureReason != "":
		return r.FailureReason
	case r.Error != nil:
		return fmt.Sprintf("the transcoder failed with code %d", r.Error.Code)
	}
	return "the transcoder gave no reason"
}

// maxNotification bounds a notification's size (a job name and a status).
const maxNotification = 64 << 10

// DecodeNotification reads the data of a Transcoder API job notification.
// A payload that is not one (no job name, a state other than SUCCEEDED or
// FAILED) is an Invalid error: redelivering it cannot help.
func DecodeNotification(data []byte) (JobResult, error) {
	if len(data) > maxNotification {
		return JobResult{}, errs.E(errs.Invalid, "transcoder notification of %d bytes is over %d", len(data), maxNotification)
	}
	var n Notification
	if err := json.Unmarshal(data, &n); err != nil {
		return JobResult{}, errs.Wrap(errs.Invalid, err, "transcoder notification is not JSON of the form {\"job\": {...}}")
	}
	r := n.Job
	if r.Name == "" {
		return JobResult{}, errs.E(errs.Invalid, "transcoder notification has no job name")
	}
	if r.State != StateSucceeded && r.State != StateFailed {
		return JobResult{}, errs.E(errs.Invalid, "transcoder notification for %s has state %q, not %s or %s",
			r.Name, r.State, StateSucceeded, StateFailed)
	}
	return r, nil
}

// EncodeNotification is the payload the Transcoder API would publish for r.
func EncodeNotification(r JobResult) ([]byte, error) {
	r.FailureReason = ""
	return json.Marshal(Notification{Job: r})
}
