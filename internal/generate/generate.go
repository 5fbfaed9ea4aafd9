// Package generate is the `harness-generate` verb: for each application with
// an api/openapi.yaml it renders the generated server and client packages
// and the user-owned files in memory, then writes only what changed.
//
// Ownership is explicit. A generated package directory holds a manifest,
// .harness-generated, listing the files harness wrote there; those files are
// rewritten whole, and the ones no longer produced (a removed operation or
// schema) are deleted. Nothing else in the directory is touched. User-owned
// files (backend/main.go, backend/service/...) are written only when absent.
package generate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/harness-sh/harness/internal/codegen"
	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/internal/gomodule"
	"github.com/harness-sh/harness/internal/names"
	"github.com/harness-sh/harness/internal/openapi"
)

// ManifestName is the file in a generated directory listing what harness wrote there.
const ManifestName = ".harness-generated"

// SpecPath is an application's OpenAPI file, relative to its folder.
const SpecPath = "api/openapi.yaml"

// Generate regenerates the code of a solution's applications.
type Generate struct {
	Root    string   // the solution root, holding applications/
	Apps    []string // only these applications; empty means all with a spec
	Servers bool     // the server package and the user-owned scaffolds
	Clients bool     // the client package
	Check   bool     // write nothing; report what would change
}

// Result lists what Run did (or, with Check, would do), as slash paths
// relative to the root.
type Result struct {
	Apps       []string
	Written    []string // generated files created or changed
	Deleted    []string // generated files no longer produced
	Scaffolded []string // user-owned files created
	Skipped    []string // applications not made for Go, each "applications/NAME: why"
	Notes      []string // what was cleaned up after an interrupted run
	// Warnings are the spec mistakes generated past, each "file:line:
	// key: what; what harness does".
	Warnings []string
	// Broken says, for each application whose generated code changed and
	// whose own code no longer compiles against it, what fails and what to
	// do.
	Broken []string
}

// Changed reports whether anything was (or would be) written or deleted.
func (r *Result) Changed() bool {
	return len(r.Written)+len(r.Deleted)+len(r.Scaffolded) > 0
}

// Run generates every selected application. All applications are rendered
// before anything is written, so an invalid spec leaves every file as it was.
func (g *Generate) Run(ctx context.Context) (*Result, error) {
	root, err := filepath.Abs(g.Root)
	if err != nil {
		return nil, err
	}
	apps, skipped, err := g.selectApps(root)
	if err != nil {
		return nil, err
	}
	// Applications are planned side by side, as many at once as there are
	// cores; the first failure in the applications' order is reported.
	plans := make([]*plan, len(apps))
	errs := make([]error, len(apps))
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, app := range apps {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			if errs[i] = ctx.Err(); errs[i] == nil {
				plans[i], errs[i] = planApp(ctx, root, app, g.Servers, g.Clients)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	res := &Result{Apps: apps, Skipped: skipped}
	for _, p := range plans {
		p.diff(res)
		res.Warnings = append(res.Warnings, p.warnings...)
	}
	if g.Check {
		return res, nil
	}
	// Every application's files go in as one change: all of them or, on
	// any failure, none.
	txn := fileset.NewTxn(fileset.FSOf(ctx))
	for _, p := range plans {
		notes, err := p.stage(txn)
		if err != nil {
			txn.Abort()
			return nil, err
		}
		res.Notes = append(res.Notes, notes...)
	}
	if err := txn.Commit(); err != nil {
		return nil, fmt.Errorf("write the generated code: %w", err)
	}
	for _, p := range plans {
		if p.replaced && g.Servers {
			if msg := userCodeBreaks(ctx, root, p.appDir, names.GoPackage(filepath.Base(p.appDir))); msg != "" {
				res.Broken = append(res.Broken, msg)
			}
		}
	}
	return res, nil
}

// Options are the choices of App.
type Options struct {
	Servers, Clients, Check bool
}

// App generates one application of the solution at root, for callers such
// as the scaffolder once the application's folder exists.
func App(ctx context.Context, root, app string, opts Options) (*Result, error) {
	g := &Generate{Root: root, Apps: []string{app}, Servers: opts.Servers, Clients: opts.Clients, Check: opts.Check}
	return g.Run(ctx)
}

// selectApps returns the applications to generate and, when none were
// named, the ones left alone because they are not made for Go.
func (g *Generate) selectApps(root string) (apps, skipped []string, err error) {
	if len(g.Apps) > 0 {
		seen := map[string]bool{}
		for _, a := range g.Apps {
			if err := names.ValidateApp(a); err != nil {
				return nil, nil, err
			}
			dir := filepath.Join(root, "applications", a)
			if has, err := hasSpec(dir, a); err != nil {
				return nil, nil, err
			} else if !has {
				if _, derr := os.Stat(dir); derr != nil {
					return nil, nil, fmt.Errorf("applications/%s does not exist", a)
				}
				return nil, nil, fmt.Errorf("applications/%s has no %s to generate from", a, SpecPath)
			}
			why, err := notGo(dir)
			if err != nil {
				return nil, nil, fmt.Errorf("applications/%s: %w", a, err)
			}
			if why != "" {
				return nil, nil, fmt.Errorf("applications/%s is %s: harness-generate writes Go servers and clients only", a, why)
			}
			if !seen[a] {
				seen[a] = true
				apps = append(apps, a)
			}
		}
		sort.Strings(apps)
		return apps, nil, nil
	}
	entries, err := os.ReadDir(filepath.Join(root, "applications"))
	if err != nil {
		return nil, nil, fmt.Errorf("no applications/ folder in %s: run harness-generate from the solution's root", root)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, "applications", e.Name())
		if has, err := hasSpec(dir, e.Name()); err != nil {
			return nil, nil, err
		} else if !has {
			continue
		}
		if names.ValidateApp(e.Name()) != nil {
			continue // not an application harness can name (e.g. a Python app with _)
		}
		why, err := notGo(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("applications/%s: %w", e.Name(), err)
		}
		if why != "" {
			skipped = append(skipped, fmt.Sprintf("applications/%s: %s", e.Name(), why))
			continue
		}
		apps = append(apps, e.Name())
	}
	return apps, skipped, nil
}

// hasSpec reports whether application app (in dir) has an OpenAPI file. One
// that is there but cannot be read (a symbolic link looping or leading
// nowhere) is an error naming it, not an application without a spec.
func hasSpec(dir, app string) (bool, error) {
	spec := filepath.Join(dir, filepath.FromSlash(SpecPath))
	_, err := os.Stat(spec)
	if err == nil {
		return true, nil
	}
	if _, lerr := os.Lstat(spec); lerr == nil {
		return false, fmt.Errorf("applications/%s/%s: %w", app, SpecPath, err)
	}
	return false, nil
}

// plan is one application's rendered files, before writing.
type plan struct {
	root     string
	appDir   string                   // absolute
	dirs     map[string]codegen.Files // generated dir (relative to appDir) -> files
	scaffold codegen.Files            // relative to appDir, written only when absent
	warnings []string
	// Filled by diff.
	writes  map[string][]byte // absolute path -> content
	deletes []string          // absolute paths
	// replaced: generated code that was there before changes, so the
	// user's code, written against the old, may no longer compile.
	replaced bool
}

func planApp(ctx context.Context, root, app string, servers, clients bool) (*plan, error) {
	appDir := filepath.Join(root, "applications", app)
	specFile := filepath.Join(appDir, filepath.FromSlash(SpecPath))
	spec, err := openapi.Load(ctx, specFile)
	if err != nil {
		return nil, relativeErrors(root, err)
	}
	mod, err := gomodule.Plan(root)
	if err != nil {
		return nil, fmt.Errorf("find the Go module of %s: %w", app, err)
	}
	pkg := names.GoPackage(app)
	pkgDir := path.Join("backend", pkg)
	importPath, err := mod.ImportPath(filepath.Join(appDir, filepath.FromSlash(pkgDir)))
	if err != nil {
		return nil, err
	}
	files, err := Render(spec, app, importPath, servers, clients)
	if err != nil {
		return nil, err
	}
	p := &plan{root: root, appDir: appDir, dirs: map[string]codegen.Files{}, scaffold: codegen.Files{}}
	for name, data := range files.Generated {
		dir, base := path.Split(name)
		dir = strings.TrimSuffix(dir, "/")
		if p.dirs[dir] == nil {
			p.dirs[dir] = codegen.Files{}
		}
		p.dirs[dir][base] = data
	}
	if clients && p.dirs[path.Join(pkgDir, "client")] == nil {
		p.dirs[path.Join(pkgDir, "client")] = codegen.Files{}
	}
	if servers && p.dirs[pkgDir] == nil {
		p.dirs[pkgDir] = codegen.Files{}
	}
	p.scaffold = files.Scaffold
	for _, w := range files.Warnings {
		_ = relativeErrors(root, w)
		p.warnings = append(p.warnings, w.Error())
	}
	return p, nil
}

// Rendered is an application's code: generated files and user-owned ones,
// slash paths relative to the application folder.
type Rendered struct {
	Generated codegen.Files
	Scaffold  codegen.Files
	Warnings  openapi.Errors // what the spec gets wrong that was generated past
}

// Render produces an application's files from a loaded spec without
// touching the disk.
func Render(spec *openapi.Spec, app, importPath string, servers, clients bool) (*Rendered, error) {
	m, err := codegen.Build(spec, app, importPath)
	if err != nil {
		return nil, err
	}
	pkgDir := path.Join("backend", names.GoPackage(app))
	out := &Rendered{Generated: codegen.Files{}, Scaffold: codegen.Files{}, Warnings: m.Warnings}
	// The client is one large file: render it while the server's many
	// files keep the other cores busy.
	var client codegen.Files
	var clientErr error
	var wg sync.WaitGroup
	if clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client, clientErr = codegen.Client(m)
		}()
	}
	defer wg.Wait()
	if servers {
		files, err := codegen.Server(spec, m)
		if err != nil {
			return nil, err
		}
		for n, d := range files {
			out.Generated[path.Join(pkgDir, n)] = d
		}
		sc, err := codegen.Scaffold(m)
		if err != nil {
			return nil, err
		}
		for n, d := range sc {
			out.Scaffold[path.Join("backend", n)] = d
		}
	}
	if clients {
		wg.Wait()
		if clientErr != nil {
			return nil, clientErr
		}
		for n, d := range client {
			out.Generated[path.Join(pkgDir, "client", n)] = d
		}
	}
	return out, nil
}

// relativeErrors names spec files relative to the solution root, as the user
// typed them.
func relativeErrors(root string, err error) error {
	for _, e := range openapi.AsErrors(err) {
		if r, rerr := filepath.Rel(root, e.File); rerr == nil && !strings.HasPrefix(r, "..") {
			e.File = filepath.ToSlash(r)
		}
	}
	return err
}

func manifest(files codegen.Files) []byte {
	var b bytes.Buffer
	b.WriteString("# Files harness-generate wrote in this folder; it rewrites and deletes only these.\n")
	for _, n := range files.Paths() {
		b.WriteString(n + "\n")
	}
	return b.Bytes()
}

func readManifest(file string) ([]string, error) {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") || strings.ContainsAny(l, `/\`) || l == ".." || l == "." {
			continue // a manifest names files of its own folder only
		}
		out = append(out, l)
	}
	return out, nil
}

func (p *plan) diff(res *Result) {
	p.writes = map[string][]byte{}
	rel := func(abs string) string {
		r, _ := filepath.Rel(p.root, abs)
		return filepath.ToSlash(r)
	}
	for _, dir := range slices.Sorted(maps.Keys(p.dirs)) {
		files := p.dirs[dir]
		absDir := filepath.Join(p.appDir, filepath.FromSlash(dir))
		old, _ := readManifest(filepath.Join(absDir, ManifestName))
		// A folder that is not there yet has no file to compare with.
		_, statErr := os.Stat(absDir)
		exists := statErr == nil
		all := codegen.Files{}
		for n, d := range files {
			all[n] = d
		}
		all[ManifestName] = manifest(files)
		for _, n := range all.Paths() {
			abs := filepath.Join(absDir, n)
			if exists {
				if cur, err := os.ReadFile(abs); err == nil && bytes.Equal(cur, all[n]) {
					continue
				}
			}
			p.writes[abs] = all[n]
			res.Written = append(res.Written, rel(abs))
			p.replaced = p.replaced || old != nil
		}
		for _, n := range old {
			if _, ok := all[n]; ok {
				continue
			}
			abs := filepath.Join(absDir, n)
			if _, err := os.Lstat(abs); err == nil {
				p.deletes = append(p.deletes, abs)
				res.Deleted = append(res.Deleted, rel(abs))
				p.replaced = true
			}
		}
	}
	for _, n := range p.scaffold.Paths() {
		abs := filepath.Join(p.appDir, filepath.FromSlash(n))
		if _, err := os.Lstat(abs); err == nil {
			continue
		}
		p.writes[abs] = p.scaffold[n]
		res.Scaffolded = append(res.Scaffolded, rel(abs))
	}
}

// stage adds the plan's writes and deletes to txn, after sweeping what an
// interrupted run left where they go. A folder missing on disk (a first
// generation) is staged whole beside its place and renamed into it: one
// rename for hundreds of files.
func (p *plan) stage(txn *fileset.Txn) ([]string, error) {
	set := fileset.New()
	for abs, data := range p.writes {
		rel, err := filepath.Rel(p.appDir, abs)
		if err != nil {
			return nil, err
		}
		set.Put(filepath.ToSlash(rel), data, 0o644)
	}
	for _, abs := range p.deletes {
		rel, _ := filepath.Rel(p.appDir, abs)
		set.Put(filepath.ToSlash(rel), nil, 0) // only for the sweep
	}
	notes, err := fileset.SweepFor(p.appDir, set)
	if err != nil {
		return nil, err
	}
	for _, abs := range p.deletes {
		rel, _ := filepath.Rel(p.appDir, abs)
		set.Delete(filepath.ToSlash(rel))
		txn.Remove(abs)
	}
	if err := txn.Put(p.appDir, set); err != nil {
		return nil, fmt.Errorf("write applications/%s: %w", filepath.Base(p.appDir), err)
	}
	return notes, nil
}
