package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
)

// readmeExamples is every sh block of the README's "The API" section (up to
// the next "## " heading), in order.
func readmeExamples(t *testing.T, readme string) []string {
	t.Helper()
	b, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "\n## The API\n")
	if start < 0 {
		t.Fatal(`README.md has no "## The API" section`)
	}
	section := text[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	var blocks []string
	for rest := section; ; {
		i := strings.Index(rest, "```sh\n")
		if i < 0 {
			break
		}
		rest = rest[i+len("```sh\n"):]
		j := strings.Index(rest, "```\n")
		if j < 0 {
			t.Fatal("README.md: an sh block is not closed")
		}
		blocks = append(blocks, rest[:j])
		rest = rest[j:]
	}
	return blocks
}

// The README's API examples run as written, top to bottom, against a fresh
// local stack with the demo data (scripts/dev --demo): every curl must
// answer 2xx (the test makes curl fail on any other status).
func TestREADMEExamples_runAsWritten(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq", "sha256sum", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the README's examples need %s: install it", tool)
		}
	}
	root, _ := filepath.Abs("../../..")
	blocks := readmeExamples(t, filepath.Join(root, "README.md"))
	if len(blocks) < 4 {
		t.Fatalf("found %d sh blocks in the README's API section", len(blocks))
	}
	e := apitest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := loadDemo(ctx, e.URL); err != nil {
		t.Fatal(err)
	}
	// curl fails on a non-2xx answer, unless the example prints the status
	// itself (-w); a player (ffplay) is replaced by ffprobe with the same
	// arguments, which must read the stream.
	script := "set -euo pipefail\n" +
		`curl() { case " $* " in *" -w "*) command curl --max-time 30 "$@" ;; *) command curl --fail-with-body --max-time 30 "$@"; echo ;; esac; }` + "\n" +
		`ffplay() { command ffprobe -v error -show_entries format=duration -of csv=p=0 "$@"; }` + "\n" +
		strings.ReplaceAll(strings.Join(blocks, "\n"), "API=http://127.0.0.1:8080", "API="+e.URL)
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Dir = root
	// kwipper-dev stripe pay-voucher finds this stack's Stripe fake here
	// (scripts/dev writes it to .dev/stack.env).
	cmd.Env = append(os.Environ(), "KW_STRIPE_API_BASE="+e.Stripe.URL)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("the README's examples failed (%v):\n%s", err, out.String())
	}
	for _, want := range []string{`"status":"ready"`, `"status":"active"`, `"applied":true`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the examples' output has no %s:\n%s", want, out.String())
		}
	}
}
