// Package testenv gives integration tests the real emulators: it reuses the
// ones named by SPANNER_EMULATOR_HOST and PUBSUB_EMULATOR_HOST (scripts/test
// starts them once), or starts its own for the test binary. It never skips.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/devstack/emulator"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Project and Instance are what tests use in the emulators.
const (
	Project  = "kwipper-test"
	Instance = "kwipper-test"
)

var (
	mu      sync.Mutex
	started *emulator.Set
	admin   *spanx.Admin
)

// Main runs the tests of a package that needs the emulators: it starts them
// when none are configured, runs m, and stops what it started.
func Main(m *testing.M) {
	code := func() int {
		if os.Getenv("SPANNER_EMULATOR_HOST") == "" || os.Getenv("PUBSUB_EMULATOR_HOST") == "" {
			dir, _ := os.MkdirTemp("", "kwipper-emulators-")
			set, err := emulator.Start(context.Background(), dir)
			if err != nil {
				fmt.Fprintln(os.Stderr, "testenv: cannot start the emulators:", err)
				return 1
			}
			started = set
			defer set.Stop()
			os.Setenv("SPANNER_EMULATOR_HOST", set.SpannerHost)
			os.Setenv("PUBSUB_EMULATOR_HOST", set.PubSubHost)
		}
		defer func() {
			if admin != nil {
				admin.Close()
			}
		}()
		return m.Run()
	}()
	os.Exit(code)
}

// Admin returns the Spanner admin clients, creating the test instance once.
func Admin(t testing.TB) *spanx.Admin {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if admin != nil {
		return admin
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := spanx.NewAdmin(ctx)
	if err != nil {
		t.Fatalf("testenv: spanner admin: %v", err)
	}
	if err := a.EnsureInstance(ctx, Project, Instance, "emulator-config"); err != nil {
		a.Close()
		t.Fatalf("testenv: instance: %v", err)
	}
	admin = a
	return admin
}

// Database creates a fresh database for the test, applies migrations and
// returns a client; the database is dropped when the test ends.
func Database(t testing.TB, migrations []spanx.Migration) (*spanner.Client, string) {
	t.Helper()
	a := Admin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	path := spanx.DatabasePath(Project, Instance, "t"+randomHex(8))
	if err := a.EnsureDatabase(ctx, path); err != nil {
		t.Fatalf("testenv: create database: %v", err)
	}
	c, err := spanx.Open(ctx, path)
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	if _, err := a.Migrate(ctx, path, c, migrations); err != nil {
		t.Fatalf("testenv: migrate: %v", err)
	}
	t.Cleanup(func() {
		c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = dropDatabase(ctx, a, path)
	})
	return c, path
}

// PubSub returns a Pub/Sub client on the emulator, closed when the test ends.
func PubSub(t testing.TB) *pubsub.Client {
	t.Helper()
	c, err := pubsub.NewClient(context.Background(), Project)
	if err != nil {
		t.Fatalf("testenv: pubsub: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Unique returns prefix with a random suffix, for topic and subscription ids.
func Unique(prefix string) string { return prefix + "-" + randomHex(6) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
