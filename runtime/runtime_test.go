package runtime

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"
)

// noEnv is an empty environment, so that tests do not depend on the machine.
func noEnv(string) string { return "" }

// chValues is CloudHarness's runtime test values (an all-values file).
func chValues(t *testing.T) string {
	return filepath.Join(cloudHarness(t), "libraries/cloudharness-common/tests/values.yaml")
}

// asJSON converts a YAML values file to JSON, the form the chart stores, so
// that both of Parse's paths are tested on the same values.
func asJSON(t *testing.T, path string, edit func(map[string]any)) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(v)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// loadBoth loads a values file as YAML (the file itself) and as JSON.
func loadBoth(t *testing.T, path string, opts Options) map[string]*Config {
	t.Helper()
	fromYAML, err := LoadWith(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := Parse(asJSON(t, path, nil), path+" as JSON", opts)
	if err != nil {
		t.Fatal(err)
	}
	if fromJSON.format != "json" || fromYAML.format != "yaml" {
		t.Fatalf("read %s as %s and its JSON form as %s", path, fromYAML.format, fromJSON.format)
	}
	return map[string]*Config{"yaml": fromYAML, "json": fromJSON}
}

// TestCloudHarnessAnswers: on CloudHarness's runtime test values, each answer
// is what CloudHarness's runtime (cloudharness.applications) gives.
func TestCloudHarnessAnswers(t *testing.T) {
	type want struct {
		app, serviceName                string
		servicePort, deploymentPort     int
		serviceAddress, publicAddress   string
		image                           string
		autoService, autoDeploy, autoDB bool
		sentry                          bool
		db                              string // connection string, "" when no database
	}
	pub := func(sub string) string { return "https://" + sub + ".cloudharness.metacell.us" }
	tests := []want{
		{"accounts", "accounts", 8080, 8080, "http://accounts.ch:8080", pub("accounts"), "cloudharness/accounts:latest", true, true, true, false,
			"postgres://keycloak-postgres:5432/auth_db?user=user&password=password"},
		{"argo", "argo-server", 2746, 8080, "http://argo-server.ch:2746", pub("argo"), "", false, false, false, false, ""},
		{"common", "common", 8080, 8080, "http://common.ch:8080", pub("common"), "cloudharness/common:latest", true, true, false, false, ""},
		{"events", "events", 80, 9000, "http://events.ch:80", pub("events"), "cloudharness/events:latest", true, true, false, false, ""},
		{"jupyterhub", "proxy-public", 80, 8080, "http://proxy-public.ch:80", pub("jupyterhub"), "cloudharness/jupyterhub:latest", false, false, false, false, ""},
		{"samples", "samples", 8080, 8080, "http://samples.ch:8080", pub("samples"), "cloudharness/samples:latest", true, true, false, true, ""},
		{"sentry", "sentry", 9000, 9000, "http://sentry.ch:9000", pub("sentry"), "cloudharness/sentry:latest", true, true, true, false,
			"postgres://sentry-db:5432/sentry?user=sentry&password=secret"},
		{"volumemanager", "volumemanager", 8080, 8080, "http://volumemanager.ch:8080", pub("volumemanager"), "cloudharness/volumemanager:latest", true, true, false, true, ""},
		{"workflows", "workflows", 8080, 8080, "http://workflows.ch:8080", pub("workflows"), "cloudharness/workflows:latest", true, true, false, false, ""},
	}
	for path, cfg := range loadBoth(t, chValues(t), Options{Location: InCluster, Getenv: noEnv}) {
		if cfg.Namespace() != "ch" || cfg.Domain() != "cloudharness.metacell.us" || cfg.Registry() != "" ||
			cfg.Tag() != "latest" || !cfg.Local() || !cfg.TLS() {
			t.Errorf("%s: root: namespace %q domain %q registry %q tag %q local %v tls %v", path,
				cfg.Namespace(), cfg.Domain(), cfg.Registry(), cfg.Tag(), cfg.Local(), cfg.TLS())
		}
		if n := len(cfg.Apps()); n != len(tests) {
			t.Errorf("%s: %d apps, want %d", path, n, len(tests))
		}
		for _, w := range tests {
			a, err := cfg.App(w.app)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			var db string
			if d, err := a.Database(); err == nil {
				db = d.ConnectionString()
			} else if w.db != "" || !errors.Is(err, ErrNoDatabase) {
				t.Errorf("%s: %s: %v", path, w.app, err)
			}
			got := want{a.Name(), a.ServiceName(), a.ServicePort(), a.DeploymentPort(), a.ServiceAddress(), a.PublicAddress(),
				a.ImageName(), a.IsAutoService(), a.IsAutoDeployment(), a.IsAutoDB(), a.IsSentryEnabled(), db}
			if got != w {
				t.Errorf("%s: %s:\n got %+v\nwant %+v", path, w.app, got, w)
			}
		}
	}
}

// TestCloudHarnessTestApplications replays CloudHarness's
// test_applications.py: its conf_1 and conf_2 added to the test values.
func TestCloudHarnessTestApplications(t *testing.T) {
	data := asJSON(t, chValues(t), func(v map[string]any) {
		apps := v["apps"].(map[string]any)
		apps["a"] = map[string]any{
			"name": "app1",
			"harness": map[string]any{
				"name": "app1", "subdomain": "myapp", "sentry": true,
				"service":    map[string]any{"name": "app1", "auto": true, "port": 9000},
				"deployment": map[string]any{"auto": true, "image": "image1-name"},
			},
			"freefield": map[string]any{"a": 1},
		}
		apps["b"] = map[string]any{
			"name": "app2",
			"harness": map[string]any{
				"name": "app2", "sentry": true,
				"service": map[string]any{"auto": false}, "deployment": map[string]any{"auto": false},
			},
		}
	})
	cfg, err := Parse(data, "values.json", Options{Location: InCluster, Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	a, err := cfg.App("app1")
	if err != nil {
		t.Fatal(err)
	}
	if a.Name() != "app1" || !a.IsAutoService() || !a.IsAutoDeployment() || !a.IsSentryEnabled() || a.ImageName() != "image1-name" {
		t.Errorf("app1: %q %v %v %v %q", a.Name(), a.IsAutoService(), a.IsAutoDeployment(), a.IsSentryEnabled(), a.ImageName())
	}
	if got := a.PublicAddress(); got != "https://myapp.cloudharness.metacell.us" {
		t.Errorf("public address: %q", got)
	}
	if got := a.ServiceAddress(); got != "http://app1.ch:9000" {
		t.Errorf("service address: %q", got)
	}
	var free struct {
		Freefield struct{ A int }
		Harness   struct{ Deployment struct{ Auto bool } }
	}
	if err := a.Values(&free); err != nil || free.Freefield.A != 1 || !free.Harness.Deployment.Auto {
		t.Errorf("free values: %+v, %v", free, err)
	}
	b, err := cfg.App("app2")
	if err != nil {
		t.Fatal(err)
	}
	if b.Name() != "app2" || b.IsAutoService() || b.IsAutoDeployment() || !b.IsSentryEnabled() {
		t.Errorf("app2: %q %v %v %v", b.Name(), b.IsAutoService(), b.IsAutoDeployment(), b.IsSentryEnabled())
	}
	if b.PublicAddress() != "" {
		t.Errorf("app2 has no subdomain, got public address %q", b.PublicAddress())
	}
}

const dbValues = `{
  "namespace": "prod", "domain": "example.com", "tls": false,
  "apps": {
    "pg": {"harness": {"name": "pg", "subdomain": "pg", "database": {"auto": true, "type": "postgres", "user": "u", "pass": "",
      "postgres": {"initialdb": "main"}}}},
    "mongo_app": {"harness": {"database": {"auto": true, "type": "mongo", "user": "mnp", "pass": "p@ss:w/rd"}}},
    "graph": {"harness": {"database": {"auto": true, "name": "neo", "type": "neo4j", "user": "neo4j", "pass": "pw"}}},
    "lite": {"harness": {"database": {"auto": true, "type": "sqlite3"}}},
    "ported": {"harness": {"database": {"auto": true, "type": "neo4j", "pass": "p", "neo4j": {"ports": [{"name": "http", "port": 1}, {"name": "bolt", "port": 17687}]}}}},
    "pg_ported": {"harness": {"database": {"auto": true, "type": "postgres", "pass": "x", "postgres": {"ports": [{"name": "pg", "port": 6543}]}}}},
    "nodb": {"harness": {"database": {"auto": false, "type": "postgres"}}}
  }
}`

func TestDatabase(t *testing.T) {
	secrets := t.TempDir()
	if err := os.MkdirAll(filepath.Join(secrets, "pg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(secrets, "pg", DatabasePasswordSecret), []byte("gen&rated"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		app      string
		loc      Location
		want     Database
		conn     string
		errIs    error
		errorMsg string
	}{
		{app: "pg", loc: InCluster,
			want: Database{Type: "postgres", Host: "pg-db", Port: 5432, User: "u", Password: "gen&rated", Name: "main"},
			conn: "postgres://pg-db:5432/main?user=u&password=gen%26rated"},
		{app: "mongo-app", loc: InCluster,
			want: Database{Type: "mongo", Host: "mongo-app-db", Port: 27017, User: "mnp", Password: "p@ss:w/rd"},
			conn: "mongodb://mnp:p%40ss%3Aw%2Frd@mongo-app-db:27017/"},
		{app: "graph", loc: InCluster,
			want: Database{Type: "neo4j", Host: "neo", Port: 7687, User: "neo4j", Password: "pw"},
			conn: "bolt://neo:7687/"},
		{app: "graph", loc: Local,
			want: Database{Type: "neo4j", Host: "localhost", Port: 7687, User: "neo4j", Password: "pw"},
			conn: "bolt://localhost:7687/"},
		{app: "ported", loc: InCluster,
			want: Database{Type: "neo4j", Host: "ported-db", Port: 17687, Password: "p"},
			conn: "bolt://ported-db:17687/"},
		{app: "pg-ported", loc: InCluster,
			want: Database{Type: "postgres", Host: "pg-ported-db", Port: 6543, Password: "x"},
			conn: "postgres://pg-ported-db:6543/?user=&password=x"},
		{app: "lite", loc: InCluster,
			errorMsg: `application "lite": harness.database.type "sqlite3": no connection for this database type`},
		{app: "nodb", loc: InCluster, errIs: ErrNoDatabase,
			errorMsg: `application "nodb": no automatic database (harness.database.auto is false)`},
	}
	for _, tt := range tests {
		cfg, err := Parse([]byte(dbValues), "values.json", Options{Location: tt.loc, SecretsPath: secrets, Getenv: noEnv})
		if err != nil {
			t.Fatal(err)
		}
		a, err := cfg.App(tt.app)
		if err != nil {
			t.Fatal(err)
		}
		d, err := a.Database()
		if tt.errorMsg != "" {
			if err == nil || err.Error() != tt.errorMsg || (tt.errIs != nil && !errors.Is(err, tt.errIs)) {
				t.Errorf("%s: got error %v, want %s", tt.app, err, tt.errorMsg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.app, err)
			continue
		}
		if *d != tt.want || d.ConnectionString() != tt.conn {
			t.Errorf("%s:\n got %+v %s\nwant %+v %s", tt.app, *d, d.ConnectionString(), tt.want, tt.conn)
		}
	}
	// without the generated secret, the error names the app and the key
	cfg, err := Parse([]byte(dbValues), "values.json", Options{Location: InCluster, SecretsPath: t.TempDir(), Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := cfg.App("pg")
	_, err = a.Database()
	if err == nil || !errors.Is(err, ErrNoSecret) {
		t.Fatalf("got %v, want ErrNoSecret", err)
	}
	if want := `database password (harness.database.pass is empty): secret "database-password" of application "pg": secret not found (no file `; len(err.Error()) < len(want) || err.Error()[:len(want)] != want {
		t.Errorf("got %q", err)
	}
}

func TestSecret(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "samples"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "samples", "asecret"), []byte("value\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvSecretsPath: dir}
	cfg, err := LoadWith(chValues(t), Options{Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := cfg.App("samples")
	if got, err := a.Secret("asecret"); err != nil || got != "value\n" {
		t.Errorf("got %q, %v", got, err)
	}
	_, err = a.Secret("missing")
	want := `secret "missing" of application "samples": secret not found (no file ` + filepath.Join(dir, "samples", "missing") + ")"
	if err == nil || err.Error() != want || !errors.Is(err, ErrNoSecret) {
		t.Errorf("got %v\nwant %s", err, want)
	}
	for _, bad := range []string{"", "..", "../accounts/x", `a\b`} {
		if _, err := a.Secret(bad); err == nil || errors.Is(err, ErrNoSecret) {
			t.Errorf("secret name %q: got %v, want a bad-name error", bad, err)
		}
	}
}

func TestLocation(t *testing.T) {
	data := asJSON(t, chValues(t), nil)
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"in cluster", Options{Location: InCluster}, "http://samples.ch:8080"},
		{"local", Options{Location: Local}, "http://localhost:8080"},
		{"detected in a pod", Options{Getenv: func(k string) string {
			return map[string]string{"KUBERNETES_SERVICE_HOST": "10.0.0.1"}[k]
		}}, "http://samples.ch:8080"},
		{"detected outside", Options{Getenv: noEnv}, "http://localhost:8080"},
	}
	for _, tt := range tests {
		if tt.opts.Getenv == nil {
			tt.opts.Getenv = noEnv
		}
		cfg, err := Parse(data, "values.json", tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := cfg.App("samples")
		if got := a.ServiceAddress(); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
		// the public address goes through the Ingress from anywhere
		if got := a.PublicAddress(); got != "https://samples.cloudharness.metacell.us" {
			t.Errorf("%s: public address %s", tt.name, got)
		}
	}
}

func TestLookup(t *testing.T) {
	data := []byte(`{"namespace": "ns", "apps": {
		"my_app": {"harness": {"name": "my-app", "subdomain": "x"}},
		"other": {"harness": {"name": "renamed"}},
		"bare": {}
	}}`)
	env := map[string]string{EnvCurrentApp: "my-app"}
	cfg, err := Parse(data, "values.json", Options{Location: InCluster, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]string{"my-app": "my_app", "my_app": "my_app", "other": "other", "renamed": "other", "bare": "bare"} {
		a, err := cfg.App(name)
		if err != nil || a.Key() != key {
			t.Errorf("App(%q): got %v, %v; want key %s", name, a, err, key)
		}
	}
	bare, _ := cfg.App("bare")
	if bare.Name() != "bare" || bare.ServiceName() != "bare" || bare.ServicePort() != 80 || bare.DeploymentPort() != 8080 ||
		bare.ServiceAddress() != "http://bare.ns:80" || bare.DatabaseService() != "bare-db" {
		t.Errorf("defaults: %q %q %d %d %q %q", bare.Name(), bare.ServiceName(), bare.ServicePort(), bare.DeploymentPort(), bare.ServiceAddress(), bare.DatabaseService())
	}
	_, err = cfg.App("nope")
	if err == nil || err.Error() != `application "nope": application not found in values.json` || !errors.Is(err, ErrNoApp) {
		t.Errorf("got %v", err)
	}
	cur, err := cfg.Current()
	if err != nil || cur.Key() != "my_app" {
		t.Errorf("current: %v, %v", cur, err)
	}
	env[EnvCurrentApp] = ""
	cfg, _ = Parse(data, "values.json", Options{Getenv: func(k string) string { return env[k] }})
	if _, err := cfg.Current(); err == nil || err.Error() != "current application: CH_CURRENT_APP_NAME is not set" {
		t.Errorf("got %v", err)
	}
	cfg, _ = Parse(data, "values.json", Options{CurrentApp: "ghost", Getenv: noEnv})
	if _, err := cfg.Current(); err == nil || err.Error() != `current application "ghost" (CH_CURRENT_APP_NAME): application not found in values.json` {
		t.Errorf("got %v", err)
	}
}

func TestDecodeRoot(t *testing.T) {
	for path, cfg := range loadBoth(t, chValues(t), Options{Getenv: noEnv}) {
		var root struct {
			LocalIP    string            `json:"localIp"`
			TaskImages map[string]string `json:"task-images"`
		}
		if err := cfg.Decode(&root); err != nil || root.LocalIP != "192.168.99.106" || len(root.TaskImages) != 4 {
			t.Errorf("%s: %+v, %v", path, root, err)
		}
		acc, _ := cfg.App("accounts")
		var kc struct {
			Client struct{ ID, Secret string }
			Admin  struct{ User, Role string }
		}
		if err := acc.Values(&kc); err != nil || kc.Client.ID != "rest-client" || kc.Admin.Role != "administrator" {
			t.Errorf("%s: %+v, %v", path, kc, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"yaml type error", "apps:\n  a:\n    harness:\n      service: {port: eighty}\n",
			`v.yaml:4: apps.a.harness.service.port: expected an integer, got string "eighty"`},
		{"json type error reported with its line", "{\n\"apps\": {\"a\": {\"harness\": {\"sentry\": \"yes please\"}}}\n}",
			`v.yaml:2: apps.a.harness.sentry: expected a boolean, got string "yes please"`},
		{"a list", "[1, 2]", "v.yaml:1: values must be a mapping, got a list"},
		{"lenient on unknown keys", "apps:\n  a:\n    harness: {newer_key: 1}\n", ""},
		{"json scalars where strings are expected", `{"tag": 42, "apps": {"a": {"harness": {"name": "a"}}}}`, ""},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.in), "v.yaml", Options{Getenv: noEnv})
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "missing.yaml"))
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v", err)
	}
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, make([]byte, 5<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(big)
	if want := "load values " + big + ": file is larger than the limit of 4194304 bytes"; err == nil || err.Error() != want {
		t.Errorf("got %v", err)
	}
}
