package deploy

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/fixtures"
)

// TestMarshalValuesRoundTrip: what marshalValues writes, YAML reads back as
// the same values, for scalars YAML could misread and for real values files.
func TestMarshalValuesRoundTrip(t *testing.T) {
	tricky := map[string]any{
		"empty": "", "yes": "yes", "No": "No", "on": "on", "null": "null", "tilde": "~",
		"int-like": "0123", "float-like": "1e3", "hex": "0x1F", "dot": ".inf", "version": "1.20",
		"colon": "a: b", "hash": "a #b", "lead space": " a", "trail space": "a ", "newline": "a\nb",
		"quote": `say "hi"`, "unicode": "é✓", "star": "*ref", "amp": "&a", "dash": "-", "bang": "!tag",
		"brace": "{x}", "pct": "%d", "at": "@x", "backtick": "`x`", "plain": "web_app-1.2/x",
		"int": 3, "neg": -4, "float": 1.5, "big": 1e21, "bool": true, "nil": nil,
		"map": map[string]any{}, "list": []any{}, "nested": []any{map[string]any{"a": 1, "b": []any{"x", map[string]any{}}}, []any{1, 2}, "s"},
		"key with: colon": map[string]any{"123": "numeric key"},
	}
	cases := map[string]map[string]any{"tricky": tricky}
	if root := fixtures.CloudHarness(t); root != "" {
		for _, rel := range []string{
			"libraries/cloudharness-common/tests/values.yaml",
			"deployment-configuration/helm/values.yaml",
		} {
			data, err := os.ReadFile(filepath.Join(root, rel))
			if err != nil {
				continue
			}
			var v map[string]any
			if err := yaml.Unmarshal(data, &v); err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			cases[rel] = v
		}
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := marshalValues(v)
			if err != nil {
				t.Fatal(err)
			}
			var back map[string]any
			if err := yaml.Unmarshal(out, &back); err != nil {
				t.Fatalf("read back: %v\n%s", err, out)
			}
			if !reflect.DeepEqual(normal(back), normal(v)) {
				t.Errorf("round trip differs\nwrote:\n%s", out)
			}
		})
	}
	if _, err := marshalValues(map[string]any{"nan": math.NaN()}); err != nil {
		t.Error(err)
	}
}

// normal makes numbers comparable (YAML reads 1e21 back as a float, 3 as int).
func normal(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range t {
			out[k] = normal(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = normal(x)
		}
		return out
	case int:
		return float64(t)
	}
	return v
}
