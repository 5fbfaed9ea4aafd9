package codegen

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/openapi"
)

func TestRouteConflicts(t *testing.T) {
	tests := []struct {
		name  string
		paths string
		want  string // "" for no error
	}{
		{
			name:  "literal beats wildcard",
			paths: "  /items/{id}:\n    get: {operationId: a, parameters: [{name: id, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n  /items/new:\n    get: {operationId: b, responses: {'200': {description: ok}}}\n",
		},
		{
			name: "neither more specific",
			paths: "  /r/{a}/labels:\n    get: {operationId: a, parameters: [{name: a, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n" +
				"  /r/comments/{b}:\n    get: {operationId: b, parameters: [{name: b, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n",
			want: `openapi.yaml:7: paths./r/comments/{b}.get: GET /r/comments/{b} and GET /r/{a}/labels cannot be routed apart (Go's ServeMux finds neither more specific): both match /r/comments/labels; rename a literal segment or merge the operations`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			spec := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n" + tt.paths
			p := filepath.Join(dir, "openapi.yaml")
			if err := os.WriteFile(p, []byte(spec), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := openapi.Load(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Build(s, "app", "example.com/app")
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""), tt.want)):
				t.Fatalf("error = %v\nwant it to contain %s", err, tt.want)
			}
		})
	}
}
