// Package gomodule wires a solution's Go module to the harness runtime. A
// solution has one go.mod at its root (or inherits an enclosing one); the
// runtime is not published, so harness places a copy of it inside the solution
// and points a `replace` directive at it. An existing go.mod is edited with
// golang.org/x/mod/modfile, never by text substitution.
package gomodule

import (
	"bytes"
	"errors"
	"fmt"
	"go/version"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/internal/runtimesrc"
)

// Module is the Go module that a solution's applications belong to.
type Module struct {
	Dir        string // absolute directory of go.mod
	Path       string // module path
	GoVersion  string // the go directive
	RuntimeDir string // slash path of the runtime module, relative to Dir
	// Files are what must be written (relative to Dir) for the module to
	// build: go.mod and go.sum when they change, and the runtime copy when
	// harness manages it. Empty when nothing changes.
	Files *fileset.Set
}

// ImportPath is the Go import path of the directory dir (absolute) inside the module.
func (m *Module) ImportPath(dir string) (string, error) {
	rel, err := filepath.Rel(m.Dir, dir)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("%s is outside the module at %s", dir, m.Dir)
	}
	if rel == "." {
		return m.Path, nil
	}
	return m.Path + "/" + filepath.ToSlash(rel), nil
}

// Plan finds the module enclosing root (or plans a new one at root) and
// returns it with the files needed to wire the runtime.
func Plan(root string) (*Module, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	rt, err := runtimesrc.Files()
	if err != nil {
		return nil, fmt.Errorf("read embedded runtime: %w", err)
	}
	rtMod, err := modfile.ParseLax("runtime/go.mod", rt["go.mod"], nil)
	if err != nil || rtMod.Go == nil {
		return nil, fmt.Errorf("embedded runtime has no usable go.mod: %v", err)
	}
	dir, found := find(root)
	if !found {
		return create(root, rtMod.Go.Version, rt)
	}
	return wire(dir, rt)
}

// find looks for go.mod in root and its parents, stopping at a repository
// boundary (.git) so that an unrelated module higher up is not adopted.
func find(root string) (string, bool) {
	for dir := root; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, true
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return "", false
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9._~-]+`)

// modulePathFor derives a module path from a folder name: lowercase, safe
// characters only, never empty.
func modulePathFor(dir string) string {
	p := strings.Trim(unsafeChars.ReplaceAllString(strings.ToLower(filepath.Base(dir)), "-"), "-.")
	if p == "" {
		return "solution"
	}
	return p
}

func create(root, goVersion string, rt map[string][]byte) (*Module, error) {
	m := &Module{Dir: root, Path: modulePathFor(root), GoVersion: goVersion, RuntimeDir: runtimesrc.DefaultDir, Files: fileset.New()}
	f := new(modfile.File)
	if err := f.AddModuleStmt(m.Path); err != nil {
		return nil, err
	}
	if err := f.AddGoStmt(goVersion); err != nil {
		return nil, err
	}
	if err := addRuntime(f, m.RuntimeDir, rt); err != nil {
		return nil, err
	}
	data, err := f.Format()
	if err != nil {
		return nil, err
	}
	m.Files.Put("go.mod", data, 0o644)
	m.Files.Put("go.sum", rt["go.sum"], 0o644)
	putRuntime(m.Files, m.RuntimeDir, rt)
	return m, nil
}

// addRuntime requires the runtime, replaced by its copy in dir, and the
// runtime's own requirements as indirect ones: with module graph pruning the
// main module must list every module that provides a package it builds.
func addRuntime(f *modfile.File, dir string, rt map[string][]byte) error {
	if err := f.AddRequire(runtimesrc.ModulePath, "v0.0.0"); err != nil {
		return err
	}
	rtMod, err := modfile.ParseLax("go.mod", rt["go.mod"], nil)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, r := range f.Require {
		have[r.Mod.Path] = true
	}
	for _, r := range rtMod.Require {
		if !have[r.Mod.Path] {
			f.AddNewRequire(r.Mod.Path, r.Mod.Version, true)
		}
	}
	f.SetRequireSeparateIndirect(f.Require)
	return f.AddReplace(runtimesrc.ModulePath, "", "./"+dir, "")
}

func putRuntime(files *fileset.Set, dir string, rt map[string][]byte) {
	for rel, data := range rt {
		files.Put(path.Join(dir, rel), data, 0o644)
	}
}

func wire(dir string, rt map[string][]byte) (*Module, error) {
	gomod := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(gomod)
	if err != nil {
		return nil, err
	}
	f, err := modfile.Parse(gomod, data, nil)
	if err != nil {
		return nil, err // modfile errors already name file:line
	}
	if f.Module == nil {
		return nil, fmt.Errorf("%s: no module directive", gomod)
	}
	m := &Module{Dir: dir, Path: f.Module.Mod.Path, Files: fileset.New()}
	if f.Go != nil {
		m.GoVersion = f.Go.Version
	}
	if m.Path == runtimesrc.ModulePath {
		return nil, fmt.Errorf("%s: this is the runtime module itself, not a solution", gomod)
	}
	required := false
	for _, r := range f.Require {
		if r.Mod.Path == runtimesrc.ModulePath {
			required = true
		}
	}
	for _, r := range f.Replace {
		if r.Old.Path == runtimesrc.ModulePath && modfile.IsDirectoryPath(r.New.Path) {
			m.RuntimeDir = path.Clean(filepath.ToSlash(r.New.Path))
		}
	}
	switch {
	case required && m.RuntimeDir != "":
		// Wired already. Refresh the copy only where harness put it.
		if m.RuntimeDir == runtimesrc.DefaultDir {
			putRuntime(m.Files, m.RuntimeDir, rt)
		}
		return m, nil
	case required:
		return nil, fmt.Errorf("%s: requires %s without a replace directive to a local directory; add `replace %s => ./%s`",
			gomod, runtimesrc.ModulePath, runtimesrc.ModulePath, runtimesrc.DefaultDir)
	}
	if m.RuntimeDir == "" {
		m.RuntimeDir = runtimesrc.DefaultDir
	}
	if f.Go == nil || less(f.Go.Version, mustGo(rt)) {
		if err := f.AddGoStmt(mustGo(rt)); err != nil {
			return nil, err
		}
		m.GoVersion = mustGo(rt)
	}
	if err := addRuntime(f, m.RuntimeDir, rt); err != nil {
		return nil, err
	}
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return nil, err
	}
	m.Files.Put("go.mod", out, 0o644)
	sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	m.Files.Put("go.sum", SumLines(sum, rt["go.sum"]), 0o644)
	putRuntime(m.Files, m.RuntimeDir, rt)
	return m, nil
}

func mustGo(rt map[string][]byte) string {
	f, _ := modfile.ParseLax("go.mod", rt["go.mod"], nil)
	return f.Go.Version
}

// less compares go directives such as 1.24 and 1.24.3.
func less(a, b string) bool { return version.Compare("go"+a, "go"+b) < 0 }

// SumLines merges go.sum files: every line of each, once, sorted (go.sum's
// own order), blank lines dropped.
func SumLines(parts ...[]byte) []byte {
	set := map[string]bool{}
	for _, p := range parts {
		for _, l := range bytes.Split(p, []byte("\n")) {
			if s := strings.TrimSpace(string(l)); s != "" {
				set[s] = true
			}
		}
	}
	lines := make([]string, 0, len(set))
	for l := range set {
		lines = append(lines, l)
	}
	sort.Strings(lines)
	return []byte(strings.Join(lines, "\n") + "\n")
}
