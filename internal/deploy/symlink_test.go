package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestSymlinks: links in an application's deploy folders are followed, as
// CloudHarness copies them; a loop or a link to nothing is an error naming
// it, and nothing is written.
func TestSymlinks(t *testing.T) {
	tests := []struct {
		name  string
		link  func(res string) error // makes links under deploy/resources
		want  string                 // regexp of the error; "" for success
		files []string               // then in the chart's resources/web
	}{
		{"file link followed", func(res string) error {
			os.WriteFile(filepath.Join(res, "..", "shared.conf"), []byte("x=1\n"), 0o644)
			return os.Symlink("../shared.conf", filepath.Join(res, "app.conf"))
		}, "", []string{"a.conf", "app.conf"}},
		{"folder link followed", func(res string) error {
			os.MkdirAll(filepath.Join(res, "..", "more"), 0o755)
			os.WriteFile(filepath.Join(res, "..", "more", "b.conf"), []byte("b\n"), 0o644)
			return os.Symlink("../more", filepath.Join(res, "more"))
		}, "", []string{"a.conf", "more/b.conf"}},
		{"loop", func(res string) error {
			return os.Symlink(".", filepath.Join(res, "again"))
		}, `deploy/resources/again: a symbolic link leads back into`, nil},
		{"link to itself", func(res string) error {
			return os.Symlink("self", filepath.Join(res, "self"))
		}, `deploy/resources/self: a symbolic link that leads nowhere: .*too many levels of symbolic links`, nil},
		{"dangling", func(res string) error {
			return os.Symlink("gone", filepath.Join(res, "dangling"))
		}, `deploy/resources/dangling: a symbolic link that leads nowhere`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{
				"applications/web/Dockerfile":              dockerfile,
				"applications/web/deploy/resources/a.conf": "a\n",
			})
			if err := tt.link(filepath.Join(dir, "applications/web/deploy/resources")); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out")
			res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1", Output: out})
			if tt.want != "" {
				if err == nil || !regexp.MustCompile(tt.want).MatchString(err.Error()) {
					t.Fatalf("err = %v, want %q", err, tt.want)
				}
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Errorf("output written after the error: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range tt.files {
				if _, err := os.Stat(filepath.Join(res.Chart, "resources/web", f)); err != nil {
					t.Errorf("%s not in the chart: %v", f, err)
				}
			}
		})
	}
}
