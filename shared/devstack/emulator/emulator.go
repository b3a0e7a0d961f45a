// Package emulator starts the real Spanner and Pub/Sub emulators that ship with
// the Google Cloud CLI, for the local stack and for tests. It finds them under
// the CLI's root (gcloud info), never at a fixed path.
package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// SDKRoot returns the Google Cloud CLI's installation root: $CLOUDSDK_ROOT
// when set, else what `gcloud info` reports.
func SDKRoot() (string, error) {
	if r := os.Getenv("CLOUDSDK_ROOT"); r != "" {
		return r, nil
	}
	out, err := exec.Command("gcloud", "info", "--format=value(installation.sdk_root)").Output()
	if err != nil {
		return "", fmt.Errorf("emulator: find the Google Cloud CLI (gcloud info): %w; install it or set CLOUDSDK_ROOT", err)
	}
	root := strings.TrimSpace(string(out))
	if root == "" {
		return "", errors.New("emulator: gcloud info reported no sdk_root")
	}
	return root, nil
}

// Set is a running pair of emulators.
type Set struct {
	SpannerHost string // host:port of the Spanner emulator's gRPC endpoint
	PubSubHost  string // host:port of the Pub/Sub emulator
	procs       []proc
}

type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// Start starts both emulators on free loopback ports, writing their output to
// files in logDir, and waits until both accept connections.
func Start(ctx context.Context, logDir string) (*Set, error) {
	root, err := SDKRoot()
	if err != nil {
		return nil, err
	}
	s := &Set{}
	spPort, err := freePort()
	if err != nil {
		return nil, err
	}
	psPort, err := freePort()
	if err != nil {
		return nil, err
	}
	s.SpannerHost = "127.0.0.1:" + strconv.Itoa(spPort)
	s.PubSubHost = "127.0.0.1:" + strconv.Itoa(psPort)
	spanner := filepath.Join(root, "bin", "cloud_spanner_emulator", "emulator_main")
	pubsub := filepath.Join(root, "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator")
	if err := s.start(logDir, "spanner-emulator.log", spanner, "--host_port="+s.SpannerHost,
		"--override_max_databases_per_instance=10000"); err != nil {
		return nil, err
	}
	if err := s.start(logDir, "pubsub-emulator.log", pubsub, "--host=127.0.0.1", "--port="+strconv.Itoa(psPort)); err != nil {
		s.Stop()
		return nil, err
	}
	for _, addr := range []string{s.SpannerHost, s.PubSubHost} {
		if err := waitListening(ctx, addr, 60*time.Second); err != nil {
			s.Stop()
			return nil, fmt.Errorf("emulator at %s did not start (logs in %s): %w", addr, logDir, err)
		}
	}
	return s, nil
}

func (s *Set) start(logDir, logName, bin string, args ...string) error {
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("emulator: %s not found: install the Google Cloud CLI emulator components: %w", bin, err)
	}
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(logDir, logName))
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	// A process group of its own, so Stop also ends the JVM the Pub/Sub
	// emulator's launcher script starts, and so Ctrl-C reaches us first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("emulator: start %s: %w", bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); f.Close(); close(done) }()
	s.procs = append(s.procs, proc{cmd: cmd, done: done})
	return nil
}

// Stop ends both emulators and everything they started.
func (s *Set) Stop() {
	for _, p := range s.procs {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	}
	timeout := time.After(5 * time.Second)
	for _, p := range s.procs {
		select {
		case <-p.done:
		case <-timeout:
		}
		// The group may outlive its leader (the JVM under the launcher script).
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
	s.procs = nil
}

// Env returns the environment variables that point clients at the emulators.
func (s *Set) Env() []string {
	return []string{"SPANNER_EMULATOR_HOST=" + s.SpannerHost, "PUBSUB_EMULATOR_HOST=" + s.PubSubHost}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func waitListening(ctx context.Context, addr string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
