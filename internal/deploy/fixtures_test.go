package deploy

import (
	"encoding/base64"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/fixtures"
)

// objects decodes every rendered object of a run, keyed "Kind/name".
func objects(t *testing.T, res *Result) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, text := range res.Check.Manifests {
		dec := yaml.NewDecoder(strings.NewReader(text))
		for {
			var obj map[string]any
			if err := dec.Decode(&obj); err != nil {
				break
			}
			if obj == nil {
				continue
			}
			meta, _ := obj["metadata"].(map[string]any)
			out[fmt.Sprintf("%v/%v", obj["kind"], meta["name"])] = obj
		}
	}
	return out
}

// TestCloudHarnessSolution deploys CloudHarness's own applications unchanged
// and asks the chart the questions CloudHarness's chart answers.
func TestCloudHarnessSolution(t *testing.T) {
	ch := fixtures.CloudHarness(t)
	res, err := run(t, &Deployment{Roots: []string{ch}, Registry: "reg", Tag: "1", Domain: "cloudharness.metacell.us"})
	if err != nil {
		t.Fatal(err)
	}
	objs := objects(t, res)
	ingress := objs["Ingress/cloudharness-ingress"]
	if ingress == nil {
		t.Fatal("no ingress")
	}
	hosts := map[string]bool{}
	for _, r := range ingress["spec"].(map[string]any)["rules"].([]any) {
		hosts[r.(map[string]any)["host"].(string)] = true
	}
	secret := func(name, key string) string {
		s := objs["Secret/"+name]
		if s == nil {
			t.Fatalf("no Secret/%s", name)
		}
		b, _ := base64.StdEncoding.DecodeString(s["data"].(map[string]any)[key].(string))
		return string(b)
	}
	// CloudHarness's answers, from its helm.py and its runtime library: image
	// REGISTRY/NAME:TAG (no base name in its own values), service address
	// http://SERVICE.NAMESPACE:PORT, host SUBDOMAIN.DOMAIN, the database's pass.
	tests := []struct {
		question string
		got      func() any
		want     any
	}{
		{"accounts image", func() any { return lookup(t, res.Values, "apps.accounts.harness.deployment.image") }, "reg/accounts:1"},
		{"samples image", func() any { return lookup(t, res.Values, "apps.samples.harness.deployment.image") }, "reg/samples:1"},
		{"workflows image (server/ is neutral)", func() any { return lookup(t, res.Values, "apps.workflows.harness.deployment.image") }, "reg/workflows:1"},
		{"samples task image", func() any { return lookup(t, res.Values, "task-images.samples-sum") }, "reg/samples-sum:1"},
		{"samples service address", func() any {
			return fmt.Sprintf("http://%v.%v:%v", lookup(t, res.Values, "apps.samples.harness.service.name"), res.Values["namespace"], lookup(t, res.Values, "apps.samples.harness.service.port"))
		}, "http://samples.ch:8080"},
		{"samples ingress host", func() any { return hosts["samples.cloudharness.metacell.us"] }, true},
		{"main app on the bare domain", func() any { return hosts["cloudharness.metacell.us"] }, true},
		{"accounts database service", func() any { return objs["Service/keycloak-postgres"] != nil }, true},
		{"accounts database password", func() any { return secret("keycloak-postgres-credentials", "password") }, "password"},
		{"accounts database user", func() any { return secret("keycloak-postgres-credentials", "username") }, "user"},
		{"samples secret given in values", func() any { return secret("samples", "asecret") }, "value"},
		{"secured samples behind its gatekeeper", func() any { return objs["Deployment/samples-gk"] != nil }, true},
		{"samples env var from envmap", func() any { return envOf(objs["Deployment/samples"], "ENVIRONMENT_TEST_B") }, "123"},
		{"current app name", func() any { return envOf(objs["Deployment/samples"], "CH_CURRENT_APP_NAME") }, "samples"},
	}
	for _, tc := range tests {
		if got := tc.got(); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.question, got, tc.want)
		}
	}
	helmLint(t, res.Chart)
}

func envOf(deploy map[string]any, name string) any {
	if deploy == nil {
		return nil
	}
	spec := deploy["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	for _, e := range spec["containers"].([]any)[0].(map[string]any)["env"].([]any) {
		if m := e.(map[string]any); m["name"] == name {
			return m["value"]
		}
	}
	return nil
}

// TestCloudHarnessToolTests runs the resource sets of CloudHarness's own
// deployment tests (tools/deployment-cli-tools/tests/test_helm.py) the way
// those tests call create_helm_chart, and checks the same answers. Their
// accounts override sets harness.deployment.port to "overridden", which no
// chart can deploy: CloudHarness's tests only look at values. Cases that would
// pull accounts in (secured apps) run with -u, except the first, which checks
// that harness names the broken value.
func TestCloudHarnessToolTests(t *testing.T) {
	ch := fixtures.CloudHarness(t)
	resources := filepath.Join(ch, "tools", "deployment-cli-tools", "tests", "resources")
	base := Deployment{Roots: []string{ch, resources}, Domain: "my.local", Namespace: "test", Tag: "1"}
	with := func(f func(*Deployment)) Deployment { d := base; f(&d); return d }
	tests := []struct {
		name    string
		d       Deployment
		wantErr string // regexp; empty: must succeed
		checks  map[string]any
		apps    string // the deployed apps, when checked
	}{
		{
			// test_collect_helm_values: its accounts override sets
			// harness.deployment.port to the string "overridden", which a
			// chart cannot deploy; harness says where.
			name: "collect_helm_values",
			d: with(func(d *Deployment) {
				d.Include = []string{"samples", "myapp"}
				d.Exclude = []string{"events"}
				d.Envs = []string{"dev"}
				d.Registry = "reg"
			}),
			wantErr: `resources/applications/accounts/deploy/values.yaml:5: harness.deployment.port: `,
		},
		{
			name: "myapp dev",
			d:    with(func(d *Deployment) { d.Include = []string{"myapp"}; d.Envs = []string{"dev"}; d.Registry = "reg" }),
			checks: map[string]any{
				"apps.myapp.harness.deployment.image": "reg/testprojectname/myapp:1",
				"apps.myapp.build":                    true,
				"apps.myapp.harness.name":             "myapp",
				"apps.legacy.harness.name":            "legacy",
				"apps.legacy.harness.deployment.auto": false,
				"apps.legacy.common":                  true,
				"apps.myapp.dev":                      true,
				"a":                                   "dev",
				"database.auto":                       false,
				"task-images.myapp-mytask":            "reg/testprojectname/myapp-mytask:1",
				"task-images.cloudharness-flask":      "reg/testprojectname/cloudharness-flask:1",
				"task-images.cloudharness-base":       "reg/testprojectname/cloudharness-base:1",
				"task-images.my-common":               "reg/testprojectname/my-common:1",
			},
			apps: "legacy myapp",
		},
		{
			name:   "nobuild",
			d:      Deployment{Roots: []string{resources}, Include: []string{"myapp"}, Exclude: []string{"events"}, Envs: []string{"nobuild"}, Tag: "1", Registry: "reg", Domain: "my.local", Namespace: "test"},
			checks: map[string]any{"apps.myapp.harness.deployment.image": "custom-image", "apps.myapp.build": false},
		},
		{
			name:   "precedence: values.yaml of the later root over values-prod.yaml of the earlier",
			d:      with(func(d *Deployment) { d.Include = []string{"events"}; d.Envs = []string{"prod"}; d.Unsecured = true }),
			checks: map[string]any{"apps.events.kafka.resources.limits.memory": "overridden", "apps.events.kafka.resources.limits.cpu": "overridden-prod"},
		},
		{
			name:   "multiple envs",
			d:      with(func(d *Deployment) { d.Include = []string{"myapp"}; d.Envs = ParseEnvs("dev-test") }),
			checks: map[string]any{"apps.myapp.test": true, "apps.myapp.dev": true, "apps.myapp.a": "test"},
		},
		{
			name:   "build dependencies of events: none",
			d:      with(func(d *Deployment) { d.Include = []string{"events"}; d.Envs = []string{"prod"}; d.Unsecured = true }),
			checks: map[string]any{"task-images.cloudharness-flask": nil, "task-images.cloudharness-base": nil},
		},
		{
			name: "excluded task image",
			d: with(func(d *Deployment) {
				d.Include = []string{"workflows"}
				d.Unsecured = true
				d.Exclude = []string{"workflows-extract-download"}
			}),
			checks: map[string]any{"task-images.workflows-extract-download": nil, "task-images.cloudharness-flask": "testprojectname/cloudharness-flask:1"},
		},
		{
			name: "postgres database config kept, others cleared",
			d: with(func(d *Deployment) {
				d.Include = []string{"myapp"}
				d.Exclude = []string{"legacy"}
				d.Envs = []string{"withpostgres"}
			}),
			checks: map[string]any{"apps.myapp.harness.database.name": "myapp-db", "apps.myapp.harness.database.mongo": nil, "apps.myapp.harness.database.neo4j": nil},
		},
		{
			name: "mongo database",
			d: with(func(d *Deployment) {
				d.Include = []string{"myapp"}
				d.Exclude = []string{"legacy"}
				d.Envs = []string{"withmongo"}
			}),
			checks: map[string]any{"apps.myapp.harness.database.type": "mongo", "apps.myapp.harness.database.postgres": nil},
		},
		{
			name:    "wrong hard dependency",
			d:       Deployment{Roots: []string{ch, filepath.Join(resources, "wrong-dependencies")}, Include: []string{"wrong-hard"}, Envs: []string{"prod"}, Tag: "1", Domain: "my.local"},
			wantErr: `wrong-hard/deploy/values.yaml:6: harness.dependencies.hard: .*"idonotexist"`,
		},
		{
			name: "wrong soft dependency is a warning",
			d:    Deployment{Roots: []string{ch, filepath.Join(resources, "wrong-dependencies")}, Include: []string{"wrong-soft"}, Envs: []string{"prod"}, Tag: "1", Domain: "my.local"},
		},
		{
			name:    "wrong build dependency",
			d:       Deployment{Roots: []string{ch, filepath.Join(resources, "wrong-dependencies")}, Include: []string{"wrong-build"}, Envs: []string{"prod"}, Tag: "1", Domain: "my.local"},
			wantErr: `wrong-build/deploy/values.yaml:6: harness.dependencies.build: .*"idonotexist"`,
		},
		{
			name:    "wrong service",
			d:       Deployment{Roots: []string{ch, filepath.Join(resources, "wrong-dependencies")}, Include: []string{"wrong-services"}, Envs: []string{"prod"}, Tag: "1", Domain: "my.local"},
			wantErr: `wrong-services/deploy/values.yaml:5: harness.use_services: .*"idonotexist"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.d
			res, err := run(t, &d)
			if tc.wantErr != "" {
				if err == nil || !regexp.MustCompile(tc.wantErr).MatchString(err.Error()) {
					t.Fatalf("err = %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for path, want := range tc.checks {
				if got := lookupOrNil(res.Values, path); got != want {
					t.Errorf("%s = %#v, want %#v", path, got, want)
				}
			}
			if tc.apps != "" {
				if got := strings.Join(res.Apps, " "); got != tc.apps {
					t.Errorf("apps = %s, want %s", got, tc.apps)
				}
			}
			helmLint(t, res.Chart)
		})
	}
}

func lookupOrNil(v map[string]any, path string) any {
	var cur any = v
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}
