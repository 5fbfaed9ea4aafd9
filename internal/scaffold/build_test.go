package scaffold_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/generate"
	"github.com/harness-sh/harness/internal/scaffold"
)

// TestSolutionBuildsOnItsOwn is the promise of DESIGN.md: a solution that
// harness-application created in an empty folder builds, vets and tests with
// only the Go toolchain and the module proxy.
func TestSolutionBuildsOnItsOwn(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a solution with the go command")
	}
	root := filepath.Join(t.TempDir(), "My Solution")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		name string
		tpls []string
	}{{"demo", []string{"go-server", "db-postgres"}}, {"my-api", []string{"go-server"}}} {
		if _, err := (&scaffold.Application{Root: root, Name: a.name, Templates: a.tpls, Generator: generate.Scaffolder{}}).Run(context.Background()); err != nil {
			t.Fatalf("%s: %v", a.name, err)
		}
	}
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the solution: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
