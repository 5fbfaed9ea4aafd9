package badinput

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harness-sh/harness/internal/treetest"

	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/cli/deploycmd"
	"github.com/harness-sh/harness/internal/fileset"
)

// execute runs a command line in dir through fsys.
func execute(t *testing.T, dir string, fsys fileset.FS, args ...string) (int, string) {
	t.Helper()
	t.Chdir(dir)
	ctx := context.Background()
	if fsys != nil {
		ctx = fileset.WithFS(ctx, fsys)
	}
	var out, errb bytes.Buffer
	code := cli.ExecuteContext(ctx, cli.NewRootCmd(deploycmd.New()), args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, errb.String()
}

// copyTree copies a solution to a fresh folder.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "solution")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestAtomicOutput fails, in turn, every write and every rename a scaffold,
// a generation and a deployment make: afterwards the solution is exactly
// as it was (the command failing with exit 1), never a mix of old and new.
func TestAtomicOutput(t *testing.T) {
	spec := func(ops ...string) string {
		var b strings.Builder
		b.WriteString("openapi: 3.0.3\ninfo:\n  title: shop\n  version: \"1\"\npaths:\n")
		for _, op := range ops {
			b.WriteString("  /" + op + ":\n    get:\n      operationId: " + op + "\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/Item\"\n")
		}
		b.WriteString("components:\n  schemas:\n    Item:\n      type: object\n      properties:\n        name:\n          type: string\n")
		return b.String()
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) // builds the old solution
		args  []string
	}{
		{"scaffold into an empty solution", func(t *testing.T, dir string) {}, []string{"application", "orders", "-t", "go-server"}},
		{"scaffold beside an application, module rewired", func(t *testing.T, dir string) {
			if code, out := execute(t, dir, nil, "application", "users", "-t", "go-server"); code != 0 {
				t.Fatal(out)
			}
		}, []string{"application", "orders", "-t", "go-server", "-t", "db-postgres"}},
		{"generation of a changed spec", func(t *testing.T, dir string) {
			if code, out := execute(t, dir, nil, "application", "shop", "-t", "go-server", "--openapi", writeFile(t, t.TempDir(), "spec.yaml", spec("listItems", "getItem"))); code != 0 {
				t.Fatal(out)
			}
			writeFile(t, dir, "applications/shop/api/openapi.yaml", spec("listItems", "countItems"))
		}, []string{"generate", "all"}},
		{"deployment over a previous chart", func(t *testing.T, dir string) {
			writeFile(t, dir, "applications/web/Dockerfile", "FROM scratch\nUSER 65532\n")
			writeFile(t, dir, "applications/web/deploy/values.yaml", "harness:\n  subdomain: web\n  deployment:\n    auto: true\n    port: 8080\n  service:\n    auto: true\n")
			writeFile(t, dir, "applications/web/deploy/resources/app.conf", "a=1\n")
			if code, out := execute(t, dir, nil, "deployment", "-t", "1"); code != 0 {
				t.Fatal(out)
			}
			writeFile(t, dir, "applications/web/deploy/values.yaml", "harness:\n  subdomain: www\n  deployment:\n    auto: true\n    port: 9090\n  service:\n    auto: true\n")
		}, []string{"deployment", "-t", "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := t.TempDir()
			tt.setup(t, old)
			// A clean run counts the operations and gives the new tree.
			counter := &fileset.Faults{}
			clean := copyTree(t, old)
			// A generation may end with exit 1 after writing everything:
			// the user's code no longer compiles against the new API.
			if code, out := execute(t, clean, counter, tt.args...); code != 0 && !strings.Contains(out, "no longer compiles") {
				t.Fatalf("clean run: exit %d: %s", code, out)
			}
			n := counter.Count()
			if n == 0 {
				t.Fatal("the command wrote nothing")
			}
			t.Logf("%d writes and renames", n)
			for at := 1; at <= n; at++ {
				dir := copyTree(t, old)
				before := treetest.Snapshot(t, dir)
				f := &fileset.Faults{At: at}
				code, out := execute(t, dir, f, tt.args...)
				if !f.Failed() {
					t.Fatalf("operation %d of %d was not reached (exit %d): the command is not deterministic", at, n, code)
				}
				if code != cli.ExitUser {
					t.Errorf("operation %d of %d failed: exit %d, want %d; %s", at, n, code, cli.ExitUser, out)
				}
				if after := treetest.Snapshot(t, dir); !maps.Equal(before, after) {
					t.Errorf("operation %d of %d failed (%s): the tree is neither old nor new:\n%s", at, n, strings.TrimSpace(out), treetest.Diff(before, after))
				}
			}
		})
	}
}

func writeFile(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStaleStaging: what a killed scaffold or generation left beside its
// output (a staged folder, a staged file, a previous file kept aside) is
// cleaned up by the next run, which says so; what is recent is left alone,
// as it may be another run's.
func TestStaleStaging(t *testing.T) {
	dir := t.TempDir()
	if code, out := execute(t, dir, nil, "application", "shop", "-t", "go-server"); code != 0 {
		t.Fatal(out)
	}
	old := func(name string) string {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("left behind\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-2 * fileset.StaleAfter)
		os.Chtimes(p, at, at)
		os.Chtimes(filepath.Dir(p), at, at)
		return p
	}
	stagedApp := old("applications/.orders.harness-new-1234/README.md")
	stagedFile := old("applications/shop/backend/shop/.server_gen.go.harness-new-99")
	recent := filepath.Join(dir, "applications/shop/backend/shop/.types_gen.go.harness-new-42")
	os.WriteFile(recent, []byte("a live run's\n"), 0o644)
	// Killed between moving server_gen.go aside and moving its new
	// version in: the place is empty.
	keptAside := old("applications/shop/backend/shop/.server_gen.go.harness-old-7")
	if err := os.Remove(filepath.Join(dir, "applications/shop/backend/shop/server_gen.go")); err != nil {
		t.Fatal(err)
	}

	code, out := execute(t, dir, nil, "generate", "all")
	if code != 0 && !strings.Contains(out, "no longer compiles") {
		t.Fatalf("generate: exit %d: %s", code, out)
	}
	for _, want := range []string{"note: removed applications/shop/backend/shop/.server_gen.go.harness-new-99", "note: put back applications/shop/backend/shop/server_gen.go"} {
		if !strings.Contains(strings.ReplaceAll(out, dir+"/", ""), want) {
			t.Errorf("generate does not say %q:\n%s", want, out)
		}
	}
	for _, gone := range []string{stagedFile, keptAside} {
		if _, err := os.Lstat(gone); err == nil {
			t.Errorf("%s left", gone)
		}
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("a recent staging file was removed: %v", err)
	}
	code, out = execute(t, dir, nil, "application", "orders", "-t", "webapp")
	if code != 0 {
		t.Fatalf("application: exit %d: %s", code, out)
	}
	if _, err := os.Stat(filepath.Dir(stagedApp)); err == nil {
		t.Errorf("%s left", filepath.Dir(stagedApp))
	}
	if !strings.Contains(out, "applications/.orders.harness-new-1234, left by an interrupted run") {
		t.Errorf("application does not say what it removed:\n%s", out)
	}
}
