package runtimesrc

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/golden"
)

// source reads the files of ../../runtime that belong in a solution's copy.
func source(t *testing.T) map[string][]byte {
	t.Helper()
	root := filepath.Join("..", "..", "runtime")
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == "go.mod" || rel == "go.sum" || (strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go")) {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = data
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestInSync keeps files/ equal to runtime/'s sources (-update copies them).
func TestInSync(t *testing.T) {
	want := map[string][]byte{}
	for rel, data := range source(t) {
		want[rel+Suffix] = data
	}
	golden.Tree(t, "files", want)
	got, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["go.mod"]; !ok {
		t.Fatal("embedded runtime copy has no go.mod")
	}
}
