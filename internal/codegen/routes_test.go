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
		group string // "PATTERN: OPS" of the one route group expected
	}{
		{
			name:  "literal beats wildcard",
			paths: "  /items/{id}:\n    get: {operationId: a, parameters: [{name: id, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n  /items/new:\n    get: {operationId: b, responses: {'200': {description: ok}}}\n",
		},
		{
			name: "neither more specific: grouped",
			paths: "  /r/{a}/labels:\n    get: {operationId: a, parameters: [{name: a, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n" +
				"  /r/comments/{b}:\n    get: {operationId: b, parameters: [{name: b, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n",
			group: "GET /r/{_g1}/{_g2}: B A",
		},
		{
			name: "text beside a parameter before a bare parameter",
			paths: "  /r/{a}.json:\n    get: {operationId: a, parameters: [{name: a, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n" +
				"  /r/{b}:\n    get: {operationId: b, parameters: [{name: b, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n",
			group: "GET /r/{_g1}: A B",
		},
		{
			name: "grouped then grown",
			paths: "  /r/{a}/labels:\n    get: {operationId: a, parameters: [{name: a, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n" +
				"  /r/comments/{b}:\n    get: {operationId: b, parameters: [{name: b, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n" +
				"  /r/{c}/{d}:\n    get: {operationId: c, parameters: [{name: c, in: path, required: true, schema: {type: string}}, {name: d, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n",
			group: "GET /r/{_g1}/{_g2}: B A C",
		},
		{
			name: "same requests: grouped, the second never reached",
			paths: "  /r/{a}:\n    get: {operationId: a, parameters: [{name: a, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n" +
				"  /r/{b}:\n    get: {operationId: b, parameters: [{name: b, in: path, required: true, schema: {type: string}}], responses: {'200': {description: ok}}}\n",
			group: "GET /r/{_g1}: A B",
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
			m, err := Build(s, "app", "example.com/app")
			if err == nil {
				var got string
				for _, g := range m.Groups {
					got = g.Pattern + ":"
					for _, op := range g.Ops {
						got += " " + op.Name
					}
				}
				if got != tt.group {
					t.Errorf("route groups %q, want %q", got, tt.group)
				}
			}
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""), tt.want)):
				t.Fatalf("error = %v\nwant it to contain %s", err, tt.want)
			}
		})
	}
}

// TestWildcardNames: routes keep the spec's parameter names, made Go
// identifiers for ServeMux, numbered when a path repeats one.
func TestWildcardNames(t *testing.T) {
	tests := []struct{ path, params, route string }{
		{"/pets/{petId}", "[{name: petId, in: path, required: true, schema: {type: string}}]", "GET /pets/{petId}"},
		{"/o/{the-id}/{2x}/{a.b}", "[{name: the-id, in: path, required: true, schema: {type: string}}, {name: 2x, in: path, required: true, schema: {type: string}}, {name: a.b, in: path, required: true, schema: {type: string}}]", "GET /o/{the_id}/{_2x}/{a_b}"},
		{"/p/{id}/to/{id}", "[{name: id, in: path, required: true, schema: {type: string}}]", "GET /p/{id}/to/{id2}"},
		{"/f/{name}.{ext}", "[{name: name, in: path, required: true, schema: {type: string}}, {name: ext, in: path, required: true, schema: {type: string}}]", "GET /f/{_s1}"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "openapi.yaml")
			spec := "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  " + tt.path + ":\n    get: {operationId: a, parameters: " + tt.params + ", responses: {'204': {description: ok}}}\n"
			if err := os.WriteFile(p, []byte(spec), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := openapi.Load(context.Background(), p)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Build(s, "app", "example.com/app")
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Ops[0].Route; got != tt.route {
				t.Errorf("route %q, want %q", got, tt.route)
			}
		})
	}
}
