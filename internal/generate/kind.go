package generate

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/scaffold"
)

// goTemplate is the application template whose backend harness generates.
const goTemplate = "go-server"

// pythonMarkers are the files of a Python backend (CloudHarness's flask,
// django and fastapi templates), in the folders CloudHarness put backends in
// over its versions.
var pythonMarkers = []string{"setup.py", "pyproject.toml", "requirements.txt", "manage.py"}

// notGo says why the application in appDir is not one harness-generate
// writes Go into, or "" when it is. A solution mixing harness's Go
// applications with CloudHarness's Python ones must have the Python ones left
// alone: harness would otherwise scaffold a Go server into a flask app.
//
// The .ch-manifest decides when it lists templates: Go iff go-server is one
// of them. Without one, a Go backend (go.mod, .go files or a generated
// package) is Go and a Python backend is not; an application with no backend
// yet is a new one harness generates.
func notGo(appDir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(appDir, scaffold.ManifestFile))
	if err != nil && !os.IsNotExist(err) {
		return "", fmt.Errorf("read %s: %w", scaffold.ManifestFile, err)
	}
	if err == nil {
		var m struct {
			Templates []string `yaml:"templates"`
		}
		// A manifest harness cannot read says nothing; the backend decides.
		if yaml.Unmarshal(data, &m) == nil && len(m.Templates) > 0 {
			if slices.Contains(m.Templates, goTemplate) {
				return "", nil
			}
			return fmt.Sprintf("made from templates %s (%s), none of them %s", strings.Join(m.Templates, ", "), scaffold.ManifestFile, goTemplate), nil
		}
	}
	for _, dir := range []string{"backend", "server"} {
		backend := filepath.Join(appDir, dir)
		entries, err := os.ReadDir(backend)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if n := e.Name(); n == "go.mod" || strings.HasSuffix(n, ".go") {
				return "", nil
			}
		}
		if hasGenerated(backend) {
			return "", nil
		}
		for _, marker := range pythonMarkers {
			if _, err := os.Stat(filepath.Join(backend, marker)); err == nil {
				return fmt.Sprintf("its backend is a Python package (%s/%s)", dir, marker), nil
			}
		}
	}
	return "", nil
}

// hasGenerated reports whether a package harness generated lies under dir.
func hasGenerated(dir string) bool {
	found := false
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: not evidence either way
		}
		if found {
			return filepath.SkipAll
		}
		if !d.IsDir() && d.Name() == ManifestName {
			found = true
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && p != dir) {
			return filepath.SkipDir
		}
		return nil
	})
	return found
}
