package deploy

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"
)

// goMainPackage finds the Go command an application's image runs: the one
// folder under appDir holding a main package, leaving out tasks, sub-applications
// and test data. "" when there is none, more than one, or no go.mod above
// it: the Dockerfile decides then.
func goMainPackage(appDir string) (string, error) {
	var mains []string
	err := filepath.WalkDir(appDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "tasks", "subapps", "testdata", "node_modules", "vendor":
				return filepath.SkipDir
			}
			if p != appDir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !isGoSource(d.Name()) || len(mains) > 0 && mains[len(mains)-1] == filepath.Dir(p) {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.PackageClauseOnly)
		if err == nil && f.Name.Name == "main" {
			mains = append(mains, filepath.Dir(p))
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("find the Go command of %s: %w", appDir, err)
	}
	if len(mains) != 1 {
		return "", nil
	}
	if _, err := findGoModule(mains[0]); err != nil {
		return "", nil
	}
	return mains[0], nil
}

func isGoSource(name string) bool {
	return strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")
}

// goModule is the module a command is built in, with the folders of the
// modules its go.mod replaces with local paths.
type goModule struct {
	root     string
	path     string
	replaced map[string]string // module path → folder
}

// findGoModule reads the go.mod at or above dir.
func findGoModule(dir string) (*goModule, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for d := abs; ; d = filepath.Dir(d) {
		file := filepath.Join(d, "go.mod")
		data, err := os.ReadFile(file)
		if err == nil {
			mf, err := modfile.Parse(file, data, nil)
			if err != nil {
				return nil, err
			}
			if mf.Module == nil {
				return nil, fmt.Errorf("%s: no module line", file)
			}
			m := &goModule{root: d, path: mf.Module.Mod.Path, replaced: map[string]string{}}
			for _, r := range mf.Replace {
				if modfile.IsDirectoryPath(r.New.Path) {
					m.replaced[r.Old.Path] = filepath.Join(d, r.New.Path)
				}
			}
			return m, nil
		}
		if !os.IsNotExist(err) {
			return nil, err
		}
		if filepath.Dir(d) == d {
			return nil, fmt.Errorf("%s: not inside a Go module (no go.mod above it)", dir)
		}
	}
}

// dirOf maps an import path to a folder of this module or of a module it
// replaces locally; "" for any other module, whose content go.sum pins.
func (m *goModule) dirOf(importPath string) string {
	within := func(mod string) (string, bool) {
		if importPath == mod {
			return "", true
		}
		rest, ok := strings.CutPrefix(importPath, mod+"/")
		return rest, ok
	}
	if rest, ok := within(m.path); ok {
		return filepath.Join(m.root, filepath.FromSlash(rest))
	}
	best := ""
	for mod := range m.replaced {
		if _, ok := within(mod); ok && len(mod) > len(best) {
			best = mod
		}
	}
	if best == "" {
		return ""
	}
	rest, _ := within(best)
	return filepath.Join(m.replaced[best], filepath.FromSlash(rest))
}

// goInputsHash hashes what a Go command's binary is made of besides its
// module cache: the files of every package it imports, transitively, from
// its own module or a locally replaced one (all files of the folder, for
// go:embed), and those modules' go.mod and go.sum. Only import clauses are
// parsed, so it needs no Go toolchain and takes milliseconds. Build
// constraints are not evaluated: a package imported on another platform
// only makes the hash change more often, never less.
func goInputsHash(mainDir string) (string, error) {
	mod, err := findGoModule(mainDir)
	if err != nil {
		return "", err
	}
	files := map[string]bool{}
	for _, root := range append([]string{mod.root}, slices.Sorted(maps.Values(mod.replaced))...) {
		for _, name := range []string{"go.mod", "go.sum", "go.work"} {
			if _, err := os.Stat(filepath.Join(root, name)); err == nil {
				files[filepath.Join(root, name)] = true
			}
		}
	}
	seen := map[string]bool{}
	queue := []string{mainDir}
	for len(queue) > 0 {
		dir := queue[0]
		queue = queue[1:]
		if seen[dir] {
			continue
		}
		seen[dir] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			return "", fmt.Errorf("hash the Go inputs of %s: %w", mainDir, err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			p := filepath.Join(dir, e.Name())
			files[p] = true
			if !isGoSource(e.Name()) {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
			if err != nil {
				return "", fmt.Errorf("hash the Go inputs of %s: %w", mainDir, err)
			}
			for _, imp := range f.Imports {
				if d := mod.dirOf(strings.Trim(imp.Path.Value, "\"`")); d != "" {
					queue = append(queue, d)
				}
			}
		}
	}
	h := sha1.New()
	for _, p := range slices.Sorted(maps.Keys(files)) {
		rel, _ := filepath.Rel(mod.root, p)
		fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
		f, err := os.Open(p)
		if err != nil {
			return "", fmt.Errorf("hash the Go inputs of %s: %w", mainDir, err)
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("hash the Go inputs of %s: %w", mainDir, err)
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
