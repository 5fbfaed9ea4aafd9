package scaffold

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/mod/modfile"

	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/internal/golden"
	"github.com/harness-sh/harness/internal/gomodule"
)

// fragments are the modules each template's code imports, at the versions
// -update pins (the newest the module proxy serves that build with the
// solution's Go), and the packages it imports of them: the database
// templates' drivers, and go-server's OpenTelemetry (backend/telemetry.go).
var fragments = map[string]struct {
	modules  []string
	packages []string
}{
	"go-server": {
		[]string{
			"go.opentelemetry.io/otel@v1.47.0",
			"go.opentelemetry.io/otel/sdk@v1.47.0",
			"go.opentelemetry.io/otel/sdk/metric@v1.47.0",
			"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp@v1.47.0",
			"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp@v1.47.0",
			"go.opentelemetry.io/otel/exporters/stdout/stdouttrace@v1.47.0",
			"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric@v1.47.0",
			"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp@v0.72.0",
		},
		[]string{
			"go.opentelemetry.io/otel",
			"go.opentelemetry.io/otel/attribute",
			"go.opentelemetry.io/otel/propagation",
			"go.opentelemetry.io/otel/sdk/resource",
			"go.opentelemetry.io/otel/sdk/trace",
			"go.opentelemetry.io/otel/sdk/metric",
			"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp",
			"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetrichttp",
			"go.opentelemetry.io/otel/exporters/stdout/stdouttrace",
			"go.opentelemetry.io/otel/exporters/stdout/stdoutmetric",
			"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp",
		},
	},
	"db-postgres": {[]string{"github.com/jackc/pgx/v5@v5.13.0"}, []string{"github.com/jackc/pgx/v5", "github.com/jackc/pgx/v5/pgxpool"}},
	"db-mongo":    {[]string{"go.mongodb.org/mongo-driver/v2@v2.10.0"}, []string{"go.mongodb.org/mongo-driver/v2/mongo", "go.mongodb.org/mongo-driver/v2/mongo/options", "go.mongodb.org/mongo-driver/v2/bson"}},
	"db-neo4j":    {[]string{"github.com/neo4j/neo4j-go-driver/v5@v5.28.4"}, []string{"github.com/neo4j/neo4j-go-driver/v5/neo4j"}},
}

// TestModuleFragments checks each template's .module files: they require
// its modules directly, with checksums. With -update they are made anew by
// `go mod tidy` in a module importing the packages beside the runtime.
//
// The applications of one solution share its go.mod, where the fragments
// of their templates meet: each fragment is resolved with every
// template's modules required, then tidied to what its own packages need,
// so that all of them list a module they share at the same version (the
// highest any of them asks for). Fragments resolved apart disagree (one
// driver's golang.org/x/crypto older than what OpenTelemetry's x/net
// requires), and their union is not a go.mod that -mod=readonly accepts.
//
// harness's own golang.org/x requirements are floors too: the fixes that
// govulncheck asked of harness (scripts/vulncheck.sh), its solutions get.
func TestModuleFragments(t *testing.T) {
	all := xFloors(t)
	for _, d := range fragments {
		all = append(all, d.modules...)
	}
	for tpl, d := range fragments {
		t.Run(tpl, func(t *testing.T) {
			dir := filepath.Join("..", "..", "templates", tpl, ".module")
			if golden.Updating() {
				writeFragment(t, dir, all, d.packages)
			}
			data, err := os.ReadFile(filepath.Join(dir, "go.mod.txt"))
			if err != nil {
				t.Fatal(err)
			}
			f, err := modfile.ParseLax("go.mod.txt", data, nil)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := os.ReadFile(filepath.Join(dir, "go.sum"))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range d.modules {
				path, version, _ := strings.Cut(m, "@")
				found := false
				for _, r := range f.Require {
					found = found || (r.Mod.Path == path && r.Mod.Version == version && !r.Indirect)
				}
				if !found {
					t.Errorf("%s/go.mod.txt does not require %s directly", dir, m)
				}
				if !bytes.Contains(sum, []byte(path+" "+version+" h1:")) {
					t.Errorf("%s/go.sum lacks %s's checksum", dir, m)
				}
			}
		})
	}
	// What the fragments share, they require at one version.
	seen := map[string]string{} // module path -> "version (template)"
	for _, tpl := range slices.Sorted(maps.Keys(fragments)) {
		data, err := os.ReadFile(filepath.Join("..", "..", "templates", tpl, ".module", "go.mod.txt"))
		if err != nil {
			t.Fatal(err)
		}
		f, err := modfile.ParseLax("go.mod.txt", data, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range f.Require {
			v, ok := seen[r.Mod.Path]
			if ok && !strings.HasPrefix(v, r.Mod.Version+" ") {
				t.Errorf("%s requires %s %s, another fragment %s: run with -update", tpl, r.Mod.Path, r.Mod.Version, v)
			}
			if !ok {
				seen[r.Mod.Path] = r.Mod.Version + " (" + tpl + ")"
			}
		}
	}
}

// writeFragment resolves modules (every template's), then tidies them to
// what packages (one template's) need.
// xFloors lists harness's golang.org/x requirements as module@version.
func xFloors(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range f.Require {
		if strings.HasPrefix(r.Mod.Path, "golang.org/x/") {
			out = append(out, r.Mod.Path+"@"+r.Mod.Version)
		}
	}
	return out
}

func writeFragment(t *testing.T, dir string, modules, packages []string) {
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
	for _, args := range [][]string{append([]string{"get"}, modules...), {"mod", "tidy"}} {
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
	if err := requireModules(mod, []Template{{Name: "base", FS: fstest.MapFS{}}, tpl}, Data{Database: "x"}); err != nil {
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

// A database template's fragment counts only when its code is rendered
// (not with --openapi, whose service stays in memory); a server
// template's always does.
func TestRequireModulesOfRenderedCode(t *testing.T) {
	fragment := func(mod string) fstest.MapFS {
		return fstest.MapFS{
			".module/go.mod.txt": {Data: []byte("module fragment\n\nrequire " + mod + " v1.0.0\n")},
			".module/go.sum":     {Data: []byte(mod + " v1.0.0 h1:x=\n")},
		}
	}
	tpls := []Template{{Name: "go-server", FS: fragment("example.com/otel")}, {Name: "db-x", FS: fragment("example.com/driver")}}
	for _, tc := range []struct {
		name string
		data Data
		want []string
	}{
		{"database code rendered", Data{Database: "x"}, []string{"example.com/driver", "example.com/otel"}},
		{"database code left out", Data{}, []string{"example.com/otel"}},
		{"another database's code rendered", Data{Database: "y"}, []string{"example.com/otel"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			os.WriteFile(filepath.Join(root, "go.mod"), []byte("module shop\n\ngo 1.26\n"), 0o644)
			mod := &gomodule.Module{Dir: root, Files: fileset.New()}
			if err := requireModules(mod, tpls, tc.data); err != nil {
				t.Fatal(err)
			}
			gomod, _ := mod.Files.Get("go.mod")
			f, err := modfile.Parse("go.mod", gomod.Data, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range f.Require {
				got = append(got, r.Mod.Path)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("go.mod requires %q, want %q", got, tc.want)
			}
			sum, _ := mod.Files.Get("go.sum")
			for _, m := range tc.want {
				if !bytes.Contains(sum.Data, []byte(m+" v1.0.0 h1:")) {
					t.Errorf("go.sum lacks %s:\n%s", m, sum.Data)
				}
			}
		})
	}
}
