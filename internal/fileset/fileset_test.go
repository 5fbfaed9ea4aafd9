package fileset

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMerge(t *testing.T) {
	tests := []struct {
		name, path, first, second, want string
	}{
		{"yaml deep merge", "deploy/values.yaml", "harness:\n  a: 1\n", "harness:\n  b: 2\n", "harness:\n  a: 1\n  b: 2\n"},
		{"json deep merge", "x.json", `{"a":{"b":1}}`, `{"a":{"c":2}}`, "{\n  \"a\": {\n    \"b\": 1,\n    \"c\": 2\n  }\n}\n"},
		{"other replaced", "Dockerfile", "FROM a\n", "FROM b\n", "FROM b\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New()
			if err := s.Merge(tt.path, []byte(tt.first), 0); err != nil {
				t.Fatal(err)
			}
			if err := s.Merge(tt.path, []byte(tt.second), 0); err != nil {
				t.Fatal(err)
			}
			f, _ := s.Get(tt.path)
			if string(f.Data) != tt.want {
				t.Errorf("got %q, want %q", f.Data, tt.want)
			}
		})
	}
	s := New()
	s.Put("a.yaml", []byte("a: 1\n"), 0)
	if err := s.Merge("a.yaml", []byte("a: ["), 0); err == nil {
		t.Error("merging broken YAML succeeded")
	}
}

func TestStageCommit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "app")
	s := New()
	s.Put("a/b.txt", []byte("b"), 0o600)
	s.Put("run.sh", []byte("#!/bin/sh\n"), 0o755)
	if err := writeNew(s, dir); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, "run.sh"))
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Fatalf("run.sh: %v %v", info, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "a", "b.txt")); string(b) != "b" {
		t.Fatalf("a/b.txt = %q", b)
	}
	if err := writeNew(s, dir); err == nil {
		t.Fatal("staging over an existing tree succeeded")
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
}

func TestStageFailureLeavesNothing(t *testing.T) {
	parent := t.TempDir()
	s := New()
	s.Put("ok.txt", []byte("x"), 0)
	s.Put("ok.txt/child", []byte("y"), 0) // a file cannot be a directory
	if err := writeNew(s, filepath.Join(parent, "app")); err == nil {
		t.Fatal("impossible tree written")
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

// writeNew creates dir holding s, as one change.
func writeNew(s *Set, dir string) error {
	t := NewTxn(nil)
	if err := t.PutDir(dir, s); err != nil {
		t.Abort()
		return err
	}
	return t.Commit()
}
