// Command webbuild bundles the web app's sources (functions/web/src) into
// functions/web/dist with esbuild: minified ES modules split into an entry
// and lazily loaded chunks, one stylesheet, every name content-hashed, and
// dist/manifest.json naming the entry, its styles and the chunks it imports
// at once (preloaded by the page). Run it as `go generate ./functions/web`;
// the output is committed so the local stack builds without a network, and
// TestDistIsCurrent fails when it is stale.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

func main() {
	dir := flag.String("dir", ".", "the web package's directory (holding src/ and dist/)")
	flag.Parse()
	files, err := Build(*dir)
	if err == nil {
		err = Write(*dir, files)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "webbuild:", err)
		os.Exit(1)
	}
	fmt.Printf("webbuild: wrote %d files to %s\n", len(files), filepath.Join(*dir, "dist"))
}

// Build bundles dir/src and returns dist's files by path relative to dist.
func Build(dir string) (map[string][]byte, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	res := api.Build(api.BuildOptions{
		AbsWorkingDir: abs,
		EntryPoints:   []string{"src/main.js", "src/styles.css"},
		Bundle:        true,
		Splitting:     true,
		Format:        api.FormatESModule,
		Target:        api.ES2020,
		Engines: []api.Engine{{Name: api.EngineChrome, Version: "100"}, {Name: api.EngineFirefox, Version: "100"},
			{Name: api.EngineSafari, Version: "15"}},
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsEndOfFile,
		Alias: map[string]string{
			"preact":       "./src/vendor/preact.mjs",
			"preact/hooks": "./src/vendor/hooks.mjs",
			"htm":          "./src/vendor/htm.mjs",
		},
		Outdir:     "dist/assets",
		EntryNames: "[name]-[hash]",
		ChunkNames: "chunk-[hash]",
		Metafile:   true,
		Write:      false,
		LogLevel:   api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		var msgs []string
		for _, m := range api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage}) {
			msgs = append(msgs, m)
		}
		return nil, fmt.Errorf("esbuild:\n%s", strings.Join(msgs, "\n"))
	}
	out := map[string][]byte{}
	for _, f := range res.OutputFiles {
		rel, err := filepath.Rel(filepath.Join(abs, "dist"), f.Path)
		if err != nil {
			return nil, err
		}
		out[filepath.ToSlash(rel)] = f.Contents
	}
	m, err := manifest(res.Metafile)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	out["manifest.json"] = append(b, '\n')
	return out, nil
}

// manifestFile mirrors web.Manifest (webbuild does not import the package
// it builds for).
type manifestFile struct {
	Entry   string   `json:"entry"`
	CSS     []string `json:"css"`
	Preload []string `json:"preload"`
}

// manifest reads esbuild's metafile: the outputs of the two entry points
// and every chunk the script entry imports statically, transitively.
func manifest(metafile string) (manifestFile, error) {
	var meta struct {
		Outputs map[string]struct {
			EntryPoint string `json:"entryPoint"`
			Imports    []struct {
				Path string `json:"path"`
				Kind string `json:"kind"`
			} `json:"imports"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal([]byte(metafile), &meta); err != nil {
		return manifestFile{}, err
	}
	m := manifestFile{CSS: []string{}, Preload: []string{}}
	var entry string
	for path, o := range meta.Outputs {
		switch {
		case o.EntryPoint == "src/main.js" && strings.HasSuffix(path, ".js"):
			entry = path
		case o.EntryPoint == "src/styles.css" && strings.HasSuffix(path, ".css"):
			m.CSS = append(m.CSS, filepath.Base(path))
		}
	}
	if entry == "" || len(m.CSS) == 0 {
		return m, fmt.Errorf("esbuild's metafile names no output for src/main.js or src/styles.css")
	}
	m.Entry = filepath.Base(entry)
	seen := map[string]bool{entry: true}
	var walk func(string)
	walk = func(p string) {
		for _, imp := range meta.Outputs[p].Imports {
			if imp.Kind == "import-statement" && !seen[imp.Path] {
				seen[imp.Path] = true
				m.Preload = append(m.Preload, filepath.Base(imp.Path))
				walk(imp.Path)
			}
		}
	}
	walk(entry)
	sort.Strings(m.Preload)
	return m, nil
}

// Write replaces dir/dist with files.
func Write(dir string, files map[string][]byte) error {
	dist := filepath.Join(dir, "dist")
	if err := os.RemoveAll(dist); err != nil {
		return err
	}
	for rel, b := range files {
		p := filepath.Join(dist, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
