package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFunctions(t *testing.T) {
	code, out, stderr := runCLI(t, "functions", "--catalog", filepath.Join("..", "..", "..", "..", "..", "terraform", "functions.json"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 10 || !strings.HasPrefix(lines[0], "kw-") {
		t.Fatalf("functions:\n%s", out)
	}
	for _, l := range lines {
		if f := strings.Split(l, "\t"); len(f) != 2 || (f[1] != "http" && f[1] != "pubsub") {
			t.Errorf("line %q: want kw-<name> TAB http|pubsub", l)
		}
	}
}

func TestServiceState(t *testing.T) {
	for name, tc := range map[string]struct{ json, want string }{
		"follows_latest": {`{"status":{"latestReadyRevisionName":"kw-a-00001-abc","latestCreatedRevisionName":"kw-a-00001-abc",
			"traffic":[{"latestRevision":true,"percent":100}]}}`, "kw-a-00001-abc kw-a-00001-abc latest -"},
		"pinned_with_canary": {`{"status":{"latestReadyRevisionName":"kw-a-00003-new","latestCreatedRevisionName":"kw-a-00003-new",
			"traffic":[{"revisionName":"kw-a-00002-old","percent":95},{"revisionName":"kw-a-00003-new","percent":5,"tag":"canary","url":"https://canary---kw-a-xyz.a.run.app"}]}}`,
			"kw-a-00002-old kw-a-00003-new pinned https://canary---kw-a-xyz.a.run.app"},
		"interrupted_at_50_50": {`{"status":{"latestReadyRevisionName":"kw-a-00003-new","latestCreatedRevisionName":"kw-a-00003-new",
			"traffic":[{"revisionName":"kw-a-00003-new","percent":50,"tag":"canary","url":"https://canary---kw-a-xyz.a.run.app"},{"revisionName":"kw-a-00002-old","percent":50}]}}`,
			"kw-a-00002-old kw-a-00003-new pinned https://canary---kw-a-xyz.a.run.app"},
		"after_rollback": {`{"status":{"latestReadyRevisionName":"kw-a-00003-bad","latestCreatedRevisionName":"kw-a-00003-bad",
			"traffic":[{"revisionName":"kw-a-00002-old","percent":100}]}}`, "kw-a-00002-old kw-a-00003-bad pinned -"},
	} {
		t.Run(name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "svc.json")
			if err := os.WriteFile(f, []byte(tc.json), 0o644); err != nil {
				t.Fatal(err)
			}
			in, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close()
			old := os.Stdin
			os.Stdin = in
			defer func() { os.Stdin = old }()
			code, out, stderr := runCLI(t, "service-state")
			if code != 0 || strings.TrimSpace(out) != tc.want {
				t.Errorf("exit %d, %q (stderr %s), want %q", code, strings.TrimSpace(out), stderr, tc.want)
			}
		})
	}
}
