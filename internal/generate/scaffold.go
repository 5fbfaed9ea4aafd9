package generate

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/internal/names"
	"github.com/harness-sh/harness/internal/openapi"
	"github.com/harness-sh/harness/internal/scaffold"
)

// Scaffolder generates a new application's code while harness-application
// builds it in memory (it implements scaffold.Generator): the generated
// server and client packages with their manifests, and the user-owned files
// that the application's templates did not already provide.
type Scaffolder struct{}

var _ scaffold.Generator = Scaffolder{}

// Generate adds the application's generated files to files.
func (Scaffolder) Generate(ctx context.Context, app scaffold.App, files *fileset.Set) error {
	if _, ok := files.Get(SpecPath); !ok {
		return nil
	}
	// The spec may $ref its siblings: load it from a copy of api/.
	tmp, err := os.MkdirTemp("", "harness-spec-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, p := range files.Paths() {
		if !strings.HasPrefix(p, "api/") {
			continue
		}
		f, _ := files.Get(p)
		dst := filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, f.Data, 0o644); err != nil {
			return err
		}
	}
	spec, err := openapi.Load(ctx, filepath.Join(tmp, filepath.FromSlash(SpecPath)))
	if err != nil {
		for _, e := range openapi.AsErrors(err) {
			if r, rerr := filepath.Rel(tmp, e.File); rerr == nil {
				e.File = path.Join("applications", app.Name, filepath.ToSlash(r))
			}
		}
		return err
	}
	importPath := app.ImportPath + "/" + names.GoPackage(app.Name)
	out, err := Render(spec, app.Name, importPath, true, true)
	if err != nil {
		return fmt.Errorf("generate %s: %w", app.Name, err)
	}
	byDir := map[string][]string{}
	for _, p := range out.Generated.Paths() {
		files.Put(p, out.Generated[p], 0o644)
		byDir[path.Dir(p)] = append(byDir[path.Dir(p)], path.Base(p))
	}
	for dir, list := range byDir {
		m := make(map[string][]byte, len(list))
		for _, n := range list {
			m[n] = nil
		}
		files.Put(path.Join(dir, ManifestName), manifest(m), 0o644)
	}
	for _, p := range out.Scaffold.Paths() {
		if _, exists := files.Get(p); !exists {
			files.Put(p, out.Scaffold[p], 0o644)
		}
	}
	return nil
}
