package ops

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/shared/apidoc"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
)

// Generated files, relative to the repository root: written by `kwipper
// gen` and checked by TestGeneratedFilesAreCurrent.
const (
	OpenAPIFile   = "functions/openapi.json"
	TerraformFile = "terraform/functions.json"
	// ClientFile is the typed Go client of the API, generated from the
	// OpenAPI document by oapi-codegen (a tool of go.mod: `go tool
	// oapi-codegen`, so gen needs the Go toolchain, never the image).
	ClientFile = "functions/client/apiclient/apiclient.gen.go"
)

// Generate renders the OpenAPI document and Terraform's catalog from the
// services' function tables.
func Generate() (map[string][]byte, error) {
	if err := fnreg.Validate(functions.Table()); err != nil {
		return nil, err
	}
	openapi, err := apidoc.OpenAPI(functions.Table(), "Kwipper API", "1.0.0")
	if err != nil {
		return nil, err
	}
	tf, err := apidoc.TerraformJSON(functions.Services, []string{events.OutboxTick})
	if err != nil {
		return nil, err
	}
	return map[string][]byte{OpenAPIFile: openapi, TerraformFile: tf}, nil
}

// WriteGenerated writes the generated files under root, or with check fails
// when a committed one is stale; it returns the files it wrote.
func WriteGenerated(root string, check bool) ([]string, error) {
	files, err := Generate()
	if err != nil {
		return nil, err
	}
	if files[ClientFile], err = generateClient(root, files[OpenAPIFile]); err != nil {
		return nil, err
	}
	var wrote []string
	for path, want := range files {
		full := filepath.Join(root, path)
		if check {
			got, err := os.ReadFile(full)
			if err != nil || !bytes.Equal(got, want) {
				return nil, fmt.Errorf("%s is stale: run `go run ./functions/cmd/kwipper gen`", path)
			}
			continue
		}
		if err := os.WriteFile(full, want, 0o644); err != nil {
			return wrote, err
		}
		wrote = append(wrote, path)
	}
	return wrote, nil
}

// generateClient renders the typed client of openapi (the document's
// bytes) with oapi-codegen, run as a tool of the module rooted at root.
func generateClient(root string, openapi []byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "kwipper-gen-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	spec := filepath.Join(dir, "openapi.json")
	if err := os.WriteFile(spec, openapi, 0o644); err != nil {
		return nil, err
	}
	// Enum constants carry their type's name (CourseViewStatusDraft), so a
	// new enum elsewhere never renames them.
	cfg := filepath.Join(dir, "oapi-codegen.yaml")
	if err := os.WriteFile(cfg, []byte("package: apiclient\ngenerate:\n  models: true\n  client: true\ncompatibility:\n  always-prefix-enum-values: true\n"), 0o644); err != nil {
		return nil, err
	}
	var out, errOut bytes.Buffer
	cmd := exec.Command("go", "tool", "oapi-codegen", "-config", cfg, spec)
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, &out, &errOut
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go tool oapi-codegen: %v: %s", err, errOut.String())
	}
	return out.Bytes(), nil
}
