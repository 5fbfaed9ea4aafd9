package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestSubchartAndResourceMerge: as CloudHarness collects an application's
// subchart and resources, a YAML or JSON file a later root has too is merged
// key by key, and its variant for each -e environment after it, root by root.
func TestSubchartAndResourceMerge(t *testing.T) {
	base := writeTree(t, map[string]string{
		"applications/web/Dockerfile":                        dockerfile,
		"applications/web/deploy/charts/Chart.yaml":          "apiVersion: v2\nname: web\nversion: 0.1.0\n",
		"applications/web/deploy/charts/values.yaml":         "replicaCount: 1\nimage:\n  tag: a\n  pullPolicy: Always\nlogLevel: info\n",
		"applications/web/deploy/charts/values-dev.yaml":     "logLevel: debug\nimage:\n  tag: dev\n",
		"applications/web/deploy/resources/config.json":      `{"a": 1, "nested": {"x": 1, "y": 1}}`,
		"applications/web/deploy/resources/config-prod.json": `{"nested": {"y": 2}}`,
		"applications/web/deploy/resources/script.sh":        "echo base\n",
		"applications/web/deploy/resources/broken.yaml":      "a: 1\n",
		"applications/web/deploy/resources/broken-dev.yaml":  "a: [1\n",
		"applications/web/deploy/resources/tpl.yaml":         "a: 1\nb: 2\n",
		"applications/web/deploy/resources/tpl-dev.yaml":     "a: {{ .Values.x }}\n",
	})
	solution := writeTree(t, map[string]string{
		"applications/web/deploy/charts/values.yaml":     "replicaCount: 3\n",
		"applications/web/deploy/charts/values-dev.yaml": "image:\n  pullPolicy: IfNotPresent\n",
		"applications/web/deploy/resources/script.sh":    "echo solution\n",
	})
	res, err := run(t, &Deployment{Roots: []string{base, solution}, Tag: "1", Envs: []string{"dev", "prod"}})
	if err != nil {
		t.Fatal(err)
	}
	read := func(rel string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(res.Chart, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var values map[string]any
	if err := yaml.Unmarshal(read("charts/web/values.yaml"), &values); err != nil {
		t.Fatal(err)
	}
	// base values < base values-dev < solution values < solution values-dev
	want := map[string]any{"replicaCount": 3, "logLevel": "debug", "image": map[string]any{"tag": "dev", "pullPolicy": "IfNotPresent"}}
	if !reflect.DeepEqual(values, want) {
		t.Errorf("subchart values = %v, want %v", values, want)
	}
	var config map[string]any
	if err := json.Unmarshal(read("resources/web/config.json"), &config); err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"a": 1.0, "nested": map[string]any{"x": 1.0, "y": 2.0}}; !reflect.DeepEqual(config, want) {
		t.Errorf("config.json = %v, want %v", config, want)
	}
	if got := string(read("resources/web/script.sh")); got != "echo solution\n" {
		t.Errorf("script.sh = %q: the later root's file replaces", got)
	}
	if got := string(read("resources/web/broken.yaml")); got != "a: [1\n" {
		t.Errorf("broken.yaml = %q: an unparsable variant replaces", got)
	}
	if got := string(read("resources/web/tpl.yaml")); got != "a: {{ .Values.x }}\n" {
		t.Errorf("tpl.yaml = %q: a template replaces, unmerged", got)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "broken-dev.yaml: not merged") }) {
		t.Errorf("no warning for the variant that does not parse: %q", res.Warnings)
	}
}
