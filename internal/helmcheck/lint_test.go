package helmcheck

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
)

// TestLintMatchesHelm proves Check's lint rules find what Helm's own linter
// (lint.All, what `helm lint --strict` runs) finds, on charts breaking each
// rule, though Check renders the chart only once.
func TestLintMatchesHelm(t *testing.T) {
	cm := func(name string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata: {a: b}\n"
	}
	tests := []struct {
		name  string
		files map[string]string // chart files; Chart.yaml and values.yaml default
	}{
		{"clean", map[string]string{"templates/cm.yaml": cm("ok")}},
		{"bad object name", map[string]string{"templates/cm.yaml": cm("Bad_Name")}},
		{"bad service name", map[string]string{"templates/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1svc\nspec:\n  ports: [{port: 80}]\n"}},
		{"several documents, one bad", map[string]string{"templates/cm.yaml": cm("ok") + "---\n" + cm("also_bad")}},
		{"extension", map[string]string{"templates/cm.yaml": cm("ok"), "templates/notes.md": "hello"}},
		{"top indent", map[string]string{"templates/cm.yaml": "  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: ok\n"}},
		{"release time", map[string]string{"templates/cm.yaml": "{{/* .Release.Time */}}\n" + cm("ok")}},
		{"crd hook", map[string]string{"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  annotations:\n    \"helm.sh/hook\": crd-install\n"}},
		{"deployment without selector", map[string]string{"templates/d.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: i}]\n"}},
		{"deprecated api", map[string]string{"templates/role.yaml": "apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: Role\nmetadata:\n  name: r\n"}},
		{"list with resource policy", map[string]string{"templates/list.yaml": "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: x\n      annotations:\n        helm.sh/resource-policy: keep\n"}},
		{"unknown kind with bad name", map[string]string{"templates/w.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: Bad_Widget\n"}},
		{"maintainer without name", map[string]string{"Chart.yaml": chartYAML + "maintainers: [{email: a@example.com}]\n", "templates/cm.yaml": cm("ok")}},
		{"bad source", map[string]string{"Chart.yaml": chartYAML + "sources: [not-a-url]\n", "templates/cm.yaml": cm("ok")}},
		{"dependency missing", map[string]string{"Chart.yaml": chartYAML + "dependencies: [{name: sub, version: 0.1.0}]\n", "templates/cm.yaml": cm("ok")}},
		{"subchart not declared", map[string]string{"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n", "templates/cm.yaml": cm("ok")}},
		{"subchart templates are not linted", map[string]string{
			"Chart.yaml":                   chartYAML + "dependencies: [{name: sub, version: 0.1.0}]\n",
			"charts/sub/Chart.yaml":        "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
			"charts/sub/templates/cm.yaml": cm("Sub_Bad"),
			"templates/cm.yaml":            cm("ok"),
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"Chart.yaml": chartYAML, "values.yaml": "{}\n"}
			for k, v := range tc.files {
				files[k] = v
			}
			for name, content := range files {
				p := filepath.Join(dir, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var want []string
			for _, m := range lint.AllWithKubeVersion(dir, nil, "ns", nil).Messages {
				if m.Severity >= support.WarningSev {
					want = append(want, m.Err.Error())
				}
			}
			c, err := New("ns", "rel")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			if _, err := c.Check(context.Background(), dir); err != nil {
				var ce *Error
				if !errors.As(err, &ce) {
					t.Fatal(err)
				}
				for _, p := range ce.Problems {
					if msg, ok := strings.CutPrefix(p.Message, "lint: "); ok {
						got = append(got, msg)
					}
				}
			}
			sort.Strings(want)
			sort.Strings(got)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("lint findings differ from Helm's\n got: %q\nwant: %q", got, want)
			}
		})
	}
}
