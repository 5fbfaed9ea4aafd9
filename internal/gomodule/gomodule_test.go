package gomodule

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/harness-sh/harness/internal/runtimesrc"
)

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func parse(t *testing.T, m *Module) *modfile.File {
	t.Helper()
	f, ok := m.Files.Get("go.mod")
	if !ok {
		t.Fatal("no go.mod planned")
	}
	mf, err := modfile.Parse("go.mod", f.Data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return mf
}

func requires(mf *modfile.File) map[string]bool {
	out := map[string]bool{}
	for _, r := range mf.Require {
		out[r.Mod.Path] = r.Indirect
	}
	return out
}

func TestPlanCreates(t *testing.T) {
	root := filepath.Join(t.TempDir(), "My Shop")
	m, err := Plan(root)
	if err != nil {
		t.Fatal(err)
	}
	if m.Path != "my-shop" || m.RuntimeDir != runtimesrc.DefaultDir {
		t.Fatalf("module %q runtime %q", m.Path, m.RuntimeDir)
	}
	mf := parse(t, m)
	req := requires(mf)
	if indirect, ok := req[runtimesrc.ModulePath]; !ok || indirect {
		t.Errorf("runtime not required directly: %v", req)
	}
	if indirect, ok := req["gopkg.in/yaml.v3"]; !ok || !indirect {
		t.Errorf("runtime's dependency not required indirectly: %v", req)
	}
	if len(mf.Replace) != 1 || mf.Replace[0].New.Path != "./"+runtimesrc.DefaultDir {
		t.Errorf("replace: %+v", mf.Replace)
	}
	if _, ok := m.Files.Get(runtimesrc.DefaultDir + "/go.mod"); !ok {
		t.Error("runtime copy not planned")
	}
	if ip, _ := m.ImportPath(filepath.Join(root, "applications", "a", "backend")); ip != "my-shop/applications/a/backend" {
		t.Errorf("import path %q", ip)
	}
}

func TestPlanWiresExisting(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/shop\n\ngo 1.22\n\nrequire github.com/google/uuid v1.6.0\n")
	writeFile(t, filepath.Join(root, "go.sum"), "github.com/google/uuid v1.6.0 h1:x\n")
	writeFile(t, filepath.Join(root, ".git", "HEAD"), "")
	sub := filepath.Join(root, "services")
	m, err := Plan(sub)
	if err != nil {
		t.Fatal(err)
	}
	if m.Dir != root || m.Path != "example.com/shop" {
		t.Fatalf("module at %s named %s", m.Dir, m.Path)
	}
	mf := parse(t, m)
	req := requires(mf)
	for _, p := range []string{"github.com/google/uuid", runtimesrc.ModulePath, "gopkg.in/yaml.v3"} {
		if _, ok := req[p]; !ok {
			t.Errorf("%s not required: %v", p, req)
		}
	}
	if mf.Go.Version == "1.22" {
		t.Errorf("go directive not raised to the runtime's")
	}
	sum, _ := m.Files.Get("go.sum")
	if !strings.Contains(string(sum.Data), "github.com/google/uuid v1.6.0 h1:x") || !strings.Contains(string(sum.Data), "gopkg.in/yaml.v3") {
		t.Errorf("go.sum not a union:\n%s", sum.Data)
	}
}

func TestPlanAlreadyWired(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module example.com/shop\n\ngo 1.26\n\nrequire "+runtimesrc.ModulePath+" v0.0.0\n\nreplace "+runtimesrc.ModulePath+" => ./third_party/runtime\n")
	m, err := Plan(root)
	if err != nil {
		t.Fatal(err)
	}
	if m.RuntimeDir != "third_party/runtime" || m.Files.Len() != 0 {
		t.Fatalf("runtime %q, files %v: a runtime placed by the user must not be touched", m.RuntimeDir, m.Files.Paths())
	}
}

func TestPlanErrors(t *testing.T) {
	tests := []struct {
		name, gomod, want string
	}{
		{"required without replace", "module a\n\nrequire " + runtimesrc.ModulePath + " v0.1.0\n", "without a replace directive"},
		{"broken go.mod", "module a\n\nrequire (\n", "go.mod:"},
		{"no module", "go 1.26\n", "no module directive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, filepath.Join(root, "go.mod"), tt.gomod)
			_, err := Plan(root)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
