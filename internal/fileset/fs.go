package fileset

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"syscall"
)

// FS is the two operations through which harness's writers change a
// solution: writing a file and renaming one. They are the ones that fail
// half-way through a tree (a full disk, a read-only folder), so they are the
// seam where tests inject failures; everything else (creating temporary
// folders, removing what a failed run staged) goes to the os package.
type FS interface {
	// WriteFile creates name, which must not exist, holding data.
	WriteFile(name string, data []byte, perm fs.FileMode) error
	Rename(oldpath, newpath string) error
}

// OS is the real file system.
type OS struct{}

// WriteFile creates name exclusively: a staging name that already exists
// belongs to someone else.
func (OS) WriteFile(name string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// The umask may have taken bits the file needs (an executable script).
		err = os.Chmod(name, perm)
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}

// Rename is os.Rename.
func (OS) Rename(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }

type fsKey struct{}

// WithFS returns a context whose commands write through fsys. It is the test
// seam that reaches a writer through a whole command (cobra's Execute
// included): the bad-input suite simulates a full disk with it. Library
// code never sets it.
func WithFS(ctx context.Context, fsys FS) context.Context {
	return context.WithValue(ctx, fsKey{}, fsys)
}

// FSOf returns the file system a command writes through: OS unless a test
// set another with WithFS.
func FSOf(ctx context.Context) FS {
	if fsys, ok := ctx.Value(fsKey{}).(FS); ok && fsys != nil {
		return fsys
	}
	return OS{}
}

// Faults is an FS that fails one operation: the At-th write or rename (Op
// "write" or "rename"; "" counts both), with "no space left on device" for a
// write and an I/O error for a rename. Every other operation goes to FS.
type Faults struct {
	FS FS     // nil: OS
	Op string // "write", "rename" or "" for either
	At int    // 1-based; 0 never fails

	mu     sync.Mutex
	count  int
	failed bool
}

// Count is the number of operations of kind Op seen so far.
func (f *Faults) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.count
}

// Failed reports whether the injected failure happened.
func (f *Faults) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

func (f *Faults) next(op string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Op != "" && f.Op != op {
		return false
	}
	f.count++
	if f.count == f.At {
		f.failed = true
		return true
	}
	return false
}

func (f *Faults) fs() FS {
	if f.FS == nil {
		return OS{}
	}
	return f.FS
}

// WriteFile fails with ENOSPC when its turn comes, leaving a part of the
// file behind as a full disk does.
func (f *Faults) WriteFile(name string, data []byte, perm fs.FileMode) error {
	if f.next("write") {
		if err := f.fs().WriteFile(name, data[:len(data)/2], perm); err != nil {
			return err
		}
		return &fs.PathError{Op: "write", Path: name, Err: syscall.ENOSPC}
	}
	return f.fs().WriteFile(name, data, perm)
}

// Rename fails with EIO when its turn comes.
func (f *Faults) Rename(oldpath, newpath string) error {
	if f.next("rename") {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EIO}
	}
	return f.fs().Rename(oldpath, newpath)
}

func (f *Faults) String() string { return fmt.Sprintf("fail %s #%d", f.Op, f.At) }
