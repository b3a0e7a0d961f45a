package functions

import (
	_ "embed"

	"github.com/kwipper/kwipper/shared/fnreg"
)

// Generated files, written by `kwipper gen` and checked by TestGeneratedFilesAreCurrent.
const (
	OpenAPIFile   = "functions/openapi.json"
	TerraformFile = "terraform/functions.json"
)

// OpenAPIDocument is the committed OpenAPI document, served at /openapi.json.
//
//go:embed openapi.json
var OpenAPIDocument []byte

// Generate renders the OpenAPI document and Terraform's function list from
// Table.
func Generate() (openapi, terraform []byte, err error) {
	if err := fnreg.Validate(Table); err != nil {
		return nil, nil, err
	}
	openapi, err = fnreg.OpenAPI(Table, "Kwipper API", "1.0.0")
	if err != nil {
		return nil, nil, err
	}
	terraform, err = fnreg.TerraformJSON(Plugins, Table, []string{OutboxTick})
	return openapi, terraform, err
}
