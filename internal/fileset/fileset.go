// Package fileset holds a tree of files in memory so that scaffolding and
// generation can render everything first and touch the disk only when all of
// it succeeded: a new tree is staged beside its destination and renamed into
// place, so a failure never leaves half a tree behind.
package fileset

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"time"

	"github.com/harness-sh/harness/internal/yamlmerge"
)

// File is one file's content and permission bits.
type File struct {
	Data []byte
	Mode fs.FileMode
}

// Set is a tree of files keyed by slash-separated relative paths.
type Set struct {
	files map[string]File
}

// New returns an empty set.
func New() *Set { return &Set{files: map[string]File{}} }

// Put adds or replaces a file.
func (s *Set) Put(name string, data []byte, mode fs.FileMode) {
	if mode == 0 {
		mode = 0o644
	}
	s.files[path.Clean(name)] = File{Data: data, Mode: mode}
}

// Get returns a file.
func (s *Set) Get(name string) (File, bool) {
	f, ok := s.files[path.Clean(name)]
	return f, ok
}

// Delete removes a file.
func (s *Set) Delete(name string) { delete(s.files, path.Clean(name)) }

// Len is the number of files.
func (s *Set) Len() int { return len(s.files) }

// Paths returns the files' paths, sorted.
func (s *Set) Paths() []string {
	out := make([]string, 0, len(s.files))
	for p := range s.files {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Merge adds a file, deep-merging it into an existing YAML or JSON file of the
// same path (maps merge, everything else is replaced); any other existing file
// is replaced.
func (s *Set) Merge(name string, data []byte, mode fs.FileMode) error {
	old, ok := s.Get(name)
	if !ok {
		s.Put(name, data, mode)
		return nil
	}
	merged := data
	if merge := yamlmerge.ForFile(name); merge != nil {
		var err error
		if merged, err = merge(old.Data, data); err != nil {
			return fmt.Errorf("merge %s: %w", name, err)
		}
	}
	if mode == 0 {
		mode = old.Mode
	}
	s.Put(name, merged, mode)
	return nil
}

// Write writes the files under dir, creating directories as needed and
// replacing existing files one by one. It is for trees the caller owns; see
// Txn for changing a solution as one step.
func (s *Set) Write(dir string) error {
	for _, p := range s.Paths() {
		f := s.files[p]
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := WriteFileAtomic(dst, f.Data, f.Mode); err != nil {
			return err
		}
	}
	return nil
}

// WriteFileAtomic replaces name with data: written to a temporary file in the
// same directory and renamed, so readers see the old or the new file, never
// a part. It does not fsync: everything harness writes is re-created by
// running it again, and a sync per file made generating a large spec's
// hundreds of files wait on the disk for most of its time.
func WriteFileAtomic(name string, data []byte, mode fs.FileMode) error {
	t := NewTxn(nil)
	if err := t.WriteFile(name, data, mode); err != nil {
		t.Abort()
		return err
	}
	return t.Commit()
}

// StaleAfter is how old a staging folder must be to count as left behind by
// a run that was killed: a live run stages for seconds, not minutes.
const StaleAfter = 10 * time.Minute

// RemoveStale removes the folders of parent matching one of the glob
// patterns (staging folders of interrupted runs) that are older than
// StaleAfter, and returns the paths it removed.
func RemoveStale(parent string, patterns ...string) ([]string, error) {
	var removed []string
	for _, pat := range patterns {
		matches, err := filepath.Glob(filepath.Join(parent, pat))
		if err != nil {
			return removed, err
		}
		for _, m := range matches {
			st, err := os.Lstat(m)
			if err != nil || !st.IsDir() || time.Since(st.ModTime()) < StaleAfter {
				continue
			}
			if err := os.RemoveAll(m); err != nil {
				return removed, fmt.Errorf("remove %s, left by an interrupted run: %w", m, err)
			}
			removed = append(removed, m)
		}
	}
	return removed, nil
}
