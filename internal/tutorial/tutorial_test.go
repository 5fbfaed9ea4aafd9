package tutorial

// TestTutorial follows docs/tutorial.md as its reader does, so that the
// tutorial cannot rot. The convention, also written at the top of the
// tutorial for its editors:
//
//   - every ```sh block runs, in order, with bash -euo pipefail, in the folder
//     where the previous one ended (the first starts in an empty temporary
//     folder), with harness's commands, built from this checkout with
//     `go build -o BIN/ ./cmd/...`, first on PATH, with helm beside them
//     ($HARNESS_HELM, else PATH's); it must exit 0;
//   - `<!-- test: output -->` before a block: the previous sh block printed
//     its lines in that order (Match);
//   - `<!-- test: file PATH -->` before a block: the block is PATH's content;
//     `<!-- test: insert PATH after "LINE" -->`: it goes after the line LINE
//     of PATH (InsertAfter); paths are relative to the current folder;
//   - `<!-- test: background -->` before a sh block: started, in a process
//     group of its own as in a terminal, and left running; the output block
//     after it is awaited (that is how the reader knows it is ready), then
//     the next blocks run beside it; `<!-- test: interrupt -->` is the
//     reader's Ctrl-C: SIGINT to its process group, then it must exit 0 and
//     every 127.0.0.1 port it printed must be closed (nothing left running);
//   - `<!-- test: owners DIR -->` before a table: each row's path, under DIR,
//     exists and is owned as its second column says (OwnerOf);
//   - `<!-- test: skip -->` before a sh block: not run (it needs a cluster).
//
// The blocks run with TEST_DATABASE_URL naming a database of a throwaway
// PostgreSQL cluster, so the database tests the tutorial writes run instead
// of skipping, and with a cache folder (XDG_CACHE_HOME) of their own but
// the user's Go build cache. Without PostgreSQL's server programs, helm or
// curl, or with a localhost port the tutorial uses taken, the test skips,
// except under CI=true, where that is a failure (as pgcluster.ForTest
// decides).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/harness-sh/harness/internal/pgcluster"
	"github.com/harness-sh/harness/internal/procgroup"
	"github.com/harness-sh/harness/internal/testenv"
)

const tutorialFile = "docs/tutorial.md"

// Time limits: a command of the tutorial (the first go test of a solution
// compiles pgx), a background command becoming ready, and its stop after
// Ctrl-C (harness run: the server drains 5 s, then the database stops).
const (
	commandTimeout = 5 * time.Minute
	readyTimeout   = 3 * time.Minute
	stopTimeout    = time.Minute
)

// repoRoot is the checkout's root: this package is internal/tutorial.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, tutorialFile)); err != nil {
		t.Fatalf("the checkout's root: %v", err)
	}
	return root
}

func readSteps(t *testing.T, root string) []Step {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, tutorialFile))
	if err != nil {
		t.Fatal(err)
	}
	steps, err := Parse(tutorialFile, data)
	if err != nil {
		t.Fatal(err)
	}
	return steps
}

// TestTutorialMarkup reads the tutorial's markers, quickly: a mistake in
// them fails here even under -short, and the tutorial keeps each kind of
// step the end-to-end test relies on to prove what it shows.
func TestTutorialMarkup(t *testing.T) {
	steps := readSteps(t, repoRoot(t))
	seen := map[Kind]int{}
	for _, s := range steps {
		seen[s.Kind]++
	}
	for _, k := range []Kind{Run, Background, Output, File, Insert, Interrupt, Owners} {
		if seen[k] == 0 {
			t.Errorf("%s has no %s step", tutorialFile, k)
		}
	}
	t.Logf("%d steps: %v", len(steps), seen)
}

// need skips the test when a prerequisite is missing, or fails it under
// CI=true, where the machine is set up to have everything.
func need(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if ok {
		return
	}
	testenv.Missing(t, format, args...)
}

var localhostPort = regexp.MustCompile(`localhost:(\d+)`)

func TestTutorial(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole tutorial: builds harness, a solution, a server and a chart (about 2 minutes)")
	}
	root := repoRoot(t)
	steps := readSteps(t, root)

	for _, prog := range []string{"bash", "curl"} {
		_, err := exec.LookPath(prog)
		need(t, err == nil, "the tutorial runs %s: %v", prog, err)
	}
	helm := os.Getenv("HARNESS_HELM")
	if helm == "" {
		helm, _ = exec.LookPath("helm")
	}
	need(t, helm != "", "the tutorial runs helm: none in PATH and HARNESS_HELM not set (export HARNESS_HELM=$(bash scripts/helm.sh))")
	for _, s := range steps {
		if s.Kind != Run {
			continue
		}
		for _, m := range localhostPort.FindAllStringSubmatch(s.Text, -1) {
			ln, err := net.Listen("tcp", "127.0.0.1:"+m[1])
			need(t, err == nil, "%s:%d uses port %s, which is taken here: %v", tutorialFile, s.Line, m[1], err)
			ln.Close()
		}
	}
	// harness run needs PostgreSQL's programs too: ForTest skips (or fails
	// under CI=true) without them.
	db := pgcluster.ForTest(t, pgcluster.Options{})
	dbURL, err := db.CreateDatabase(context.Background(), "tutorial")
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-10*time.Second))
		defer cancel()
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	begin := time.Now()
	build := exec.CommandContext(ctx, "go", "build", "-o", bin+string(filepath.Separator), "./cmd/...")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/...: %v\n%s", err, out)
	}
	if err := os.Symlink(helm, filepath.Join(bin, "helm")); err != nil {
		t.Fatal(err)
	}
	t.Logf("harness built in %s", time.Since(begin).Round(10*time.Millisecond))

	// The user's cache folder is the test's own, so that harness run's
	// binaries do not stay behind in it; Go's build cache stays the user's,
	// so that the solution's dependencies are not compiled again.
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatalf("go env GOCACHE: %v", err)
	}
	set := map[string]string{
		"PATH":              bin + string(filepath.ListSeparator) + os.Getenv("PATH"),
		"TEST_DATABASE_URL": dbURL,
		"XDG_CACHE_HOME":    filepath.Join(tmp, "cache"),
		"GOCACHE":           strings.TrimSpace(string(gocache)),
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		_, replaced := set[k]
		return replaced
	})
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	s := &session{t: t, dir: filepath.Join(tmp, "empty"), state: filepath.Join(tmp, "pwd"), env: env}
	if err := os.Mkdir(s.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stopBackground)
	tutorialBegin := time.Now()
	for _, st := range steps {
		begin := time.Now()
		s.do(ctx, st)
		t.Logf("%s:%d: %s%s (%s)", tutorialFile, st.Line, st.Kind, summary(st), time.Since(begin).Round(10*time.Millisecond))
	}
	t.Logf("the tutorial's steps took %s", time.Since(tutorialBegin).Round(100*time.Millisecond))
}

// summary is a step's first line, for the log.
func summary(s Step) string {
	switch s.Kind {
	case Run, Background:
		first, _, _ := strings.Cut(s.Text, "\n")
		return ": " + first
	case File, Insert, Owners:
		return " " + s.Path
	}
	return ""
}

// session is the reader's terminal: the current folder, the environment,
// the output of the last command, the command left running.
type session struct {
	t     *testing.T
	dir   string   // the current folder
	state string   // where a block's last folder is written
	env   []string // the blocks' environment
	last  string   // what the last foreground command printed
	bg    *background
}

func (s *session) do(ctx context.Context, st Step) {
	t := s.t
	t.Helper()
	at := fmt.Sprintf("%s:%d", tutorialFile, st.Line)
	switch st.Kind {
	case Run:
		out, err := s.run(ctx, st.Text)
		s.last = out
		if err != nil {
			t.Fatalf("%s: %v\n%s\noutput:\n%s", at, err, st.Text, out)
		}
	case Background:
		s.start(st)
	case Output:
		// Parse puts an output step right after its command: the
		// background one until it is ready, else the last run.
		if s.bg != nil && !s.bg.readied {
			s.awaitReady(st)
			return
		}
		if err := Match(st.Text, s.last); err != nil {
			t.Fatalf("%s: the command before did not print what the tutorial shows: %v\noutput:\n%s", at, err, s.last)
		}
	case File:
		p := filepath.Join(s.dir, st.Path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(st.Text), 0o644); err != nil {
			t.Fatalf("%s: %v", at, err)
		}
	case Insert:
		p := filepath.Join(s.dir, st.Path)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", at, err)
		}
		if data, err = InsertAfter(data, st.After, st.Text); err != nil {
			t.Fatalf("%s: insert into %s: %v", at, st.Path, err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	case Interrupt:
		s.interrupt(at)
	case Owners:
		for _, r := range st.Rows {
			got, err := OwnerOf(filepath.Join(s.dir, st.Path, r.Path))
			if err != nil {
				t.Errorf("%s:%d: %s: %v", tutorialFile, r.Line, r.Path, err)
			} else if got != r.Owner {
				t.Errorf("%s:%d: %s is owned by %s, not %s", tutorialFile, r.Line, r.Path, got, r.Owner)
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
}

// command is bash running script in a process group of its own, as a
// terminal runs a command line, so that Ctrl-C and a timeout reach every
// process it started.
func (s *session) command(ctx context.Context, script string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
	cmd.Env = s.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	return cmd
}

// run runs a block in the current folder and follows its cd.
func (s *session) run(ctx context.Context, text string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	os.Remove(s.state)
	script := "cd " + quote(s.dir) + "\ntrap 'pwd > " + quote(s.state) + "' EXIT\n" + text
	var out bytes.Buffer
	cmd := s.command(ctx, script)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if dir, rerr := os.ReadFile(s.state); rerr == nil {
		s.dir = strings.TrimSpace(string(dir))
	}
	if ctx.Err() != nil {
		err = fmt.Errorf("%w after %s", ctx.Err(), commandTimeout)
	}
	return out.String(), err
}

// quote quotes s for bash.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// background is a command left running.
type background struct {
	line    int
	cmd     *exec.Cmd
	out     *stream
	done    chan struct{} // closed when it ended; err is then its end
	err     error
	readied bool
}

func (s *session) start(st Step) {
	t := s.t
	if s.bg != nil {
		t.Fatalf("%s:%d: a background command is running already", tutorialFile, st.Line)
	}
	out := newStream()
	// Not the test's context: the command must outlive no step, and is
	// stopped by interrupt or by the test's cleanup.
	cmd := s.command(context.Background(), "cd "+quote(s.dir)+"\n"+st.Text)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s:%d: %v", tutorialFile, st.Line, err)
	}
	bg := &background{line: st.Line, cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		bg.err = cmd.Wait()
		close(bg.done)
	}()
	s.bg = bg
}

// awaitReady waits until the background command printed its output block.
func (s *session) awaitReady(st Step) {
	t, bg := s.t, s.bg
	timeout := time.NewTimer(readyTimeout)
	defer timeout.Stop()
	for {
		text, changed := bg.out.snapshot()
		err := Match(st.Text, text)
		if err == nil {
			bg.readied = true
			return
		}
		select {
		case <-changed:
		case <-bg.done:
			text, _ := bg.out.snapshot()
			if Match(st.Text, text) == nil {
				t.Fatalf("%s:%d: the background command ended, %v, as soon as it was ready:\n%s", tutorialFile, bg.line, bg.err, text)
			}
			t.Fatalf("%s:%d: the background command ended (%v) before it printed what the tutorial shows (%v):\n%s", tutorialFile, bg.line, bg.err, err, text)
		case <-timeout.C:
			t.Fatalf("%s:%d: not ready after %s: %v\noutput:\n%s", tutorialFile, bg.line, readyTimeout, err, text)
		}
	}
}

var loopbackPort = regexp.MustCompile(`127\.0\.0\.1:(\d+)`)

// interrupt is the reader's Ctrl-C: SIGINT to the background command's
// process group; it must stop cleanly and promptly and leave nothing
// listening on the ports it printed.
func (s *session) interrupt(at string) {
	t, bg := s.t, s.bg
	s.bg = nil
	if err := syscall.Kill(-bg.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatalf("%s: Ctrl-C: %v", at, err)
	}
	select {
	case <-bg.done:
	case <-time.After(stopTimeout):
		syscall.Kill(-bg.cmd.Process.Pid, syscall.SIGKILL)
		<-bg.done
		text, _ := bg.out.snapshot()
		t.Fatalf("%s: still running %s after Ctrl-C:\n%s", at, stopTimeout, text)
	}
	text, _ := bg.out.snapshot()
	if bg.err != nil {
		t.Fatalf("%s: after Ctrl-C, %s:%d ended with %v, not 0:\n%s", at, tutorialFile, bg.line, bg.err, text)
	}
	ports := map[string]bool{}
	for _, m := range loopbackPort.FindAllStringSubmatch(text, -1) {
		ports[m[1]] = true
	}
	if len(ports) == 0 {
		t.Errorf("%s: the background command printed no 127.0.0.1 port to check:\n%s", at, text)
	}
	for p := range ports {
		if c, err := net.DialTimeout("tcp", "127.0.0.1:"+p, time.Second); err == nil {
			c.Close()
			t.Errorf("%s: port %s still answers after Ctrl-C", at, p)
		} else if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("%s: port %s: %v", at, p, err)
		}
	}
}

// stopBackground stops a background command the test left running because
// it failed: Ctrl-C first, so that it stops what it started, then SIGKILL.
func (s *session) stopBackground() {
	bg := s.bg
	if bg == nil {
		return
	}
	procgroup.Stop(bg.cmd.Process.Pid, bg.done, syscall.SIGINT, stopTimeout)
	text, _ := bg.out.snapshot()
	s.t.Logf("%s:%d: the background command's output:\n%s", tutorialFile, bg.line, text)
}

// stream is a command's output as it comes, telling a reader when it grew.
type stream struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed at the next write
}

func newStream() *stream { return &stream{changed: make(chan struct{})} }

func (w *stream) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	close(w.changed)
	w.changed = make(chan struct{})
	return len(p), nil
}

// snapshot is the output so far and a channel closed when more comes.
func (w *stream) snapshot() (string, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String(), w.changed
}
