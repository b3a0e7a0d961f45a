package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Fakes of gcloud and terraform for scripts/deploy: they log every call, and
// gcloud describes each kw-* service as following its latest revision
// <svc>-old until its region's apply, <svc>-new after, with the canary tag's
// URL once tagged. The rollout wrapper runs the real binary
// except for watch and probe, which exit $FAKE_WATCH_EXIT and
// $FAKE_PROBE_EXIT.
const fakeGcloud = `#!/usr/bin/env bash
echo "gcloud $*" >>"$FAKE_LOG"
region="$(sed -n 's/.*--region \([^ ]*\).*/\1/p' <<<"$*")"
if [[ "$1 $2 $3" == "run services describe" ]]; then
  svc="$4" latest="$4-old" tag=""
  [[ -f "$FAKE_STATE/applied-$region" ]] && latest="$svc-new"
  [[ -f "$FAKE_STATE/tag-$region-$svc" ]] && tag=',{"revisionName":"'$svc'-new","percent":0,"tag":"canary","url":"https://canary---'$svc'.a.run.app"}'
  echo '{"status":{"latestReadyRevisionName":"'$latest'","latestCreatedRevisionName":"'$latest'","traffic":[{"latestRevision":true,"percent":100}'$tag']}}'
elif [[ "$1 $2 $3" == "run services update-traffic" && "$*" == *--update-tags=canary=* ]]; then
  touch "$FAKE_STATE/tag-$region-$4"
fi
`

const fakeTerraform = `#!/usr/bin/env bash
echo "terraform $*" >>"$FAKE_LOG"
region="$(sed -n 's/.*regions\/\([^ ]*\)\.tfvars.*/\1/p' <<<"$*")"
[[ "$*" == *" apply "* && -n "$region" ]] && touch "$FAKE_STATE/applied-$region"
exit 0
`

const fakeRollout = `#!/usr/bin/env bash
if [[ "$1" == watch ]]; then echo "rollout $*" >>"$FAKE_LOG"; exit "${FAKE_WATCH_EXIT:-0}"; fi
if [[ "$1" == probe ]]; then echo "rollout $*" >>"$FAKE_LOG"; exit "${FAKE_PROBE_EXIT:-0}"; fi
exec "$REAL_ROLLOUT" "$@"
`

// TestDeployScript runs scripts/deploy against the fakes: a promoted
// rollout, a rollback at the first watch, a dry run and a bootstrap.
func TestDeployScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the rollout binary")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	root, err := filepath.Abs(filepath.Join("..", "..", "..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "rollout-real")
	if out, err := exec.Command("go", "build", "-o", real, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{"gcloud": fakeGcloud, "terraform": fakeTerraform, "rollout": fakeRollout} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(src), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// Three functions of terraform/functions.json's form keep the run short.
	catalog := filepath.Join(dir, "functions.json")
	if err := os.WriteFile(catalog, []byte(`{"functions":[{"name":"course-list","trigger":"http"},
		{"name":"user-register","trigger":"http"},{"name":"content-on-course-event","trigger":"pubsub"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	const nfn = 3

	probeExit := "0"
	deploy := func(t *testing.T, watchExit string, extra ...string) (int, string, []string) {
		t.Helper()
		state, log := t.TempDir(), filepath.Join(t.TempDir(), "calls")
		args := append([]string{filepath.Join(root, "scripts", "deploy"), "--project", "kw-prod", "--state-bucket", "kw-prod-tfstate",
			"--image", "asia-docker.pkg.dev/kw-prod/kwipper/kwipper@sha256:" + strings.Repeat("a", 64),
			"--api-domain", "api.kwipper.example", "--web-origin", "https://app.kwipper.example", "--stripe-publishable-key", "pk_test_kwipper",
			"--regions", "asia-southeast2,asia-northeast1", "--yes", "--rollout", filepath.Join(bin, "rollout"), "--catalog", catalog}, extra...)
		cmd := exec.Command(bash, args...)
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "FAKE_LOG="+log, "FAKE_STATE="+state,
			"FAKE_WATCH_EXIT="+watchExit, "FAKE_PROBE_EXIT="+probeExit, "REAL_ROLLOUT="+real)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		calls, _ := os.ReadFile(log)
		var lines []string
		for _, l := range strings.Split(strings.TrimSpace(string(calls)), "\n") {
			if l != "" {
				lines = append(lines, l)
			}
		}
		return code, string(out), lines
	}
	count := func(calls []string, parts ...string) int {
		n := 0
	next:
		for _, c := range calls {
			for _, p := range parts {
				if !strings.Contains(c, p) {
					continue next
				}
			}
			n++
		}
		return n
	}

	t.Run("promoted_region_by_region", func(t *testing.T) {
		code, out, calls := deploy(t, "0", "--probe-base", "https://canary.api.kwipper.example")
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, out)
		}
		for _, r := range []string{"asia-southeast2", "asia-northeast1"} {
			for _, want := range []string{"--to-revisions=kw-course-list-old=100", "--update-tags=canary=kw-course-list-new",
				"--to-revisions=kw-course-list-new=5,kw-course-list-old=95", "--to-revisions=kw-course-list-new=50,kw-course-list-old=50",
				"--to-revisions=kw-course-list-new=100 --remove-tags=canary"} {
				if count(calls, "update-traffic kw-course-list ", "--region "+r, want) != 1 {
					t.Errorf("%s: no (single) update-traffic %s", r, want)
				}
			}
			if n := count(calls, "update-traffic", "--region "+r); n != 7*nfn {
				t.Errorf("%s: %d update-traffic calls, want 7 per function (%d)", r, n, 7*nfn)
			}
			if n := count(calls, "rollout watch", "--region "+r, "--catalog "+catalog, "--probe-base https://canary.api.kwipper.example"); n != 3 {
				t.Errorf("%s: %d watches probing through the canary route, want 3 (5, 25, 50 %%)", r, n)
			}
			if n := count(calls, "rollout probe", "--region "+r, "--catalog "+catalog, "--probe-base https://canary.api.kwipper.example"); n != 1 {
				t.Errorf("%s: %d probe rounds at the smoke step, want 1", r, n)
			}
		}
		// The second region is applied only after the first one finished.
		lastFirst, firstSecond := -1, -1
		for i, c := range calls {
			if strings.Contains(c, "--region asia-southeast2") {
				lastFirst = i
			}
			if firstSecond < 0 && strings.Contains(c, "--region asia-northeast1") {
				firstSecond = i
			}
		}
		if firstSecond < lastFirst {
			t.Errorf("asia-northeast1 started (call %d) before asia-southeast2 finished (call %d)", firstSecond, lastFirst)
		}
		if n := count(calls, "terraform", "stacks/global", "apply"); n != 2 {
			t.Errorf("global applied %d times, want 2", n)
		}
	})

	t.Run("rollback_stops_the_deploy", func(t *testing.T) {
		code, out, calls := deploy(t, "4")
		if code == 0 || !strings.Contains(out, "asia-southeast2 rolled back at step 6") {
			t.Fatalf("exit %d, want a rollback at the first watch:\n%s", code, out)
		}
		if n := count(calls, "update-traffic", "--region asia-southeast2", "-old=100 --remove-tags=canary"); n != nfn {
			t.Errorf("%d functions rolled back, want %d", n, nfn)
		}
		if n := count(calls, "--region asia-northeast1"); n != 0 {
			t.Errorf("asia-northeast1 touched %d times after the rollback", n)
		}
		if n := count(calls, "=25,"); n != 0 {
			t.Errorf("traffic went on to 25 %% after a ROLLBACK")
		}
	})

	t.Run("failing_probe_rolls_back_before_traffic", func(t *testing.T) {
		probeExit = "4"
		defer func() { probeExit = "0" }()
		code, out, calls := deploy(t, "0")
		if code == 0 || !strings.Contains(out, "asia-southeast2 rolled back at step 4 (smoke") {
			t.Fatalf("exit %d, want a rollback at the smoke step:\n%s", code, out)
		}
		if n := count(calls, "update-traffic", "--region asia-southeast2", "-new=5,"); n != 0 {
			t.Errorf("a canary that failed its probes got traffic (%d shifts)", n)
		}
		if n := count(calls, "rollout watch"); n != 0 {
			t.Errorf("%d watches after a failed probe", n)
		}
	})

	t.Run("no_probes_sends_none", func(t *testing.T) {
		code, out, calls := deploy(t, "0", "--no-probes")
		if code != 0 || count(calls, "rollout probe") != 0 || count(calls, "--catalog") != 0 {
			t.Errorf("exit %d, calls:\n%s\n%s", code, strings.Join(calls, "\n"), out)
		}
	})

	t.Run("dry_run_calls_nothing", func(t *testing.T) {
		code, out, calls := deploy(t, "0", "--dry-run")
		if code != 0 || len(calls) != 0 {
			t.Fatalf("exit %d, %d calls (want none):\n%s\n%s", code, len(calls), out, strings.Join(calls, "\n"))
		}
		for _, want := range []string{"1. global: apply the global stack", "asia-southeast2: shift 5% of traffic", "rollout watch --project kw-prod --region asia-southeast2",
			"rollout probe --region asia-southeast2", "answers a round of synthetic requests", "a round of synthetic requests to every HTTP canary",
			"gcloud run services update-traffic kw-<function> --region asia-northeast1", "--to-revisions=<new-revision>=25,<stable-revision>=75",
			"terraform -chdir=" + filepath.Join(root, "terraform", "stacks", "region") + " apply", "--to-revisions=<stable-revision>=100 --remove-tags=canary"} {
			if !strings.Contains(out, want) {
				t.Errorf("dry run does not show %q:\n%s", want, out)
			}
		}
	})

	t.Run("bootstrap_has_no_canary", func(t *testing.T) {
		code, out, calls := deploy(t, "0", "--bootstrap")
		if code != 0 || count(calls, "gcloud") != 0 || count(calls, "terraform", "apply") != 4 {
			t.Errorf("exit %d, calls:\n%s\n%s", code, strings.Join(calls, "\n"), out)
		}
	})
}
