package openapi

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/harness-sh/harness/internal/specgen"
	"gopkg.in/yaml.v3"
)

// treeJSON is the jsonWriter's output for a whole tree.
func treeJSON(n *yaml.Node) ([]byte, bool) {
	w := jsonWriter{}
	if !w.node(n) {
		return nil, false
	}
	return w.b, true
}

// TestTreeJSON: writing the tree straight to JSON gives the same document
// as decoding it and marshalling the result (the path kept for what it
// declines), on every spec at hand and on the YAML features it must decline.
func TestTreeJSON(t *testing.T) {
	files, _ := filepath.Glob("../generate/testdata/corpus/*.*")
	more, _ := filepath.Glob("testdata/*.yaml")
	files = append(append(files, more...), "../generate/testdata/pets/openapi.yaml", "../generate/testdata/extra/openapi.yaml")
	docs := map[string][]byte{"big": specgen.Spec(10)}
	for _, f := range files {
		if filepath.Ext(f) == ".md" {
			continue
		}
		data, err := readTestSpec(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[f] = data
	}
	for name, data := range map[string]string{
		"escapes":   "a: \"q\\\"uote\\\\ tab\\t nl\\n bell\\a é 😀\"\nb: [1, -2, 0.5, 1e3, true, False, null, ~]\n",
		"keys":      "200: ok\n\"x\": 1\n",
		"anchors":   "a: &x {k: 1}\nb: *x\n",
		"merge":     "a: &x {k: 1}\nb:\n  <<: *x\n  j: 2\n",
		"timestamp": "a: 2020-01-02\n",
		"hex":       "a: 0x1F\nb: .inf\nc: +1\n",
		"boolkey":   "true: 1\n",
	} {
		docs[name] = []byte(data)
	}
	declined := map[string]bool{"anchors": true, "merge": true, "timestamp": true, "hex": true, "boolkey": true}
	for name, data := range docs {
		t.Run(filepath.Base(name), func(t *testing.T) {
			root, err := parseYAML(name, data)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := treeJSON(root)
			if ok == declined[name] {
				t.Fatalf("written directly = %v, want %v", ok, !declined[name])
			}
			if !ok {
				return
			}
			want, err := decodedJSON(root)
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			if err := json.Unmarshal(got, &a); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, got)
			}
			if err := json.Unmarshal(want, &b); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("differs from the decoded tree:\n%s\n%s", got, want)
			}
		})
	}
}
