package badinput

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/harness-sh/harness/internal/treetest"

	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/cli/deploycmd"
	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/internal/testenv"
)

// minCases is what the suite promises: at least this many cases.
const minCases = 80

// TestBadInput runs every case in testdata through the command tree: the
// exit code, the start of the message, no panic, and the solution tree
// exactly as it was (nothing written, nothing half-written).
func TestBadInput(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	perClass := map[string]int{}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txtar")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c, err := Parse(p, data)
		if err != nil {
			t.Fatal(err)
		}
		class, _, _ := strings.Cut(name, "-")
		perClass[class]++
		t.Run(name, func(t *testing.T) { runCase(t, c) })
	}
	var summary []string
	for _, k := range slices.Sorted(maps.Keys(perClass)) {
		summary = append(summary, fmt.Sprintf("%s %d", k, perClass[k]))
	}
	t.Logf("%d cases: %s", len(paths), strings.Join(summary, ", "))
	if len(paths) < minCases {
		t.Errorf("%d cases, want at least %d", len(paths), minCases)
	}
}

func runCase(t *testing.T, c *Case) {
	dir := writeTree(t, c)
	before := treetest.Snapshot(t, dir)
	var code int
	var stdout, stderr string
	if c.User != "" && os.Geteuid() == 0 {
		code, stdout, stderr = runAs(t, c, dir)
	} else {
		code, stdout, stderr = runHere(t, c, dir)
	}
	stderr = strings.ReplaceAll(strings.ReplaceAll(stderr, dir+string(filepath.Separator), ""), dir, ".")
	if strings.Contains(stderr, "panic:") || strings.Contains(stderr, "goroutine ") {
		t.Fatalf("panic:\n%s", stderr)
	}
	if code != c.Exit {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.Exit, stdout, stderr)
	}
	if os.Getenv("BADINPUT_SHOW") != "" {
		t.Logf("stderr: %s", stderr)
	}
	if c.Error != "" {
		msg, ok := errorLine(stderr)
		if !ok || !strings.HasPrefix(msg, c.Error) {
			t.Errorf("message:\n  %s\nwant it to start with:\n  %s\nstderr:\n%s", msg, c.Error, stderr)
		}
	}
	if after := treetest.Snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("the tree changed:\n%s", treetest.Diff(before, after))
	}
}

// errorLine is the message of the "Error: " line the commands print.
func errorLine(stderr string) (string, bool) {
	for _, l := range strings.Split(stderr, "\n") {
		if msg, ok := strings.CutPrefix(l, "Error: "); ok {
			return msg, true
		}
	}
	return "", false
}

// writeTree writes the case's solution in a fresh folder that any user can
// enter (for the cases run as nobody).
func writeTree(t *testing.T, c *Case) string {
	t.Helper()
	dir := t.TempDir()
	// Temporary folders are private; cases run as nobody need the way in.
	for d := dir; d != os.TempDir() && d != filepath.Dir(d); d = filepath.Dir(d) {
		if c.User == "" {
			break
		}
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range c.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range c.Dirs {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range c.Links {
		p := filepath.Join(dir, filepath.FromSlash(l[0]))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(l[1], p); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range c.Chmods {
		p := filepath.Join(dir, filepath.FromSlash(m.Path))
		if err := os.Chmod(p, fs.FileMode(m.Mode)); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		// Let TempDir's cleanup into what the case locked.
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if d != nil && d.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
	})
	return dir
}

// runHere runs the case in this process, in its tree, through the
// commands' Execute; a fault directive fails one write or rename.
func runHere(t *testing.T, c *Case, dir string) (int, string, string) {
	t.Chdir(dir)
	ctx := context.Background()
	if c.FailOp != "" {
		ctx = fileset.WithFS(ctx, &fileset.Faults{Op: c.FailOp, At: c.FailAt})
	}
	var out, errb bytes.Buffer
	code := func() (code int) {
		defer func() {
			if r := recover(); r != nil {
				fmt.Fprintf(&errb, "panic: %v", r)
				code = -1
			}
		}()
		return cli.ExecuteContext(ctx, cli.NewRootCmd(deploycmd.New()), c.Args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	}()
	return code, out.String(), errb.String()
}

// childEnv carries a case to the test binary re-run as another user.
const childEnv = "HARNESS_BADINPUT_CHILD"

// TestMain runs one case and exits with its code when the binary was
// started by runAs.
func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		var args []string
		if err := json.Unmarshal([]byte(spec), &args); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		os.Exit(cli.Execute(cli.NewRootCmd(deploycmd.New()), args, cli.StdStreams()))
	}
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// userBinary is a copy of the test binary that nobody can run (go test's
// own lies in a private folder).
func userBinary() (string, error) {
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "harness-badinput-")
		if err != nil {
			binErr = err
			return
		}
		if binErr = os.Chmod(dir, 0o755); binErr != nil {
			return
		}
		self, err := os.Executable()
		if err != nil {
			binErr = err
			return
		}
		src, err := os.Open(self)
		if err != nil {
			binErr = err
			return
		}
		defer src.Close()
		binPath = filepath.Join(dir, "badinput.test")
		dst, err := os.OpenFile(binPath, os.O_CREATE|os.O_WRONLY, 0o755)
		if err != nil {
			binErr = err
			return
		}
		if _, err := io.Copy(dst, src); err != nil {
			binErr = err
		}
		if err := dst.Close(); binErr == nil {
			binErr = err
		}
	})
	return binPath, binErr
}

// nobody is the unprivileged user the file-system cases run as.
const nobody = 65534

// runAs runs the case as nobody in a child process: root reads and writes
// through any permission, so unreadable files and read-only folders only
// mean something to another user.
func runAs(t *testing.T, c *Case, dir string) (int, string, string) {
	bin, err := userBinary()
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := json.Marshal(c.Args)
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec), "HOME="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	}
	if err != nil {
		testenv.Missing(t, "cannot run as user %d here (%v): this case needs a non-root user", nobody, err)
	}
	return 0, out.String(), errb.String()
}
