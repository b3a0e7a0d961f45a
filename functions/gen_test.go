package functions

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The committed generated files must match the table; regenerate them with
// `go run ./functions/cmd/kwipper gen`.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	openapi, tf, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string][]byte{OpenAPIFile: openapi, TerraformFile: tf} {
		got, err := os.ReadFile(filepath.Join("..", path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `go run ./functions/cmd/kwipper gen`", path)
		}
	}
}
