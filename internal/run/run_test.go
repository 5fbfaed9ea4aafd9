package run

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/deploy"
)

// scaffold creates a solution with harness-application, as a user would.
func scaffold(t *testing.T, apps [][]string) string {
	t.Helper()
	root := t.TempDir()
	for _, app := range apps {
		args := []string{app[0], "--root", root}
		for _, tm := range app[1:] {
			args = append(args, "-t", tm)
		}
		var out, errb bytes.Buffer
		if code := cli.Execute(cli.NewApplicationCmd(), args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errb}); code != 0 {
			t.Fatalf("harness-application %v: exit %d\n%s", args, code, errb.String())
		}
	}
	return root
}

// edit replaces old by new in a file of the solution, once.
func edit(t *testing.T, root, file, old, new string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(file))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s has no %q", file, old)
	}
	if err := os.WriteFile(p, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

// callFirst is second's ping: it calls first through the runtime's address
// of it, and tells first's database too.
const callFirst = `cfg, err := runtime.Default()
	if err != nil {
		return nil, err
	}
	first, err := cfg.App("first")
	if err != nil {
		return nil, err
	}
	resp, err := http.Get(first.ServiceAddress() + "/api/ping")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var pong string
	if err := json.NewDecoder(resp.Body).Decode(&pong); err != nil {
		return nil, err
	}
	db := "none"
	if d, err := first.Database(); err == nil {
		db = d.ConnectionString()
	}
	return &second.Ping200JSONResponse{Body: "first says " + pong + " " + db}, nil`

// migrateJob is a migration step as a chart holds it.
const migrateJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: first-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: migrate
          image: {{ .Values.apps.first.harness.deployment.image | quote }}
          args: ["migrate"]
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
          env:
            - name: MIGRATION_MARK
              value: "@MARK@"
`

// syncBuffer is a buffer that the run writes to while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body string
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d, %v", url, resp.StatusCode, err)
	}
	return body
}

// TestRun runs two scaffolded applications for real: second calls first
// through the address the runtime gives, first has a throwaway PostgreSQL
// database; then the run is cancelled and every process must be gone.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two applications")
	}
	withDB := (&Run{}).hasPostgres()
	first := []string{"first", "go-server"}
	if withDB {
		first = append(first, "db-postgres")
	} else if os.Getenv("CI") == "true" {
		t.Fatal("no initdb and postgres on this machine: scripts/test.sh installs Debian's postgresql")
	} else {
		t.Log("no initdb and postgres on this machine: first runs without a database")
	}
	root := scaffold(t, [][]string{first, {"second", "go-server"}})
	edit(t, root, "applications/second/deploy/values.yaml", "hard: []", "hard: [first]")
	// A migration step: a pre-install hook Job running first's image with
	// an argument, which its main answers by leaving a mark.
	mark := filepath.Join(t.TempDir(), "migrated")
	hook := strings.ReplaceAll(migrateJob, "@MARK@", mark)
	if err := os.MkdirAll(filepath.Join(root, "applications/first/deploy/templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "applications/first/deploy/templates/migrate.yaml"), []byte(hook), 0o644); err != nil {
		t.Fatal(err)
	}
	edit(t, root, "applications/first/backend/main.go", "func main() {\n", `func main() {
	if len(os.Args) > 1 && os.Args[1] == "migrate" {
		if err := os.WriteFile(os.Getenv("MIGRATION_MARK"), []byte("migrated"), 0o644); err != nil {
			os.Exit(1)
		}
		os.Stdout.WriteString("schema is current\n")
		return
	}
`)
	edit(t, root, "applications/second/backend/service/service.go", `import (
	"context"
`, `import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/harness-sh/harness/runtime"
`)
	edit(t, root, "applications/second/backend/service/service.go", `return &second.Ping200JSONResponse{Body: "pong"}, nil`, callFirst)

	var out, errb syncBuffer
	ready := make(chan []Service, 1)
	tmp := t.TempDir()
	r := &Run{
		Solution: deploy.Deployment{Roots: []string{root}},
		Apps:     []string{"second"}, // and first, which it depends on
		TempDir:  tmp,
		BinDir:   t.TempDir(),
		OnReady:  func(s []Service) { ready <- s },
		Out:      &out, Err: &errb,
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	begin := time.Now()
	go func() { done <- r.Run(ctx) }()
	var services []Service
	select {
	case services = <-ready:
		t.Logf("every service answered in %s", time.Since(begin).Round(time.Millisecond))
	case err := <-done:
		t.Fatalf("run ended: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	case <-time.After(3 * time.Minute):
		t.Fatalf("not ready after 3 minutes\nstdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
	urls := map[string]string{}
	for _, s := range services {
		urls[s.Name] = s.URL
		if s.Name != "postgres" && !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
			t.Errorf("%s on %s", s.Name, s.URL)
		}
	}
	if got := get(t, urls["first"]+"/api/ping"); got != "pong" {
		t.Errorf("first: %q", got)
	}
	answer := get(t, urls["second"]+"/api/ping")
	said, dbURL, _ := strings.Cut(strings.TrimPrefix(answer, "first says "), " ")
	if !strings.HasPrefix(answer, "first says ") || said != "pong" {
		t.Errorf("second: %q", answer)
	}
	if withDB {
		db, err := sql.Open("postgres", dbURL)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		if err := db.QueryRow("SELECT current_database()").Scan(&name); err != nil || name != "cloudharness" {
			t.Errorf("first's database %s: %q, %v", dbURL, name, err)
		}
		db.Close()
	} else if dbURL != "none" {
		t.Errorf("first's database: %q", dbURL)
	}

	if data, err := os.ReadFile(mark); err != nil || string(data) != "migrated" {
		t.Errorf("the hook Job did not run first's binary: %q, %v", data, err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("still running a minute after cancel")
	}
	for _, s := range services {
		if err := syscall.Kill(s.PID, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("%s (pid %d) still there: %v", s.Name, s.PID, err)
		}
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("the run's folder is left: %v", entries)
	}
	logs := out.String()
	for _, want := range []string{"first    | ", "second   | ", "first     http://127.0.0.1:", "second    http://127.0.0.1:", "first-migrate | schema is current"} {
		if !strings.Contains(logs, want) {
			t.Errorf("stdout lacks %q:\n%s", want, logs)
		}
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", logs, errb.String())
	}
}

// TestRunPortTaken: a port the run needs is taken: an error naming it,
// before anything is built or started.
func TestRunPortTaken(t *testing.T) {
	root := scaffold(t, [][]string{{"first", "go-server"}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	var errb bytes.Buffer
	r := &Run{Solution: deploy.Deployment{Roots: []string{root}}, Ports: port, TempDir: t.TempDir(), Err: &errb}
	err = r.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "first: port "+strconv.Itoa(port)+" is taken") {
		t.Fatalf("error %v", err)
	}
	if strings.Contains(errb.String(), "building") {
		t.Errorf("built before finding the port taken:\n%s", errb.String())
	}
}

// TestRunBadDatabaseURL: a DATABASE_URL that is no database URL is an
// error that does not show its password.
func TestRunBadDatabaseURL(t *testing.T) {
	root := scaffold(t, [][]string{{"first", "go-server", "db-postgres"}})
	r := &Run{Solution: deploy.Deployment{Roots: []string{root}}, DatabaseURL: "http://me:s3cret@db:5432/x", TempDir: t.TempDir()}
	err := r.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error %v", err)
	}
}
