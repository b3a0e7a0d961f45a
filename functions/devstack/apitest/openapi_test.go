package apitest

import (
	"testing"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/shared/apidoc/apicheck"
	"github.com/kwipper/kwipper/shared/fnreg"
)

// The committed OpenAPI document is valid OpenAPI 3.1 (kin-openapi: its
// structure, every schema, every example against its schema) and has an
// operation for every HTTP function of the table. scripts/test runs it
// before the flow tests, which check the API's answers against it
// (Env.Do).
func TestOpenAPIDocument_validAndComplete(t *testing.T) {
	c, err := apicheck.New(functions.OpenAPIDocument, functions.Table())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range functions.Table() {
		if s.Trigger == fnreg.HTTP {
			n++
		}
	}
	if c.Operations() != n {
		t.Fatalf("%d operations for %d HTTP functions", c.Operations(), n)
	}
	t.Logf("%d operations, valid OpenAPI %s", n, c.Doc().OpenAPI)
}
