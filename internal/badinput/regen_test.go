package badinput

import (
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/harness-sh/harness/internal/testenv"
)

var (
	regenSeed       = flag.Uint64("regen.seed", 0, "seed of TestRegenerationKeepsUserEdits (0: from the clock)")
	regenIterations = flag.Int("regen.iterations", 3, "spec changes TestRegenerationKeepsUserEdits makes (more for a longer search)")
)

// specModel is the API a regeneration test evolves: operations (each a GET
// answering one schema) and schemas (objects, some pointing at another).
type specModel struct {
	ops     map[string]string // operationId → schema it answers
	schemas map[string]string // schema → schema its "next" property refers to, or ""
	n       int               // names handed out
}

func (m *specModel) name(prefix string) string {
	m.n++
	return fmt.Sprintf("%s%d", prefix, m.n)
}

func (m *specModel) yaml() string {
	var b strings.Builder
	b.WriteString("openapi: 3.0.3\ninfo:\n  title: shop\n  version: \"1\"\npaths:\n")
	for _, op := range slices.Sorted(maps.Keys(m.ops)) {
		fmt.Fprintf(&b, "  /%s:\n    get:\n      operationId: %s\n      parameters:\n        - name: limit\n          in: query\n          schema:\n            type: integer\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/%s\"\n", strings.ToLower(op), op, m.ops[op])
	}
	b.WriteString("components:\n  schemas:\n")
	for _, s := range slices.Sorted(maps.Keys(m.schemas)) {
		fmt.Fprintf(&b, "    %s:\n      type: object\n      properties:\n        name:\n          type: string\n", s)
		if next := m.schemas[s]; next != "" {
			fmt.Fprintf(&b, "        next:\n          $ref: \"#/components/schemas/%s\"\n", next)
		}
	}
	return b.String()
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// mutate changes the API as its owner would: adds, removes and renames
// operations and schemas, keeping every $ref resolvable. It returns what it
// did, for the failure message.
func (m *specModel) mutate(r *rand.Rand) string {
	ops := slices.Sorted(maps.Keys(m.ops))
	schemas := slices.Sorted(maps.Keys(m.schemas))
	retarget := func(from, to string) {
		for op, s := range m.ops {
			if s == from {
				m.ops[op] = to
			}
		}
		for s, next := range m.schemas {
			if next == from {
				m.schemas[s] = to
			}
		}
	}
	switch r.IntN(6) {
	case 0:
		op := m.name("getThing")
		m.ops[op] = pick(r, schemas)
		return "add operation " + op
	case 1:
		if len(ops) < 2 {
			return m.mutate(r)
		}
		op := pick(r, ops)
		delete(m.ops, op)
		return "remove operation " + op
	case 2:
		op := pick(r, ops)
		to := m.name("fetchThing")
		m.ops[to] = m.ops[op]
		delete(m.ops, op)
		return "rename operation " + op + " to " + to
	case 3:
		s := m.name("Thing")
		m.schemas[s] = ""
		if r.IntN(2) == 0 {
			m.schemas[s] = pick(r, schemas)
		}
		return "add schema " + s
	case 4:
		if len(schemas) < 2 {
			return m.mutate(r)
		}
		s := pick(r, schemas)
		delete(m.schemas, s)
		rest := slices.DeleteFunc(slices.Clone(schemas), func(x string) bool { return x == s })
		retarget(s, pick(r, rest))
		return "remove schema " + s
	default:
		s := pick(r, schemas)
		to := m.name("Item")
		m.schemas[to] = m.schemas[s]
		delete(m.schemas, s)
		retarget(s, to)
		return "rename schema " + s + " to " + to
	}
}

// compileError is a line of the go command's output naming a place.
var compileError = regexp.MustCompile(`\S+\.go:\d+:\d+: `)

// TestRegenerationKeepsUserEdits edits the files a user owns at random,
// changes the spec (operations and schemas added, removed, renamed),
// regenerates, and checks that every user edit is still there and that the
// solution builds and vets, or that harness-generate exits 1 naming what no
// longer compiles. A failure prints its seed: -regen.seed=N replays it;
// -regen.iterations=N searches longer.
func TestRegenerationKeepsUserEdits(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		testenv.Missing(t, "no go command to build the solution with")
	}
	seed := *regenSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("replay with: go test ./internal/badinput -run TestRegenerationKeepsUserEdits -regen.seed=%d -regen.iterations=%d", seed, *regenIterations)
		}
	})
	r := rand.New(rand.NewPCG(seed, seed))
	runtimeDir, err := filepath.Abs("../../runtime")
	if err != nil {
		t.Fatal(err)
	}

	m := &specModel{ops: map[string]string{}, schemas: map[string]string{}}
	first := m.name("Thing")
	m.schemas[first] = ""
	m.ops[m.name("listThing")] = first
	dir := t.TempDir()
	spec := writeFile(t, t.TempDir(), "spec.yaml", m.yaml())
	if code, out := execute(t, dir, nil, "application", "shop", "-t", "go-server", "--openapi", spec); code != 0 {
		t.Fatalf("scaffold: exit %d: %s", code, out)
	}
	// Build against the runtime of this tree, not the copy the scaffold
	// made: generated code and the runtime change together.
	goCmd(t, dir, "mod", "edit", "-replace=github.com/harness-sh/harness/runtime="+runtimeDir)
	goCmd(t, dir, "mod", "tidy")
	backend := filepath.Join(dir, "applications/shop/backend")
	if out, err := goCmd(t, backend, "vet", "./..."); err != nil {
		t.Fatalf("the scaffolded application does not vet: %v\n%s", err, out)
	}

	// The files the user owns, with the content they must keep.
	user := map[string]string{}
	own := func(rel string) {
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		user[rel] = string(data)
	}
	for _, f := range []string{"backend/main.go", "backend/service/service.go", "backend/service/service_test.go", "deploy/values.yaml", "Dockerfile"} {
		if _, err := os.Stat(filepath.Join(dir, "applications/shop", f)); err == nil {
			own("applications/shop/" + f)
		}
	}
	edit := func(rel, content string) {
		writeFile(t, dir, rel, content)
		user[rel] = content
	}
	var history []string
	for i := range *regenIterations {
		// The user's edits.
		for k := range 1 + r.IntN(3) {
			marker := fmt.Sprintf("user edit %d.%d", i, k)
			switch r.IntN(4) {
			case 0, 1: // a line added to a Go file the user owns
				var goFiles []string
				for f := range user {
					if strings.HasSuffix(f, ".go") {
						goFiles = append(goFiles, f)
					}
				}
				slices.Sort(goFiles)
				f := pick(r, goFiles)
				edit(f, user[f]+"\n// "+marker+"\n")
				history = append(history, "edit "+f)
			case 2: // a file of the user's own beside generated ones
				f := fmt.Sprintf("applications/shop/backend/shop/user_%d_%d.go", i, k)
				edit(f, fmt.Sprintf("package shop\n\n// UserConst%d%d is a %s.\nconst UserConst%d%d = %d\n", i, k, marker, i, k, i))
				history = append(history, "add "+f)
			default: // a helper in the user's service package
				f := fmt.Sprintf("applications/shop/backend/service/helper_%d_%d.go", i, k)
				edit(f, fmt.Sprintf("package service\n\n// helper%d%d is a %s.\nfunc helper%d%d() int { return %d }\n", i, k, marker, i, k, k))
				history = append(history, "add "+f)
			}
		}
		// The API's owner changes the spec.
		for range 1 + r.IntN(2) {
			history = append(history, m.mutate(r))
		}
		writeFile(t, dir, "applications/shop/api/openapi.yaml", m.yaml())
		code, out := execute(t, dir, nil, "generate", "all")
		what := fmt.Sprintf("iteration %d (%s)", i, strings.Join(history, "; "))
		checkUserFiles(t, dir, user, what)
		switch {
		case code == 0:
			if out, err := goCmd(t, backend, "vet", "./..."); err != nil {
				t.Fatalf("%s: harness-generate succeeded but the application does not vet: %v\n%s", what, err, out)
			}
		case code == 1 && strings.Contains(out, "applications/shop/backend no longer compiles") && compileError.MatchString(out):
			// Said precisely: now mend it as the message suggests, moving
			// the scaffolded service away to get one for the new spec.
			for _, f := range []string{"applications/shop/backend/service/service.go", "applications/shop/backend/service/service_test.go"} {
				os.Remove(filepath.Join(dir, f))
				delete(user, f)
			}
			if code, out := execute(t, dir, nil, "generate", "all"); code != 0 {
				t.Fatalf("%s: regenerating after moving the service away: exit %d\n%s", what, code, out)
			}
			own("applications/shop/backend/service/service.go")
			checkUserFiles(t, dir, user, what)
			if out, err := goCmd(t, backend, "vet", "./..."); err != nil {
				t.Fatalf("%s: the mended application does not vet: %v\n%s", what, err, out)
			}
			history = append(history, "service scaffolded again")
		default:
			t.Fatalf("%s: harness-generate exit %d without saying what no longer compiles:\n%s", what, code, out)
		}
	}
	t.Logf("seed %d: %s", seed, strings.Join(history, "; "))
}

// checkUserFiles fails unless every user-owned file holds what the user
// wrote.
func checkUserFiles(t *testing.T, dir string, user map[string]string, what string) {
	t.Helper()
	for _, f := range slices.Sorted(maps.Keys(user)) {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("%s: %s lost: %v", what, f, err)
		}
		if string(data) != user[f] {
			t.Fatalf("%s: %s changed by harness-generate", what, f)
		}
	}
}

// goCmd runs the go command in dir, outside any workspace; a failing
// `go mod` stops the test.
func goCmd(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil && args[0] == "mod" {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), err
}
