package openapi

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadTolerated: specs that are invalid but unambiguous load, each
// mistake a warning at its line (as the generators users know accept
// them); a mistake beside them that is not tolerated still refuses the
// spec.
func TestLoadTolerated(t *testing.T) {
	ok := "paths:\n  /a:\n    get:\n      responses: {'204': {description: ok}}\n"
	tests := []struct {
		name string
		spec string
		want []string // "line: text" of each warning, in order
		err  string   // for a spec still refused
	}{
		{
			name: "empty info.version",
			spec: "openapi: 3.0.3\ninfo: {title: t, version: \"\"}\n" + ok,
			want: []string{"2: info: value of version must be a non-empty string"},
		},
		{
			name: "boolean exclusiveMinimum in 3.1",
			spec: "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n" + ok + "components:\n  schemas:\n    N:\n      type: number\n      minimum: 1\n      exclusiveMinimum: true\n",
			want: []string{"12: components.schemas.N.exclusiveMinimum: a boolean exclusiveMinimum is OpenAPI 3.0's"},
		},
		{
			name: "undefined security scheme",
			spec: "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nsecurity:\n  - nope: []\n" + ok,
			want: []string{"3: security: security requirement /security/0/nope refers to undefined security scheme \"nope\""},
		},
		{
			name: "array without items",
			spec: "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n" + ok + "components:\n  schemas:\n    L:\n      type: object\n      properties:\n        xs: {type: array}\n",
			want: []string{"12: components.schemas.L.properties.xs: an array without items"},
		},
		{
			name: "conflicting paths",
			spec: "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a/{x}:\n    get:\n      parameters: [{name: x, in: path, required: true, schema: {type: string}}]\n      responses: {'204': {description: ok}}\n  /a/{y}:\n    get:\n      parameters: [{name: y, in: path, required: true, schema: {type: string}}]\n      responses: {'204': {description: ok}}\n",
			want: []string{"3: paths: conflicting paths"},
		},
		{
			name: "tolerated beside fatal",
			spec: "openapi: 3.0.3\ninfo: {title: t, version: \"\"}\n" + ok + "components:\n  schemas:\n    S:\n      type: string\n      pattern: '(['\n",
			err:  "components.schemas.S",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "openapi.yaml")
			if err := os.WriteFile(p, []byte(tt.spec), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := Load(context.Background(), p)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one naming %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Warnings) != len(tt.want) {
				t.Fatalf("warnings %v, want %d", s.Warnings, len(tt.want))
			}
			for i, w := range s.Warnings {
				if got := strings.TrimPrefix(w.Error(), p+":"); !strings.HasPrefix(got, tt.want[i]) {
					t.Errorf("warning %q, want it to start with %q", got, tt.want[i])
				}
			}
		})
	}
}
