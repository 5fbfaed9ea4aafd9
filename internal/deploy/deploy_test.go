package deploy

import (
	"context"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/golden"
	"github.com/harness-sh/harness/internal/testenv"
)

// writeTree writes files (path → content) under a new temporary folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// lookup walks a decoded values tree by dotted path.
func lookup(t *testing.T, v map[string]any, path string) any {
	t.Helper()
	var cur any = v
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: %q is not a map in %v", path, p, cur)
		}
		cur = m[p]
	}
	return cur
}

func run(t *testing.T, d *Deployment) (*Result, error) {
	t.Helper()
	if d.Output == "" {
		d.Output = filepath.Join(t.TempDir(), "out")
	}
	if d.Domain == "" {
		d.Domain = "example.com"
	}
	return d.Run(context.Background())
}

const dockerfile = "FROM scratch\n"

func TestPrecedence(t *testing.T) {
	// Each layer sets "who" to its own name; the case says which wins.
	layer := func(name string) string { return "who: " + name + "\n" }
	tests := []struct {
		name  string
		roots []string
		envs  string
		files []string // layers present, as root/file
		want  string
	}{
		{"app values over defaults", []string{"a"}, "", []string{"a/values"}, "a/values"},
		{"env over app values", []string{"a"}, "local", []string{"a/values", "a/values-local"}, "a/values-local"},
		{"later root over earlier", []string{"a", "b"}, "", []string{"a/values", "b/values"}, "b/values"},
		// CloudHarness bug #347: for `a b -e local`, b/values-local > b/values > a/values-local > a/values.
		{"#347 b/values over a/values-local", []string{"a", "b"}, "local", []string{"a/values", "a/values-local", "b/values"}, "b/values"},
		{"#347 b/values-local over all", []string{"a", "b"}, "local", []string{"a/values", "a/values-local", "b/values", "b/values-local"}, "b/values-local"},
		{"#347 a/values-local over a/values", []string{"a", "b"}, "local", []string{"a/values", "a/values-local"}, "a/values-local"},
		{"dev-prod: prod over dev", []string{"a"}, "dev-prod", []string{"a/values", "a/values-dev", "a/values-prod"}, "a/values-prod"},
		{"dev-prod: dev alone", []string{"a"}, "dev-prod", []string{"a/values", "a/values-dev"}, "a/values-dev"},
		{"env not named is ignored", []string{"a"}, "dev", []string{"a/values", "a/values-prod"}, "a/values"},
		{"value-template under app values", []string{"a"}, "", []string{"a/value-template", "a/values"}, "a/values"},
		{"root value-template over earlier root's app values", []string{"a", "b"}, "", []string{"a/values", "b/value-template"}, "b/value-template"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{}
			for _, r := range tc.roots {
				files[r+"/applications/app/Dockerfile"] = dockerfile
			}
			for _, f := range tc.files {
				root, file, _ := strings.Cut(f, "/")
				if file == "value-template" {
					files[root+"/deployment-configuration/value-template.yaml"] = layer(f)
					continue
				}
				files[root+"/applications/app/deploy/"+file+".yaml"] = layer(f)
			}
			dir := writeTree(t, files)
			var roots []string
			for _, r := range tc.roots {
				roots = append(roots, filepath.Join(dir, r))
			}
			res, err := run(t, &Deployment{Roots: roots, Envs: ParseEnvs(tc.envs), Tag: "1"})
			if err != nil {
				t.Fatal(err)
			}
			if got := lookup(t, res.Values, "apps.app.who"); got != tc.want {
				t.Errorf("who = %v, want %s", got, tc.want)
			}
		})
	}
}

func TestTopLevelPrecedence(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a/deployment-configuration/values-template.yaml":      "x: a\ny: a\nz: a\n",
		"a/deployment-configuration/values-template-prod.yaml": "y: a-prod\nz: a-prod\n",
		"b/deployment-configuration/values-template.yaml":      "z: b\n",
	})
	res, err := run(t, &Deployment{Roots: []string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}, Envs: []string{"prod"}})
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"x": "a", "y": "a-prod", "z": "b"} {
		if got := res.Values[key]; got != want {
			t.Errorf("%s = %v, want %s", key, got, want)
		}
	}
}

func TestBadInput(t *testing.T) {
	app := func(values string) map[string]string {
		return map[string]string{"applications/web/Dockerfile": dockerfile, "applications/web/deploy/values.yaml": values}
	}
	const vfile = `applications/web/deploy/values.yaml`
	tests := []struct {
		name  string
		files map[string]string
		d     Deployment
		want  string // regexp the error must match
	}{
		{"syntax", app("harness:\n  subdomain: [web\n"), Deployment{}, vfile + `:\d+: `},
		{"type", app("harness:\n  deployment:\n    replicas: many\n"), Deployment{}, vfile + `:3: harness.deployment.replicas: `},
		{"unknown key, --strict", app("harness:\n  subdomian: web\n"), Deployment{Strict: true}, vfile + `:2: harness.subdomian: unknown key \(did you mean "subdomain"\?\): passed through(.|\n)*\(--strict: warnings are errors\)$`},
		{"bad quantity", app("harness:\n  deployment:\n    resources:\n      limits:\n        cpu: lots\n"), Deployment{}, vfile + `:5: harness.deployment.resources.limits.cpu: `},
		{"negative probe period", app("harness:\n  livenessProbe:\n    path: /\n    periodSeconds: -1\n"), Deployment{}, vfile + `:4: harness.livenessProbe.periodSeconds: `},
		{"unknown db type", app("harness:\n  database:\n    auto: true\n    type: oracle\n"), Deployment{}, vfile + `:4: harness.database.type: `},
		{"auto sqlite3", app("harness:\n  database:\n    auto: true\n    type: sqlite3\n"), Deployment{}, vfile + `:3: harness.database.auto: sqlite3 is a file in the application's volume, not a server`},
		{"db type typo", app("harness:\n  database:\n    auto: true\n    type: postgress\n"), Deployment{}, vfile + `:4: harness.database.type: .*did you mean "postgres"`},
		{"duplicate key", app("harness:\n  subdomain: a\n  subdomain: b\n"), Deployment{}, vfile + `:3: harness.subdomain: duplicate key \(first set at line 2\)`},
		{"duplicate key in root values", map[string]string{"applications/web/Dockerfile": dockerfile, "deployment-configuration/values-template.yaml": "domain: a\ndomain: b\n"}, Deployment{}, `values-template.yaml:2: domain: duplicate key \(first set at line 1\)`},
		{"two documents", app("harness:\n  subdomain: a\n---\nharness:\n  subdomain: b\n"), Deployment{}, vfile + `:3: more than one YAML document`},
		{"harness is a string", app("harness: web\n"), Deployment{}, vfile + `:1: harness: a mapping of the application's settings, not the scalar "web"`},
		{"harness is a list", app("harness:\n  - subdomain: web\n"), Deployment{}, vfile + `:2: harness: a mapping of the application's settings, not a list`},
		{"tab indentation", app("harness:\n\tsubdomain: a\n"), Deployment{}, vfile + `:2: a tab indents this line \(column 1\)`},
		{"alias bomb", app("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"), Deployment{}, vfile + `:\d+: aliases expand to more than`},
		{"deployment is a number", app("harness:\n  deployment: 5\n"), Deployment{}, vfile + `:2: harness.deployment: expected a mapping, got the scalar "5"`},
		{"service is a list", app("harness:\n  service: [a]\n"), Deployment{}, vfile + `:2: harness.service: expected a mapping, got a list`},
		{"database settings a number", app("harness:\n  database:\n    auto: true\n    type: postgres\n    postgres: 5\n"), Deployment{}, vfile + `:5: harness.database.postgres: expected a mapping, got the scalar "5"`},
		{"uppercase subdomain", app("harness:\n  subdomain: Web\n"), Deployment{}, vfile + `:2: harness.subdomain: `},
		{"uppercase alias", app("harness:\n  aliases: [www, Shop]\n"), Deployment{}, vfile + `:2: harness.subdomain: "Shop"`},
		{"bad port", app("harness:\n  deployment:\n    port: 99999\n"), Deployment{}, vfile + `:3: harness.deployment.port: `},
		{"missing -i app", app("harness: {}\n"), Deployment{Include: []string{"wbe"}}, `-i wbe: no such application \(did you mean "web"\?\)`},
		{"hard dependency missing", app("harness:\n  dependencies:\n    hard: [wbe]\n"), Deployment{}, vfile + `:3: harness.dependencies.hard: .*"wbe".*did you mean "web"`},
		{"use_services missing", app("harness:\n  use_services:\n    - name: nothere\n"), Deployment{}, vfile + `:3: harness.use_services: `},
		{"build dependency missing", app("harness:\n  dependencies:\n    build: [base-image]\n"), Deployment{}, vfile + `:3: harness.dependencies.build: `},
		{"no Dockerfile nor image", map[string]string{"applications/web/deploy/values.yaml": "harness:\n  deployment:\n    auto: true\n"}, Deployment{}, vfile + `:3: harness.deployment.image: `},
		{"hard cycle", map[string]string{
			"applications/a/Dockerfile": dockerfile, "applications/a/deploy/values.yaml": "harness:\n  dependencies:\n    hard: [b]\n",
			"applications/b/Dockerfile": dockerfile, "applications/b/deploy/values.yaml": "harness:\n  dependencies:\n    hard: [a]\n",
		}, Deployment{}, `applications/a/deploy/values.yaml:3: harness.dependencies.hard: dependency cycle: a → b → a`},
		{"backup keep is a word", map[string]string{"applications/web/Dockerfile": dockerfile, "deployment-configuration/values-template.yaml": "backup:\n  active: true\n  keep_weeks: four\n"}, Deployment{},
			`values-template.yaml:3: backup.keep_weeks: "four" is no number of backups to keep: a whole number, 0 or more`},
		{"backup keep is negative", map[string]string{"applications/web/Dockerfile": dockerfile, "deployment-configuration/values-template.yaml": "backup:\n  active: true\n  keep_months: -1\n"}, Deployment{},
			`values-template.yaml:3: backup.keep_months: "-1" is no number`},
		{"--local-ip no IP", app("harness: {}\n"), Deployment{Local: true, LocalIP: "my-laptop"}, `^--local-ip my-laptop: not an IP address$`},
		{"root values type", map[string]string{"deployment-configuration/values-template.yaml": "ingress:\n  enabled: maybe\n"}, Deployment{}, `values-template.yaml:2: ingress.enabled: `},
		{"invalid app name", map[string]string{"applications/Web_App/Dockerfile": dockerfile}, Deployment{}, `Web_App: application name: `},
		{"autoscaling without max", app("harness:\n  deployment:\n    autoscaling:\n      enabled: true\n"), Deployment{}, vfile + `:4: harness.deployment.autoscaling.maxReplicas: is required`},
		{"autoscaling max below min", app("harness:\n  deployment:\n    autoscaling:\n      enabled: true\n      minReplicas: 3\n      maxReplicas: 2\n"), Deployment{}, vfile + `:6: harness.deployment.autoscaling.maxReplicas: 2 is less than minReplicas 3`},
		{"autoscaling zero target", app("harness:\n  deployment:\n    autoscaling:\n      enabled: true\n      maxReplicas: 2\n      targetCPUUtilizationPercentage: 0\n"), Deployment{}, vfile + `:6: harness.deployment.autoscaling.targetCPUUtilizationPercentage: `},
		{"autoscaling unknown key, --strict", app("harness:\n  deployment:\n    autoscaling:\n      maxReplica: 2\n"), Deployment{Strict: true}, vfile + `:4: harness.deployment.autoscaling.maxReplica: unknown key \(did you mean "maxReplicas"\?\)`},
		{"pdb both bounds", app("harness:\n  deployment:\n    pdb:\n      enabled: true\n      minAvailable: 1\n      maxUnavailable: 1\n"), Deployment{}, vfile + `:6: harness.deployment.pdb.maxUnavailable: give minAvailable or maxUnavailable, not both`},
		{"nfs volume without nfsserver", app("harness:\n  deployment:\n    volume:\n      name: data\n      mountpath: /data\n      usenfs: true\n"), Deployment{}, vfile + `:6: harness.deployment.volume.usenfs: the volume is a share of the nfsserver application`},
		{"pdb bad bound", app("harness:\n  deployment:\n    pdb:\n      enabled: true\n      minAvailable: half\n"), Deployment{}, vfile + `:5: harness.deployment.pdb.minAvailable: "half" is not a number`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			out := filepath.Join(dir, "deployment")
			marker := filepath.Join(out, "helm", "Chart.yaml")
			if err := os.MkdirAll(filepath.Dir(marker), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(marker, []byte("previous\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			d := tc.d
			d.Roots = []string{dir}
			d.Output = out
			d.Tag = "1"
			_, err := run(t, &d)
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			if !regexp.MustCompile(tc.want).MatchString(msg) {
				t.Errorf("error %q does not match %q", msg, tc.want)
			}
			if got, _ := os.ReadFile(marker); string(got) != "previous\n" {
				t.Errorf("previous chart touched: %q", got)
			}
			entries, _ := os.ReadDir(out)
			if len(entries) != 1 {
				t.Errorf("output holds %d entries, want only the previous chart", len(entries))
			}
		})
	}
}

func TestOutputIsAFile(t *testing.T) {
	dir := writeTree(t, map[string]string{"applications/web/Dockerfile": dockerfile, "out": "a file\n"})
	_, err := run(t, &Deployment{Roots: []string{dir}, Output: filepath.Join(dir, "out")})
	if err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("err = %v", err)
	}
}

func TestIncludeClosure(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"applications/front/Dockerfile":         dockerfile,
		"applications/front/deploy/values.yaml": "harness:\n  secured: true\n  subdomain: front\n  dependencies:\n    hard: [api]\n",
		"applications/api/Dockerfile":           dockerfile,
		"applications/api/deploy/values.yaml":   "harness:\n  dependencies:\n    soft: [cache]\n",
		"applications/cache/Dockerfile":         dockerfile,
		"applications/accounts/Dockerfile":      dockerfile,
		"applications/other/Dockerfile":         dockerfile,
	})
	tests := []struct {
		name string
		d    Deployment
		want string
	}{
		{"hard, soft and accounts when secured", Deployment{Include: []string{"front"}}, "accounts api cache front"},
		{"-u: no accounts", Deployment{Include: []string{"front"}, Unsecured: true}, "api cache front"},
		{"-ex wins over -i's closure", Deployment{Include: []string{"front"}, Exclude: []string{"cache"}}, "accounts api front"},
		{"no -i: all", Deployment{}, "accounts api cache front other"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.d
			d.Roots = []string{dir}
			d.Tag = "1"
			res, err := run(t, &d)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(res.Apps, " "); got != tc.want {
				t.Errorf("apps = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestImageNamesAndTags(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"deployment-configuration/values-template.yaml": "name: shop\n",
		"applications/web/Dockerfile":                   dockerfile,
		"applications/web/.dockerignore":                "ignored.txt\n",
		"applications/web/main.go":                      "package main\n",
		"applications/web/ignored.txt":                  "v1\n",
		"applications/web/tasks/resize/Dockerfile":      dockerfile,
		"applications/api/server/Dockerfile":            dockerfile,
	})
	res, err := run(t, &Deployment{Roots: []string{dir}, Registry: "reg.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	web := lookup(t, res.Values, "apps.web.harness.deployment.image").(string)
	if !regexp.MustCompile(`^reg\.example\.com/shop/web:[0-9a-f]{40}$`).MatchString(web) {
		t.Errorf("web image = %s", web)
	}
	if api := lookup(t, res.Values, "apps.api.harness.deployment.image").(string); !strings.HasPrefix(api, "reg.example.com/shop/api:") {
		t.Errorf("api image = %s (server/ is a neutral folder)", api)
	}
	if task := lookup(t, res.Values, "task-images.web-resize"); task == nil {
		t.Errorf("no task image web-resize in %v", res.Values["task-images"])
	}
	// An ignored file does not change the tag; a built one does.
	os.WriteFile(filepath.Join(dir, "applications/web/ignored.txt"), []byte("v2\n"), 0o644)
	res2, _ := run(t, &Deployment{Roots: []string{dir}, Registry: "reg.example.com"})
	if got := lookup(t, res2.Values, "apps.web.harness.deployment.image"); got != web {
		t.Errorf("ignored file changed the tag: %s → %s", web, got)
	}
	os.WriteFile(filepath.Join(dir, "applications/web/main.go"), []byte("package main // v2\n"), 0o644)
	res3, _ := run(t, &Deployment{Roots: []string{dir}, Registry: "reg.example.com"})
	if got := lookup(t, res3.Values, "apps.web.harness.deployment.image"); got == web {
		t.Errorf("changed source kept the tag %s", web)
	}
	// -t wins; -l without -t gives no tag.
	res4, _ := run(t, &Deployment{Roots: []string{dir}, Tag: "7"})
	if got := lookup(t, res4.Values, "apps.web.harness.deployment.image"); got != "shop/web:7" {
		t.Errorf("-t 7: image = %v", got)
	}
	res5, _ := run(t, &Deployment{Roots: []string{dir}, Local: true})
	if got := lookup(t, res5.Values, "apps.web.harness.deployment.image"); got != "shop/web" {
		t.Errorf("-l: image = %v", got)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	dir := writeTree(t, map[string]string{"applications/web/Dockerfile": dockerfile})
	out := filepath.Join(dir, "deployment")
	var stdout strings.Builder
	if _, err := run(t, &Deployment{Roots: []string{dir}, Output: out, DryRun: true, Out: &stdout}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("dry run created %s", out)
	}
	if !strings.Contains(stdout.String(), "web") {
		t.Errorf("plan does not name the app:\n%s", stdout.String())
	}
}

// TestChartWarnings checks that warnings found while the chart is assembled
// (after the values are merged) reach the result and the error stream.
func TestChartWarnings(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"applications/web/Dockerfile":                     dockerfile,
		"applications/web/deploy/charts/templates/x.yaml": "kind: ConfigMap\n",
	})
	var stderr strings.Builder
	res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1", Err: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	want := "no Chart.yaml, not a subchart"
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, want) }) {
		t.Errorf("warnings %q: none says %q", res.Warnings, want)
	}
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q does not say %q", stderr.String(), want)
	}
}

// helmBinary returns the real helm (HARNESS_HELM, from scripts/helm.sh), or
// skips; under CI it must be there.
func helmBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("HARNESS_HELM"); p != "" {
		return p
	}
	testenv.Missing(t, "HARNESS_HELM not set (export HARNESS_HELM=$(bash scripts/helm.sh))")
	return ""
}

func helmLint(t *testing.T, chart string) {
	t.Helper()
	helm := helmBinary(t)
	out, err := exec.Command(helm, "lint", "--strict", chart).CombinedOutput()
	if err != nil {
		t.Fatalf("helm lint --strict %s: %v\n%s", chart, err, out)
	}
}

func TestGolden(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"deployment-configuration/values-template.yaml": "name: shop\nmainapp: web\n",
		"applications/web/Dockerfile":                   dockerfile,
		"applications/web/deploy/values.yaml": `harness:
  subdomain: web
  aliases: [www]
  secured: true
  uri_role_mapping:
    - uri: /
      white-listed: true
    - uri: /api/*
      roles: [user]
  deployment:
    auto: true
    port: 8080
  livenessProbe:
    path: /live
  readinessProbe:
    path: /ready
  use_services:
    - name: api
  secrets:
    token: fixed
  envmap:
    MODE: production
  resources:
    - name: config
      src: config.yaml
      dst: /etc/web/config.yaml
  database:
    auto: true
    type: postgres
    pass: fixed
`,
		"applications/web/deploy/resources/config.yaml": "domain: {{ .Values.domain }}\n",
		"applications/api/Dockerfile":                   dockerfile,
		"applications/api/deploy/values.yaml":           "harness:\n  subdomain: api\n  deployment:\n    auto: true\n  database:\n    auto: true\n    type: mongo\n    pass: fixed\n",
		"applications/accounts/Dockerfile":              dockerfile,
		"applications/accounts/deploy/values.yaml":      "harness:\n  subdomain: accounts\n  deployment:\n    auto: true\n  database:\n    auto: true\n    type: neo4j\n    pass: fixed\n",
	})
	for _, tc := range []struct {
		name string
		d    Deployment
	}{
		{"tls", Deployment{}},
		{"no-tls-unsecured", Deployment{NoTLS: true, Unsecured: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.d
			d.Roots = []string{dir}
			d.Tag = "1.0"
			d.Namespace = "shop"
			res, err := run(t, &d)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, name := range slices.Sorted(maps.Keys(res.Check.Manifests)) {
				text := strings.TrimSpace(res.Check.Manifests[name])
				if text == "" || strings.HasSuffix(name, ".tpl") {
					continue
				}
				b.WriteString("# " + name + "\n" + text + "\n")
			}
			// Random-once values differ at every render without a cluster.
			got := randomValue.ReplaceAllString(b.String(), "${1}RANDOM")
			checkGolden(t, filepath.Join("testdata", "golden", tc.name+".yaml"), got)
			helmLint(t, res.Chart)
		})
	}
}

var randomValue = regexp.MustCompile(`(encryption-key: )"[A-Za-z0-9+/=]+"`)

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	golden.File(t, path, []byte(got))
}

// mustYAML decodes one YAML document.
func mustYAML(t *testing.T, text string) map[string]any {
	t.Helper()
	var v map[string]any
	if err := yaml.Unmarshal([]byte(text), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestValuesSchema proves the chart carries the values model's schema and
// that Helm enforces it: a misspelt harness key given with --set fails
// `helm template`, a right one passes, and `global` (which Helm adds for
// subcharts) is declared.
func TestValuesSchema(t *testing.T) {
	dir := writeTree(t, map[string]string{"applications/web/Dockerfile": dockerfile})
	out := filepath.Join(t.TempDir(), "out")
	if _, err := run(t, &Deployment{Roots: []string{dir}, Output: out, Tag: "1"}); err != nil {
		t.Fatal(err)
	}
	chart := filepath.Join(out, "helm")
	data, err := os.ReadFile(filepath.Join(chart, "values.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"global"`) {
		t.Error("values.schema.json does not declare global")
	}
	helm := helmBinary(t)
	tests := []struct {
		name, set string
		ok        bool
	}{
		{"known key", "apps.web.harness.subdomain=shop", true},
		{"global", "global.x=1", true},
		{"misspelt harness key", "apps.web.harness.subdomian=shop", false},
		{"wrong type", "apps.web.harness.deployment.replicas=many", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := exec.Command(helm, "template", "r", chart, "--set", tc.set).CombinedOutput()
			if (err == nil) != tc.ok {
				t.Fatalf("helm template --set %s: err=%v, want ok=%v\n%s", tc.set, err, tc.ok, out)
			}
			if !tc.ok && !strings.Contains(string(out), "schema") {
				t.Errorf("failure does not come from the schema:\n%s", out)
			}
		})
	}
}

// TestSQLite3 deploys the database type the values model and the runtime
// know: a file, so no database server in the chart.
func TestSQLite3(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"applications/web/Dockerfile":         dockerfile,
		"applications/web/deploy/values.yaml": "harness:\n  deployment:\n    auto: true\n  database:\n    type: sqlite3\n",
	})
	res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := lookup(t, res.Values, "apps.web.harness.database.type"); got != "sqlite3" {
		t.Errorf("database.type = %v", got)
	}
	if pg := lookupOrNil(res.Values, "apps.web.harness.database.postgres"); pg != nil {
		t.Errorf("the defaults of other database types stay: %v", pg)
	}
	for name := range objects(t, res) {
		if strings.HasSuffix(name, "-db") {
			t.Errorf("a database server for sqlite3: %s", name)
		}
	}
}
