package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateCommand runs `generate` through the command tree: exit codes,
// --check drift, a located error for a bad spec.
func TestGenerateCommand(t *testing.T) {
	root := t.TempDir()
	spec := filepath.Join(root, "applications", "pets", "api", "openapi.yaml")
	if err := os.MkdirAll(filepath.Dir(spec), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../generate/testdata/pets/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(spec, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/s\n\ngo 1.24\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		args    []string
		code    int
		wantOut string
	}{
		{"usage", []string{"generate", "everything", "--root", root}, ExitUsage, ""},
		{"check before generating", []string{"generate", "all", "--check", "--root", root}, ExitUser, "would write applications/pets/backend/pets/api_gen.go"},
		{"generate", []string{"generate", "all", "--root", root}, ExitOK, "created applications/pets/backend/main.go"},
		{"check after generating", []string{"generate", "all", "--check", "--root", root}, ExitOK, "up to date"},
		{"unknown app", []string{"generate", "servers", "-a", "nope", "--root", root}, ExitUser, ""},
	}
	for _, s := range steps {
		code, out, errOut := run(t, s.args...)
		if code != s.code || !strings.Contains(out, s.wantOut) {
			t.Fatalf("%s: exit %d (want %d)\nstdout:\n%s\nstderr:\n%s", s.name, code, s.code, out, errOut)
		}
	}
	if err := os.WriteFile(spec, []byte("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /a/{x}:\n    get:\n      operationId: a\n      responses: {\"200\": {description: ok}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "generate", "all", "--root", root)
	want := "applications/pets/api/openapi.yaml:5: paths./a/{x}.get: operation GET /a/{x} must define exactly all path parameters"
	if code != ExitUser || !strings.Contains(errOut, want) {
		t.Fatalf("bad spec: exit %d, stderr %q, want it to contain %q", code, errOut, want)
	}
}
