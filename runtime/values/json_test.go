package values

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestJSONMatchesYAML: the runtime reads the chart's JSON all-values file
// with encoding/json; it must give the same typed values as the YAML
// decoder on the same document (free values aside, which JSON skips).
func TestJSONMatchesYAML(t *testing.T) {
	docs := map[string][]byte{
		"escapes": []byte("tls: \"sec\\u0072et\"\nenv: [{name: A, value: \"x\\ty\"}, {name: B, value: 1.5}, {name: C, value: true}]\n" +
			"apps:\n  a:\n    harness:\n      deployment: {port: \"http\", resources: {limits: {cpu: 0.5, memory: \"é64Mi\"}}}\n" +
			"      database: {type: \"neo4j\"}\n      secrets: {a: 1, b: null, c: \"\\\"q\\\"\"}\n"),
		"legacy secrets": []byte("apps:\n  a:\n    harness:\n      secrets: [{name: n, key: k}]\n"),
	}
	if data, err := os.ReadFile(filepath.Join(cloudHarness(t), "libraries/cloudharness-common/tests/values.yaml")); err == nil {
		docs["cloudharness test values"] = data
	}
	for name, data := range docs {
		fromYAML, err := DecodeRoot(data, Options{Mode: Lenient})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var generic any
		if err := yaml.Unmarshal(data, &generic); err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(generic)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON Values
		if err := json.Unmarshal(js, &fromJSON); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fromYAML.Extra = nil
		for k, a := range fromYAML.Apps {
			a.Free = nil
			fromYAML.Apps[k] = a
		}
		if !reflect.DeepEqual(*fromYAML, fromJSON) {
			y, _ := json.MarshalIndent(fromYAML, "", " ")
			j, _ := json.MarshalIndent(fromJSON, "", " ")
			t.Errorf("%s: JSON and YAML decoding differ:\nyaml: %s\njson: %s", name, y, j)
		}
	}
}
