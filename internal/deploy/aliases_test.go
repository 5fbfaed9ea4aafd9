package deploy

import (
	"reflect"
	"strings"
	"testing"
)

// TestAliases deploys each key of an older CloudHarness: it lands where
// harness reads it, wins over the default there, and the warning names the
// user's file and line and the key that replaces it.
func TestAliases(t *testing.T) {
	tests := []struct {
		name   string
		values string         // applications/web/deploy/values.yaml
		want   map[string]any // path under apps.web → value
		warn   string         // "" for none
	}{
		{"subdomain", "subdomain: www\n", map[string]any{"harness.subdomain": "www"},
			":1: subdomain: deprecated: use harness.subdomain"},
		{"autodeploy", "autodeploy: true\n", map[string]any{"harness.deployment.auto": true},
			":1: autodeploy: deprecated: use harness.deployment.auto"},
		{"autoservice", "autoservice: false\nharness:\n  deployment:\n    auto: true\n",
			map[string]any{"harness.service.auto": false},
			":1: autoservice: deprecated: use harness.service.auto"},
		{"secureme", "secureme: true\n", map[string]any{"harness.secured": true},
			":1: secureme: deprecated: use harness.secured"},
		{"replicas over the new key", "harness:\n  deployment:\n    auto: true\n    replicas: 2\nreplicas: 3\n",
			map[string]any{"harness.deployment.replicas": 3},
			":5: replicas: deprecated: use harness.deployment.replicas"},
		{"port sets both ports", "harness:\n  deployment:\n    auto: true\nport: 9000\n",
			map[string]any{"harness.deployment.port": 9000, "harness.service.port": 9000},
			":4: port: deprecated: use harness.deployment.port and harness.service.port"},
		// One level, as CloudHarness's dict.update: limits replaced whole,
		// requests kept from the defaults.
		{"resources merge, quietly", "resources:\n  limits:\n    memory: 1Gi\n",
			map[string]any{
				"harness.deployment.resources.limits":          map[string]any{"memory": "1Gi"},
				"harness.deployment.resources.requests.memory": "32Mi",
			}, ""},
		{"users to accounts, kept for templates", "harness:\n  users:\n    - username: a\n",
			map[string]any{
				"harness.accounts.users": []any{map[string]any{"username": "a"}},
				"harness.users":          []any{map[string]any{"username": "a"}},
			},
			":2: harness.users: deprecated: use harness.accounts.users"},
		{"empty old key is no alias", "subdomain:\nharness:\n  subdomain: web\n",
			map[string]any{"harness.subdomain": "web"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{
				"applications/web/Dockerfile":         dockerfile,
				"applications/web/deploy/values.yaml": tt.values,
			})
			res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1"})
			if err != nil {
				t.Fatal(err)
			}
			for path, want := range tt.want {
				if got := lookup(t, res.Values, "apps.web."+path); !reflect.DeepEqual(got, want) {
					t.Errorf("%s = %#v, want %#v", path, got, want)
				}
			}
			var deprecated []string
			for _, w := range res.Warnings {
				if strings.Contains(w, "deprecated") || strings.Contains(w, "unknown key") {
					deprecated = append(deprecated, w)
				}
			}
			if tt.warn == "" {
				if len(deprecated) > 0 {
					t.Errorf("warnings %q, want none", deprecated)
				}
				return
			}
			want := "applications/web/deploy/values.yaml" + tt.warn
			if len(deprecated) != 1 || !strings.Contains(deprecated[0], want) {
				t.Errorf("warnings %q, want one with %q", deprecated, want)
			}
		})
	}
}

// TestAliasedStrict: under --strict a deprecated key stops the deployment,
// so CI catches it before CloudHarness's next version drops it.
func TestAliasedStrict(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"applications/web/Dockerfile":         dockerfile,
		"applications/web/deploy/values.yaml": "secureme: true\n",
	})
	_, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1", Strict: true})
	if err == nil || !strings.Contains(err.Error(), "secureme: deprecated") {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasSuffix(err.Error(), "\n(--strict: warnings are errors)") {
		t.Errorf("err = %v", err)
	}
}
