package deploy

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/deployment"
	"github.com/harness-sh/harness/internal/schema"
	"github.com/harness-sh/harness/internal/yamlmerge"
)

// writeChart assembles the chart in dir: harness's skeleton, each root's
// deployment-configuration/helm/ layered over it by file name, Chart.yaml,
// values.yaml, and each deployed app's templates, resources and subchart.
// It returns the templates that are harness's own (not overridden).
func (s *solution) writeChart(dir string) (map[string]bool, error) {
	owned := map[string]bool{}
	err := fs.WalkDir(deployment.Chart(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(deployment.Chart(), p)
		if err != nil {
			return err
		}
		owned[p] = true
		return s.writeFile(filepath.Join(dir, p), data)
	})
	if err != nil {
		return nil, fmt.Errorf("write chart skeleton: %w", err)
	}
	for _, root := range s.roots {
		layer := filepath.Join(root, "deployment-configuration", "helm")
		checkout := isCloudHarnessCheckout(root)
		var base []string
		err := s.copyTree(layer, dir, func(rel string, data []byte) bool {
			// values.yaml is a values layer (merged in collect); Chart.yaml is harness's.
			if rel == "values.yaml" || rel == "Chart.yaml" || isEnvVariant(rel, s.d.Envs) {
				return false
			}
			if checkout || isCloudHarnessBaseFile(rel, data) {
				base = append(base, rel)
				return false
			}
			delete(owned, rel)
			return true
		})
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", layer, err)
		}
		if len(base) > 0 {
			what := "files of CloudHarness's base chart"
			if checkout {
				what = "files of a CloudHarness checkout's base chart"
			}
			s.notef("%s: %d %s not layered (%s): harness's chart takes their place", layer, len(base), what, summarize(base, 3))
		}
	}
	for _, name := range s.included {
		a := s.apps[name]
		// A subchart's Chart.yaml may come from any root that has the app.
		isChart := slices.ContainsFunc(a.dirs, func(d string) bool {
			_, err := os.Stat(filepath.Join(d, "deploy", "charts", "Chart.yaml"))
			return err == nil
		})
		for _, appDir := range a.dirs {
			for _, part := range []struct{ src, dst string }{
				{"deploy/templates", "templates/" + name},
				{"deploy/resources", "resources/" + name},
				{"deploy/charts", "charts/" + name},
			} {
				src := filepath.Join(appDir, filepath.FromSlash(part.src))
				if part.src == "deploy/charts" {
					if _, err := os.Stat(src); err == nil {
						if !isChart {
							s.warnf("%s: no Chart.yaml, not a subchart: left out", src)
							continue
						}
					}
				}
				var err error
				if part.src == "deploy/templates" {
					err = s.copyTree(src, filepath.Join(dir, part.dst), func(string, []byte) bool { return true })
				} else {
					err = s.mergeTree(src, filepath.Join(dir, part.dst))
				}
				if err != nil {
					if strings.HasPrefix(err.Error(), src) {
						return nil, err // it names the file already
					}
					return nil, fmt.Errorf("collect %s of %s: %w", part.src, name, err)
				}
			}
		}
	}
	if err := s.writeMeta(dir); err != nil {
		return nil, err
	}
	return owned, nil
}

var chartName = regexp.MustCompile(`[^a-z0-9-]+`)

func (s *solution) writeMeta(dir string) error {
	name := strings.Trim(chartName.ReplaceAllString(strings.ToLower(s.baseName), "-"), "-")
	if name == "" {
		name = "cloud-harness"
	}
	appVersion := s.tag
	if appVersion == "" {
		appVersion = "0.0.1"
	}
	meta := map[string]any{
		"apiVersion":  "v2",
		"name":        name,
		"description": "The applications of " + name + ", built by harness-deployment",
		"type":        "application",
		"version":     "0.0.1",
		"appVersion":  appVersion,
		"icon":        "https://raw.githubusercontent.com/helm/helm/main/docs/logos/helm.svg",
	}
	deps, err := subcharts(dir)
	if err != nil {
		return err
	}
	if len(deps) > 0 {
		meta["dependencies"] = deps
	}
	data, err := yaml.Marshal(meta)
	if err != nil {
		return err
	}
	if err := s.writeFile(filepath.Join(dir, "Chart.yaml"), data); err != nil {
		return err
	}
	values, err := marshalValues(s.values)
	if err != nil {
		return fmt.Errorf("write values: %w", err)
	}
	header := []byte("# Written by harness-deployment from the solution's values; edit those, not this file.\n")
	if err := s.writeFile(filepath.Join(dir, "values.yaml"), append(header, values...)); err != nil {
		return err
	}
	// Helm validates values against it on install, upgrade, template and
	// lint, so `helm upgrade --set` with a misspelt harness key fails there
	// as it fails here.
	sch, err := schema.Allow(s.passed)
	if err != nil {
		return err
	}
	return s.writeFile(filepath.Join(dir, "values.schema.json"), sch)
}

// isEnvVariant reports whether rel is an environment's variant of a file
// (name-ENV.ext), which CloudHarness merges rather than copies.
func isEnvVariant(rel string, envs []string) bool {
	ext := filepath.Ext(rel)
	base := strings.TrimSuffix(rel, ext)
	for _, e := range envs {
		if strings.HasSuffix(base, "-"+e) {
			return true
		}
	}
	return false
}

// mergeTree copies src into dst as CloudHarness collects resources and
// subcharts: a YAML or JSON file that an earlier root already put there is
// merged key by key (later wins), and then so is its variant of each -e
// environment (values-ENV.yaml into values.yaml), in the order given. Other
// files, and files that do not parse, replace what is there.
func (s *solution) mergeTree(src, dst string) error {
	return walkFiles(src, func(rel string, data []byte) error {
		target := filepath.Join(dst, filepath.FromSlash(rel))
		merge := yamlmerge.ForFile(rel)
		if merge == nil {
			return s.writeFile(target, data)
		}
		if old, err := os.ReadFile(target); err == nil {
			data = s.mergeFile(merge, filepath.Join(src, rel), old, data)
		}
		ext := filepath.Ext(rel)
		for _, e := range s.d.Envs {
			variant := filepath.Join(src, filepath.FromSlash(strings.TrimSuffix(rel, ext)+"-"+e+ext))
			if v, err := os.ReadFile(variant); err == nil {
				data = s.mergeFile(merge, variant, data, v)
			}
		}
		return s.writeFile(target, data)
	})
}

// mergeFile merges overlay, read from path, over base; a template or a file
// that does not parse replaces base (the latter with a warning).
func (s *solution) mergeFile(merge func(base, overlay []byte) ([]byte, error), path string, base, overlay []byte) []byte {
	// A Helm template may parse as YAML ("{{ x }}" is a flow mapping), but
	// merging it would make nonsense of it.
	if bytes.Contains(base, []byte("{{")) || bytes.Contains(overlay, []byte("{{")) {
		return overlay
	}
	merged, err := merge(base, overlay)
	if err != nil {
		s.warnf("%s: not merged (%v): it replaces the file it overrides", path, err)
		return overlay
	}
	return merged
}

// copyTree copies src (absent: nothing) into dst, files for which keep
// returns true, skipping node_modules and .git.
func (s *solution) copyTree(src, dst string, keep func(rel string, data []byte) bool) error {
	return walkFiles(src, func(rel string, data []byte) error {
		if !keep(rel, data) {
			return nil
		}
		return s.writeFile(filepath.Join(dst, filepath.FromSlash(rel)), data)
	})
}

// walkFiles calls fn with each regular file of src (absent: none) by its
// slash-separated path, skipping node_modules and .git. Symbolic links are
// followed, as CloudHarness's copytree does; one that leads nowhere or back
// into itself is an error naming it.
func walkFiles(src string, fn func(rel string, data []byte) error) error {
	if _, err := os.Lstat(src); os.IsNotExist(err) {
		return nil
	}
	return walkFollow(src, "", map[string]bool{}, fn)
}

func walkFollow(dir, prefix string, seen map[string]bool, fn func(rel string, data []byte) error) error {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if seen[real] {
		return fmt.Errorf("%s: a symbolic link leads back into %s", dir, real)
	}
	seen[real] = true
	defer delete(seen, real)
	return filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git") {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(real, p)
		shown := filepath.Join(dir, rel) // errors name the path as the user wrote it
		rel = filepath.ToSlash(filepath.Join(prefix, rel))
		if d.Type()&fs.ModeSymlink != 0 {
			st, err := os.Stat(p)
			if err != nil {
				return fmt.Errorf("%s: a symbolic link that leads nowhere: %w", shown, err)
			}
			if st.IsDir() {
				return walkFollow(shown, rel, seen, fn)
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return fn(rel, data)
	})
}

// writeFile writes a file of the staged chart, replacing what an earlier
// layer put there.
func (s *solution) writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return s.fs.WriteFile(path, data, 0o644)
}

// subcharts lists the charts under dir/charts as Chart.yaml dependencies,
// which strict linting requires.
func subcharts(dir string) ([]map[string]any, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "charts"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var deps []map[string]any
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		file := filepath.Join(dir, "charts", e.Name(), "Chart.yaml")
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("subchart %s: %w", e.Name(), err)
		}
		var meta struct{ Name, Version string }
		if err := yaml.Unmarshal(data, &meta); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		deps = append(deps, map[string]any{"name": meta.Name, "version": meta.Version})
	}
	return deps, nil
}

// summarize lists at most n items, then how many more.
func summarize(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:n], ", "), len(items)-n)
}
