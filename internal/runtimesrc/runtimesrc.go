// Package runtimesrc carries a copy of the runtime module's sources inside the
// harness binary. The runtime is not published anywhere, so harness writes this
// copy into every solution (libraries/harness-runtime, wired with a go.mod
// replace) and the solution builds with nothing but the Go toolchain and the
// module proxy.
//
// A module cannot embed files of another module, so files/ holds the runtime's
// sources with a ".src" suffix (which also keeps the Go tool from compiling
// them here). TestInSync fails when they differ from runtime/; refresh them
// with `go test ./internal/runtimesrc -update`.
package runtimesrc

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed files
var embedded embed.FS

// ModulePath is the runtime module's import path.
const ModulePath = "github.com/harness-sh/harness/runtime"

// DefaultDir is where harness places the runtime inside a solution, relative
// to the solution's go.mod.
const DefaultDir = "libraries/harness-runtime"

// Suffix marks an embedded copy of a runtime file.
const Suffix = ".src"

// Files returns the runtime module's files keyed by slash-separated path
// relative to the module root (go.mod, go.sum and the non-test Go sources).
func Files() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := fs.WalkDir(embedded, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, Suffix) {
			return err
		}
		data, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		out[strings.TrimSuffix(strings.TrimPrefix(p, "files/"), Suffix)] = data
		return nil
	})
	return out, err
}

// GoSum returns the runtime's go.sum, which a solution needs for the runtime's
// own dependencies.
func GoSum() []byte {
	data, _ := embedded.ReadFile("files/go.sum" + Suffix)
	return data
}
