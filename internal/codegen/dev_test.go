package codegen

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/harness-sh/harness/internal/openapi"
)

func TestDev(t *testing.T) {
	spec, err := openapi.Load(context.Background(), os.Getenv("SPEC"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Build(spec, "samples", "example.com/x/samples")
	if err != nil {
		t.Fatal(err)
	}
	files, err := Server(spec, m)
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("OUT")
	os.RemoveAll(dir)
	os.MkdirAll(dir, 0o755)
	for name, data := range files {
		os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
}
