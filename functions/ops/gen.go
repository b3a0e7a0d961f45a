package ops

import (
	"bytes"
	"fmt"
	"os"
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
