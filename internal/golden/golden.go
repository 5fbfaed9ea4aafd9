// Package golden compares what a test produced with the files kept in the
// repository, and rewrites those files when the tests run with -update.
//
// Every generated file of the repository (the generators' goldens, the
// runtime's embedded copy, docs/values.md, applications/samples' and
// bench/pets' generated code) is checked through this package, so one flag
// and one command (scripts/regenerate.sh) refresh them all, and a stale one
// fails the test suite with a diff.
package golden

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
)

// update is a flag of every test binary that imports this package, so
// `go test PKGS -update` works across packages.
var update = flag.Bool("update", false, "rewrite the golden files and generated trees instead of comparing with them")

// Updating reports whether the tests run with -update.
func Updating() bool { return *update }

// maxDiffLines bounds a reported diff: a regenerated tree can differ in
// thousands of lines and the first screen says what happened.
const maxDiffLines = 80

// File compares got with the file at path, or writes it under -update.
func File(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		write(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%v (go test -update writes it; scripts/regenerate.sh refreshes everything)", err)
		return
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s is stale (go test -update rewrites it; scripts/regenerate.sh refreshes everything):\n%s", path, Diff(path, want, got))
	}
}

// Tree compares the files under dir with got, keyed by slash-separated
// paths relative to dir: a file missing, extra or different is an error.
// Under -update dir is made equal to got: files written, extra ones
// removed.
func Tree(t testing.TB, dir string, got map[string][]byte) {
	t.Helper()
	have := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		have[rel] = true
		if _, ok := got[rel]; !ok {
			if *update {
				return os.Remove(p)
			}
			t.Errorf("%s is no longer generated (go test -update removes it)", p)
			return nil
		}
		File(t, p, got[rel])
		return nil
	})
	if err != nil && !(*update && errors.Is(err, fs.ErrNotExist)) {
		t.Errorf("%v (go test -update writes it)", err)
		return
	}
	var missing []string
	for name := range got {
		if !have[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	for _, name := range missing {
		if *update {
			write(t, filepath.Join(dir, filepath.FromSlash(name)), got[name])
			continue
		}
		t.Errorf("%s is generated but not in %s (go test -update writes it)", name, dir)
	}
}

// Diff is a unified diff from want to got, cut after maxDiffLines lines.
func Diff(name string, want, got []byte) string {
	text, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A:        difflib.SplitLines(string(want)),
		B:        difflib.SplitLines(string(got)),
		FromFile: name + " (kept)",
		ToFile:   name + " (now)",
		Context:  2,
	})
	if err != nil {
		return err.Error()
	}
	if text == "" {
		// Equal lines, different bytes: a missing final newline or \r.
		return fmt.Sprintf("same lines, different bytes (%d kept, %d now)", len(want), len(got))
	}
	lines := strings.SplitAfter(text, "\n")
	if len(lines) > maxDiffLines {
		text = strings.Join(lines[:maxDiffLines], "") + fmt.Sprintf("... %d more lines of diff\n", len(lines)-maxDiffLines)
	}
	return text
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
