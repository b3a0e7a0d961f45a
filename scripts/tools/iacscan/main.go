// Command iacscan is the IaC misconfiguration scan of scripts/iac-scan: trivy's
// own Terraform scanner (github.com/aquasecurity/trivy/pkg/iac) with the checks
// bundle embedded at build time (trivy-checks), without the rest of the trivy
// CLI, so a cold build takes a fraction of the CLI's. It sees what `trivy
// config --misconfig-scanners terraform` sees: only Terraform files (.tf,
// .tf.json, .tfvars, .tofu, .tofu.json), .terraform* directories skipped, the
// same Rego checks at the same trivy version, and the same #trivy:ignore
// comments, so its findings are the CLI's.
//
//	iacscan [--severity HIGH,CRITICAL] [--exit-code 1] [--format table|json] DIR
//
// Exit status: the --exit-code value when a finding of the given severities
// is left, 0 when none is, 2 on a usage or scan error. No network.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/aquasecurity/trivy/pkg/iac/detection"
	"github.com/aquasecurity/trivy/pkg/iac/rego"
	"github.com/aquasecurity/trivy/pkg/iac/scanners/options"
	"github.com/aquasecurity/trivy/pkg/iac/scanners/terraform"
	"github.com/aquasecurity/trivy/pkg/log"
)

// trivyVersion is the trivy release whose scanner and checks this is built
// from (scripts/tools/iacscan/go.mod); checks that need a newer trivy are
// skipped as the CLI of that release skips them.
const trivyVersion = "0.74.0"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("iacscan", flag.ContinueOnError)
	fl.SetOutput(stderr)
	sev := fl.String("severity", "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL", "severities to report, comma-separated")
	exitCode := fl.Int("exit-code", 0, "exit status when a finding is reported")
	format := fl.String("format", "table", "table or json")
	if err := fl.Parse(args); err != nil || fl.NArg() != 1 || (*format != "table" && *format != "json") {
		fmt.Fprintln(stderr, "usage: iacscan [--severity S,...] [--exit-code N] [--format table|json] DIR")
		return 2
	}
	findings, passed, err := scanDir(context.Background(), fl.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "iacscan:", err)
		return 2
	}
	want := strings.Split(strings.ToUpper(*sev), ",")
	findings = slices.DeleteFunc(findings, func(f finding) bool { return !slices.Contains(want, f.Severity) })
	if *format == "json" {
		err = writeJSON(stdout, findings, passed)
	} else {
		err = writeTable(stdout, findings)
	}
	if err != nil {
		fmt.Fprintln(stderr, "iacscan:", err)
		return 2
	}
	if len(findings) > 0 {
		return *exitCode
	}
	return 0
}

// finding is a failed check on one resource.
type finding struct {
	Target     string // file, relative to the scanned directory
	ID         string // e.g. GCP-0066
	AVDID      string
	Title      string
	Message    string
	Resolution string
	Severity   string
	Resource   string
	StartLine  int
	EndLine    int
	Links      []string
}

// scanDir runs trivy's Terraform scanner over the Terraform files under dir
// with the embedded checks, and returns the failed checks that no
// #trivy:ignore comment suppresses, and how many checks passed.
func scanDir(ctx context.Context, dir string) ([]finding, int, error) {
	log.InitLogger(false, true) // quiet, as `trivy --quiet`
	fsys, err := terraformFiles(dir)
	if err != nil {
		return nil, 0, err
	}
	s := terraform.New(
		rego.WithEmbeddedPolicies(true),
		rego.WithEmbeddedLibraries(true),
		rego.WithTrivyVersion(trivyVersion),
		options.WithScanRawConfig(false),
		terraform.ScannerWithAllDirectories(true),
	)
	results, err := s.ScanFS(ctx, fsys, ".")
	if err != nil {
		return nil, 0, err
	}
	var out []finding
	for _, r := range results.GetFailed() {
		f := r.Flatten()
		out = append(out, finding{
			Target: filepath.ToSlash(f.Location.Filename), ID: r.Rule().ID, AVDID: r.Rule().AVDID,
			Title: r.Rule().Summary, Message: f.Description, Resolution: f.Resolution, Severity: string(f.Severity),
			Resource: f.Resource, StartLine: f.Location.StartLine, EndLine: f.Location.EndLine, Links: f.Links,
		})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Target != b.Target {
			return a.Target < b.Target
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		return a.ID < b.ID
	})
	return out, len(results.GetPassed()), nil
}

// terraformFiles is the Terraform files under dir (as trivy's Terraform
// analyzer picks them), skipping .terraform and .terraform-* directories
// (the --skip-dirs of scripts/iac-scan).
func terraformFiles(dir string) (fs.FS, error) {
	m := fstest.MapFS{}
	root := os.DirFS(dir)
	err := fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != "." && (name == ".terraform" || strings.HasPrefix(name, ".terraform-")) {
				return fs.SkipDir
			}
			return nil
		}
		if !detection.IsTerraformFile(p) {
			return nil
		}
		b, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		m[path.Clean(p)] = &fstest.MapFile{Data: b, Mode: 0o644}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("no Terraform files under %s", dir)
	}
	return m, nil
}

func writeTable(w io.Writer, fs []finding) error {
	counts := map[string]int{}
	for _, f := range fs {
		counts[f.Severity]++
		fmt.Fprintf(w, "%s:%d-%d  %s  %s (%s)\n  %s\n  %s\n  resource: %s\n", f.Target, f.StartLine, f.EndLine, f.Severity, f.ID, f.AVDID, f.Title, f.Message, f.Resource)
		if f.Resolution != "" {
			fmt.Fprintf(w, "  fix: %s\n", f.Resolution)
		}
		fmt.Fprintln(w)
	}
	var parts []string
	for _, s := range []string{"UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"} {
		parts = append(parts, fmt.Sprintf("%s: %d", s, counts[s]))
	}
	_, err := fmt.Fprintf(w, "Failures: %d (%s)\n", len(fs), strings.Join(parts, ", "))
	return err
}

// writeJSON writes the findings in the shape of trivy's JSON report
// (Results[].Misconfigurations[]), so what reads one reads the other.
func writeJSON(w io.Writer, fs []finding, passed int) error {
	type cause struct {
		Resource           string
		StartLine, EndLine int
	}
	type misconf struct {
		Type, ID, AVDID, Title, Message, Resolution, Severity, Status string
		References                                                    []string `json:",omitempty"`
		CauseMetadata                                                 cause
	}
	type result struct {
		Target, Class, Type string
		Misconfigurations   []misconf
	}
	var results []result
	for _, f := range fs {
		if len(results) == 0 || results[len(results)-1].Target != f.Target {
			results = append(results, result{Target: f.Target, Class: "config", Type: "terraform"})
		}
		r := &results[len(results)-1]
		r.Misconfigurations = append(r.Misconfigurations, misconf{Type: "Terraform Security Check", ID: f.ID, AVDID: f.AVDID,
			Title: f.Title, Message: f.Message, Resolution: f.Resolution, Severity: f.Severity, Status: "FAIL", References: f.Links,
			CauseMetadata: cause{Resource: f.Resource, StartLine: f.StartLine, EndLine: f.EndLine}})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(map[string]any{"SchemaVersion": 2, "ArtifactType": "filesystem", "Results": results,
		"MisconfSummary": map[string]int{"Successes": passed, "Failures": len(fs)}})
}
