package scaffold_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/dockertest"
	"github.com/harness-sh/harness/internal/generate"
	"github.com/harness-sh/harness/internal/mongotest"
	"github.com/harness-sh/harness/internal/pgcluster"
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
	// pets starts from an existing spec (--openapi): its service is
	// scaffolded for that spec, and must build and vet like the others.
	petsSpec, err := filepath.Abs("../generate/testdata/pets/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		name, spec string
		tpls       []string
	}{
		// Applications named like the scaffolded code's own identifiers
		// once were (store, pages, telemetry): the generated package of that
		// name must not collide with them.
		{"store", "", []string{"go-server", "db-postgres"}},
		{"my-api", "", []string{"go-server"}},
		{"pets", petsSpec, []string{"go-server"}},
		// The order of -t does not matter: the database's code wins.
		{"pages", "", []string{"db-mongo", "go-server"}},
		{"telemetry", "", []string{"go-server", "db-neo4j"}},
		// With --openapi the spec's service stays in memory: no database code.
		{"pets-db", petsSpec, []string{"go-server", "db-postgres"}},
	} {
		if _, err := (&scaffold.Application{Root: root, Name: a.name, Templates: a.tpls, OpenAPI: a.spec, Generator: generate.Scaffolder{}}).Run(context.Background()); err != nil {
			t.Fatalf("%s: %v", a.name, err)
		}
	}
	spec, _ := os.ReadFile(petsSpec)
	got, err := os.ReadFile(filepath.Join(root, "applications", "pets", "api", "openapi.yaml"))
	if err != nil || string(got) != string(spec) {
		t.Errorf("--openapi: api/openapi.yaml is not the given spec (%v)", err)
	}
	service, _ := os.ReadFile(filepath.Join(root, "applications", "pets", "backend", "service", "service.go"))
	if !strings.Contains(string(service), "func (s *Service) AddNote(") || strings.Contains(string(service), "CreateItem") {
		t.Errorf("--openapi: the service is not the spec's:\n%s", service)
	}
	for app, want := range map[string]bool{"store": true, "pages": false, "telemetry": false, "pets-db": false} {
		_, err := os.Stat(filepath.Join(root, "applications", app, "deploy", "templates", "migrate.yaml"))
		if has := err == nil; has != want {
			t.Errorf("%s: migration Job %v, want %v", app, has, want)
		}
	}
	// The database code's tests (migrations, items through HTTP) run on a
	// throwaway PostgreSQL, and mongo's on a throwaway FerretDB (a
	// MongoDB-wire server on SQLite); neo4j's are compiled and vetted
	// only: no server of its is installable here.
	pg := pgcluster.ForTest(t, pgcluster.Options{})
	mongo := mongotest.ForTest(t)
	for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly", "TEST_DATABASE_URL="+pg.URL("postgres"), "TEST_MONGODB_URL="+mongo.URL(""))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s in the solution: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// TestDockerfileContext builds a scaffolded application the way its
// Dockerfile does, without a Docker engine (dockertest): a COPY of a
// missing path or a build that needs a file the image does not get fails
// here.
func TestDockerfileContext(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the go command")
	}
	root := t.TempDir()
	if _, err := (&scaffold.Application{Root: root, Name: "my-api", Templates: []string{"go-server", "db-mongo"}, Generator: generate.Scaffolder{}}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	dockertest.Build(t, root, filepath.Join("applications", "my-api", "Dockerfile"))
}

// TestOpenAPIBadInput: --openapi without a Go server, with a missing file,
// or with a spec that does not load is an error naming it, and nothing is
// written.
func TestOpenAPIBadInput(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("openapi: 3.0.3\ninfo:\n  title: x\n  version: '1'\npaths:\n  /a:\n    get:\n      parameters:\n        - name: q\n          in: body\n          schema: {type: string}\n      responses:\n        '200':\n          description: ok\n"), 0o644)
	for _, tc := range []struct {
		name, spec string
		tpls       []string
		want       string
	}{
		{"no server", bad, []string{"webapp"}, "have no Go server to serve it: add -t go-server"},
		{"missing", filepath.Join(t.TempDir(), "none.yaml"), []string{"go-server"}, "--openapi: open "},
		// Reported in the user's file, at the offending key's line.
		{"invalid", bad, []string{"go-server"}, "bad.yaml:10: paths./a.get.parameters.0.in: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			_, err := (&scaffold.Application{Root: root, Name: "x", Templates: tc.tpls, OpenAPI: tc.spec, Generator: generate.Scaffolder{}}).Run(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(root, "applications", "x")); err == nil {
				t.Error("the application was written")
			}
		})
	}
}
