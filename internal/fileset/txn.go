package fileset

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Staging and backup names: a file or folder NAME is staged as
// .NAME.harness-new-RANDOM and, while it is being replaced, kept as
// .NAME.harness-old-RANDOM, both beside it, so that every move is a rename
// within one folder.
const (
	newMark = ".harness-new-"
	oldMark = ".harness-old-"
)

// Txn changes a solution's files as one step: everything is written beside
// its place first, then renamed into place; if any write or rename fails,
// what was renamed is moved back, so the files are either all old or all
// new. (A process killed during Commit's renames leaves a mix, and the
// staging names, which RemoveStale's StalePatterns find.)
type Txn struct {
	fsys    FS
	entries []*entry
	removes []string
	done    bool
}

type entry struct {
	dst, tmp string // final path and the staged file or folder
	old      string // where dst was kept while replacing it; "" if none
	linked   bool   // old is a hard link: dst stayed in place until the rename
	placed   bool
	made     string // the top-most folder created to hold tmp; removed if the change does not happen
}

// NewTxn starts a change written through fsys (nil: OS).
func NewTxn(fsys FS) *Txn {
	if fsys == nil {
		fsys = OS{}
	}
	return &Txn{fsys: fsys}
}

// Put stages the files of set under root. A file whose folder exists is
// staged beside it; a folder that does not exist yet is staged whole beside
// its top-most missing ancestor and moved in with one rename.
func (t *Txn) Put(root string, set *Set) error {
	fresh := map[string][]string{} // top-most missing folder → paths under root
	var inPlace []string
	tops := map[string]string{}
	for _, p := range set.Paths() {
		dir := filepath.Dir(filepath.Join(root, filepath.FromSlash(p)))
		top, ok := tops[dir]
		if !ok {
			top = topMissing(dir)
			tops[dir] = top
		}
		if top != "" {
			fresh[top] = append(fresh[top], p)
		} else {
			inPlace = append(inPlace, p)
		}
	}
	for _, top := range slices.Sorted(maps.Keys(fresh)) {
		sub := New()
		for _, p := range fresh[top] {
			rel, err := filepath.Rel(top, filepath.Join(root, filepath.FromSlash(p)))
			if err != nil {
				return err
			}
			f := set.files[p]
			sub.Put(filepath.ToSlash(rel), f.Data, f.Mode)
		}
		if err := t.PutDir(top, sub); err != nil {
			return err
		}
	}
	for _, p := range inPlace {
		f := set.files[p]
		if err := t.WriteFile(filepath.Join(root, filepath.FromSlash(p)), f.Data, f.Mode); err != nil {
			return err
		}
	}
	return nil
}

// PutDir stages the folder dir, which must not exist, holding set.
func (t *Txn) PutDir(dir string, set *Set) error {
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("%s already exists", dir)
	}
	parent := filepath.Dir(dir)
	made := topMissing(parent)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	e := &entry{dst: dir, made: made}
	t.entries = append(t.entries, e)
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+newMark)
	if err != nil {
		return err
	}
	e.tmp = tmp
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for _, p := range set.Paths() {
		f := set.files[p]
		dst := filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := t.fsys.WriteFile(dst, f.Data, f.Mode); err != nil {
			return err
		}
	}
	return nil
}

// WriteFile stages name (whose folder exists) to hold data, replacing the
// file there on Commit.
func (t *Txn) WriteFile(name string, data []byte, mode fs.FileMode) error {
	if mode == 0 {
		mode = 0o644
	}
	tmp := sibling(name, newMark)
	if err := t.fsys.WriteFile(tmp, data, mode); err != nil {
		os.Remove(tmp) // what a full disk let through
		return err
	}
	t.entries = append(t.entries, &entry{dst: name, tmp: tmp})
	return nil
}

// Remove deletes name on Commit.
func (t *Txn) Remove(name string) { t.removes = append(t.removes, name) }

// Commit moves everything staged into place and removes what Remove named;
// on failure it moves back what it had moved and returns the error.
func (t *Txn) Commit() (err error) {
	if t.done {
		return errors.New("transaction already finished")
	}
	t.done = true
	var moved []*entry // removed files, kept until the end
	defer func() {
		if err != nil {
			err = errors.Join(err, t.rollback(moved))
		}
		t.cleanup(moved)
	}()
	for _, e := range t.entries {
		if _, lerr := os.Lstat(e.dst); lerr == nil {
			// A hard link keeps the previous file for a rollback while
			// the rename below replaces it in one step, so readers never
			// find the place empty; where links are not supported, the
			// file is moved aside instead.
			old := sibling(e.dst, oldMark)
			if os.Link(e.dst, old) == nil {
				e.linked = true
			} else if err := t.fsys.Rename(e.dst, old); err != nil {
				return err
			}
			e.old = old
		}
		if err := t.fsys.Rename(e.tmp, e.dst); err != nil {
			return err
		}
		e.placed = true
	}
	for _, name := range t.removes {
		if _, lerr := os.Lstat(name); lerr != nil {
			continue
		}
		old := sibling(name, oldMark)
		if err := t.fsys.Rename(name, old); err != nil {
			return err
		}
		moved = append(moved, &entry{dst: name, old: old})
	}
	return nil
}

// rollback puts back what Commit moved, latest first.
func (t *Txn) rollback(moved []*entry) error {
	var errs []error
	all := append(slices.Clone(t.entries), moved...)
	for i := len(all) - 1; i >= 0; i-- {
		e := all[i]
		if e.placed && e.old == "" {
			if err := os.RemoveAll(e.dst); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if !e.placed && e.linked {
			// dst was never replaced: only the link goes (renaming a
			// link onto its own file does nothing).
			os.Remove(e.old)
			e.old = ""
		}
		e.placed = false
		if e.old != "" {
			if err := os.Rename(e.old, e.dst); err != nil {
				errs = append(errs, fmt.Errorf("restore %s: %w", e.dst, err))
				continue
			}
			e.old = ""
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("put the previous files back: %w", errors.Join(errs...))
	}
	return nil
}

// cleanup removes staged files not moved in and the previous files kept
// while replacing.
func (t *Txn) cleanup(moved []*entry) {
	for _, e := range append(slices.Clone(t.entries), moved...) {
		if !e.placed && e.tmp != "" {
			os.RemoveAll(e.tmp)
		}
		if !e.placed && e.made != "" {
			// Only while empty: another entry may have put a file there.
			for d := filepath.Dir(e.dst); os.Remove(d) == nil && d != e.made; d = filepath.Dir(d) {
			}
		}
		if e.old != "" {
			os.RemoveAll(e.old)
		}
	}
}

// Abort removes everything staged; nothing in place changes.
func (t *Txn) Abort() {
	if t.done {
		return
	}
	t.done = true
	t.cleanup(nil)
}

// sibling is a fresh name beside name: .BASE MARK RANDOM.
func sibling(name, mark string) string {
	var b [6]byte
	rand.Read(b[:])
	return filepath.Join(filepath.Dir(name), "."+filepath.Base(name)+mark+hex.EncodeToString(b[:]))
}

// topMissing is the highest folder of dir's ancestry (dir included) that
// does not exist, or "" when dir exists.
func topMissing(dir string) string {
	if _, err := os.Stat(dir); err == nil {
		return ""
	}
	parent := filepath.Dir(dir)
	if parent == dir {
		return dir
	}
	if up := topMissing(parent); up != "" {
		return up
	}
	return dir
}

// Sweep cleans the folders dirs of what a killed Txn left there at least
// StaleAfter ago: a staged file or folder is removed; a previous file kept
// aside is put back when its place is empty (the run died between the two
// renames of a replacement) and removed otherwise. It returns what it did,
// one line each, for the command to report.
func Sweep(dirs ...string) ([]string, error) {
	var did []string
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue // not there: nothing left behind
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, ".") {
				continue
			}
			mark := newMark
			i := strings.LastIndex(name, newMark)
			if j := strings.LastIndex(name, oldMark); j > i {
				i, mark = j, oldMark
			}
			if i <= 1 {
				continue
			}
			info, err := e.Info()
			if err != nil || time.Since(info.ModTime()) < StaleAfter {
				continue
			}
			p := filepath.Join(dir, name)
			dst := filepath.Join(dir, name[1:i])
			if _, err := os.Lstat(dst); mark == oldMark && errors.Is(err, fs.ErrNotExist) {
				if err := os.Rename(p, dst); err != nil {
					return did, fmt.Errorf("put back %s, left aside by an interrupted run: %w", dst, err)
				}
				did = append(did, "put back "+dst+", left aside by an interrupted run")
				continue
			}
			if err := os.RemoveAll(p); err != nil {
				return did, fmt.Errorf("remove %s, left by an interrupted run: %w", p, err)
			}
			did = append(did, "removed "+p+", left by an interrupted run")
		}
	}
	return did, nil
}

// SweepFor sweeps (see Sweep) every existing folder where putting set under
// root stages files: the folders of its files and their ancestors up to root.
func SweepFor(root string, set *Set) ([]string, error) {
	seen := map[string]bool{}
	var dirs []string
	for _, p := range set.Paths() {
		for dir := filepath.Dir(filepath.Join(root, filepath.FromSlash(p))); !seen[dir]; dir = filepath.Dir(dir) {
			seen[dir] = true
			dirs = append(dirs, dir)
			if dir == root || dir == filepath.Dir(dir) {
				break
			}
		}
	}
	return Sweep(dirs...)
}
