package content

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions/content/stream"
	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
)

// Streaming: an accepted video upload's ladder is made by a transcoding job
// (submitStream, after the commit that accepts it), its outcome recorded
// from the job's Pub/Sub notification (onTranscoded), and content-get hands
// out the master playlist with a signed cookie (streamView).

// localCookieKeyName names the key generated for a local process without
// KW_URL_SIGNING_KEY (the local stack sets one, so its delivery handler can
// check cookies).
const localCookieKeyName = "kw-local"

// buildStreaming sets up the transcoder and the cookie signer.
func (s *Service) buildStreaming(d fnreg.Deps) error {
	c := s.cfg
	switch c.Transcoder {
	case transcoderOff:
		return nil
	case transcoderCloud:
		s.transcoder = &stream.Cloud{Project: d.Config.Project, Location: c.TranscoderLocation, Bucket: c.Bucket, Topic: c.TranscoderTopic}
	case transcoderFFmpeg:
		if d.Publisher == nil {
			return errors.New("content: the ffmpeg transcoder needs a publisher for its notifications")
		}
		s.transcoder = stream.NewLocal(stream.LocalConfig{Objects: s.media, Outputs: s.media,
			Notifier: publisherNotifier{d.Publisher}, FFmpeg: stream.FFmpeg{Path: c.FFmpegPath},
			FFprobe: stream.FFprobe{Path: c.FFprobePath}, Log: s.log})
	}
	s.store.afterStream = s.submitStream
	s.cookies = stream.CookieSigner{KeyName: c.URLSigningKeyName, Domain: c.StreamCookieDomain}
	if c.URLSigningKey != "" {
		key, err := ParseCDNKey(c.URLSigningKey.Reveal())
		if err != nil {
			return fmt.Errorf("KW_URL_SIGNING_KEY: %w", err)
		}
		s.cookies.Key = key
	} else { // local only (loadConfig insists in the cloud)
		s.cookies.KeyName, s.cookies.Key = localCookieKeyName, make([]byte, 16)
		_, _ = rand.Read(s.cookies.Key)
	}
	return nil
}

// publisherNotifier publishes the local transcoder's notifications to
// TranscodeTopic, as the Transcoder API does in the cloud.
type publisherNotifier struct{ pub events.Publisher }

func (p publisherNotifier) Notify(ctx context.Context, payload []byte) error {
	return p.pub.Publish(ctx, events.Event{ID: uuid.NewString(), Topic: contentmsg.TranscodeTopic,
		Type: "transcoder.job", Data: payload})
}

// submitStream starts the job making st's ladder and records its name. A
// job the transcoder can never run fails the ladder at once; any other
// failure leaves it for the relay to submit again.
func (s *Service) submitStream(ctx context.Context, st Stream) {
	log := s.log.With("upload_id", st.UploadID)
	j := stream.Job{Input: st.ObjectName, OutputPrefix: st.OutputPrefix}
	if _, cloud := s.transcoder.(*stream.Cloud); cloud {
		// The API plans the ladder from what the MP4 header says.
		if o, err := s.media.OpenObject(ctx, st.ObjectName); err == nil {
			j.Source, _ = stream.ProbeMP4(o, o.Size())
			o.Close()
		}
	}
	name, err := s.transcoder.Submit(ctx, j)
	if errs.KindOf(err) == errs.Invalid {
		st.Status, st.Reason = StreamFailed, "the video cannot be transcoded: "+clientMessage(err)
		if _, err := s.store.finishStream(ctx, "submit:"+st.UploadID, st, s.now().Add(s.cfg.ReplacedLadderGrace)); err != nil {
			log.WarnContext(ctx, "transcoding refused; recording it failed (the relay retries)", "err", err.Error())
		}
		return
	}
	if err != nil {
		log.WarnContext(ctx, "transcoding job not submitted; the relay retries", "err", err.Error())
		return
	}
	if ok, err := s.store.recordJob(ctx, st.UploadID, name); err != nil || !ok {
		log.WarnContext(ctx, "transcoding job submitted but not recorded", "job", name, "err", fmt.Sprint(err))
	}
}

// clientMessage is an error's message fit for the tutor.
func clientMessage(err error) string {
	if e := (*errs.Error)(nil); errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return err.Error()
}

// unrecordedJobGrace is how long a notification for a job no ladder
// records is retried: its ladder's record may still be being written.
const unrecordedJobGrace = 10 * time.Minute

// onTranscoded records a job's outcome from its notification, once per job:
// a succeeded job's outputs are measured, the master playlist (with the
// item's captions) written, and the ladder becomes ready (the item's, when
// it is of the upload the item serves); a failed job fails it with the
// transcoder's reason.
func (s *Service) onTranscoded(ctx context.Context, m events.Message) error {
	res, err := stream.DecodeNotification(m.Data)
	if err != nil {
		return err
	}
	st, err := s.store.streamByJob(ctx, res.Name)
	if errs.Is(err, errs.NotFound) {
		if time.Since(m.PublishTime) < unrecordedJobGrace {
			return errs.E(errs.Unavailable, "job %s is not recorded (yet)", res.Name)
		}
		s.log.WarnContext(ctx, "notification of a job no ladder records; left alone", "job", res.Name)
		return nil
	}
	if err != nil {
		return err
	}
	if st.Status != StreamProcessing {
		return nil // recorded already
	}
	done := Stream{UploadID: st.UploadID, Status: StreamFailed, Reason: res.Reason()}
	var published []stream.CaptionFile
	if res.Succeeded() {
		o, err := stream.ReadOutputs(ctx, s.media, st.OutputPrefix)
		switch {
		case errs.KindOf(err) == errs.Invalid:
			done.Reason = "the transcoder's outputs are unusable: " + clientMessage(err)
		case err != nil:
			return err
		default:
			caps, err := s.store.captionFiles(ctx, st.CourseID, st.ItemID)
			if err != nil {
				return err
			}
			if err := stream.Publish(ctx, s.media, st.OutputPrefix, o, caps); err != nil {
				return err
			}
			published = caps
			done.Status, done.Reason, done.Outputs = StreamReady, "", &o
		}
	}
	got, err := s.store.finishStream(ctx, res.Name, done, s.now().Add(s.cfg.ReplacedLadderGrace))
	if err != nil {
		return err
	}
	if got.Status == StreamReady && got.Outputs != nil {
		// A caption stored while the master was written went to the
		// ladder that served then: publish again if the set changed.
		if now, err := s.store.captionFiles(ctx, st.CourseID, st.ItemID); err == nil && !sameCaptions(now, published) {
			if err := stream.Publish(ctx, s.media, got.OutputPrefix, *got.Outputs, now); err != nil {
				s.log.WarnContext(ctx, "captions changed during transcoding and were not republished", "err", err.Error())
			}
		}
	}
	s.log.InfoContext(ctx, "transcoding finished", "upload_id", got.UploadID, "status", got.Status, "reason", got.Reason)
	return nil
}

// resubmitStreams submits the ladders whose submission after commit did not
// happen (the relay calls it).
func (s *Service) resubmitStreams(ctx context.Context) error {
	if s.transcoder == nil {
		return nil
	}
	sts, err := s.store.unsubmittedStreams(ctx, 2*time.Minute, 50)
	for _, st := range sts {
		s.submitStream(ctx, st)
	}
	return err
}

// streamView is what content-get says of a video's stream, with the signed
// cookie for the ladder that serves set on w.
func (s *Service) streamView(w http.ResponseWriter, ic itemContent) (*StreamView, error) {
	it := ic.Item
	if s.transcoder == nil || it.Kind != "video" || it.StreamStatus == "" {
		return nil, nil
	}
	v := &StreamView{Status: it.StreamStatus, Reason: it.StreamReason}
	if ic.StreamPrefix == "" {
		return v, nil
	}
	prefix := stream.PrefixURL(s.cfg.StreamBaseURL, ic.StreamPrefix)
	exp := s.now().Add(s.cfg.StreamCookieTTL).Truncate(time.Second)
	c, err := s.cookies.Cookie(prefix, exp)
	if err != nil {
		return nil, fmt.Errorf("sign stream cookie: %w", err)
	}
	http.SetCookie(w, c)
	w.Header().Set("Cache-Control", "private, no-store")
	v.MasterURL, v.PosterURL, v.ExpiresAt = prefix+stream.MasterName, prefix+stream.PosterName, &exp
	return v, nil
}

// sameCaptions reports whether a and b are the same captions.
func sameCaptions(a, b []stream.CaptionFile) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Language != b[i].Language || !bytes.Equal(a[i].VTT, b[i].VTT) {
			return false
		}
	}
	return true
}
