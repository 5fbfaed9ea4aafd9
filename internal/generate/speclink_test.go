package generate

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestUnreadableSpec: an api/openapi.yaml that is there but cannot be read
// (a symbolic link looping or leading nowhere) is an error naming it, with
// or without -a, and nothing is written; it was skipped as if absent.
func TestUnreadableSpec(t *testing.T) {
	for _, tt := range []struct {
		name   string
		target string // of the link at api/openapi.yaml
		want   string
	}{
		{"loop", "openapi.yaml", `applications/broken/api/openapi.yaml: .*too many levels of symbolic links`},
		{"dangling", "gone.yaml", `applications/broken/api/openapi.yaml: .*no such file or directory`},
	} {
		for _, apps := range [][]string{nil, {"broken"}} {
			t.Run(tt.name, func(t *testing.T) {
				root := solution(t, map[string]string{"shop": "testdata/pets/openapi.yaml"})
				spec := filepath.Join(root, "applications", "broken", "api", "openapi.yaml")
				if err := os.MkdirAll(filepath.Dir(spec), 0o755); err != nil {
					t.Fatal(err)
				}
				before := snapshot(t, root)
				if err := os.Symlink(tt.target, spec); err != nil {
					t.Fatal(err)
				}
				_, err := (&Generate{Root: root, Apps: apps, Servers: true, Clients: true}).Run(context.Background())
				if err == nil || !regexp.MustCompile(tt.want).MatchString(err.Error()) {
					t.Fatalf("-a %v: err = %v, want %q", apps, err, tt.want)
				}
				os.Remove(spec)
				if after := snapshot(t, root); !maps.Equal(after, before) {
					t.Errorf("files written: %d before, %d after", len(before), len(after))
				}
			})
		}
	}
}
