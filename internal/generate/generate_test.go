package generate

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"go/format"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/fixtures"
	"github.com/harness-sh/harness/internal/openapi"
	"github.com/harness-sh/harness/internal/specgen"
)

// solution makes a solution folder with one go.mod wired to this
// repository's runtime, and the given specs as applications.
func solution(t *testing.T, specs map[string]string) string {
	t.Helper()
	root := t.TempDir()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	gomod := "module example.com/solution\n\ngo 1.24\n\nrequire github.com/harness-sh/harness/runtime v0.0.0\n\nreplace github.com/harness-sh/harness/runtime => " + filepath.Join(repo, "runtime") + "\n"
	write(t, filepath.Join(root, "go.mod"), []byte(gomod))
	sum, err := os.ReadFile(filepath.Join(repo, "runtime", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(root, "go.sum"), sum)
	for app, src := range specs {
		data := readSpec(t, src)
		write(t, filepath.Join(root, "applications", app, "api", "openapi.yaml"), data)
	}
	return root
}

// readSpec reads a spec file, gunzipping a .gz one (the large corpus
// specs are kept compressed).
func readSpec(t *testing.T, src string) []byte {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(src, ".gz") {
		return data
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	data, err = io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return data
}

// corpusApp is the application a corpus file becomes: its name without
// the extensions.
func corpusApp(f string) string {
	base := strings.TrimSuffix(filepath.Base(f), ".gz")
	return strings.TrimSuffix(base, filepath.Ext(base))
}

func write(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	goCmdEnv(t, dir, nil, args...)
}

func goCmdEnv(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// TestGeneratedCodeBuildsAndRoundTrips generates the CloudHarness samples
// API and a CRUD API, then vets everything generated and runs a generated
// client against a generated server for every operation (two go
// invocations for the whole solution).
func TestGeneratedCodeBuildsAndRoundTrips(t *testing.T) {
	if testing.Short() {
		t.Skip("builds generated code")
	}
	specs := map[string]string{
		"samples": fixtures.Path(t, "applications", "samples", "api", "openapi.yaml"),
		"pets":    "testdata/pets/openapi.yaml",
		"v31":     "../openapi/testdata/v31.yaml",
		"v20":     "../openapi/testdata/v20.yaml",
		"extra":   "testdata/extra/openapi.yaml",
		// Goldens of internal/codegen: every position of
		// additionalProperties, arrays of inline objects in referenced
		// schemas, 3.1 type lists; and specs invalid but unambiguous.
		"shapes":      "../codegen/testdata/specs/shapes.yaml",
		"tolerated":   "../codegen/testdata/specs/tolerated.yaml",
		"tolerated30": "../codegen/testdata/specs/tolerated30.yaml",
	}
	// The corpus of public specs (testdata/corpus/README.md), one app each.
	corpus, err := filepath.Glob("testdata/corpus/*.*")
	if err != nil || len(corpus) == 0 {
		t.Fatalf("corpus: %v", err)
	}
	corpus = slices.DeleteFunc(corpus, func(f string) bool { return strings.HasSuffix(f, ".md") })
	diffApps := []string{"samples", "pets", "v31", "v20", "extra", "multi", "big", "shapes"}
	for _, f := range corpus {
		app := corpusApp(f)
		specs[app] = f
		diffApps = append(diffApps, app)
	}
	root := solution(t, specs)
	// A multi-file spec with relative $refs and a recursive schema.
	for _, f := range []string{"openapi.yaml", "params.yaml", "schemas/tree.yaml"} {
		data, err := os.ReadFile(filepath.Join("../openapi/testdata/multi", f))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(root, "applications", "multi", "api", filepath.FromSlash(f)), data)
	}
	// 500 operations.
	write(t, filepath.Join(root, "applications", "big", "api", "openapi.yaml"), specgen.Spec(100))
	res, err := (&Generate{Root: root, Servers: true, Clients: true}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Apps) != 10+len(corpus) || len(res.Scaffolded) != 3*len(res.Apps) {
		t.Fatalf("apps %v, scaffolded %v", res.Apps, res.Scaffolded)
	}
	for _, f := range []string{"samples_test.go", "pets_test.go", "extra_test.go", "failures_test.go", "operable_test.go", "ergonomics_test.go", "tolerated_test.go"} {
		data, err := os.ReadFile(filepath.Join("testdata", "roundtrip", f+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(root, "roundtrip", f), data)
	}
	checkGofmt(t, root)
	diff := prepareDifferential(t, root, diffApps)
	zero := prepareZeroAnswers(t, root, diffApps)
	goCmd(t, root, "vet", "./...")
	// Tests run where there are tests: the round trips, the differential
	// and zero-answer runners and the scaffolded service tests; vet above
	// already type-checked the rest.
	goCmdEnv(t, root, []string{"DIFF_OUT=" + diff.out, "ZERO_OUT=" + zero.out}, "test", "-count=1", "./roundtrip", "./difftest", "./zerotest", "./applications/samples/backend/service", "./applications/pets/backend/service")
	diff.check(t)
	zero.check(t)
}

// checkGofmt: every Go file generated is as gofmt prints it. Pieces are
// printed apart and joined (codegen.Server), so this is what proves the
// joined files canonical, on every spec of the suite.
func checkGofmt(t *testing.T, root string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(root, "applications"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".go" {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		if out, err := format.Source(src); err != nil || !bytes.Equal(out, src) {
			t.Errorf("%s is not as gofmt prints it (%v)", p, err)
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("checked %d files: %v", n, err)
	}
}

func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestOwnership checks the manifest rules: regeneration is stable, --check
// reports drift, files of a removed operation are deleted, user-owned
// files and foreign files are never touched.
func TestOwnership(t *testing.T) {
	root := solution(t, map[string]string{"pets": "testdata/pets/openapi.yaml"})
	ctx := context.Background()
	g := &Generate{Root: root, Servers: true, Clients: true}
	if _, err := g.Run(ctx); err != nil {
		t.Fatal(err)
	}
	svc := filepath.Join(root, "applications/pets/backend/service/service.go")
	write(t, svc, []byte("package service // mine\n"))
	foreign := filepath.Join(root, "applications/pets/backend/pets/notes.txt")
	write(t, foreign, []byte("mine"))
	before := snapshot(t, root)

	res, err := (&Generate{Root: root, Servers: true, Clients: true, Check: true}).Run(ctx)
	if err != nil || res.Changed() {
		t.Fatalf("check right after generating: %+v, %v", res, err)
	}
	if _, err := g.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, root); !equal(before, after) {
		t.Fatalf("regenerating changed files")
	}

	// Drop addNote from the spec: its code leaves operations_gen.go.
	spec := filepath.Join(root, "applications/pets/api/openapi.yaml")
	data, _ := os.ReadFile(spec)
	i := bytes.Index(data, []byte("  /pets/{petId}/notes:"))
	j := bytes.Index(data, []byte("components:"))
	write(t, spec, append(append([]byte{}, data[:i]...), data[j:]...))
	// A file an earlier generation wrote (harness once wrote a file per
	// operation) and lists in the manifest, no longer produced.
	pkg := filepath.Join(root, "applications/pets/backend/pets")
	write(t, filepath.Join(pkg, "op_add_note_gen.go"), []byte("package pets\n"))
	manifest, _ := os.ReadFile(filepath.Join(pkg, ManifestName))
	write(t, filepath.Join(pkg, ManifestName), append(manifest, "op_add_note_gen.go\n"...))
	res, err = (&Generate{Root: root, Servers: true, Clients: true, Check: true}).Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantDeleted := []string{"applications/pets/backend/pets/op_add_note_gen.go"}
	if !equalList(res.Deleted, wantDeleted) || !slices.Contains(res.Written, "applications/pets/backend/pets/operations_gen.go") {
		t.Fatalf("check: deleted %v, want %v; written %v", res.Deleted, wantDeleted, res.Written)
	}
	if after := snapshot(t, root); after["applications/pets/backend/pets/op_add_note_gen.go"] == "" || !strings.Contains(after["applications/pets/backend/pets/operations_gen.go"], "AddNote") {
		t.Fatal("--check changed a file")
	}
	if _, err := g.Run(ctx); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, root)
	if _, ok := after["applications/pets/backend/pets/op_add_note_gen.go"]; ok {
		t.Error("a file the manifest lists and no longer produced is still there")
	}
	if strings.Contains(after["applications/pets/backend/pets/operations_gen.go"], "AddNote") {
		t.Error("the removed operation's code is still there")
	}
	if after["applications/pets/backend/service/service.go"] != "package service // mine\n" || after["applications/pets/backend/pets/notes.txt"] != "mine" {
		t.Error("a user-owned or foreign file was touched")
	}
}

// TestBadSpecWritesNothing: an invalid spec fails with file:line and leaves
// every file as it was.
func TestBadSpecWritesNothing(t *testing.T) {
	// Applications are planned side by side: beside the broken one, a
	// valid one and another broken one later in order.
	root := solution(t, map[string]string{"pets": "testdata/pets/openapi.yaml", "a": "testdata/pets/openapi.yaml", "z": "testdata/pets/openapi.yaml"})
	ctx := context.Background()
	if _, err := (&Generate{Root: root, Servers: true, Clients: true}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, root)
	spec := filepath.Join(root, "applications/pets/api/openapi.yaml")
	data, _ := os.ReadFile(spec)
	bad := bytes.Replace(data, []byte("operationId: getPet"), []byte("operationId: listPets"), 1)
	write(t, spec, bad)
	before["applications/pets/api/openapi.yaml"] = string(bad)
	write(t, filepath.Join(root, "applications/z/api/openapi.yaml"), []byte("openapi: 3.0.3\n"))
	before["applications/z/api/openapi.yaml"] = "openapi: 3.0.3\n"
	write(t, filepath.Join(root, "applications/a/api/openapi.yaml"), append(data, "\n# changed\n"...))
	before["applications/a/api/openapi.yaml"] = string(data) + "\n# changed\n"
	_, err := (&Generate{Root: root, Servers: true, Clients: true}).Run(ctx)
	var located []*openapi.Error
	if err == nil || !errors.As(err, new(openapi.Errors)) {
		t.Fatalf("err = %v, want located errors", err)
	}
	located = openapi.AsErrors(err)
	if !strings.HasPrefix(located[0].Error(), "applications/pets/api/openapi.yaml:") || !strings.Contains(err.Error(), `duplicate operationId "listPets"`) {
		t.Errorf("error %q", err)
	}
	if after := snapshot(t, root); !equal(before, after) {
		t.Error("a failed generation changed files")
	}
}

func equal(a, b map[string]string) bool {
	if !equalList(keys(a), keys(b)) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

func equalList(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

// TestFirstGenerationIsOneRename: a folder that did not exist is staged
// beside its place and renamed into it whole; nothing temporary is left and
// the modes are the usual ones.
func TestFirstGenerationIsOneRename(t *testing.T) {
	root := solution(t, map[string]string{"pets": "testdata/pets/openapi.yaml"})
	if _, err := (&Generate{Root: root, Servers: true, Clients: true}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(root, "applications", "pets")
	files := 0
	err := filepath.WalkDir(app, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary entry left: %s", p)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := os.FileMode(0o644)
		if d.IsDir() {
			want = 0o755 | os.ModeDir
		} else {
			files++
		}
		if info.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, info.Mode(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 10 {
		t.Fatalf("only %d files under %s", files, app)
	}
}
