package codegen

import (
	"bytes"
	"context"
	"go/format"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/golden"
	"github.com/harness-sh/harness/internal/openapi"
)

// TestGolden compares the generated server, client and scaffolds of specs
// with testdata/golden (one folder per spec); `go test ./internal/codegen
// -update` rewrites them. The specs' warnings are golden too. Whether the
// code compiles and behaves is proven in internal/generate, which
// generates the same specs.
func TestGolden(t *testing.T) {
	tests := []struct {
		name, spec string
		scaffold   bool
	}{
		{"pets", "../generate/testdata/pets/openapi.yaml", true},
		// additionalProperties in every position, arrays of inline
		// objects inside referenced schemas, 3.1 type lists.
		{"shapes", "testdata/specs/shapes.yaml", false},
		// Invalid but unambiguous: generated, with warnings.
		{"tolerated", "testdata/specs/tolerated.yaml", false},
		{"tolerated30", "testdata/specs/tolerated30.yaml", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkGolden(t, tt.name, tt.spec, tt.scaffold) })
	}
}

func checkGolden(t *testing.T, app, specFile string, scaffold bool) {
	spec, err := openapi.Load(context.Background(), specFile)
	if err != nil {
		t.Fatal(err)
	}
	render := func() Files {
		m, err := Build(spec, app, "example.com/solution/applications/"+app+"/backend/"+app)
		if err != nil {
			t.Fatal(err)
		}
		all := Files{}
		srv, err := Server(spec, m)
		if err != nil {
			t.Fatal(err)
		}
		for n, d := range srv {
			all[app+"/"+n] = d
		}
		cl, err := Client(m)
		if err != nil {
			t.Fatal(err)
		}
		for n, d := range cl {
			all[app+"/client/"+n] = d
		}
		if scaffold {
			sc, err := Scaffold(m)
			if err != nil {
				t.Fatal(err)
			}
			for n, d := range sc {
				all[n+".golden"] = d // not compiled here: it imports the runtime
			}
		}
		if len(m.Warnings) > 0 {
			var w bytes.Buffer
			for _, e := range m.Warnings {
				e := *e
				e.File = filepath.Base(e.File)
				w.WriteString(e.Error() + "\n")
			}
			all["warnings.txt"] = w.Bytes()
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
	golden.Tree(t, filepath.Join("testdata", "golden", app), got)
}
