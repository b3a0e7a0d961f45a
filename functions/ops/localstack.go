package ops

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LocalStackFile is where `scripts/dev` (kwipper-dev dev) writes how to reach
// the stack it runs, while it runs: export lines for the emulator hosts, the
// project and the API's URL (KW_API_URL).
const LocalStackFile = ".dev/stack.env"

// LocalStack lets operator commands (migrate, billing-cycle, export,
// restore, drill) find the local stack by themselves: when the environment
// names no Spanner emulator and is not the cloud's, and dir holds
// LocalStackFile, its values fill what the environment leaves unset. It
// returns getenv unchanged otherwise, and the file it used ("" when none).
func LocalStack(getenv func(string) string, dir string) (func(string) string, string) {
	if getenv("KW_ENV") == "cloud" || getenv("SPANNER_EMULATOR_HOST") != "" {
		return getenv, ""
	}
	path := filepath.Join(dir, LocalStackFile)
	f, err := os.Open(path)
	if err != nil {
		return getenv, ""
	}
	defer f.Close()
	vals := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(k, "#") {
			vals[strings.TrimSpace(k)] = strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	if vals["SPANNER_EMULATOR_HOST"] == "" {
		return getenv, ""
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return vals[k]
	}, path
}

// WriteLocalStack writes LocalStackFile under dir with vals (sorted keys
// given by order) and returns a func that removes it.
func WriteLocalStack(dir string, order []string, vals map[string]string) (func(), error) {
	path := filepath.Join(dir, LocalStackFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("# The local stack scripts/dev runs (removed when it stops). Operator commands read it.\n")
	for _, k := range order {
		fmt.Fprintf(&b, "export %s=%s\n", k, vals[k])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	return func() { _ = os.Remove(path) }, nil
}
