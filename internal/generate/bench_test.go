package generate

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/harness-sh/harness/internal/openapi"
	"github.com/harness-sh/harness/internal/specgen"
)

// BenchmarkGenerate500 loads, validates and renders (server, client and
// scaffolds) a 500-operation spec: the work of one `harness-generate all`
// for one application, minus the writes. bench/generate.sh compares it with
// oapi-codegen.
func BenchmarkGenerate500(b *testing.B) {
	file := filepath.Join(b.TempDir(), "openapi.yaml")
	if err := os.WriteFile(file, specgen.Spec(100), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		spec, err := openapi.Load(context.Background(), file)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Render(spec, "big", "example.com/s/applications/big/backend/big", true, true); err != nil {
			b.Fatal(err)
		}
	}
}
