package codegen

import (
	"context"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/harness-sh/harness/internal/openapi"
)

// FuzzGenerate feeds arbitrary documents to the spec loader and generates
// code from every one it accepts: that code must type-check (server and
// client), so a spec the loader accepts never leaves the user a package that
// does not compile.
func FuzzGenerate(f *testing.F) {
	for _, p := range []string{"../openapi/testdata/v31.yaml", "../openapi/testdata/v20.yaml", "../generate/testdata/pets/api/openapi.yaml"} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /a/{x}:\n    get:\n      operationId: getA\n      parameters: [{name: x, in: path, required: true, schema: {type: integer}}]\n      responses: {\"200\": {description: ok, content: {application/json: {schema: {type: object, properties: {n: {type: string}}, required: [n]}}}}}\n",
		"openapi: 3.1.0\ninfo: {title: t, version: \"1\"}\npaths:\n  /b:\n    post:\n      requestBody: {content: {application/json: {schema: {$ref: \"#/components/schemas/B\"}}}}\n      responses: {\"204\": {description: ok}}\ncomponents:\n  schemas:\n    B: {type: object, additionalProperties: {type: array, items: {type: object, properties: {x: {type: [string, \"null\"]}}}}}\n",
		"openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /c:\n    get:\n      parameters: [{name: q, in: query, schema: {type: array, items: {type: string, enum: [a, b]}}}]\n      responses: {default: {description: err}}\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		file := filepath.Join(dir, "openapi.yaml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		spec, err := openapi.Load(context.Background(), file)
		if err != nil {
			return
		}
		m, err := Build(spec, "fuzz", "example.com/fuzz/backend/fuzz")
		if err != nil {
			return // refused with a reason: the code generator's own check
		}
		server, err := Server(spec, m)
		if err != nil {
			t.Fatalf("the spec was accepted but the server does not render: %v\n%s", err, data)
		}
		client, err := Client(m)
		if err != nil {
			t.Fatalf("the spec was accepted but the client does not render: %v\n%s", err, data)
		}
		pkg := typeCheck(t, "example.com/fuzz/backend/fuzz", server, data, sourceImporter())
		typeCheck(t, "example.com/fuzz/backend/fuzz/client", client, data, importerFunc(func(path string) (*types.Package, error) {
			if path == pkg.Path() {
				return pkg, nil
			}
			return sourceImporter().Import(path)
		}))
	})
}

// sourceImporter reads the compiled export data of the standard library and
// the runtime's httpapi, found once per test process with `go list -export`.
var sourceImporter = sync.OnceValue(func() types.Importer {
	exports := map[string]string{}
	out, err := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}} {{.Export}}", "std", "github.com/harness-sh/harness/runtime/httpapi").Output()
	if err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if path, file, ok := strings.Cut(line, " "); ok && file != "" {
				exports[path] = file
			}
		}
	}
	return importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s (go list: %v)", path, err)
		}
		return os.Open(file)
	})
})

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func typeCheck(t *testing.T, path string, files Files, spec []byte, imp types.Importer) *types.Package {
	t.Helper()
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, p := range files.Paths() {
		if !strings.HasSuffix(p, ".go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, files[p], 0)
		if err != nil {
			t.Fatalf("generated %s does not parse: %v\nspec:\n%s", p, err, spec)
		}
		parsed = append(parsed, f)
	}
	conf := types.Config{Importer: imp}
	pkg, err := conf.Check(path, fset, parsed, nil)
	if err != nil {
		t.Fatalf("generated package %s does not type-check: %v\nspec:\n%s", path, err, spec)
	}
	return pkg
}
