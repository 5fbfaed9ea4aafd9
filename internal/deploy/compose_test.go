package deploy

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/harness-sh/harness/runtime"
)

// composeSolution has what a compose file must carry: three applications
// with a database of each type, hard and soft dependencies, secrets given,
// generated once and generated every time, private variables, a value with
// a $ in it, a migration hook Job, and an image given rather than built.
func composeSolution(t *testing.T) string {
	t.Helper()
	return writeTree(t, map[string]string{
		"deployment-configuration/values-template.yaml": `env:
  - name: GREETING
    value: "costs $5, $(HOME) stays"
privenv:
  - name: API_TOKEN
    value: "t$k'en"
`,
		"applications/api/Dockerfile": dockerfile,
		"applications/api/deploy/values.yaml": `harness:
  subdomain: api
  deployment:
    auto: true
    port: 8080
  readinessProbe:
    path: /api/ready
  dependencies:
    hard: [worker]
    soft: [graph, missing]
  secrets:
    given: fixed
    kept: ""
    rotating: "?"
  database:
    auto: true
    type: postgres
`,
		// What a migration step looks like: a pre-install hook running the
		// application's image.
		"applications/api/deploy/templates/migrate.yaml": `apiVersion: batch/v1
kind: Job
metadata:
  name: api-migrate
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
          image: {{ .Values.apps.api.harness.deployment.image | quote }}
          args: ["migrate"]
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: ["ALL"]
          env:
            - name: CH_CURRENT_APP_NAME
              value: api
`,
		"applications/worker/Dockerfile":         dockerfile,
		"applications/worker/deploy/values.yaml": "harness:\n  deployment:\n    auto: true\n    port: 9000\n  service:\n    auto: true\n    port: 9000\n  database:\n    auto: true\n    type: mongo\n    pass: fixed\n",
		"applications/graph/deploy/values.yaml":  "harness:\n  subdomain: graph\n  deployment:\n    auto: true\n    image: registry.example.com/graph:1.0\n  service:\n    auto: true\n  database:\n    auto: true\n    type: neo4j\n    user: neo\n    pass: fixed\n",
		"applications/notdeployed/deploy/.keep":  "",
	})
}

func runCompose(t *testing.T, root, out string) (*Result, string, error) {
	t.Helper()
	var stdout, stderr strings.Builder
	d := &Deployment{Roots: []string{root}, Output: out, Namespace: "shop", Domain: "shop.example.com", DockerCompose: true, Out: &stdout, Err: &stderr}
	res, err := d.Run(context.Background())
	t.Logf("stderr:\n%s", stderr.String())
	return res, stdout.String(), err
}

// loadCompose loads OUT/docker-compose.yaml as docker compose does.
func loadCompose(t *testing.T, out string) *types.Project {
	t.Helper()
	file := filepath.Join(out, ComposeFile)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  out,
		ConfigFiles: []types.ConfigFile{{Filename: file, Content: data}},
		Environment: types.Mapping{},
	})
	if err != nil {
		t.Fatalf("compose-go loads %s: %v", file, err)
	}
	return p
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestDockerCompose: the compose file loads with the Compose
// specification's loader and says what the chart says: images, the
// environment (secrets through env files), values, secrets and addresses
// mounted, databases with health checks, depends_on following the
// dependencies, the migration hook first.
func TestDockerCompose(t *testing.T) {
	root := composeSolution(t)
	out := filepath.Join(root, "deployment")
	_, stdout, err := runCompose(t, root, out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "helm")); !os.IsNotExist(err) {
		t.Errorf("--docker-compose wrote the chart too (%v)", err)
	}
	for _, want := range []string{"api                      http://localhost:8000", "graph                    http://localhost:8001", "worker                   http://localhost:8002", "up --build"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	checkGolden(t, filepath.Join("testdata", "golden", "compose.yaml"),
		readFile(t, filepath.Join(out, ComposeFile))+"---\n"+readFile(t, filepath.Join(out, ComposeDir, "addresses.yaml")))

	p := loadCompose(t, out)
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range p.Services {
			if !yield(n) {
				return
			}
		}
	})
	if want := []string{"api", "api-db", "api-migrate", "graph", "graph-db", "worker", "worker-db"}; !slices.Equal(names, want) {
		t.Fatalf("services %v, want %v", names, want)
	}
	secret := func(rel string) string { return readFile(t, filepath.Join(out, ComposeDir, "secrets", rel)) }
	env := func(svc, name string) string {
		t.Helper()
		v := p.Services[svc].Environment[name]
		if v == nil {
			t.Fatalf("%s: no %s in %v", svc, name, p.Services[svc].Environment)
		}
		return *v
	}
	dbPass := secret("api-db-credentials/password")
	for _, c := range []struct{ what, got, want string }{
		{"api's app name", env("api", "CH_CURRENT_APP_NAME"), "api"},
		{"api's addresses", env("api", runtime.EnvAddressesPath), "/opt/cloudharness/resources/addresses.yaml"},
		{"a value with $", env("api", "GREETING"), "costs $5, $(HOME) stays"},
		{"a private variable", env("worker", "API_TOKEN"), "t$k'en"},
		{"postgres password", env("api-db", "POSTGRES_PASSWORD"), dbPass},
		{"the app's copy of it", secret("_api/secrets/database-password"), dbPass},
		{"neo4j auth", env("graph-db", "NEO4J_AUTH"), "neo/fixed"},
		{"the given secret", secret("api/given"), "fixed"},
		{"the migration's image", p.Services["api-migrate"].Image, p.Services["api"].Image},
		{"api's user", p.Services["api"].User, "65532:65532"},
		{"api's build", p.Services["api"].Build.Context + " " + p.Services["api"].Build.Dockerfile, filepath.Join(root, "applications", "api") + " Dockerfile"},
		{"api-db's health check", strings.Join(p.Services["api-db"].HealthCheck.Test, " "), "CMD pg_isready -h 127.0.0.1 -p 5432 -U mnp -d cloudharness"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.what, c.got, c.want)
		}
	}
	if len(dbPass) < 16 {
		t.Errorf("generated password %q", dbPass)
	}
	if p.Services["graph"].Build != nil {
		t.Errorf("graph's image is given, yet it has a build: %+v", p.Services["graph"].Build)
	}
	if !p.Services["api"].ReadOnly || !slices.Contains(p.Services["api"].CapDrop, "ALL") {
		t.Errorf("api is not read-only without capabilities: %+v", p.Services["api"])
	}
	if data := readFile(t, filepath.Join(out, ComposeFile)); strings.Contains(data, dbPass) || strings.Contains(data, "t$$k") {
		t.Errorf("a secret is in the compose file itself")
	}
	for _, c := range []struct {
		svc, on, condition string
		required           bool
	}{
		{"api", "api-db", "service_healthy", true},
		{"api", "worker", "service_started", true},
		{"api", "graph", "service_started", false},
		{"api", "api-migrate", "service_completed_successfully", true},
		{"worker", "worker-db", "service_healthy", true},
		{"api-migrate", "api-db", "service_healthy", true},
		{"api-migrate", "worker-db", "service_healthy", true},
	} {
		dep, ok := p.Services[c.svc].DependsOn[c.on]
		if !ok || dep.Condition != c.condition || dep.Required != c.required {
			t.Errorf("%s depends on %s: %+v (present %v), want %s required=%v", c.svc, c.on, dep, ok, c.condition, c.required)
		}
	}
	if _, ok := p.Services["api-db"].DependsOn["api-migrate"]; ok {
		t.Error("the database waits for the migration that needs it")
	}

	// Inside the containers, the runtime finds every application where
	// compose puts it.
	secrets := t.TempDir()
	if err := os.Symlink(filepath.Join(out, ComposeDir, "secrets", "_api", "secrets"), filepath.Join(secrets, "api")); err != nil {
		t.Fatal(err)
	}
	addrs, err := runtime.LoadAddresses(filepath.Join(out, ComposeDir, "addresses.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := runtime.LoadWith(filepath.Join(out, ComposeDir, "configmaps", "cloudharness-allvalues", "allvalues.yaml"),
		runtime.Options{CurrentApp: "api", SecretsPath: secrets, Addresses: addrs, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	worker, _ := cfg.App("worker")
	api, _ := cfg.App("api")
	db, err := api.Database()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ what, got, want string }{
		{"worker", worker.ServiceAddress(), "http://worker:9000"},
		{"api public", api.PublicAddress(), "http://localhost:8000"},
		{"api database", db.ConnectionString(), "postgres://api-db:5432/cloudharness?user=mnp&password=" + dbPass},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.what, c.got, c.want)
		}
	}
	// worker is reached by its Service's name, an alias on compose's network.
	if aliases := p.Services["worker"].Networks["default"].Aliases; !slices.Contains(aliases, "worker.shop") {
		t.Errorf("worker's aliases %v", aliases)
	}
	if !slices.Contains(p.Services["worker-db"].Networks["default"].Aliases, "worker-db.shop.svc.cluster.local") {
		t.Errorf("worker-db's aliases %v", p.Services["worker-db"].Networks["default"].Aliases)
	}
}

// TestDockerComposePods: a pod of several containers is a service per
// container: further ones on the first's network, init ones run before it.
func TestDockerComposePods(t *testing.T) {
	root := composeSolution(t)
	p := filepath.Join(root, "applications/worker/deploy/templates/extra.yaml")
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: extra
spec:
  selector:
    matchLabels: {app: extra}
  template:
    metadata:
      labels: {app: extra}
    spec:
      initContainers:
        - name: setup
          image: busybox
          args: ["sh", "-c", "echo $(GREETING)"]
          env:
            - name: GREETING
              value: hi
      containers:
        - name: main
          image: nginx
          ports:
            - containerPort: 80
        - name: proxy
          image: envoyproxy/envoy
          ports:
            - containerPort: 9901
---
apiVersion: v1
kind: Service
metadata:
  name: extra-svc
spec:
  type: LoadBalancer
  selector: {app: extra}
  ports:
    - port: 8088
      targetPort: 80
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "deployment")
	if _, _, err := runCompose(t, root, out); err != nil {
		t.Fatal(err)
	}
	proj := loadCompose(t, out)
	main, proxy, setup := proj.Services["extra"], proj.Services["extra-proxy"], proj.Services["extra-setup"]
	if main.Image != "nginx" || proxy.NetworkMode != "service:extra" || setup.Restart != "no" {
		t.Errorf("extra %q, extra-proxy network %q, extra-setup restart %q", main.Image, proxy.NetworkMode, setup.Restart)
	}
	if dep := main.DependsOn["extra-setup"]; dep.Condition != "service_completed_successfully" {
		t.Errorf("extra waits for extra-setup: %+v", dep)
	}
	if dep := proxy.DependsOn["extra"]; dep.Condition != "service_started" {
		t.Errorf("extra-proxy waits for extra: %+v", dep)
	}
	if got := strings.Join(setup.Command, " "); got != "sh -c echo hi" {
		t.Errorf("extra-setup's command: %q", got)
	}
	if len(main.Ports) != 1 || main.Ports[0].Published != "8088" || main.Ports[0].Target != 80 || main.Ports[0].HostIP != "127.0.0.1" {
		t.Errorf("extra's ports: %+v", main.Ports)
	}
	if !slices.Contains(main.Networks["default"].Aliases, "extra-svc.shop") {
		t.Errorf("extra's aliases: %+v", main.Networks)
	}
}

// TestDockerComposeKeepsSecrets: as Helm keeps generated secrets across
// upgrades, a second run keeps the generated values of the first (the
// database's volume was made with its password), except those marked "?".
func TestDockerComposeKeepsSecrets(t *testing.T) {
	root := composeSolution(t)
	out := filepath.Join(t.TempDir(), "deployment")
	read := func() map[string]string {
		m := map[string]string{}
		for _, rel := range []string{"api-db-credentials/password", "api/kept", "api/rotating", "api/given"} {
			m[rel] = readFile(t, filepath.Join(out, ComposeDir, "secrets", rel))
		}
		m["env"] = readFile(t, filepath.Join(out, ComposeDir, "env", "api-db.env"))
		return m
	}
	if _, _, err := runCompose(t, root, out); err != nil {
		t.Fatal(err)
	}
	first := read()
	if _, _, err := runCompose(t, root, out); err != nil {
		t.Fatal(err)
	}
	second := read()
	for _, k := range []string{"api-db-credentials/password", "api/kept", "api/given", "env"} {
		if first[k] != second[k] {
			t.Errorf("%s changed: %q, then %q", k, first[k], second[k])
		}
	}
	if first["api/rotating"] == second["api/rotating"] {
		t.Errorf(`the "?" secret was kept: %q`, first["api/rotating"])
	}
}

// TestDockerComposeBadInput: what cannot run gives a clear error, and
// nothing is written: a first run writes nothing, a later one leaves the
// previous output as it was.
func TestDockerComposeBadInput(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no image", map[string]string{"applications/web/deploy/values.yaml": "harness:\n  deployment:\n    auto: true\n"},
			"web deploys automatically but has no Dockerfile and no harness.deployment.image"},
		{"a workload without image", map[string]string{"applications/api/deploy/templates/extra.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: extra
spec:
  selector:
    matchLabels: {app: extra}
  template:
    metadata:
      labels: {app: extra}
    spec:
      containers:
        - name: extra
          image: ""
`}, "Deployment extra: no image"},
		{"a secret that is not in the chart", map[string]string{"applications/api/deploy/templates/extra.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: extra
spec:
  selector:
    matchLabels: {app: extra}
  template:
    metadata:
      labels: {app: extra}
    spec:
      containers:
        - name: extra
          image: busybox
          env:
            - name: TOKEN
              valueFrom:
                secretKeyRef: {name: elsewhere, key: token}
`}, "Deployment/extra: container extra: env TOKEN: no key token in Secret elsewhere of the chart"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := composeSolution(t)
			out := filepath.Join(t.TempDir(), "deployment")
			if _, _, err := runCompose(t, root, out); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, out)
			for p, content := range tc.files {
				full := filepath.Join(root, filepath.FromSlash(p))
				os.MkdirAll(filepath.Dir(full), 0o755)
				if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, _, err := runCompose(t, root, out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if after := snapshot(t, out); !maps.Equal(before, after) {
				t.Errorf("the output changed")
			}
			fresh := filepath.Join(t.TempDir(), "fresh")
			if _, _, err := runCompose(t, root, fresh); err == nil {
				t.Fatal("no error on a first run")
			}
			if _, err := os.Stat(fresh); !os.IsNotExist(err) {
				t.Errorf("a failed first run wrote %s", fresh)
			}
		})
	}
	t.Run("with --deploy", func(t *testing.T) {
		d := &Deployment{Roots: []string{composeSolution(t)}, Output: t.TempDir(), DockerCompose: true, Deploy: true}
		if _, err := d.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "not with --docker-compose") {
			t.Fatalf("error %v", err)
		}
	})
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		files[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
