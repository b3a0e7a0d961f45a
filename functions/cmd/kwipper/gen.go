package main

import (
	"flag"
	"fmt"

	"github.com/kwipper/kwipper/functions/ops"
)

// gen writes the generated files from the function table, or with --check
// fails when a committed one is stale. Run it from the repository root.
func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	check := fs.Bool("check", false, "fail when a generated file is stale instead of writing it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	wrote, err := ops.WriteGenerated(".", *check)
	for _, path := range wrote {
		fmt.Println("wrote", path)
	}
	return err
}
