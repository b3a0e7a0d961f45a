package main

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// The committed dist/ is what the sources build to: the image embeds dist/,
// so a change to src/ without `go generate ./functions/web` fails here.
func TestDistIsCurrent(t *testing.T) {
	want, err := Build("..")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	err = filepath.WalkDir("../dist", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel("../dist", p)
		got[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var stale []string
	for name, b := range want {
		if !bytes.Equal(got[name], b) {
			stale = append(stale, name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			stale = append(stale, name+" (no longer built)")
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Fatalf("functions/web/dist is stale (%v): run go generate ./functions/web", stale)
	}
}
