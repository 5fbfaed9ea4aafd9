package runtimesrc

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "refresh the embedded copy of the runtime from runtime/")

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

func TestInSync(t *testing.T) {
	want := source(t)
	if *update {
		if err := os.RemoveAll("files"); err != nil {
			t.Fatal(err)
		}
		for rel, data := range want {
			dst := filepath.Join("files", filepath.FromSlash(rel)+Suffix)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	got, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	var stale []string
	for rel, data := range want {
		if !bytes.Equal(got[rel], data) {
			stale = append(stale, rel)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			stale = append(stale, rel+" (removed from runtime/)")
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Fatalf("embedded runtime copy is stale: %v\nrun: go test ./internal/runtimesrc -update", stale)
	}
	if _, ok := got["go.mod"]; !ok {
		t.Fatal("embedded runtime copy has no go.mod")
	}
}
