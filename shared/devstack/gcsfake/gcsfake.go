// Package gcsfake runs fake-gcs-server in process for the local stack and
// tests: one bucket on a loopback port, serving the JSON and XML APIs (so
// V4 signed URLs built for its host work), and publishing an
// OBJECT_FINALIZE notification to the Pub/Sub emulator for each object
// written under a prefix, as the bucket's notification configuration does in
// the cloud (terraform/modules/region/media.tf).
//
// fake-gcs-server does not verify URL signatures: tests that need to know a
// signature is right verify it themselves (see functions/content).
package gcsfake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"cloud.google.com/go/storage"
	"github.com/fsouza/fake-gcs-server/fakestorage"
	"google.golang.org/api/option"
)

// Options say what to serve and where notifications go.
type Options struct {
	// Bucket is created empty.
	Bucket string
	// Project and Topic name the Pub/Sub topic (on the emulator named by
	// PUBSUB_EMULATOR_HOST) that finalize notifications are published to;
	// no notifications when Topic is empty.
	Project, Topic string
	// ObjectPrefix limits notifications to objects whose names start with it.
	ObjectPrefix string
	// Log receives fake-gcs-server's log lines (discarded when nil).
	Log io.Writer
}

// Server is a running fake-gcs-server.
type Server struct {
	// Host is host:port of the server: STORAGE_EMULATOR_HOST, and the host
	// signed URLs must name.
	Host string
	fake *fakestorage.Server
	http *http.Server
}

// Start serves a fake Cloud Storage on a free loopback port until Stop.
func Start(ctx context.Context, o Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("gcsfake: listen: %w", err)
	}
	host := ln.Addr().String()
	if o.Log == nil {
		o.Log = io.Discard
	}
	// No listener of its own: we serve its handler on ln, whose address we
	// know before it starts, so the XML API answers requests for that host
	// (signed URLs are path-style: http://<host>/<bucket>/<object>).
	fake, err := fakestorage.NewServerWithOptions(fakestorage.Options{
		NoListener: true, Scheme: "http", Host: "127.0.0.1", PublicHost: host,
		ExternalURL: "http://" + host, Writer: o.Log, AllowedCORSHeaders: browserHeaders,
	})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("gcsfake: %w", err)
	}
	s := &Server{Host: host, fake: fake, http: &http.Server{Handler: browserUploads(xmlResumableStart(fake.HTTPHandler())), ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.http.Serve(ln) }()
	fake.CreateBucketWithOpts(fakestorage.CreateBucketOpts{Name: o.Bucket})
	if o.Topic != "" {
		c, err := Client(ctx, host)
		if err != nil {
			s.Stop()
			return nil, err
		}
		defer c.Close()
		_, err = c.Bucket(o.Bucket).AddNotification(ctx, &storage.Notification{
			TopicProjectID: o.Project, TopicID: o.Topic, PayloadFormat: storage.JSONPayload,
			EventTypes: []string{storage.ObjectFinalizeEvent}, ObjectNamePrefix: o.ObjectPrefix,
		})
		if err != nil {
			s.Stop()
			return nil, fmt.Errorf("gcsfake: notification: %w", err)
		}
	}
	return s, nil
}

// Stop stops serving and closes the notification publishers.
func (s *Server) Stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.http.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		_ = s.http.Close()
	}
	s.fake.Stop()
}

// Client returns a Cloud Storage client of the fake at host (host:port),
// without credentials and without reading STORAGE_EMULATOR_HOST, so several
// fakes may run in one process.
func Client(ctx context.Context, host string) (*storage.Client, error) {
	c, err := storage.NewClient(ctx, option.WithEndpoint("http://"+host+"/storage/v1/"), option.WithoutAuthentication())
	if err != nil {
		return nil, fmt.Errorf("gcsfake: storage client: %w", err)
	}
	return c, nil
}

// xmlResumableStart adapts the one request of the XML API that
// fake-gcs-server gets wrong: a signed POST /<bucket>/<object> with
// x-goog-resumable: start opens a resumable session for <object> with the
// request's Content-Type, but the fake takes the name and type from a JSON
// body only. The adapter passes them to it that way; the session URI it
// answers with (Location) then takes the bytes as Cloud Storage's does.
func xmlResumableStart(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.EqualFold(r.Header.Get("x-goog-resumable"), "start") &&
			r.URL.Query().Get("X-Goog-Algorithm") != "" {
			if bucket, object, ok := strings.Cut(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/"); ok && bucket != "" {
				name, err := url.PathUnescape(object)
				if err != nil {
					http.Error(w, "bad object name", http.StatusBadRequest)
					return
				}
				meta, _ := json.Marshal(map[string]string{"name": name, "contentType": r.Header.Get("Content-Type")})
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(meta)), int64(len(meta))
				r.Header.Set("Content-Type", "application/json; charset=UTF-8")
			}
		}
		next.ServeHTTP(w, r)
	})
}
