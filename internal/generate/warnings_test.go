package generate

import (
	"context"
	"strings"
	"testing"
)

// TestWarnings: a spec invalid but unambiguous is generated, and Run
// returns each mistake as a warning naming the file (relative to the
// solution, as the user typed it), the line and the key.
func TestWarnings(t *testing.T) {
	root := solution(t, map[string]string{"tolerated": "../codegen/testdata/specs/tolerated.yaml"})
	res, err := (&Generate{Root: root, Servers: true, Clients: true}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"applications/tolerated/api/openapi.yaml:2: info: value of version must be a non-empty string",
		"applications/tolerated/api/openapi.yaml:6: security: security requirement",
		"applications/tolerated/api/openapi.yaml:8: paths: conflicting paths",
		"applications/tolerated/api/openapi.yaml:21: paths./things/{name}.get: GET /things/{name} matches the same requests",
		"applications/tolerated/api/openapi.yaml:28: paths./pairs/{id}/to/{id}: the path names the parameter \"id\" twice",
		"applications/tolerated/api/openapi.yaml:53: components.schemas.Thing.properties.size.exclusiveMinimum: a boolean exclusiveMinimum",
	}
	if len(res.Warnings) != len(want) {
		t.Fatalf("warnings:\n%s\nwant %d", strings.Join(res.Warnings, "\n"), len(want))
	}
	for i, w := range res.Warnings {
		if !strings.HasPrefix(w, want[i]) {
			t.Errorf("warning %q, want it to start with %q", w, want[i])
		}
	}
	if len(res.Written) == 0 {
		t.Error("nothing written")
	}
}
