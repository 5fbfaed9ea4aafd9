// Package scaffold creates a new application in a solution from templates, as
// CloudHarness's harness-application does: templates merge in order (base
// first), the result is checked, code is generated, and the whole application
// is staged beside applications/NAME and renamed into place only when
// everything succeeded. An existing application is never touched.
package scaffold

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/internal/gomodule"
	"github.com/harness-sh/harness/internal/names"
	"github.com/harness-sh/harness/internal/openapi"
)

// ManifestFile is CloudHarness's record of how an application was scaffolded.
const ManifestFile = ".ch-manifest"

// ManifestVersion is the .ch-manifest format version CloudHarness writes.
const ManifestVersion = "2"

// Generator fills in an application's generated code. files holds the
// application's files (relative to its folder) and receives the generated ones.
type Generator interface {
	Generate(ctx context.Context, app App, files *fileset.Set) error
}

// App describes the application being created, for a Generator.
type App struct {
	Name       string
	Dir        string // final absolute folder: ROOT/applications/NAME
	ImportPath string // Go import path of Dir/backend
}

// Application scaffolds one application.
type Application struct {
	Root      string   // the solution's root, holding applications/
	Name      string   // the application's name
	Templates []string // requested templates; base is always first
	// OpenAPI, when set, is the application's API: this file becomes
	// api/openapi.yaml in place of the template's, and the user-owned
	// service is scaffolded for it rather than taken from the template.
	OpenAPI   string
	Generator Generator
}

// specFile is where a template puts the application's API, and
// serviceFiles the user-owned code a template writes for its own API.
const specFile = "api/openapi.yaml"

var serviceFiles = []string{"backend/service/service.go", "backend/service/service_test.go"}

// Result tells what Run created.
type Result struct {
	Dir       string   // the application's folder
	Templates []string // templates merged, in order
	Files     []string // files created in the application, sorted
	Module    []string // files written at the module root (go.mod, runtime copy)
	Warnings  []string // unknown keys in the templates' values, at their file and line
}

// newData computes what templates see from the application's name and the
// templates to merge; the module fields are filled in by Run.
func newData(name string, tpls []Template) Data {
	// A database template's Go code serves another template's server: on
	// its own it makes no Go application.
	var servers, databases []Template
	for _, t := range tpls {
		if isDatabase(t) {
			databases = append(databases, t)
		} else {
			servers = append(servers, t)
		}
	}
	data := Data{
		Name:        name,
		Package:     names.GoPackage(name),
		Ident:       names.GoIdent(name),
		ValuesKey:   names.ValuesKey(name),
		HasGo:       has(servers, func(p string) bool { return strings.HasSuffix(p, ".go.tmpl") || strings.HasSuffix(p, ".go") }),
		HasAPI:      has(tpls, func(p string) bool { return strings.HasPrefix(p, "api/openapi.") }),
		HasFrontend: has(tpls, func(p string) bool { return strings.HasPrefix(p, "frontend/") }),
	}
	for _, t := range tpls {
		data.Templates = append(data.Templates, t.Name)
	}
	if data.HasGo && data.HasAPI && len(databases) > 0 {
		data.Database = strings.TrimPrefix(databases[len(databases)-1].Name, databasePrefix)
	}
	return data
}

// Run creates the application.
func (a *Application) Run(ctx context.Context) (*Result, error) {
	if err := names.ValidateApp(a.Name); err != nil {
		return nil, err
	}
	root, err := filepath.Abs(a.Root)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(root, "applications", a.Name)
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("applications/%s already exists; harness never touches an existing application", a.Name)
	}
	catalog, err := Catalog(root)
	if err != nil {
		return nil, err
	}
	tpls, err := Resolve(catalog, a.Templates)
	if err != nil {
		return nil, err
	}
	data := newData(a.Name, tpls)
	if a.OpenAPI != "" {
		data.Database = "" // the generator scaffolds the spec's service, in memory
	}
	var mod *gomodule.Module
	if data.HasGo {
		if mod, err = gomodule.Plan(root); err != nil {
			return nil, fmt.Errorf("wire the solution's Go module: %w", err)
		}
		data.Module, data.RuntimeDir, data.GoVersion = mod.Path, mod.RuntimeDir, mod.GoVersion
		if data.ImportPath, err = mod.ImportPath(filepath.Join(dir, "backend")); err != nil {
			return nil, err
		}
		if err := requireModules(mod, tpls, data); err != nil {
			return nil, fmt.Errorf("wire the solution's Go module: %w", err)
		}
	}
	warnings, err := checkLayers(tpls, data)
	if err != nil {
		return nil, err
	}
	files, err := Render(tpls, data)
	if err != nil {
		return nil, err
	}
	if a.OpenAPI != "" {
		if !data.HasAPI || !data.HasGo {
			return nil, fmt.Errorf("--openapi %s: the templates %s have no Go server to serve it: add -t go-server", a.OpenAPI, strings.Join(data.Templates, ", "))
		}
		spec, err := os.ReadFile(a.OpenAPI)
		if err != nil {
			return nil, fmt.Errorf("--openapi: %w", err)
		}
		files.Put(specFile, spec, 0o644)
		// The template's service implements the template's API; the
		// generator scaffolds one for this spec instead.
		for _, f := range serviceFiles {
			files.Delete(f)
		}
	}
	manifest, err := yaml.Marshal(map[string]any{"app-name": a.Name, "version": ManifestVersion, "inferred": false, "templates": data.Templates})
	if err != nil {
		return nil, err
	}
	files.Put(ManifestFile, manifest, 0o644)
	if a.Generator != nil && data.HasAPI && data.HasGo {
		if err := a.Generator.Generate(ctx, App{Name: a.Name, Dir: dir, ImportPath: data.ImportPath}, files); err != nil {
			if es := openapi.AsErrors(err); len(es) > 0 {
				// Located in the spec: the user's --openapi file, not
				// the application's copy that was never written.
				for _, e := range es {
					if a.OpenAPI != "" && e.File == path.Join("applications", a.Name, specFile) {
						e.File = a.OpenAPI
					}
				}
				return nil, err
			}
			return nil, fmt.Errorf("generate code for %s: %w", a.Name, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// The application and the module's files (go.mod, go.sum, the runtime
	// copy) go in as one change: all of them or, on any failure, none.
	res := &Result{Dir: dir, Templates: data.Templates, Files: files.Paths(), Warnings: warnings}
	sweep := fileset.New()
	sweep.Put(filepath.Join("applications", a.Name), nil, 0)
	if mod != nil {
		for _, p := range mod.Files.Paths() {
			rel, _ := filepath.Rel(root, filepath.Join(mod.Dir, filepath.FromSlash(p)))
			sweep.Put(filepath.ToSlash(rel), nil, 0)
		}
	}
	swept, err := fileset.SweepFor(root, sweep)
	if err != nil {
		return nil, err
	}
	res.Warnings = append(res.Warnings, swept...)
	txn := fileset.NewTxn(fileset.FSOf(ctx))
	if err := txn.PutDir(dir, files); err != nil {
		txn.Abort()
		return nil, fmt.Errorf("write applications/%s: %w", a.Name, err)
	}
	if mod != nil && mod.Files.Len() > 0 {
		if err := txn.Put(mod.Dir, mod.Files); err != nil {
			txn.Abort()
			return nil, fmt.Errorf("wire the solution's Go module: %w", err)
		}
		res.Module = mod.Files.Paths()
	}
	if err := txn.Commit(); err != nil {
		return nil, fmt.Errorf("write applications/%s: %w", a.Name, err)
	}
	return res, nil
}
