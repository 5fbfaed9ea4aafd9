package generate

import (
	"context"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/codegen"
	"github.com/harness-sh/harness/internal/golden"
	"github.com/harness-sh/harness/internal/openapi"
)

// TestRepositoryCodeCurrent fails when the code harness generated into this
// repository (applications/samples, bench/pets) no longer matches what
// harness generates from the specs: a change to the generator must come with
// the regenerated code. -update regenerates it.
func TestRepositoryCodeCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	t.Run("applications/samples", func(t *testing.T) {
		g := &Generate{Root: root, Apps: []string{"samples"}, Servers: true, Clients: true, Check: !golden.Updating()}
		res, err := g.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if golden.Updating() {
			return
		}
		for _, f := range res.Written {
			t.Errorf("%s is stale (go test ./internal/generate -run TestRepositoryCodeCurrent -update, or scripts/regenerate.sh)", f)
		}
		for _, f := range res.Deleted {
			t.Errorf("%s is no longer generated", f)
		}
		for _, f := range res.Scaffolded {
			t.Errorf("%s would be scaffolded: samples lacks a file harness gives every application", f)
		}
	})
	t.Run("bench/pets", func(t *testing.T) {
		spec, err := openapi.Load(context.Background(), filepath.Join(root, "bench", "pets", "openapi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		r, err := Render(spec, "pets", "github.com/harness-sh/harness/bench/pets/pets", true, false)
		if err != nil {
			t.Fatal(err)
		}
		got := codegen.Files{}
		for name, data := range r.Generated {
			rel, ok := strings.CutPrefix(name, path.Join("backend", "pets")+"/")
			if !ok {
				t.Fatalf("generated %s outside the package", name)
			}
			got[rel] = data
		}
		got[ManifestName] = manifest(got)
		golden.Tree(t, filepath.Join(root, "bench", "pets", "pets"), got)
	})
}
