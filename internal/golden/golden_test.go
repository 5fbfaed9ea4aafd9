package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the errors instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(path, []byte("one\ntwo\nthree\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  string
		want []string // substrings of the one error; none: no error
	}{
		{"equal", "one\ntwo\nthree\n", nil},
		{"changed line", "one\n2\nthree\n", []string{"is stale", "-two", "+2", "a.txt (kept)"}},
		{"no final newline", "one\ntwo\nthree", []string{"is stale", "three"}},
		{"missing", "", []string{"no such file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			p := path
			if tc.name == "missing" {
				p = filepath.Join(dir, "none.txt")
			}
			File(r, p, []byte(tc.got))
			if len(tc.want) == 0 {
				if len(r.errs) != 0 {
					t.Fatalf("errors: %q", r.errs)
				}
				return
			}
			if len(r.errs) != 1 {
				t.Fatalf("got %d errors %q, want 1", len(r.errs), r.errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.errs[0], w) {
					t.Errorf("error %q lacks %q", r.errs[0], w)
				}
			}
		})
	}
}

func TestTree(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"a": "1\n", "sub/b": "2\n", "old": "x\n"} {
		write(t, filepath.Join(dir, name), []byte(data))
	}
	r := &recorder{TB: t}
	Tree(r, dir, map[string][]byte{"a": []byte("1\n"), "sub/b": []byte("3\n"), "new": []byte("n\n")})
	joined := strings.Join(r.errs, "\n")
	for _, w := range []string{"old is no longer generated", "sub/b is stale", "new is generated but not in"} {
		if !strings.Contains(joined, w) {
			t.Errorf("errors lack %q:\n%s", w, joined)
		}
	}
	if len(r.errs) != 3 {
		t.Errorf("got %d errors, want 3:\n%s", len(r.errs), joined)
	}
}

func TestDiffIsBounded(t *testing.T) {
	var want, got strings.Builder
	for i := 0; i < 500; i++ {
		want.WriteString("a\n")
		got.WriteString("b\n")
	}
	d := Diff("f", []byte(want.String()), []byte(got.String()))
	if n := strings.Count(d, "\n"); n > maxDiffLines+1 {
		t.Errorf("diff has %d lines, want at most %d", n, maxDiffLines+1)
	}
	if !strings.Contains(d, "more lines of diff") {
		t.Errorf("cut diff does not say so:\n%s", d)
	}
}

func TestTreeUpdate(t *testing.T) {
	defer func(was bool) { *update = was }(*update)
	*update = true
	dir := t.TempDir()
	write(t, filepath.Join(dir, "old"), []byte("x\n"))
	write(t, filepath.Join(dir, "keep"), []byte("1\n"))
	got := map[string][]byte{"keep": []byte("2\n"), "sub/new": []byte("n\n")}
	Tree(t, dir, got)
	*update = false
	Tree(t, dir, got) // fails the test unless dir now equals got
	if _, err := os.Stat(filepath.Join(dir, "old")); !os.IsNotExist(err) {
		t.Errorf("old is still there (%v)", err)
	}
}
