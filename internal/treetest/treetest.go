// Package treetest records a folder's state for tests that must prove a
// failed or interrupted command changed nothing, or left exactly the old or
// the new tree.
package treetest

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Snapshot is a tree's entries by path: the mode and content hash of files,
// the target of links, the mode of folders.
func Snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			out[rel+"/"] = info.Mode().String()
		case d.Type()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out[rel] = "-> " + target
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			out[rel] = info.Mode().String() + " " + hex.EncodeToString(sum[:8])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Diff lists the entries that differ, "- " for want's and "+ " for got's,
// sorted.
func Diff(want, got map[string]string) string {
	var lines []string
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			lines = append(lines, "- "+k+" "+v)
		}
	}
	for k, v := range got {
		if w, ok := want[k]; !ok || w != v {
			lines = append(lines, "+ "+k+" "+v)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
