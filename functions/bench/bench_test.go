// Package bench measures Kwipper against the real emulators: cold start of
// one function next to a bare functions-framework hello-world, and get-course
// throughput through the local server next to the raw Spanner point read.
// Run with scripts/bench (or go test -bench . ./functions/bench).
package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/spanx"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var (
	buildOnce sync.Mutex
	built     = map[string]string{}
)

// binary builds pkg the way the image does (CGO off, -trimpath, stripped).
func binary(b *testing.B, pkg string) string {
	buildOnce.Lock()
	defer buildOnce.Unlock()
	if p, ok := built[pkg]; ok {
		return p
	}
	dir, err := os.MkdirTemp("", "kwipper-bench-")
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(dir, filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build %s: %v\n%s", pkg, err, msg)
	}
	built[pkg] = out
	return out
}

// seed starts a stack and publishes one course, returning its id.
func seed(b *testing.B) (*apitest.Env, string) {
	e := apitest.Start(b)
	_, tok := e.User("tutor@bench.test", "tutor")
	var c struct{ ID string }
	e.Must(201, "POST", "/v1/courses", tok, map[string]any{"title": "Bench", "description": "d",
		"price": map[string]any{"amount": 1500, "currency": "JPY"}, "billing_interval": "month"}).JSON(b, &c)
	e.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tok, map[string]any{"kind": "text", "title": "t", "body": "b"})
	e.Must(200, "POST", "/v1/courses/"+c.ID+"/publish", tok, nil)
	return e, c.ID
}

// BenchmarkColdStart measures process start to the first 200 in
// single-function mode: a bare hello-world (opens nothing), the floor of
// course-get (a bare handler opening the same Spanner client and doing the
// same two reads) and Kwipper's course-get itself.
func BenchmarkColdStart(b *testing.B) {
	e, id := seed(b)
	cases := []struct {
		name, pkg, target, path string
	}{
		{"hello-world", "github.com/kwipper/kwipper/functions/bench/hello", "hello", "/"},
		{"floor-spanner-course-get", "github.com/kwipper/kwipper/functions/bench/floor", "floor", "/v1/courses/" + id},
		{"kwipper-course-get", "github.com/kwipper/kwipper/functions/cmd/kwipper", "course-get", "/v1/courses/" + id},
	}
	for _, tc := range cases {
		bin := binary(b, tc.pkg)
		b.Run(tc.name, func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				total += coldStart(b, bin, tc.target, tc.path, e)
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/first-200")
		})
	}
}

func coldStart(b *testing.B, bin, target, path string, e *apitest.Env) time.Duration {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "FUNCTION_TARGET="+target, fmt.Sprintf("PORT=%d", port),
		"KW_PROJECT="+e.Cfg.Project, "KW_LOG_LEVEL=error")
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	url := fmt.Sprintf("http://127.0.0.1:%d%s", port, path)
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < 30*time.Second {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start)
			}
			b.Fatalf("%s answered %d", url, resp.StatusCode)
		}
		time.Sleep(time.Millisecond)
	}
	b.Fatalf("%s never answered", url)
	return 0
}

// BenchmarkGetCourse compares get-course requests/s through the local server
// with the raw Spanner point read of the same row, both against the emulator
// in the same run, with the same number of concurrent clients.
func BenchmarkGetCourse(b *testing.B) {
	e, id := seed(b)
	const clients = 8
	b.Run("http-local-server", func(b *testing.B) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
		url := e.URL + "/v1/courses/" + id
		parallel(b, clients, func() error {
			resp, err := client.Get(url)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return fmt.Errorf("status %d", resp.StatusCode)
			}
			return nil
		})
	})
	ctx := context.Background()
	db, err := spanx.Open(ctx, spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, course.Database))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.Run("spanner-point-read", func(b *testing.B) {
		parallel(b, clients, func() error {
			_, err := db.Single().ReadRow(ctx, "Courses", spanner.Key{id}, []string{"CourseId", "Title"})
			return err
		})
	})
	// For comparison: the same row through SQL with a join, as the first
	// version of course-get read it.
	b.Run("spanner-join-query", func(b *testing.B) {
		stmt := spanner.Statement{SQL: `SELECT c.CourseId, c.Title, t.DisplayName FROM Courses AS c
			LEFT JOIN TutorProfiles AS t ON t.TutorId = c.TutorId WHERE c.CourseId = @id`, Params: map[string]any{"id": id}}
		parallel(b, clients, func() error {
			return spanx.Each(db.Single().Query(ctx, stmt), func(*spanner.Row) error { return nil })
		})
	})
}

// parallel runs fn b.N times over n goroutines and reports requests/s.
func parallel(b *testing.B, n int, fn func() error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	b.ResetTimer()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				if err := fn(); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}
