// Package devstack runs the whole Kwipper platform on one machine: the real
// Spanner and Pub/Sub emulators (started when none are configured),
// fake-gcs-server for the media bucket, the Stripe fake, every database
// migrated, topics and push subscriptions pointing at the local functions
// (as Terraform wires them in the cloud), and every function on one port.
// `kwipper-dev dev` (scripts/dev) and the tests (apitest) start it the same
// way. The image binary links none of it.
package devstack

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/functions/content/stream"
	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/ops"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/devstack/emulator"
	"github.com/kwipper/kwipper/shared/devstack/gcsfake"
	"github.com/kwipper/kwipper/shared/devstack/mailbox"
	"github.com/kwipper/kwipper/shared/devstack/stripefake"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/saga"
)

// Credentials of the local Stripe fake (not secrets: it accepts nothing else).
const (
	StripeKey           = "sk_test_kwipper_local"
	StripeWebhookSecret = "whsec_kwipper_local"
	// StripePublishableKey is what the web app's Stripe.js (the fake's
	// stand-in, with KW_WEB_PAYMENTS=stripe) uses locally.
	StripePublishableKey = "pk_test_kwipper_local"
	// MailKey is the local mailbox's API key (not a secret either).
	MailKey = "kw-local-mail"
)

// CodeInjected is the failure code of a saga step Options.FailStep fails.
const CodeInjected = "injected_failure"

// Options say how to start a stack.
type Options struct {
	// Env overrides the process environment for the stack's configuration
	// (platform and services alike), e.g. KW_PROJECT or KW_SAGA_STEP_TIMEOUT.
	Env map[string]string
	// Addr is where to serve (default 127.0.0.1:$PORT; ":0" ports pick a
	// free one).
	Addr string
	// Log receives the stack's logs (default slog.Default()).
	Log *slog.Logger
	// EmulatorLogs, when set, starts the Spanner and Pub/Sub emulators
	// (unless SPANNER_EMULATOR_HOST and PUBSUB_EMULATOR_HOST are configured)
	// with their logs in this directory; else they must be configured.
	EmulatorLogs string
	// FailStep is a test hook: a saga do command it reports true for is
	// answered with a failure (CodeInjected) and changes nothing.
	FailStep func(step, courseID string) bool
	// DuplicateCommands is a test hook: every saga command is published
	// twice.
	DuplicateCommands bool
	// PubSubDown is a test hook: while it reports true, every publish of
	// every service fails as when Pub/Sub cannot be reached (events stay in
	// the outboxes for the relays).
	PubSubDown func() bool
	// OnMail, when set, hears every email the stack's mailbox accepts
	// (scripts/dev prints them).
	OnMail func(mailbox.Received)
}

// Stack is a running local platform.
type Stack struct {
	// URL is where every function and REST route is served.
	URL string
	// Cfg is the platform's configuration; Getenv what the services read
	// their settings from.
	Cfg    config.Config
	Getenv func(string) string
	// PubSub is a client of the stack's Pub/Sub.
	PubSub *pubsub.Client
	// Storage is the in-process fake-gcs-server holding the media bucket; it
	// publishes finalize notifications to Pub/Sub.
	Storage *gcsfake.Server
	// Stripe is the in-process Stripe fake billing talks to; it sends its
	// webhooks to the stack.
	Stripe *stripefake.Server
	// Mailbox is the mail provider the services send to: it keeps every
	// email (GET {Mailbox.URL}/messages).
	Mailbox *mailbox.Server
	// CDNKeyName and CDNKey are the Cloud CDN key the Content service signs
	// streaming cookies with and Media checks them with.
	CDNKeyName string
	CDNKey     []byte
	// Media serves the media bucket's streaming outputs under /media/ as
	// Cloud CDN does: only with a signed cookie granting the URL.
	Media *stream.Delivery

	opts    Options
	log     *slog.Logger
	sw      *switchable
	srv     *http.Server
	closers []func()
}

// Start brings a stack up; Close stops everything it started.
func Start(ctx context.Context, o Options) (st *Stack, err error) {
	s := &Stack{opts: o, log: o.Log, sw: &switchable{}}
	if s.log == nil {
		s.log = slog.Default()
	}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	env := map[string]string{}
	for k, v := range o.Env {
		env[k] = v
	}
	s.Getenv = func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
	if o.EmulatorLogs != "" && (s.Getenv("SPANNER_EMULATOR_HOST") == "" || s.Getenv("PUBSUB_EMULATOR_HOST") == "") {
		s.log.InfoContext(ctx, "starting the Spanner and Pub/Sub emulators", "logs", o.EmulatorLogs)
		set, err := emulator.Start(ctx, o.EmulatorLogs)
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, set.Stop)
		// The Google clients read the emulator hosts from the process
		// environment.
		os.Setenv("SPANNER_EMULATOR_HOST", set.SpannerHost)
		os.Setenv("PUBSUB_EMULATOR_HOST", set.PubSubHost)
	}
	if s.Getenv("SPANNER_EMULATOR_HOST") == "" || s.Getenv("PUBSUB_EMULATOR_HOST") == "" {
		return nil, errors.New("devstack: the emulators are not configured (SPANNER_EMULATOR_HOST, PUBSUB_EMULATOR_HOST)")
	}
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:" + cmpOr(s.Getenv("PORT"), "8080")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() { ln.Close() })
	env["PORT"] = strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	if s.Cfg, err = config.Load(s.Getenv); err != nil {
		return nil, err
	}
	// Every process of the stack shares the push token, so the functions
	// accept what the subscriptions this process creates carry.
	env["KW_PUSH_TOKEN"] = s.Cfg.Push.Token.Reveal()
	s.URL = "http://" + ln.Addr().String()

	if s.Getenv("STORAGE_EMULATOR_HOST") == "" {
		// Cloud Storage: fake-gcs-server in process, notifying the Content
		// service of finalized uploads through the Pub/Sub emulator.
		bucket, prefix := cmpOr(s.Getenv("KW_MEDIA_BUCKET"), "kwipper-media"), cmpOr(s.Getenv("KW_MEDIA_OBJECT_PREFIX"), "media/local/")
		gcs, err := gcsfake.Start(ctx, gcsfake.Options{Bucket: bucket, Project: s.Cfg.Project, Topic: contentmsg.ObjectTopic, ObjectPrefix: prefix})
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, gcs.Stop)
		s.Storage, env["STORAGE_EMULATOR_HOST"] = gcs, gcs.Host
	}
	if err := s.startMedia(ctx, env); err != nil {
		return nil, err
	}
	if s.Getenv("KW_STRIPE_SECRET_KEY") == "" {
		// Stripe: the stateful fake in process; its webhooks come back to
		// billing-webhook, signed with the local webhook secret.
		fake, err := stripefake.Start(stripefake.Options{SecretKey: StripeKey, PublishableKey: StripePublishableKey,
			WebhookSecret: StripeWebhookSecret, WebhookURL: s.Cfg.BaseURL + "/v1/billing/webhook"})
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, fake.Close)
		s.Stripe = fake
		env["KW_STRIPE_SECRET_KEY"], env["KW_STRIPE_WEBHOOK_SECRET"], env["KW_STRIPE_API_BASE"] = StripeKey, StripeWebhookSecret, fake.URL
		// The web app's card form in stripe mode loads the fake's Stripe.js.
		if s.Getenv("KW_STRIPE_PUBLISHABLE_KEY") == "" {
			env["KW_STRIPE_PUBLISHABLE_KEY"], env["KW_STRIPE_JS_URL"] = StripePublishableKey, fake.URL+"/v3/stripe.js"
		}
	}
	if s.Getenv("KW_MAIL_API_KEY") == "" {
		// Email: the mailbox in process, speaking the provider's API.
		box, err := mailbox.Start(mailbox.Options{Key: MailKey, OnMessage: o.OnMail})
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, box.Close)
		s.Mailbox = box
		env["KW_MAIL_API_KEY"], env["KW_MAIL_API_BASE"] = MailKey, box.URL
	}
	if err := ops.Migrate(ctx, s.Cfg, s.log); err != nil {
		return nil, fmt.Errorf("devstack: migrate: %w", err)
	}
	if s.PubSub, err = pubsub.NewClient(ctx, s.Cfg.Project); err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() { s.PubSub.Close() })
	s.closers = append(s.closers, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := ops.TeardownPubSub(ctx, s.PubSub); err != nil {
			s.log.WarnContext(ctx, "devstack: push subscriptions left behind", "err", err.Error())
		}
	})
	if err := ops.SetupPubSub(ctx, s.PubSub, s.Cfg); err != nil {
		return nil, fmt.Errorf("devstack: pubsub: %w", err)
	}
	app, err := s.open(ctx)
	if err != nil {
		return nil, err
	}
	s.sw.swap(app)
	root := http.NewServeMux()
	root.Handle(MediaMount, s.Media)
	if s.Mailbox != nil {
		root.Handle("GET "+MailMount, s.Mailbox.ListHandler())
	}
	root.Handle("/", s.sw)
	s.srv = httpx.NewServer(root)
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// MailMount is where the stack lists the emails its mailbox holds
// (?to=address for one recipient's), as the mailbox itself does.
const MailMount = "/_dev/mail"

// MediaMount is where the stack serves the media bucket's streaming outputs
// (the Content service's KW_MEDIA_STREAM_BASE_URL is the stack's URL + it).
const MediaMount = "/media/"

// startMedia sets up the delivery of streaming outputs: a Cloud CDN key
// (KW_URL_SIGNING_KEY, generated unless set) shared by the Content service,
// which signs cookies with it, and Media, which checks them.
func (s *Stack) startMedia(ctx context.Context, env map[string]string) error {
	name, keyB64 := s.Getenv("KW_URL_SIGNING_KEY_NAME"), s.Getenv("KW_URL_SIGNING_KEY")
	if keyB64 == "" {
		key := make([]byte, 16)
		_, _ = rand.Read(key)
		keyB64, name = base64.URLEncoding.EncodeToString(key), "kw-local"
		env["KW_URL_SIGNING_KEY"], env["KW_URL_SIGNING_KEY_NAME"] = keyB64, name
	}
	key, err := base64.URLEncoding.DecodeString(keyB64)
	if err != nil {
		key, err = base64.RawURLEncoding.DecodeString(keyB64)
	}
	if err != nil || len(key) != 16 || name == "" {
		return errors.New("devstack: KW_URL_SIGNING_KEY must be base64url of 16 bytes, with KW_URL_SIGNING_KEY_NAME")
	}
	s.CDNKeyName, s.CDNKey = name, key
	env["KW_MEDIA_STREAM_BASE_URL"] = strings.TrimSuffix(s.URL+MediaMount, "/")
	client, err := gcsfake.Client(ctx, s.Getenv("STORAGE_EMULATOR_HOST"))
	if err != nil {
		return err
	}
	s.closers = append(s.closers, func() { client.Close() })
	s.Media = &stream.Delivery{Objects: stream.GCS{Bucket: client.Bucket(cmpOr(s.Getenv("KW_MEDIA_BUCKET"), "kwipper-media"))},
		Verifier: stream.CookieVerifier{Keys: map[string][]byte{name: key}}, Mount: MediaMount, BaseURL: s.URL, Log: s.log}
	return nil
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// open opens every service with the stack's hooks.
func (s *Stack) open(ctx context.Context) (*functions.App, error) {
	o := functions.Options{Getenv: s.Getenv}
	var wraps []func(events.Publisher) events.Publisher
	if s.opts.DuplicateCommands {
		wraps = append(wraps, func(p events.Publisher) events.Publisher { return duplicateCommands{p} })
	}
	if s.opts.PubSubDown != nil {
		wraps = append(wraps, func(p events.Publisher) events.Publisher { return pubsubDown{p, s.opts.PubSubDown} })
	}
	if len(wraps) > 0 {
		o.WrapPublisher = func(p events.Publisher) events.Publisher {
			for _, w := range wraps {
				p = w(p)
			}
			return p
		}
	}
	if s.opts.FailStep != nil {
		replies := &events.PubSub{Client: s.PubSub}
		s.closers = append(s.closers, replies.Stop)
		o.WrapHandler = func(spec fnreg.Spec, h http.Handler) http.Handler { return failStep(spec, h, s.opts.FailStep, replies) }
	}
	return functions.Open(ctx, s.Cfg, s.log, o)
}

// App is the app the stack serves now.
func (s *Stack) App() *functions.App { return s.sw.current() }

// Restart stops every function as a process restart would (requests and
// push deliveries get 503 meanwhile, in-memory state is lost, only the
// databases and Pub/Sub keep what was in flight), runs during, then starts
// the functions again with the same configuration.
func (s *Stack) Restart(ctx context.Context, during func()) error {
	if s.Cfg.TokenSigningKey == "" {
		if app := s.App(); app != nil {
			// Keep the token key across the restart, as Secret Manager does.
			pem, err := app.Signer.Key.PEM()
			if err != nil {
				return err
			}
			s.Cfg.TokenSigningKey = config.Secret(pem)
		}
	}
	if old := s.sw.swap(nil); old != nil {
		old.Close()
	}
	if during != nil {
		during()
	}
	app, err := s.open(ctx)
	if err != nil {
		return err
	}
	s.sw.swap(app)
	return nil
}

// Close stops everything Start started.
func (s *Stack) Close() {
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.srv.Shutdown(ctx)
		cancel()
	}
	if old := s.sw.swap(nil); old != nil {
		old.Close()
	}
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

// switchable serves the current app, or 503 while the stack is stopped.
type switchable struct {
	mu  sync.RWMutex
	app *functions.App
	h   http.Handler
}

func (w *switchable) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.mu.RLock()
	h := w.h
	w.mu.RUnlock()
	if h == nil {
		http.Error(rw, "stopped", http.StatusServiceUnavailable)
		return
	}
	h.ServeHTTP(rw, r)
}

func (w *switchable) current() *functions.App {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.app
}

// swap makes app the one served (nil: answer 503) and returns the old one.
func (w *switchable) swap(app *functions.App) *functions.App {
	w.mu.Lock()
	defer w.mu.Unlock()
	old := w.app
	w.app, w.h = app, nil
	if app != nil {
		w.h = app.Handler()
	}
	return old
}

// duplicateCommands publishes every saga command twice (the copy with an
// id of its own), so tests see participants handle a command delivered
// twice at once.
type duplicateCommands struct{ events.Publisher }

func (d duplicateCommands) Publish(ctx context.Context, e events.Event) error {
	if err := d.Publisher.Publish(ctx, e); err != nil || e.Type != saga.EventCommand {
		return err
	}
	e.ID = uuid.NewString()
	return d.Publisher.Publish(ctx, e)
}

// pubsubDown fails every publish while down reports true.
type pubsubDown struct {
	events.Publisher
	down func() bool
}

func (d pubsubDown) Publish(ctx context.Context, e events.Event) error {
	if d.down() {
		return errors.New("pubsub: unavailable (injected: Pub/Sub is down)")
	}
	return d.Publisher.Publish(ctx, e)
}

// failStep answers the saga do commands fail reports true for with a
// failure reply, as a participant whose step failed would, without running
// the step.
func failStep(spec fnreg.Spec, h http.Handler, fail func(step, courseID string) bool, pub events.Publisher) http.Handler {
	if spec.Trigger != fnreg.PubSub || !slices.Contains(sagamsg.CommandTopics(), spec.Topic) {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var env struct {
			Message struct {
				Data []byte `json:"data"`
			} `json:"message"`
		}
		var cmd saga.Command
		if json.Unmarshal(body, &env) == nil && json.Unmarshal(env.Message.Data, &cmd) == nil &&
			cmd.Kind == saga.Do && fail(cmd.Step, cmd.CourseID) {
			rep := saga.Reply{SagaID: cmd.SagaID, Step: cmd.Step, Kind: cmd.Kind, Attempt: cmd.Attempt,
				Code: CodeInjected, Reason: "step " + cmd.Step + " failed (injected by a test)"}
			b, _ := json.Marshal(rep)
			if err := pub.Publish(r.Context(), events.Event{ID: uuid.NewString(), Topic: saga.RepliesTopic, Type: saga.EventReply, Data: b}); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, r)
	})
}
