package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	transcoder "cloud.google.com/go/video/transcoder/apiv1"
	"cloud.google.com/go/video/transcoder/apiv1/transcoderpb"
	"google.golang.org/api/option"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/kwipper/kwipper/shared/errs"
)

// Job templates of the Transcoder API, created per region from
// TemplateConfig (by Terraform or `gcloud transcoder templates create
// <id> --file=<TemplateJSON>`). A job references one when the source's
// ladder is the template's; other sources get their ladder inline.
const (
	// TemplateSD is the ladder of a 720p source: 240p, 360p, 720p, audio.
	TemplateSD = "kw-hls-sd"
	// TemplateHD is the ladder of a source of 1080p or more: 240p, 360p,
	// 720p, 1080p, audio.
	TemplateHD = "kw-hls-hd"
)

// templateSources are the sources whose ladder each template is.
var templateSources = map[string]Probe{
	TemplateSD: {Width: 1280, Height: 720, HasAudio: true, FrameRate: MaxFrameRate},
	TemplateHD: {Width: 1920, Height: 1080, HasAudio: true, FrameRate: MaxFrameRate},
}

// Templates are the template ids, sorted.
func Templates() []string { return []string{TemplateHD, TemplateSD} }

// Names of elementary streams in the job configurations.
const (
	audioStreamKey = "audio-aac"
	inputKey       = "input0"
	posterQuality  = 80
)

// posterOffset is where the cloud poster is taken (posterTime for sources
// of the Transcoder API's minimum length, 5 s, or more).
var posterOffset = posterTime(0)

// TemplateConfig is the configuration of template id ("kw-hls-sd" or
// "kw-hls-hd") publishing job notifications to topic
// (projects/<project>/topics/<topic>). Inputs and output are left empty for
// each job to fill. Video sizes are set by height only, so the API keeps
// each source's aspect ratio.
func TemplateConfig(id, topic string) (*transcoderpb.JobConfig, error) {
	src, ok := templateSources[id]
	if !ok {
		return nil, fmt.Errorf("stream: no template %q (have %s)", id, strings.Join(Templates(), ", "))
	}
	if topic == "" {
		return nil, errors.New("stream: a template needs the notification topic")
	}
	return jobConfig(Plan(src), topic, true), nil
}

// TemplateJSON is TemplateConfig as indented JSON: the --file of `gcloud
// transcoder templates create`, and what Terraform can compare with.
func TemplateJSON(id, topic string) ([]byte, error) {
	c, err := TemplateConfig(id, topic)
	if err != nil {
		return nil, err
	}
	b, err := protojson.Marshal(c)
	if err != nil {
		return nil, err
	}
	// protojson's spacing is deliberately unstable: reindent it.
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// TemplateFor returns the template whose ladder is src's, or "" when src
// needs its ladder inline: sizes between the standard rungs, a silent
// source (a template's audio stream would fail the job), a stored frame
// taller than wide (the API would scale its width by the template's
// heights), or wider than 16:9.
func TemplateFor(src Probe) string {
	if !src.HasVideo() || !src.HasAudio || src.Width < src.Height || src.Width*9 > src.Height*16 {
		return ""
	}
	got := rungNames(Plan(src))
	for _, id := range Templates() {
		if slices.Equal(got, rungNames(Plan(templateSources[id]))) {
			return id
		}
	}
	return ""
}

func rungNames(l Ladder) []string {
	var n []string
	for _, r := range l.Rungs {
		n = append(n, r.Name)
	}
	return n
}

// JobFor is the Transcoder API job for j in bucket, notifying topic:
// input gs://<bucket>/<j.Input>, output gs://<bucket>/<j.OutputPrefix>,
// writing the same names as the local transcoder (names.go).
//
// It references TemplateFor(j.Source) when there is one, else carries
// JobConfig(Plan(j.Source), topic). A source of unknown size (a format
// ProbeMP4 cannot read) gets TemplateSD: a source under 720p is then
// upscaled, and a silent one fails (its notification says so).
func JobFor(j Job, bucket, topic string) (*transcoderpb.Job, error) {
	if err := j.Validate(); err != nil {
		return nil, err
	}
	if bucket == "" || topic == "" {
		return nil, errors.New("stream: a cloud job needs the bucket and the notification topic")
	}
	job := &transcoderpb.Job{
		InputUri:  "gs://" + bucket + "/" + j.Input,
		OutputUri: "gs://" + bucket + "/" + j.OutputPrefix,
	}
	switch id := TemplateFor(j.Source); {
	case id != "":
		job.JobConfig = &transcoderpb.Job_TemplateId{TemplateId: id}
	case !j.Source.HasVideo():
		job.JobConfig = &transcoderpb.Job_TemplateId{TemplateId: TemplateSD}
	default:
		job.JobConfig = &transcoderpb.Job_Config{Config: JobConfig(Plan(j.Source), topic)}
	}
	return job, nil
}

// JobConfig is the Transcoder API configuration making ladder l, notifying
// topic. Video sizes are exact, in the stored frame's orientation (the API
// turns them as the source's rotation says).
func JobConfig(l Ladder, topic string) *transcoderpb.JobConfig {
	return jobConfig(l, topic, false)
}

func jobConfig(l Ladder, topic string, heightOnly bool) *transcoderpb.JobConfig {
	swap := l.Source.Rotation == 90 || l.Source.Rotation == 270
	stored := func(w, h int) (int32, int32) {
		if heightOnly {
			return 0, int32(min(w, h))
		}
		if swap {
			w, h = h, w
		}
		return int32(w), int32(h)
	}
	c := &transcoderpb.JobConfig{
		Inputs:            []*transcoderpb.Input{{Key: inputKey}},
		EditList:          []*transcoderpb.EditAtom{{Key: "atom0", Inputs: []string{inputKey}}},
		PubsubDestination: &transcoderpb.PubsubDestination{Topic: topic},
	}
	hasAudio := false
	for _, r := range l.Rungs {
		hasAudio = hasAudio || r.HasAudio()
	}
	if hasAudio {
		c.ElementaryStreams = append(c.ElementaryStreams, &transcoderpb.ElementaryStream{
			Key: audioStreamKey,
			ElementaryStream: &transcoderpb.ElementaryStream_AudioStream{AudioStream: &transcoderpb.AudioStream{
				Codec: "aac", BitrateBps: AudioBitrate, ChannelCount: AudioChannels, SampleRateHertz: AudioSampleRate,
			}},
		})
	}
	manifest := &transcoderpb.Manifest{FileName: TranscoderManifestName, Type: transcoderpb.Manifest_HLS}
	for _, r := range l.Rungs {
		var streams []string
		if !r.AudioOnly() {
			key := "video-" + r.Name
			w, h := stored(r.Width, r.Height)
			c.ElementaryStreams = append(c.ElementaryStreams, &transcoderpb.ElementaryStream{
				Key: key,
				ElementaryStream: &transcoderpb.ElementaryStream_VideoStream{VideoStream: &transcoderpb.VideoStream{
					CodecSettings: &transcoderpb.VideoStream_H264{H264: &transcoderpb.VideoStream_H264CodecSettings{
						WidthPixels: w, HeightPixels: h,
						FrameRate:                   MaxFrameRate,
						FrameRateConversionStrategy: transcoderpb.VideoStream_DOWNSAMPLE,
						BitrateBps:                  int32(r.VideoBitrate),
						VbvSizeBits:                 int32(2 * r.VideoBitrate),
						RateControlMode:             "vbr",
						PixelFormat:                 "yuv420p",
						GopMode:                     &transcoderpb.VideoStream_H264CodecSettings_GopDuration{GopDuration: durationpb.New(GOPDuration)},
						BFrameCount:                 3,
						Profile:                     r.Profile,
						Preset:                      "veryfast",
					}},
				}},
			})
			streams = append(streams, key)
		}
		if r.HasAudio() {
			streams = append(streams, audioStreamKey)
		}
		c.MuxStreams = append(c.MuxStreams, &transcoderpb.MuxStream{
			Key: r.Name, FileName: r.Name + ".ts", Container: "ts", ElementaryStreams: streams,
			SegmentSettings: &transcoderpb.SegmentSettings{
				SegmentDuration: durationpb.New(SegmentDuration), IndividualSegments: true,
			},
		})
		manifest.MuxStreams = append(manifest.MuxStreams, r.Name)
	}
	c.Manifests = []*transcoderpb.Manifest{manifest}
	if pw, ph := posterSize(l); ph > 0 {
		w, h := stored(pw, ph)
		c.SpriteSheets = []*transcoderpb.SpriteSheet{{
			Format: "jpeg", FilePrefix: posterPrefix, SpriteWidthPixels: w, SpriteHeightPixels: h,
			ColumnCount: 1, RowCount: 1, StartTimeOffset: durationpb.New(posterOffset),
			ExtractionStrategy: &transcoderpb.SpriteSheet_TotalCount{TotalCount: 1}, Quality: posterQuality,
		}}
	}
	return c
}

// Cloud is the Transcoder backed by the Transcoder API. Its client is
// created on the first Submit, not before.
type Cloud struct {
	// Project and Location say where jobs run (and where the templates
	// are), e.g. "kwipper-prod", "asia-southeast1".
	Project, Location string
	// Bucket is the media bucket inputs and outputs are in.
	Bucket string
	// Topic receives job notifications: projects/<project>/topics/<id>.
	Topic string
	// ClientOptions are passed to the client (an endpoint for tests).
	ClientOptions []option.ClientOption

	mu     sync.Mutex
	client *transcoder.Client
}

// Submit implements Transcoder: it creates the job JobFor(j) describes.
// When the region has no such template (NotFound), it creates the job again
// with the template's ladder inline, so a missing template never fails a
// video.
func (c *Cloud) Submit(ctx context.Context, j Job) (string, error) {
	job, err := JobFor(j, c.Bucket, c.Topic)
	if err != nil {
		return "", err
	}
	if c.Project == "" || c.Location == "" {
		return "", errors.New("stream.Cloud: Project and Location are required")
	}
	cl, err := c.transcoder(ctx)
	if err != nil {
		return "", err
	}
	parent := "projects/" + c.Project + "/locations/" + c.Location
	got, err := cl.CreateJob(ctx, &transcoderpb.CreateJobRequest{Parent: parent, Job: job})
	if id := job.GetTemplateId(); id != "" && status.Code(err) == codes.NotFound {
		// The region lacks the template (not created yet, or deleted):
		// the same ladder inline.
		src := j.Source
		if !src.HasVideo() {
			src = templateSources[id]
		}
		job.JobConfig = &transcoderpb.Job_Config{Config: JobConfig(Plan(src), c.Topic)}
		got, err = cl.CreateJob(ctx, &transcoderpb.CreateJobRequest{Parent: parent, Job: job})
	}
	if err != nil {
		switch status.Code(err) {
		case codes.InvalidArgument, codes.FailedPrecondition, codes.NotFound:
			// A bad configuration or a missing template: retrying the
			// same request cannot help.
			return "", errs.Wrap(errs.Invalid, err, "the Transcoder API refused the job")
		}
		return "", fmt.Errorf("stream.Cloud: create job for %s: %w", j.Input, err)
	}
	return got.GetName(), nil
}

// transcoder returns the client, creating it on first use. A failure is not
// remembered: the next call tries again.
func (c *Cloud) transcoder(ctx context.Context) (*transcoder.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client != nil {
		return c.client, nil
	}
	cl, err := transcoder.NewClient(context.WithoutCancel(ctx), c.ClientOptions...)
	if err != nil {
		return nil, fmt.Errorf("stream.Cloud: transcoder client: %w", err)
	}
	c.client = cl
	return cl, nil
}

// Close closes the client, if one was created.
func (c *Cloud) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client == nil {
		return nil
	}
	err := c.client.Close()
	c.client = nil
	return err
}
