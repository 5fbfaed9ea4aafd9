package scaffold

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/harness-sh/harness/templates"
)

// Template is one application template: a folder of files.
type Template struct {
	Name   string
	FS     fs.FS
	Origin string // "embedded" or the folder it was read from
}

// SolutionTemplatesDir is the solution's own template folder, as in CloudHarness.
const SolutionTemplatesDir = "application-templates"

// Catalog lists the templates available in a solution: harness's embedded
// ones, overridden or extended by the solution's application-templates/.
func Catalog(root string) (map[string]Template, error) {
	out := map[string]Template{}
	entries, err := fs.ReadDir(templates.FS, ".")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() {
			sub, err := fs.Sub(templates.FS, e.Name())
			if err != nil {
				return nil, err
			}
			out[e.Name()] = Template{Name: e.Name(), FS: sub, Origin: "embedded"}
		}
	}
	dir := filepath.Join(root, SolutionTemplatesDir)
	local, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read solution templates: %w", err)
	}
	for _, e := range local {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			p := filepath.Join(dir, e.Name())
			out[e.Name()] = Template{Name: e.Name(), FS: os.DirFS(p), Origin: p}
		}
	}
	return out, nil
}

// Names returns the catalog's template names, sorted.
func Names(c map[string]Template) []string {
	names := make([]string, 0, len(c))
	for n := range c {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Resolve returns the templates to merge, in order: base first, then the
// requested ones without repetition.
func Resolve(c map[string]Template, requested []string) ([]Template, error) {
	seen := map[string]bool{}
	var out []Template
	for _, name := range append([]string{"base"}, requested...) {
		if seen[name] {
			continue
		}
		seen[name] = true
		t, ok := c[name]
		if !ok {
			return nil, fmt.Errorf("unknown template %q; available: %s", name, strings.Join(Names(c), ", "))
		}
		out = append(out, t)
	}
	return out, nil
}
