package scaffold

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/mod/modfile"

	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/internal/golden"
	"github.com/harness-sh/harness/internal/gomodule"
)

// drivers are the modules each database template's code imports, and the
// packages it imports of them.
var drivers = map[string]struct {
	module   string
	packages []string
}{
	"db-postgres": {"github.com/jackc/pgx/v5@v5.13.0", []string{"github.com/jackc/pgx/v5", "github.com/jackc/pgx/v5/pgxpool"}},
	"db-mongo":    {"go.mongodb.org/mongo-driver/v2@v2.10.0", []string{"go.mongodb.org/mongo-driver/v2/mongo", "go.mongodb.org/mongo-driver/v2/mongo/options", "go.mongodb.org/mongo-driver/v2/bson"}},
	"db-neo4j":    {"github.com/neo4j/neo4j-go-driver/v5@v5.28.4", []string{"github.com/neo4j/neo4j-go-driver/v5/neo4j"}},
}

// TestModuleFragments checks each database template's .module files: they
// require its driver with checksums. With -update they are made anew by
// `go mod tidy` in a module importing the driver beside the runtime.
func TestModuleFragments(t *testing.T) {
	for tpl, d := range drivers {
		t.Run(tpl, func(t *testing.T) {
			dir := filepath.Join("..", "..", "templates", tpl, ".module")
			if golden.Updating() {
				writeFragment(t, dir, d.module, d.packages)
			}
			data, err := os.ReadFile(filepath.Join(dir, "go.mod.txt"))
			if err != nil {
				t.Fatal(err)
			}
			f, err := modfile.ParseLax("go.mod.txt", data, nil)
			if err != nil {
				t.Fatal(err)
			}
			path, version, _ := strings.Cut(d.module, "@")
			found := false
			for _, r := range f.Require {
				found = found || (r.Mod.Path == path && r.Mod.Version == version && !r.Indirect)
			}
			if !found {
				t.Errorf("%s/go.mod.txt does not require %s directly", dir, d.module)
			}
			sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
			if err != nil || !bytes.Contains(sum, []byte(path+" "+version+" h1:")) {
				t.Errorf("%s/go.sum lacks %s's checksum (%v)", dir, d.module, err)
			}
		})
	}
}

func writeFragment(t *testing.T, dir, module string, packages []string) {
	runtimeDir, err := filepath.Abs(filepath.Join("..", "..", "runtime"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	gomod := "module fragment\n\ngo 1.26.0\n\nrequire github.com/harness-sh/harness/runtime v0.0.0\n\nreplace github.com/harness-sh/harness/runtime => " + runtimeDir + "\n"
	src := "package main\n\nimport (\n\t_ \"github.com/harness-sh/harness/runtime\"\n"
	for _, p := range packages {
		src += "\t_ " + `"` + p + `"` + "\n"
	}
	src += ")\n\nfunc main() {}\n"
	os.WriteFile(filepath.Join(tmp, "go.mod"), []byte(gomod), 0o644)
	os.WriteFile(filepath.Join(tmp, "main.go"), []byte(src), 0o644)
	for _, args := range [][]string{{"get", module}, {"mod", "tidy"}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = tmp
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	data, _ := os.ReadFile(filepath.Join(tmp, "go.mod"))
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	text := []byte("module fragment\n\nrequire (\n")
	for _, r := range f.Require {
		if r.Mod.Path == "github.com/harness-sh/harness/runtime" {
			continue
		}
		text = append(text, "\t"+r.Mod.Path+" "+r.Mod.Version...)
		if r.Indirect {
			text = append(text, " // indirect"...)
		}
		text = append(text, '\n')
	}
	text = append(text, ")\n"...)
	sum, _ := os.ReadFile(filepath.Join(tmp, "go.sum"))
	header := []byte("// What this template's code needs in the solution's go.mod; made by\n// go test ./internal/scaffold -run TestModuleFragments -update\n")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "go.mod.txt"), append(header, text...), 0o644)
	os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
}

// requireModules adds what the solution lacks, keeps a newer version it
// has, and makes an indirect requirement direct when the template imports it.
func TestRequireModules(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "go.mod"), []byte("module shop\n\ngo 1.26\n\nrequire (\n\texample.com/new v1.5.0\n\texample.com/ind v1.0.0 // indirect\n)\n"), 0o644)
	os.WriteFile(filepath.Join(root, "go.sum"), []byte("example.com/new v1.5.0 h1:x=\n"), 0o644)
	tpl := Template{Name: "db-x", FS: fstest.MapFS{
		".module/go.mod.txt": {Data: []byte("module fragment\n\nrequire (\n\texample.com/new v1.2.0\n\texample.com/ind v1.0.0\n\texample.com/added v0.3.0 // indirect\n)\n")},
		".module/go.sum":     {Data: []byte("example.com/added v0.3.0 h1:y=\nexample.com/new v1.5.0 h1:x=\n")},
	}}
	mod := &gomodule.Module{Dir: root, Files: fileset.New()}
	if err := requireModules(mod, []Template{{Name: "base", FS: fstest.MapFS{}}, tpl}); err != nil {
		t.Fatal(err)
	}
	gomod, _ := mod.Files.Get("go.mod")
	f, err := modfile.Parse("go.mod", gomod.Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range f.Require {
		got[r.Mod.Path] = r.Mod.Version
		if r.Indirect {
			got[r.Mod.Path] += " indirect"
		}
	}
	want := map[string]string{"example.com/new": "v1.5.0", "example.com/ind": "v1.0.0", "example.com/added": "v0.3.0 indirect"}
	for p, v := range want {
		if got[p] != v {
			t.Errorf("%s: %q, want %q\n%s", p, got[p], v, gomod.Data)
		}
	}
	sum, _ := mod.Files.Get("go.sum")
	if string(sum.Data) != "example.com/added v0.3.0 h1:y=\nexample.com/new v1.5.0 h1:x=\n" {
		t.Errorf("go.sum:\n%s", sum.Data)
	}
}
