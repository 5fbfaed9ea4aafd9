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
// replacing existing files. It is for trees the caller owns; see Stage for
// creating a tree atomically.
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

// Staged is a tree written beside its destination, waiting to be renamed into
// place.
type Staged struct {
	tmp, dir string
}

// Stage writes the set to a temporary sibling of dir, which must not exist.
// The caller must Commit or Abort.
func (s *Set) Stage(dir string) (_ *Staged, err error) {
	if _, err := os.Lstat(dir); err == nil {
		return nil, fmt.Errorf("%s already exists", dir)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return nil, err
	}
	st := &Staged{tmp: tmp, dir: dir}
	defer func() {
		if err != nil {
			st.Abort()
		}
	}()
	if err := s.Write(tmp); err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	return st, nil
}

// Dir is the staging directory.
func (st *Staged) Dir() string { return st.tmp }

// Commit renames the staged tree into place.
func (st *Staged) Commit() error {
	if _, err := os.Lstat(st.dir); err == nil {
		st.Abort()
		return fmt.Errorf("%s already exists", st.dir)
	}
	if err := os.Rename(st.tmp, st.dir); err != nil {
		st.Abort()
		return err
	}
	return nil
}

// Abort removes the staged tree.
func (st *Staged) Abort() { os.RemoveAll(st.tmp) }

// WriteFileAtomic replaces name with data: written to a temporary file in the
// same directory and renamed, so readers see the old or the new file, never
// a part. It does not fsync: everything harness writes is re-created by
// running it again, and a sync per file made generating a large spec's
// hundreds of files wait on the disk for most of its time.
func WriteFileAtomic(name string, data []byte, mode fs.FileMode) (err error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Chmod(mode); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
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
