// Package dockertest builds a scaffolded Go application the way its
// Dockerfile's build stage does, without a Docker engine, for tests: only
// the paths the Dockerfile COPYs from the solution reach an empty folder,
// and its go build runs there. A file the build needs that the Dockerfile
// forgets to copy fails the build. The Dockerfile is read with BuildKit's
// parser, as harness-deployment reads it.
package dockertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Build builds the server of the Dockerfile at root/dockerfile (the
// solution root is its context) and returns the binary's path.
func Build(t testing.TB, root, dockerfile string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", dockerfile, err)
	}
	ctx := filepath.Join(t.TempDir(), "src")
	var build string
	for _, n := range res.AST.Children {
		switch strings.ToLower(n.Value) {
		case "copy":
			if fromStage(n.Flags) {
				continue
			}
			var args []string
			for a := n.Next; a != nil; a = a.Next {
				args = append(args, a.Value)
			}
			if len(args) < 2 {
				t.Fatalf("%s:%d: COPY with %d arguments", dockerfile, n.StartLine, len(args))
			}
			dst := args[len(args)-1]
			for _, src := range args[:len(args)-1] {
				target := filepath.Join(ctx, dst)
				if strings.HasSuffix(dst, "/") && !strings.HasSuffix(src, "/") {
					target = filepath.Join(target, filepath.Base(src))
				}
				copyPath(t, filepath.Join(root, src), target)
			}
		case "run":
			if n.Next != nil && strings.Contains(n.Next.Value, "go build") {
				build = n.Next.Value
			}
		}
	}
	if build == "" {
		t.Fatalf("%s runs no go build", dockerfile)
	}
	// The image's shell runs the command; only the output moves out of /.
	bin := filepath.Join(t.TempDir(), "server")
	build = strings.ReplaceAll(build, "/out/server", bin)
	cmd := exec.Command("sh", "-c", build)
	cmd.Dir = ctx
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s in the Dockerfile's context: %v\n%s", build, err, out)
	}
	return bin
}

// fromStage reports whether a COPY's flags take it from another stage or
// image (--from), not from the build context.
func fromStage(flags []string) bool {
	for _, f := range flags {
		if strings.HasPrefix(f, "--from") {
			return true
		}
	}
	return false
}

// copyPath copies a file or a folder, as COPY does.
func copyPath(t testing.TB, src, dst string) {
	t.Helper()
	info, err := os.Stat(src)
	if err != nil {
		t.Fatalf("the Dockerfile copies %s, which the solution lacks: %v", src, err)
	}
	if info.IsDir() {
		if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
