package e2e_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/kubetest"
)

const (
	dbApp    = "store" // a go-server application with a postgres database
	pgxV5    = "github.com/jackc/pgx/v5@v5.13.0"
	dbSelect = `"store→db: 1"`
)

// TestDatabaseRuns installs a scaffolded go-server application with an
// automatic postgres database on a real node: the database's claim binds to
// a volume of the node's provisioner, its Pod (a PostgreSQL image harness
// assembles from Debian's packages) turns Ready under the restricted Pod
// Security Standard, and the application, through the runtime's connection
// string and the pgx driver, runs SELECT 1 on it across the cluster's DNS
// and Service.
func TestDatabaseRuns(t *testing.T) {
	helm := helmBinary(t)
	pg := kubetest.PostgresImage(t)
	c := kubetest.StartNode(t)
	c.ProvisionVolumes(t)
	digest, err := pg.Digest()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	pgRef := strings.TrimSuffix(c.Push(t, "kubetest/postgres:15", pg), ":15") + "@" + digest.String()
	t.Logf("push postgres image: %v", time.Since(start).Round(100*time.Millisecond))

	root := databaseSolution(t, pgRef)
	out := filepath.Join(root, "deployment")
	buildImages(t, root, c.Registry, out)
	chart(t, root, c.Registry, out)
	e := newEnv(t, c, helm)
	c.RestrictedNamespace(t, runNS)

	start = time.Now()
	e.helm(t, "install", runNS, filepath.Join(out, "helm"), "-n", runNS, "--wait", "--timeout", "5m")
	t.Logf("helm install --wait to every Pod Ready (database included): %v", time.Since(start).Round(100*time.Millisecond))

	claims, err := e.cs.CoreV1().PersistentVolumeClaims(runNS).List(e.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(claims.Items) != 1 || claims.Items[0].Status.Phase != corev1.ClaimBound {
		t.Errorf("want one Bound claim, the database's: %v", claimStates(claims.Items))
	}
	pods, err := e.cs.CoreV1().Pods(runNS).List(e.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var app, db *corev1.Pod
	for i, p := range pods.Items {
		switch {
		case p.Labels["service"] == "db":
			db = &pods.Items[i]
		case p.Labels["app"] == dbApp:
			app = &pods.Items[i]
		}
	}
	if db == nil || app == nil || !podReady(*db) || !podReady(*app) {
		t.Fatalf("want the Ready Pods of %s and its database, have %d Pods (app %v, db %v)", dbApp, len(pods.Items), app != nil, db != nil)
	}
	if ready := readySince(*db); !ready.IsZero() {
		t.Logf("database Pod created to Ready: %v", ready.Sub(db.CreationTimestamp.Time))
	}

	// The database Pod has no readiness probe: it is Ready while initdb
	// still runs on its first start. Ask until the server answers.
	var code int
	var body string
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := c.HTTPClient().Get("http://" + app.Status.PodIP + ":8080/api/ping")
		if err == nil {
			data, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			code, body, err = resp.StatusCode, strings.TrimSpace(string(data)), rerr
		}
		if err == nil && code == 200 && body == dbSelect {
			t.Logf("database Pod created to its first query answered: %v", time.Since(db.CreationTimestamp.Time).Round(100*time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s /api/ping: %d %q %v, want %s", dbApp, code, body, err, dbSelect)
		}
		time.Sleep(time.Second)
	}
	if logs := podLogs(t, e, *db); !strings.Contains(logs, "database system is ready to accept connections") {
		t.Errorf("the database's log lacks its ready line:\n%s", logs)
	}

	// An upgrade runs the migration Job, a pre-upgrade hook, with the
	// application's own image (`migrate`): the server migrated at start,
	// so it finds the schema current and succeeds.
	start = time.Now()
	e.helm(t, "upgrade", runNS, filepath.Join(out, "helm"), "-n", runNS, "--wait", "--timeout", "5m")
	jobs, err := e.cs.BatchV1().Jobs(runNS).List(e.ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=migration"})
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs.Items) != 1 || jobs.Items[0].Status.Succeeded != 1 {
		t.Fatalf("want one succeeded migration Job, have %d: %+v", len(jobs.Items), jobs.Items)
	}
	t.Logf("helm upgrade --wait, its migration Job included: %v", time.Since(start).Round(100*time.Millisecond))

	// A migration that fails halfway: its Job fails, so does the upgrade,
	// and the running release stays as it was, on the schema it had.
	writeFile(t, filepath.Join(root, "applications", dbApp, "backend", "database", "migrations", "0002_fails.sql"),
		"CREATE TABLE half_done (id int);\nSELECT 1/0;\n")
	buildImages(t, root, c.Registry, out)
	chart(t, root, c.Registry, out)
	start = time.Now()
	if msg, err := e.helmErr("upgrade", runNS, filepath.Join(out, "helm"), "-n", runNS, "--wait", "--timeout", "3m"); err == nil {
		t.Fatalf("helm upgrade with a failing migration succeeded:\n%s", msg)
	}
	t.Logf("helm upgrade refused by its failing migration Job after %v", time.Since(start).Round(100*time.Millisecond))
	jobs, err = e.cs.BatchV1().Jobs(runNS).List(e.ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/component=migration"})
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs.Items) != 1 || jobs.Items[0].Status.Failed == 0 || jobs.Items[0].Status.Succeeded != 0 {
		t.Errorf("want one failed migration Job, have %+v", jobs.Items)
	}
	// The pod of the release as it was still serves its items (the table
	// of migration 0001) and is ready: for its binary the schema is
	// current, the failed migration rolled back.
	for _, path := range []string{"/ready", "/api/items"} {
		resp, err := c.HTTPClient().Get("http://" + app.Status.PodIP + ":8080" + path)
		if err != nil {
			t.Fatalf("GET %s after the failed upgrade: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s after the failed upgrade: %d, want 200", path, resp.StatusCode)
		}
	}
}

// databaseSolution scaffolds the application, points its database at image,
// and makes its Ping run SELECT 1 through the runtime's connection string.
func databaseSolution(t *testing.T, image string) string {
	t.Helper()
	root := t.TempDir()
	run(t, cli.NewApplicationCmd(), dbApp, "--root", root, "-t", "go-server", "-t", "db-postgres")
	editValues(t, root, dbApp, func(v map[string]any) {
		db, ok := harness(t, v)["database"].(map[string]any)
		if !ok {
			t.Fatal("the db-postgres values have no harness.database")
		}
		db["postgres"] = map[string]any{"image": image}
	})
	goCmd(t, root, "get", pgxV5)
	editPing(t, root, dbApp, `	cfg, err := runtime.Default()
	if err != nil {
		return nil, err
	}
	app, err := cfg.Current()
	if err != nil {
		return nil, err
	}
	db, err := app.Database()
	if err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, db.ConnectionString())
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return nil, err
	}
	return &PKG.Ping200JSONResponse{Body: fmt.Sprintf("store→db: %d", one)}, nil`,
		`"fmt"`, `"github.com/harness-sh/harness/runtime"`, `"github.com/jackc/pgx/v5"`)
	// Settled now: go.mod and go.sum are inputs of the image's tag, which
	// harness build and harness-deployment --pin must compute alike.
	goCmd(t, root, "mod", "tidy")
	return root
}

// goCmd runs the go command in dir, on the module proxy.
func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// readySince is when p's Ready condition last turned true; zero if not Ready.
func readySince(p corev1.Pod) time.Time {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return c.LastTransitionTime.Time
		}
	}
	return time.Time{}
}

func claimStates(claims []corev1.PersistentVolumeClaim) []string {
	var s []string
	for _, c := range claims {
		s = append(s, c.Name+" "+string(c.Status.Phase))
	}
	return s
}
