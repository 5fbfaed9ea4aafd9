package codegen

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/openapi"
	"github.com/harness-sh/harness/internal/specgen"
)

// TestEncodeYAMLPieces proves that writing the served YAML piece by piece
// gives exactly the bytes of one yaml.v3 Encoder, on every spec at hand.
func TestEncodeYAMLPieces(t *testing.T) {
	files, err := filepath.Glob("../generate/testdata/corpus/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "../generate/testdata/pets/openapi.yaml")
	big := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(big, specgen.Spec(20), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, big)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			spec, err := openapi.Load(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := json.Marshal(spec.Doc)
			if err != nil {
				t.Fatal(err)
			}
			var node yaml.Node
			if err := yaml.Unmarshal(raw, &node); err != nil {
				t.Fatal(err)
			}
			clearStyle(&node)
			var want bytes.Buffer
			enc := yaml.NewEncoder(&want)
			enc.SetIndent(2)
			if err := enc.Encode(&node); err != nil {
				t.Fatal(err)
			}
			got, err := encodeYAML(&node)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want.Bytes()) {
				t.Errorf("pieces differ from one Encoder:\n%s", firstDiff(got, want.Bytes()))
			}
		})
	}
}

// TestEncodeYAMLHardValues covers values whose YAML depends on content:
// multi-line text with empty lines and leading spaces, keys YAML reads as
// booleans, numbers or null, and empty mappings.
func TestEncodeYAMLHardValues(t *testing.T) {
	doc := `{"info":{"description":"line one\n\n  indented\n\nlast\n","title":"t"},
"paths":{"/a":{"get":{"description":" lead\n\ntrail  \n"}},"/b":{}},
"yes":{"no":{"on":1,"null":{"x":"true"}}},"x-1":{"y-2":{"z":{"w":"a: b"}}},"empty":{},"list":[{"a":{"b":1}}]}`
	var node yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &node); err != nil {
		t.Fatal(err)
	}
	clearStyle(&node)
	var want bytes.Buffer
	enc := yaml.NewEncoder(&want)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		t.Fatal(err)
	}
	got, err := encodeYAML(&node)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Errorf("pieces differ from one Encoder:\n%s", firstDiff(got, want.Bytes()))
	}
}

func firstDiff(got, want []byte) string {
	gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(gl) && i < len(wl); i++ {
		if !bytes.Equal(gl[i], wl[i]) {
			return "line " + strconv.Itoa(i+1) + ":\n got: " + string(gl[i]) + "\nwant: " + string(wl[i])
		}
	}
	return "lengths differ: got " + strconv.Itoa(len(gl)) + " lines, want " + strconv.Itoa(len(wl))
}

// TestSpecDocuments: a file that is the whole document is served as
// written, with a JSON twin holding the same document; a spec that pulls in
// other files, or a Swagger 2.0 one, is served resolved (bundled, as 3.0).
func TestSpecDocuments(t *testing.T) {
	for _, tc := range []struct {
		file     string
		verbatim bool
	}{
		{"../generate/testdata/pets/openapi.yaml", true},
		{"../generate/testdata/corpus/v31-webhook-example.yaml", true},
		{"../openapi/testdata/multi/openapi.yaml", false},
		{"../openapi/testdata/v20.yaml", false},
	} {
		t.Run(filepath.Base(filepath.Dir(tc.file))+"/"+filepath.Base(tc.file), func(t *testing.T) {
			spec, err := openapi.Load(context.Background(), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			js, ym, err := SpecDocuments(spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Equal(ym, spec.Source); got != tc.verbatim {
				t.Fatalf("YAML served verbatim = %v, want %v", got, tc.verbatim)
			}
			// Both documents hold the same data, whatever the path.
			var fromJSON, fromYAML any
			if err := json.Unmarshal(js, &fromJSON); err != nil {
				t.Fatalf("served JSON: %v", err)
			}
			if err := yaml.Unmarshal(ym, &fromYAML); err != nil {
				t.Fatalf("served YAML: %v", err)
			}
			again, err := json.Marshal(fromYAML)
			if err != nil {
				t.Fatal(err)
			}
			var viaYAML any
			if err := json.Unmarshal(again, &viaYAML); err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(fromJSON)
			b, _ := json.Marshal(viaYAML)
			if !bytes.Equal(a, b) {
				t.Errorf("served JSON and YAML differ:\n%s", firstDiff(a, b))
			}
			if !tc.verbatim && bytes.Contains(js, []byte(`.yaml#`)) {
				t.Errorf("a resolved document still refers to another file")
			}
		})
	}
}
