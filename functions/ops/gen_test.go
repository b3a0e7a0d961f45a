package ops

import "testing"

// The committed generated files must match the services' function tables;
// regenerate them with `go run ./functions/cmd/kwipper gen`.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	if _, err := WriteGenerated("../..", true); err != nil {
		t.Fatal(err)
	}
}
