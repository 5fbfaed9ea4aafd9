package openapi

import (
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"

	"github.com/harness-sh/harness/internal/fixtures"
	"github.com/harness-sh/harness/internal/specgen"
)

// TestDecodeSplit: decoding a document in parts and resolving its $refs
// gives the document kin-openapi's own load gives, on every self-contained
// OpenAPI 3 spec at hand. Swagger 2.0 documents are converted to 3.0 first,
// as the slow way does, so Kubernetes' and Forgejo's large specs count too.
func TestDecodeSplit(t *testing.T) {
	files, _ := filepath.Glob("../generate/testdata/corpus/*.*")
	more, _ := filepath.Glob("testdata/*.yaml")
	files = append(append(files, more...),
		"../generate/testdata/pets/openapi.yaml", "../generate/testdata/extra/openapi.yaml",
		fixtures.Path(t, "applications", "samples", "api", "openapi.yaml"),
		fixtures.Path(t, "libraries", "models", "api", "openapi.yaml"))
	docs := map[string][]byte{"synthetic": specgen.Spec(20)}
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
	ctx := context.Background()
	compared := 0
	for name, data := range docs {
		root, err := parseYAML(name, data)
		if err != nil {
			t.Fatal(err)
		}
		v, err := version(name, root)
		if err != nil {
			t.Fatal(err)
		}
		if !selfContained(root) {
			continue
		}
		js, ok := treeJSON(root)
		if !ok {
			t.Fatalf("%s: not written as JSON", name)
		}
		loc := &url.URL{Path: "/spec/" + filepath.Base(name)}
		if v == V20 {
			// Decoded in parts, the 2.0 document is what decoding it whole
			// gives.
			sp, ok := splitJSON(root, V20)
			if !ok {
				t.Fatalf("%s: not split", name)
			}
			got, err := decodeSplitV2(sp)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var want openapi2.T
			if err := json.Unmarshal(js, &want); err != nil {
				t.Fatal(err)
			}
			if gj, wj := marshal(t, got), marshal(t, &want); gj != wj {
				t.Errorf("%s: split decoding differs from decoding the whole 2.0 document:\n got %.300s\nwant %.300s", name, gj, wj)
			}
			// The converted document, written as JSON, is a 3.0 document
			// with as many paths and schemas as the original.
			doc, err := loadV2(newLoader(ctx, false), root, loc)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if js, err = json.Marshal(doc); err != nil {
				t.Fatal(err)
			}
			if root, err = parseYAML(name, js); err != nil {
				t.Fatal(err)
			}
			if js, ok = treeJSON(root); !ok {
				t.Fatalf("%s: the converted document is not written as JSON", name)
			}
		}
		want, err := newLoader(ctx, false).LoadFromDataWithPath(js, loc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sp, ok := splitJSON(root, V30)
		if !ok {
			t.Fatalf("%s: not split", name)
		}
		if string(sp.js) != string(js) {
			t.Errorf("%s: the split document's JSON differs from treeJSON's", name)
		}
		got, err := decodeSplit(sp)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := newLoader(ctx, false).ResolveRefsIn(got, loc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Paths != nil && len(sp.paths) != got.Paths.Len()+len(got.Paths.Extensions) {
			t.Errorf("%s: %d path items split, %d decoded", name, len(sp.paths), got.Paths.Len())
		}
		if wj, gj := marshal(t, want), marshal(t, got); wj != gj {
			t.Errorf("%s: split decoding differs from kin-openapi's load:\n got %.300s\nwant %.300s", name, gj, wj)
		}
		// Resolved, not only decoded: validation, which follows every
		// $ref, says the same of both.
		gerr, werr := got.Validate(ctx, validateOptions...), want.Validate(ctx, validateOptions...)
		if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
			t.Errorf("%s: validation of the split document: %v; of kin-openapi's: %v", name, gerr, werr)
		}
		compared++
	}
	if compared < 15 {
		t.Fatalf("compared %d documents; the corpus has more", compared)
	}
}

// TestDecodeSplitRefusals: what splitJSON declines falls back, and a part
// kin-openapi cannot decode is an error, not a partial document.
func TestDecodeSplitRefusals(t *testing.T) {
	for name, src := range map[string]string{
		"duplicate path": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {}\n  /a: {}\n",
		"anchor":         "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: &x {}\n  /b: *x\n",
	} {
		root, err := parseYAML(name, []byte(src))
		if err != nil {
			continue // yaml.v3 itself refuses some
		}
		if _, ok := splitJSON(root, V30); ok {
			t.Errorf("%s: split, want declined", name)
		}
	}
	root, err := parseYAML("bad", []byte("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: [1]\ncomponents:\n  schemas:\n    S: {type: object}\n"))
	if err != nil {
		t.Fatal(err)
	}
	sp, ok := splitJSON(root, V30)
	if !ok {
		t.Fatal("not split")
	}
	// Go 1.27's encoding/json says "unable to unmarshal" where 1.26 said
	// "cannot unmarshal"; kin-openapi passes either on as text.
	if _, err := decodeSplit(sp); err == nil || !regexp.MustCompile(`(cannot|unable to) unmarshal (JSON )?array`).MatchString(err.Error()) {
		t.Fatalf("decodeSplit of an operation that is a list: %v, want a decoding error", err)
	}
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
