package fileset

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/harness-sh/harness/internal/treetest"
)

// TestTxnFaults fails each write and each rename of a change in turn: the
// tree afterwards is the old one or, when the failure came after the last
// rename, the new one; never a mix, and nothing staged is left.
func TestTxnFaults(t *testing.T) {
	oldTree := map[string]string{"keep.txt": "keep", "gen/a.go": "old a", "gen/b.go": "old b", "gen/gone.go": "gone"}
	change := func(dir string, fsys FS) error {
		set := New()
		set.Put("gen/a.go", []byte("new a"), 0)
		set.Put("gen/c.go", []byte("new c"), 0)
		set.Put("fresh/x/y.go", []byte("new y"), 0)
		set.Put("fresh/z.go", []byte("new z"), 0)
		set.Put("other/new/w.go", []byte("new w"), 0o755)
		txn := NewTxn(fsys)
		if err := txn.Put(dir, set); err != nil {
			txn.Abort()
			return err
		}
		txn.Remove(filepath.Join(dir, "gen/gone.go"))
		return txn.Commit()
	}
	setup := func(t *testing.T) string {
		dir := t.TempDir()
		for name, data := range oldTree {
			p := filepath.Join(dir, name)
			os.MkdirAll(filepath.Dir(p), 0o755)
			os.WriteFile(p, []byte(data), 0o644)
		}
		os.MkdirAll(filepath.Join(dir, "other"), 0o755)
		return dir
	}
	ref := setup(t)
	before := treetest.Snapshot(t, ref)
	count := &Faults{}
	if err := change(ref, count); err != nil {
		t.Fatal(err)
	}
	after := treetest.Snapshot(t, ref)
	if maps.Equal(before, after) {
		t.Fatal("the change changed nothing")
	}
	for _, op := range []string{"write", "rename"} {
		n := (&Faults{Op: op}).countOf(t, change, setup)
		if n == 0 {
			t.Fatalf("no %s seen", op)
		}
		for at := 1; at <= n; at++ {
			dir := setup(t)
			f := &Faults{Op: op, At: at}
			err := change(dir, f)
			got := treetest.Snapshot(t, dir)
			switch {
			case err == nil:
				t.Errorf("%s: no error", f)
			case !maps.Equal(got, before):
				t.Errorf("%s: %v; tree is neither old nor new:\n%s", f, err, treetest.Diff(before, got))
			}
		}
	}
}

func (f *Faults) countOf(t *testing.T, change func(string, FS) error, setup func(*testing.T) string) int {
	if err := change(setup(t), f); err != nil {
		t.Fatal(err)
	}
	return f.Count()
}

// TestSweep: what a killed change left, once old enough, is removed, or put
// back where its place is empty; what a live run stages now is left alone.
func TestSweep(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string, age time.Duration) {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(data), 0o644)
		at := time.Now().Add(-age)
		os.Chtimes(p, at, at)
	}
	write("a.go", "new", 0)
	write(".a.go"+oldMark+"1", "old", 2*StaleAfter)
	write(".b.go"+oldMark+"2", "old b", 2*StaleAfter)
	write(".c.go"+newMark+"3", "staged", 2*StaleAfter)
	write(".d.go"+newMark+"4", "live", 0)
	os.Mkdir(filepath.Join(dir, ".fresh"+newMark+"5"), 0o755)
	old := time.Now().Add(-2 * StaleAfter)
	os.Chtimes(filepath.Join(dir, ".fresh"+newMark+"5"), old, old)
	did, err := Sweep(dir, filepath.Join(dir, "missing"))
	if err != nil {
		t.Fatal(err)
	}
	if len(did) != 4 {
		t.Errorf("did %q", did)
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{".d.go" + newMark + "4", "a.go", "b.go"}
	if !slices.Equal(names, want) {
		t.Errorf("left %q, want %q", names, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "b.go")); string(b) != "old b" {
		t.Errorf("b.go = %q", b)
	}
}
