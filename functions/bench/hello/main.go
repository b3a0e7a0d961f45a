// Command hello is a bare functions-framework hello-world, built the same way
// as kwipper, so the cold-start benchmark can show Kwipper's own start-up cost.
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	"github.com/GoogleCloudPlatform/functions-framework-go/functions"
)

func main() {
	functions.HTTP("hello", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "hello") })
	if err := funcframework.Start(os.Getenv("PORT")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
