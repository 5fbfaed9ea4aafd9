package deploy

import (
	"slices"
	"strings"
	"testing"
)

// TestUnknownKeysPassThrough deploys keys harness does not know, as public
// CloudHarness solutions carry them: each is a warning naming file and line,
// reaches the chart's values unchanged, passes Helm's schema validation
// (helm lint --strict), and the solution's own templates read it.
func TestUnknownKeysPassThrough(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"applications/web/Dockerfile": dockerfile,
		"applications/web/deploy/values.yaml": `harness:
  subdomain: web
  deployment:
    auto: true
  service:
    auto: true
  users:
    - username: admin
  ingress:
    annotations:
      nginx.ingress.kubernetes.io/proxy-body-size: 10m
  database:
    auto: true
    type: postgres
    image: postgres:9.6
    local_expose: true
`,
		"applications/web/deploy/templates/extra.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-extra
data:
  body-size: {{ index .Values.apps.web.harness.ingress.annotations "nginx.ingress.kubernetes.io/proxy-body-size" | quote }}
  admin: {{ (first .Values.apps.web.harness.users).username | quote }}
`,
	})
	res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1"})
	if err != nil {
		t.Fatal(err)
	}
	const file = "applications/web/deploy/values.yaml"
	for _, want := range []string{
		file + ":7: harness.users: deprecated: use harness.accounts.users",
		file + ":9: harness.ingress: unknown key",
		file + ":15: harness.database.image: unknown key",
		file + ":16: harness.database.local_expose: unknown key",
	} {
		if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, want) }) {
			t.Errorf("no warning %q in %q", want, res.Warnings)
		}
	}
	for _, w := range res.Warnings {
		if strings.Contains(w, "harness.users: unknown key") {
			t.Errorf("an alias is also reported unknown: %q", w)
		}
	}
	if got := lookup(t, res.Values, "apps.web.harness.accounts.users").([]any); len(got) != 1 {
		t.Errorf("accounts.users = %v", got)
	}
	if got := lookup(t, res.Values, "apps.web.harness.database.local_expose"); got != true {
		t.Errorf("database.local_expose = %v", got)
	}
	if got := lookup(t, res.Values, "apps.web.harness.database.image"); got != "postgres:9.6" {
		t.Errorf("database.image = %v", got)
	}
	annotations := lookup(t, res.Values, "apps.web.harness.ingress.annotations").(map[string]any)
	if got := annotations["nginx.ingress.kubernetes.io/proxy-body-size"]; got != "10m" {
		t.Errorf("ingress annotation = %v", got)
	}
	cm := objects(t, res)["ConfigMap/web-extra"]
	if cm == nil {
		t.Fatal("the solution's template did not render")
	}
	data := cm["data"].(map[string]any)
	if data["body-size"] != "10m" || data["admin"] != "admin" {
		t.Errorf("template read %v", data)
	}
	helmLint(t, res.Chart)
}
