package codegen

import (
	"bytes"
	"context"
	"flag"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/openapi"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden compares the generated server, client and scaffolds of a spec
// with testdata/golden; `go test ./internal/codegen -update` rewrites them.
// Whether the code compiles and behaves is proven in internal/generate.
func TestGolden(t *testing.T) {
	spec, err := openapi.Load(context.Background(), "../generate/testdata/pets/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	render := func() Files {
		m, err := Build(spec, "pets", "example.com/solution/applications/pets/backend/pets")
		if err != nil {
			t.Fatal(err)
		}
		all := Files{}
		srv, err := Server(spec, m)
		if err != nil {
			t.Fatal(err)
		}
		for n, d := range srv {
			all["pets/"+n] = d
		}
		cl, err := Client(m)
		if err != nil {
			t.Fatal(err)
		}
		for n, d := range cl {
			all["pets/client/"+n] = d
		}
		sc, err := Scaffold(m)
		if err != nil {
			t.Fatal(err)
		}
		for n, d := range sc {
			all[n+".golden"] = d // not compiled here: it imports the runtime
		}
		return all
	}
	got := render()
	again := render()
	for n := range got {
		if !bytes.Equal(got[n], again[n]) {
			t.Errorf("%s differs between two runs: output is not deterministic", n)
		}
		if strings.HasSuffix(n, ".go") || strings.HasSuffix(n, ".go.golden") {
			if out, err := format.Source(got[n]); err != nil || !bytes.Equal(out, got[n]) {
				t.Errorf("%s is not as gofmt prints it (%v)", n, err)
			}
		}
	}
	dir := filepath.Join("testdata", "golden", "pets")
	if *update {
		os.RemoveAll(dir)
		for n, d := range got {
			p := filepath.Join(dir, filepath.FromSlash(n))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, d, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	seen := 0
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		seen++
		if g, ok := got[rel]; !ok {
			t.Errorf("%s is no longer generated (run with -update if intended)", rel)
		} else if !bytes.Equal(g, want) {
			t.Errorf("%s differs from the golden file (run with -update if intended)", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(got) {
		t.Errorf("%d files generated, %d golden files (run with -update)", len(got), seen)
	}
}
