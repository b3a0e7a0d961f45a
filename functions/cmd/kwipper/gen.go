package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/kwipper/kwipper/functions"
)

// gen writes the generated files from the function table, or with --check
// fails when a committed one is stale. Run it from the repository root.
func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	check := fs.Bool("check", false, "fail when a generated file is stale instead of writing it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	openapi, tf, err := functions.Generate()
	if err != nil {
		return err
	}
	for path, want := range map[string][]byte{functions.OpenAPIFile: openapi, functions.TerraformFile: tf} {
		if *check {
			got, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(got, want) {
				return fmt.Errorf("%s is stale: run `go run ./functions/cmd/kwipper gen`", path)
			}
			continue
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", path)
	}
	return nil
}
