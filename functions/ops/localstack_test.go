package ops

import (
	"testing"
)

func TestLocalStack_fillsWhatTheEnvironmentLeavesUnset(t *testing.T) {
	dir := t.TempDir()
	remove, err := WriteLocalStack(dir, []string{"SPANNER_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST", "KW_PROJECT", "KW_API_URL"},
		map[string]string{"SPANNER_EMULATOR_HOST": "127.0.0.1:9010", "PUBSUB_EMULATOR_HOST": "127.0.0.1:8085", "KW_PROJECT": "kwipper-local", "KW_API_URL": "http://127.0.0.1:8080"})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"KW_PROJECT": "mine"}
	getenv, used := LocalStack(func(k string) string { return env[k] }, dir)
	if used == "" || getenv("SPANNER_EMULATOR_HOST") != "127.0.0.1:9010" || getenv("KW_API_URL") != "http://127.0.0.1:8080" || getenv("KW_PROJECT") != "mine" {
		t.Fatalf("used %q: spanner %q api %q project %q", used, getenv("SPANNER_EMULATOR_HOST"), getenv("KW_API_URL"), getenv("KW_PROJECT"))
	}
	// The cloud, or emulators named by the environment: the file is ignored.
	for _, e := range []map[string]string{{"KW_ENV": "cloud"}, {"SPANNER_EMULATOR_HOST": "127.0.0.1:1"}} {
		getenv, used := LocalStack(func(k string) string { return e[k] }, dir)
		if used != "" || getenv("PUBSUB_EMULATOR_HOST") != "" {
			t.Fatalf("env %v used the file %q", e, used)
		}
	}
	remove()
	if _, used := LocalStack(func(string) string { return "" }, dir); used != "" {
		t.Fatal("a removed file was used")
	}
}
