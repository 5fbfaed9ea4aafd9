package generate

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harness-sh/harness/internal/codegen"
	"github.com/harness-sh/harness/internal/names"
	"github.com/harness-sh/harness/internal/openapi"
)

// TestCorpus generates every spec of testdata/corpus and reports, spec by
// spec, its operations, schemas, warnings and generation time (go test -v
// prints the table). That the generated code compiles, vets and serves is
// TestGeneratedCodeBuildsAndRoundTrips's job, which takes the same corpus.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.*")
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, ".md") })
	if len(files) < 15 {
		t.Fatalf("%d corpus specs, want at least 15", len(files))
	}
	var table []string
	for _, f := range files {
		app := corpusApp(f)
		dir := t.TempDir()
		path := filepath.Join(dir, "openapi.yaml")
		write(t, path, readSpec(t, f))
		start := time.Now()
		spec, err := openapi.Load(context.Background(), path)
		if err != nil {
			t.Errorf("%s: %v", app, err)
			continue
		}
		out, err := Render(spec, app, "example.com/solution/applications/"+app+"/backend/"+names.GoPackage(app), true, true)
		if err != nil {
			t.Errorf("%s: %v", app, err)
			continue
		}
		took := time.Since(start)
		m, err := codegen.Build(spec, app, "example.com/x")
		if err != nil {
			t.Fatal(err)
		}
		table = append(table, fmt.Sprintf("%-42s %5d ops %5d types %3d warnings %8s", app, len(m.Ops), len(m.Types), len(out.Warnings), took.Round(time.Millisecond)))
		for _, w := range out.Warnings {
			t.Logf("%s: warning: %v", app, w)
		}
	}
	t.Logf("corpus:\n%s", strings.Join(table, "\n"))
}
