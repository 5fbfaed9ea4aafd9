package scaffold

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/harness-sh/harness/internal/gomodule"
)

// A template's .module/go.mod.txt lists the modules its code imports (with
// what they need, as `go mod tidy` left them) and .module/go.sum their
// checksums: the solution's go.mod and go.sum get them, so that the new
// application builds with -mod=readonly and without the network's help for
// resolution. `go test ./internal/scaffold -run TestModuleFragments -update`
// refreshes them from the module proxy.
const (
	fragmentMod = moduleDir + "go.mod.txt"
	fragmentSum = moduleDir + "go.sum"
)

// requireModules adds the templates' module requirements to the solution's
// go.mod (keeping a newer version it already requires) and their checksums
// to its go.sum, as files of mod.Files. A database template's count only
// when its code is rendered (it is d.Database's): otherwise the service
// stays in memory, or is another database's, and imports no such driver.
func requireModules(mod *gomodule.Module, tpls []Template, d Data) error {
	var reqs []*modfile.Require
	var sums [][]byte
	for _, t := range tpls {
		if otherDatabase(t, d) {
			continue
		}
		data, err := fs.ReadFile(t.FS, fragmentMod)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		f, err := modfile.ParseLax(templateFile(t, fragmentMod), data, nil)
		if err != nil {
			return fmt.Errorf("template %s: %w", t.Name, err)
		}
		reqs = append(reqs, f.Require...)
		sum, err := fs.ReadFile(t.FS, fragmentSum)
		if err != nil {
			return fmt.Errorf("template %s: %s beside %s: %w", t.Name, fragmentSum, fragmentMod, err)
		}
		sums = append(sums, sum)
	}
	if len(reqs) == 0 {
		return nil
	}
	gomod, err := current(mod, "go.mod")
	if err != nil {
		return err
	}
	f, err := modfile.Parse(filepath.Join(mod.Dir, "go.mod"), gomod, nil)
	if err != nil {
		return err
	}
	have := map[string]*modfile.Require{}
	for _, r := range f.Require {
		have[r.Mod.Path] = r
	}
	for _, r := range reqs {
		old := have[r.Mod.Path]
		switch {
		case old == nil:
			f.AddNewRequire(r.Mod.Path, r.Mod.Version, r.Indirect)
		case semver.Compare(old.Mod.Version, r.Mod.Version) < 0:
			if err := f.AddRequire(r.Mod.Path, r.Mod.Version); err != nil {
				return err
			}
		}
		if old != nil && old.Indirect && !r.Indirect {
			old.Indirect = false
			f.SetRequire(f.Require) // rewrites the // indirect comments
		}
		have[r.Mod.Path] = r
	}
	f.SetRequireSeparateIndirect(f.Require)
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return err
	}
	sum, err := current(mod, "go.sum")
	if err != nil {
		return err
	}
	mod.Files.Put("go.mod", out, 0o644)
	mod.Files.Put("go.sum", gomodule.SumLines(append([][]byte{sum}, sums...)...), 0o644)
	return nil
}

// current is a module file as the plan leaves it: planned, else on disk.
func current(mod *gomodule.Module, name string) ([]byte, error) {
	if f, ok := mod.Files.Get(name); ok {
		return f.Data, nil
	}
	data, err := os.ReadFile(filepath.Join(mod.Dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return data, err
}
