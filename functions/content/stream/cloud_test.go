package stream

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"cloud.google.com/go/video/transcoder/apiv1/transcoderpb"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/kwipper/kwipper/shared/errs"
)

const testTopic = "projects/kwipper-dev/topics/transcoder-jobs"

func TestTemplateFor(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  Probe
		want string
	}{
		{"1080p_with_sound_is_hd", Probe{Width: 1920, Height: 1080, HasAudio: true, FrameRate: 30}, TemplateHD},
		{"4k_at_60fps_is_hd", Probe{Width: 3840, Height: 2160, HasAudio: true, FrameRate: 60}, TemplateHD},
		{"720p_is_sd", Probe{Width: 1280, Height: 720, HasAudio: true, FrameRate: 25}, TemplateSD},
		{"4_3_at_720_is_sd", Probe{Width: 960, Height: 720, HasAudio: true}, TemplateSD},
		{"phone_portrait_stored_landscape_is_hd", Probe{Width: 1920, Height: 1080, Rotation: 90, HasAudio: true}, TemplateHD},
		{"540p_needs_its_own_rung", Probe{Width: 960, Height: 540, HasAudio: true}, ""},
		{"900p_needs_its_own_rung", Probe{Width: 1600, Height: 900, HasAudio: true}, ""},
		{"silent_1080p_has_no_audio_stream", Probe{Width: 1920, Height: 1080}, ""},
		{"stored_portrait_needs_exact_sizes", Probe{Width: 1080, Height: 1920, HasAudio: true}, ""},
		{"ultrawide_needs_exact_sizes", Probe{Width: 2560, Height: 1080, HasAudio: true}, ""},
		{"unknown_source", Probe{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := TemplateFor(tc.src); got != tc.want {
				t.Errorf("TemplateFor(%+v) = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
}

// TestTemplateJSON_golden keeps testdata/templates/<id>.json, what
// `gcloud transcoder templates create <id> --file=...` (or Terraform)
// creates, equal to TemplateConfig.
func TestTemplateJSON_golden(t *testing.T) {
	for _, id := range Templates() {
		got, err := TemplateJSON(id, testTopic)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "templates", id+".json")
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want := readFile(t, path)
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from TemplateJSON(%q); run with -update if the change is meant:\n%s", path, id, got)
		}
		var back transcoderpb.JobConfig
		if err := protojson.Unmarshal(want, &back); err != nil {
			t.Fatalf("%s does not parse as a JobConfig: %v", path, err)
		}
		cfg, _ := TemplateConfig(id, testTopic)
		if !proto.Equal(&back, cfg) {
			t.Errorf("%s parses to another config than TemplateConfig", path)
		}
	}
	if _, err := TemplateConfig("kw-hls-4k", testTopic); err == nil {
		t.Error("no error for an unknown template")
	}
	if _, err := TemplateConfig(TemplateHD, ""); err == nil {
		t.Error("no error without a topic")
	}
}

func TestTemplateConfig_isTheLadderOfItsSource(t *testing.T) {
	cfg, err := TemplateConfig(TemplateHD, testTopic)
	if err != nil {
		t.Fatal(err)
	}
	var heights []int32
	for _, es := range cfg.GetElementaryStreams() {
		if h := es.GetVideoStream().GetH264(); h != nil {
			if h.GetWidthPixels() != 0 {
				t.Errorf("%s: width %d; templates set heights only, to keep each source's aspect ratio", es.GetKey(), h.GetWidthPixels())
			}
			if h.GetFrameRateConversionStrategy() != transcoderpb.VideoStream_DOWNSAMPLE || h.GetFrameRate() != MaxFrameRate {
				t.Errorf("%s: frame rate %g %v", es.GetKey(), h.GetFrameRate(), h.GetFrameRateConversionStrategy())
			}
			if seg := cfg.GetMuxStreams()[0].GetSegmentSettings().GetSegmentDuration().AsDuration(); seg%h.GetGopDuration().AsDuration() != 0 {
				t.Errorf("segment %v is not a multiple of the GOP %v", seg, h.GetGopDuration().AsDuration())
			}
			heights = append(heights, h.GetHeightPixels())
		}
	}
	if !slices.Equal(heights, []int32{240, 360, 720, 1080}) {
		t.Errorf("video heights %v, want 240 360 720 1080", heights)
	}
	if cfg.GetPubsubDestination().GetTopic() != testTopic {
		t.Errorf("topic %q", cfg.GetPubsubDestination().GetTopic())
	}
}

// TestJobConfig_writesTheNamesTheLocalTranscoderWrites derives, by the
// Transcoder API's naming rules, the files a job config makes, and checks
// that the local transcoder wrote exactly those for the same ladder.
func TestJobConfig_writesTheNamesTheLocalTranscoderWrites(t *testing.T) {
	tc := sharedTranscode(t)
	cfg := JobConfig(tc.ladder, testTopic)
	var want []string
	for _, m := range cfg.GetManifests() {
		want = append(want, m.GetFileName())
		for _, k := range m.GetMuxStreams() {
			want = append(want, k+".m3u8") // a media playlist per mux stream key
		}
	}
	segPrefix := map[string]bool{}
	for _, ms := range cfg.GetMuxStreams() {
		// Segments: the file name with a 10-digit index before the extension.
		segPrefix[strings.TrimSuffix(ms.GetFileName(), ".ts")] = true
		if ms.GetContainer() != "ts" || !ms.GetSegmentSettings().GetIndividualSegments() {
			t.Errorf("mux stream %s: container %q, individual segments %v", ms.GetKey(), ms.GetContainer(),
				ms.GetSegmentSettings().GetIndividualSegments())
		}
	}
	for _, s := range cfg.GetSpriteSheets() {
		want = append(want, s.GetFilePrefix()+"0000000000."+s.GetFormat())
	}
	slices.Sort(want)
	var got []string
	for _, f := range tc.res.Files {
		if stem, ok := strings.CutSuffix(f, ".ts"); ok && len(stem) > 10 && segPrefix[stem[:len(stem)-10]] && strings.Trim(stem[len(stem)-10:], "0123456789") == "" {
			continue
		}
		got = append(got, f)
	}
	if !slices.Equal(got, want) {
		t.Errorf("local files (segments aside) %v\ncloud job config makes %v", got, want)
	}
	for k := range segPrefix {
		if !slices.Contains(tc.res.Files, SegmentName(k, 0)) {
			t.Errorf("no local segment %s", SegmentName(k, 0))
		}
	}
}

func TestJobFor(t *testing.T) {
	in := "media/asia-southeast2/c1/i1/u1"
	job := Job{Input: in, OutputPrefix: OutputPrefix(in)}

	job.Source = Probe{Width: 1920, Height: 1080, HasAudio: true, FrameRate: 30}
	j, err := JobFor(job, "kw-media", testTopic)
	if err != nil {
		t.Fatal(err)
	}
	if j.GetInputUri() != "gs://kw-media/"+in || j.GetOutputUri() != "gs://kw-media/"+in+".hls/" || j.GetTemplateId() != TemplateHD {
		t.Errorf("1080p: input %q output %q template %q", j.GetInputUri(), j.GetOutputUri(), j.GetTemplateId())
	}

	// A phone's portrait video without rotation metadata: exact sizes.
	job.Source = Probe{Width: 720, Height: 1280, HasAudio: true, FrameRate: 30}
	if j, err = JobFor(job, "kw-media", testTopic); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(j.GetConfig(), JobConfig(Plan(job.Source), testTopic)) || j.GetConfig().GetPubsubDestination().GetTopic() != testTopic {
		t.Errorf("portrait: config %v", j.GetConfig())
	}
	if h := j.GetConfig().GetElementaryStreams()[1].GetVideoStream().GetH264(); h.GetWidthPixels() != 240 || h.GetHeightPixels() != 426 {
		t.Errorf("portrait 240p rung %dx%d, want 240x426", h.GetWidthPixels(), h.GetHeightPixels())
	}

	// Rotated: sizes in the stored orientation; the API turns them.
	job.Source = Probe{Width: 1280, Height: 720, Rotation: 270, FrameRate: 30}
	if j, err = JobFor(job, "kw-media", testTopic); err != nil {
		t.Fatal(err)
	}
	if h := j.GetConfig().GetElementaryStreams()[0].GetVideoStream().GetH264(); h.GetWidthPixels() != 426 || h.GetHeightPixels() != 240 {
		t.Errorf("rotated 240p rung %dx%d, want stored 426x240", h.GetWidthPixels(), h.GetHeightPixels())
	}
	for _, es := range j.GetConfig().GetElementaryStreams() {
		if es.GetAudioStream() != nil {
			t.Error("a silent source's job has an audio stream: the API would fail it")
		}
	}

	// Unknown source (e.g. WebM, which ProbeMP4 does not read): SD template.
	job.Source = Probe{}
	if j, err = JobFor(job, "kw-media", testTopic); err != nil || j.GetTemplateId() != TemplateSD {
		t.Errorf("unknown source: template %q, err %v", j.GetTemplateId(), err)
	}

	if _, err := JobFor(Job{Input: in, OutputPrefix: "/abs/"}, "kw-media", testTopic); errs.KindOf(err) != errs.Invalid {
		t.Errorf("bad output prefix: %v, want Invalid", err)
	}
	if _, err := JobFor(Job{Input: in, OutputPrefix: "media/asia-southeast2/c1/"}, "kw-media", testTopic); errs.KindOf(err) != errs.Invalid {
		t.Errorf("output prefix containing the input: %v, want Invalid", err)
	}
}

// fakeTranscoderAPI is the Transcoder API's CreateJob on a loopback gRPC
// server.
type fakeTranscoderAPI struct {
	transcoderpb.UnimplementedTranscoderServiceServer
	mu   sync.Mutex
	reqs []*transcoderpb.CreateJobRequest
	err  error
	// noTemplates answers NotFound to jobs that name a template.
	noTemplates bool
}

func (f *fakeTranscoderAPI) CreateJob(_ context.Context, r *transcoderpb.CreateJobRequest) (*transcoderpb.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, r)
	if f.err != nil {
		return nil, f.err
	}
	if f.noTemplates && r.GetJob().GetTemplateId() != "" {
		return nil, status.Errorf(codes.NotFound, "job template %s not found", r.GetJob().GetTemplateId())
	}
	j := proto.Clone(r.GetJob()).(*transcoderpb.Job)
	j.Name = r.GetParent() + "/jobs/job-1"
	j.State = transcoderpb.Job_PENDING
	return j, nil
}

func startFakeTranscoderAPI(t *testing.T) (*fakeTranscoderAPI, []option.ClientOption) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	fake := &fakeTranscoderAPI{}
	transcoderpb.RegisterTranscoderServiceServer(srv, fake)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return fake, []option.ClientOption{option.WithEndpoint(ln.Addr().String()), option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials()))}
}

func TestCloud_submitsTheJobThroughTheAPI(t *testing.T) {
	fake, opts := startFakeTranscoderAPI(t)
	c := &Cloud{Project: "kwipper-dev", Location: "asia-southeast1", Bucket: "kw-media", Topic: testTopic, ClientOptions: opts}
	defer c.Close()
	if c.client != nil {
		t.Fatal("the client exists before the first Submit")
	}
	in := "media/c1/i1/u1"
	j := Job{Input: in, OutputPrefix: OutputPrefix(in), Source: Probe{Width: 1280, Height: 720, HasAudio: true, FrameRate: 30}}
	name, err := c.Submit(ctx(t), j)
	if err != nil {
		t.Fatal(err)
	}
	if name != "projects/kwipper-dev/locations/asia-southeast1/jobs/job-1" {
		t.Errorf("name %q", name)
	}
	want, _ := JobFor(j, "kw-media", testTopic)
	if len(fake.reqs) != 1 || fake.reqs[0].GetParent() != "projects/kwipper-dev/locations/asia-southeast1" ||
		!proto.Equal(fake.reqs[0].GetJob(), want) {
		t.Errorf("requests %v, want one for %v", fake.reqs, want)
	}

	fake.err = status.Error(codes.InvalidArgument, "template kw-hls-sd not found in asia-southeast1")
	if _, err := c.Submit(ctx(t), j); errs.KindOf(err) != errs.Invalid {
		t.Errorf("refused job: error %v, want Invalid", err)
	}
	fake.err = status.Error(codes.Unavailable, "try later")
	if _, err := c.Submit(ctx(t), j); err == nil || errs.KindOf(err) == errs.Invalid {
		t.Errorf("unavailable API: error %v, want a retryable error", err)
	}
	if _, err := c.Submit(ctx(t), Job{Input: in}); errs.KindOf(err) != errs.Invalid {
		t.Errorf("job without output prefix: error %v, want Invalid", err)
	}
}

func TestNotification_roundTripAndDocumentedShape(t *testing.T) {
	// The documented payload (create-pub-sub: {job: {name, state, error}}).
	ok, err := DecodeNotification([]byte(`{"job":{"name":"projects/123/locations/asia-southeast1/jobs/abc","state":"SUCCEEDED"}}`))
	if err != nil || !ok.Succeeded() || ok.Reason() != "" || ok.Name != "projects/123/locations/asia-southeast1/jobs/abc" {
		t.Errorf("succeeded: %+v, %v", ok, err)
	}
	failed, err := DecodeNotification([]byte(`{"job":{"name":"j","state":"FAILED","error":{"code":3,"message":"Input file has no video","details":[{"@type":"x"}]}}}`))
	if err != nil || failed.Succeeded() || failed.Reason() != "Input file has no video" {
		t.Errorf("failed: %+v, %v", failed, err)
	}
	beta, err := DecodeNotification([]byte(`{"job":{"name":"j","state":"FAILED","failureReason":"bad input"}}`))
	if err != nil || beta.Reason() != "bad input" {
		t.Errorf("v1beta1 failure: %+v, %v", beta, err)
	}
	for _, bad := range []string{`not json`, `{}`, `{"job":{"state":"SUCCEEDED"}}`, `{"job":{"name":"j","state":"RUNNING"}}`} {
		if _, err := DecodeNotification([]byte(bad)); errs.KindOf(err) != errs.Invalid {
			t.Errorf("%s: error %v, want Invalid", bad, err)
		}
	}
	b, err := EncodeNotification(JobResult{Name: "j", State: StateFailed, Error: &JobError{Code: 13, Message: "boom"}})
	if err != nil || string(b) != `{"job":{"name":"j","state":"FAILED","error":{"code":13,"message":"boom"}}}` {
		t.Errorf("encoded %s, %v", b, err)
	}
}

func TestCloud_missingTemplateRunsTheLadderInline(t *testing.T) {
	fake, opts := startFakeTranscoderAPI(t)
	fake.noTemplates = true
	c := &Cloud{Project: "kwipper-dev", Location: "asia-southeast1", Bucket: "kw-media", Topic: testTopic, ClientOptions: opts}
	defer c.Close()
	in := "media/c1/i1/u1"
	for _, src := range []Probe{{Width: 1280, Height: 720, HasAudio: true, FrameRate: 30}, {}} {
		fake.reqs = nil
		if _, err := c.Submit(ctx(t), Job{Input: in, OutputPrefix: OutputPrefix(in), Source: src}); err != nil {
			t.Fatal(err)
		}
		if len(fake.reqs) != 2 || fake.reqs[1].GetJob().GetConfig() == nil ||
			!proto.Equal(fake.reqs[1].GetJob().GetConfig(), JobConfig(Plan(templateSources[TemplateSD]), testTopic)) {
			t.Errorf("source %+v: requests %v, want the template then the SD ladder inline", src, fake.reqs)
		}
	}
}
