package openapi

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harness-sh/harness/internal/fixtures"
)

func TestLoadGood(t *testing.T) {
	tests := []struct {
		name, file string
		version    Version
		ops        int
	}{
		{"3.0 multi-file, circular", "testdata/multi/openapi.yaml", V30, 1},
		{"3.1", "testdata/v31.yaml", V31, 1},
		{"2.0", "testdata/v20.yaml", V20, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load(context.Background(), tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if s.Version != tt.version {
				t.Errorf("version %q, want %q", s.Version, tt.version)
			}
			n := 0
			for _, item := range s.Doc.Paths.Map() {
				n += len(item.Operations())
			}
			if n != tt.ops {
				t.Errorf("%d operations, want %d", n, tt.ops)
			}
		})
	}
}

func TestLoadCloudHarnessSamples(t *testing.T) {
	s, err := Load(context.Background(), fixtures.Path(t, "applications", "samples", "api", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := len(s.Doc.Paths.Map()); got != 9 {
		t.Errorf("%d paths, want 9", got)
	}
}

// TestLoadBad checks that each kind of bad input is refused with the file,
// the line and the key of the problem.
func TestLoadBad(t *testing.T) {
	const head = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\n"
	tests := []struct {
		name string
		spec string
		want string // the first line of the error, after "FILE:"
	}{
		{"empty", "", "1: the file is empty"},
		{"blank", "\n  \n", "1: the file is empty"},
		{"binary", "openapi: 3.0.3\n\x00\x01\x02", "2: not a text file"},
		{"broken YAML", "openapi: 3.0.3\ninfo:\n  title: a: b\n", "3: invalid YAML: mapping values are not allowed"},
		{"not a mapping", "- a\n- b\n", "1: the document is a list"},
		{"unknown version", "openapi: 4.0.0\ninfo: {title: t, version: \"1\"}\npaths: {}\n", `1: openapi: unsupported OpenAPI version "4.0.0"`},
		{"no version", "info: {title: t, version: \"1\"}\npaths: {}\n", "1: no `openapi:` version"},
		{"missing info", "openapi: 3.0.3\npaths: {}\n", "1: info: missing"},
		{"unresolvable ref", head + "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/Nope\"\n",
			`13: paths./a.get.responses.200.content.application/json.schema.$ref: $ref "#/components/schemas/Nope" does not resolve`},
		{"unresolvable file ref", head + "paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        \"200\":\n          $ref: \"missing.yaml#/R\"\n",
			`9: paths./a.get.responses.200.$ref: $ref "missing.yaml#/R": cannot read`},
		{"duplicate operationId", head + "paths:\n  /a:\n    get:\n      operationId: a\n      responses: {\"200\": {description: ok}}\n  /b:\n    get:\n      operationId: a\n      responses: {\"200\": {description: ok}}\n",
			`10: paths./b.get.operationId: duplicate operationId "a" (first used at `},
		{"undeclared path parameter", head + "paths:\n  /pets/{id}:\n    get:\n      operationId: a\n      responses: {\"200\": {description: ok}}\n",
			"5: paths./pets/{id}.get: operation GET /pets/{id} must define exactly all path parameters (missing: [id])"},
		{"parameter in body", head + "paths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - name: q\n          in: query\n          schema: {type: string}\n        - name: b\n          in: body\n          schema: {type: string}\n      responses: {\"200\": {description: ok}}\n",
			`12: paths./a.get.parameters.1.in: parameter can't have 'in' value "body"`},
		{"invalid type", head + "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        n:\n          type: strin\n",
			`10: components.schemas.A.properties.n.type: invalid type "strin"`},
		{"required not a list", head + "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      required: yes\n",
			"8: components.schemas.A.required: must be a list"},
		{"deep flow nesting", "openapi: 3.0.3\nx: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n", "2: nesting deeper than 200 levels"},
		{"deep compact lists", "openapi: 3.0.3\nx: \n  " + strings.Repeat("- ", 10000) + "x\n", "exceeded max depth"},
		{"deep block nesting", "openapi: 3.0.3\nx:\n" + deepBlock(1000), "nesting deeper than 200 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "openapi.yaml")
			if err := os.WriteFile(file, []byte(tt.spec), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(context.Background(), file)
			if err == nil {
				t.Fatal("loaded; want an error")
			}
			first := strings.SplitN(err.Error(), "\n", 2)[0]
			if !strings.HasPrefix(first, file+":") || !strings.Contains(first, tt.want) {
				t.Errorf("error:\n  %s\nwant it to start with %s: and contain\n  %s", first, file, tt.want)
			}
			if len(AsErrors(err)) == 0 {
				t.Errorf("error %T is not a located *Error", err)
			}
		})
	}
}

func deepBlock(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat(" ", i+1))
		b.WriteString("a:\n")
	}
	return b.String()
}

// FuzzLoad feeds arbitrary documents to the loader: it must return a spec or
// an error, never panic or hang.
func FuzzLoad(f *testing.F) {
	for _, p := range []string{"testdata/v31.yaml", "testdata/v20.yaml", "testdata/multi/openapi.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /a/{x}:\n    get:\n      responses: {}\n"))
	f.Add([]byte("{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"components\":{\"schemas\":{\"A\":{\"$ref\":\"#/components/schemas/A\"}}}}"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, "openapi.yaml")
		done := make(chan error, 1)
		go func() {
			_, err := load(context.Background(), file, data)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil && err.Error() == "" {
				t.Fatal("empty error message")
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("load hangs on %q", data)
		}
	})
}
