package yamlmerge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzYAML merges arbitrary document pairs and checks the result against
// the meaning of the merge: decoding both documents and merging them as maps
// gives what decoding the merged document gives. Comments, order and anchors
// are the node merge's own business; values are not.
func FuzzYAML(f *testing.F) {
	for _, s := range [][2]string{
		{"a: 1\nb:\n  c: 2\n", "b:\n  d: 3\n"},
		{"a: &x {p: 1}\nb: *x\n", "a: {q: 2}\n"},
		{"a: &x {p: {r: 1}}\nb: *x\n", "b: {p: {s: 2}}\n"},
		{"b: {r: 2}\na: {p: 1}\n", "a: &y {q: 1}\nb: *y\n"},
		{"a: [1, 2]\n", "a: [3]\n"},
		{"a:\n", "a: {b: 1}\n"},
		{"# c\na: 1 # d\n", ""},
		{"x: &a [1]\ny: [*a, *a]\n", "y: {z: *a}\n"},
		{"a: ~\n", "a: ~\n"},
		{"- 1\n", "a: 1\n"},
	} {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, base, overlay []byte) {
		if len(base)+len(overlay) > 1<<16 {
			return
		}
		got, err := YAML(base, overlay)
		if err != nil {
			return
		}
		var a, b, merged any
		if yaml.Unmarshal(base, &a) != nil || yaml.Unmarshal(overlay, &b) != nil {
			return
		}
		if bytes.Contains(base, []byte("<<")) || bytes.Contains(overlay, []byte("<<")) {
			return // merge keys mean different things before and after a merge
		}
		if err := yaml.Unmarshal(got, &merged); err != nil {
			t.Fatalf("the merge of\n%s\nand\n%s\nis not YAML: %v\n%s", base, overlay, err, got)
		}
		// An empty document merges as nothing at all.
		want := mergeAny(emptyAsMap(base, a), emptyAsMap(overlay, b))
		if isEmpty(overlay) {
			want = emptyAsMap(base, a)
		}
		if want == nil {
			want = map[string]any{}
		}
		if merged == nil {
			merged = map[string]any{}
		}
		if !reflect.DeepEqual(normalize(merged), normalize(want)) {
			t.Fatalf("merging\n%s\nand\n%s\ngave\n%s\nwhich means %v, want %v", base, overlay, got, show(merged), show(want))
		}
	})
}

// emptyAsMap is v, or an empty map when the document holds nothing at all
// (not even null), as YAML documents.
func emptyAsMap(doc []byte, v any) any {
	if isEmpty(doc) {
		return map[string]any{}
	}
	return normalize(v)
}

func isEmpty(doc []byte) bool {
	var n yaml.Node
	return yaml.Unmarshal(doc, &n) == nil && unwrap(&n) == nil
}

// normalize turns decoded YAML into comparable values: maps with string keys
// (other keys by their text), so both sides compare alike.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = normalize(x)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[fmt.Sprint(k)] = normalize(x) // as the merge matches keys: by their text
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = normalize(x)
		}
		return out
	}
	return v
}

func show(v any) string {
	b, err := json.Marshal(normalize(v))
	if err != nil {
		return "?"
	}
	return string(b)
}
