package deploy

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/harness-sh/harness/deployment"
	"github.com/harness-sh/harness/internal/fixtures"
)

// TestCloudHarnessBaseChart deploys every combination of a CloudHarness
// checkout, a solution that vendored CloudHarness's chart files and a
// solution's own template overrides: each renders and passes the checks,
// CloudHarness's base chart never replaces harness's, and a solution's own
// overrides (with the helpers they define) do.
func TestCloudHarnessBaseChart(t *testing.T) {
	chHelm := fixtures.Path(t, "deployment-configuration", "helm")
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(chHelm, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	const helm = "deployment-configuration/helm/"
	const autoDeploy = "harness:\n  deployment:\n    auto: true\n  service:\n    auto: true\n"
	// checkout is a CloudHarness checkout of a version harness has no
	// fingerprint for: its files differ from every known one, only its
	// layout tells.
	checkout := map[string]string{
		helm + "Chart.yaml":                       read("Chart.yaml"),
		helm + "templates/_helpers.tpl":           read("templates/_helpers.tpl") + "\n{{- /* local edit */ -}}\n",
		helm + "templates/auto-deployments.yaml":  read("templates/auto-deployments.yaml") + "\n# local edit\n",
		"libraries/cloudharness-common/README.md": "cloudharness\n",
		"applications/samples/Dockerfile":         dockerfile,
		"applications/samples/deploy/values.yaml": autoDeploy,
	}
	vendored := map[string]string{
		helm + "templates/_helpers.tpl":          read("templates/_helpers.tpl"),
		helm + "templates/auto-deployments.yaml": read("templates/auto-deployments.yaml"),
		helm + "templates/ingress.yaml":          read("templates/ingress.yaml"),
		"applications/web/Dockerfile":            dockerfile,
		"applications/web/deploy/values.yaml":    autoDeploy,
	}
	// override replaces auto-gatekeepers.yaml with a template that defines
	// and calls its own helper.
	override := map[string]string{
		helm + "templates/auto-gatekeepers.yaml": `{{- define "mysolution.gkName" -}}{{ .Values.name }}-gatekeepers{{- end -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "mysolution.gkName" . }}
  labels: {{- include "deploy_utils.labels" . | nindent 4 }}
data:
  apps: {{ keys .Values.apps | sortAlpha | join "," | quote }}
`,
		"deployment-configuration/values-template.yaml": "name: shop\n",
		"applications/api/Dockerfile":                   dockerfile,
		"applications/api/deploy/values.yaml":           autoDeploy,
	}
	// ownHelpers replaces _helpers.tpl with CloudHarness's, edited: the
	// solution's deploy_utils.* win, harness's own helpers still resolve.
	ownHelpers := map[string]string{
		helm + "templates/_helpers.tpl":       read("templates/_helpers.tpl") + "\n{{- define \"mysolution.x\" }}x{{ end }}\n",
		"applications/api/Dockerfile":         dockerfile,
		"applications/api/deploy/values.yaml": autoDeploy,
	}

	harnessFile := func(rel string) string {
		b, err := fs.ReadFile(deployment.Chart(), rel)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name      string
		roots     []map[string]string // nil: the CloudHarness fixture
		wantNotes []string            // each must be in some note
		harness   []string            // chart files that must be harness's own
		solution  map[string]string   // chart file → text it must hold
		objects   []string            // Kind/name that must render
	}{
		{
			name:      "checkout as root",
			roots:     []map[string]string{checkout},
			wantNotes: []string{"2 files of a CloudHarness checkout's base chart not layered"},
			harness:   []string{"templates/_helpers.tpl", "templates/auto-deployments.yaml"},
			objects:   []string{"Deployment/samples"},
		},
		{
			name:      "fixture as root",
			roots:     []map[string]string{nil},
			wantNotes: []string{"22 files of a CloudHarness checkout's base chart not layered"},
			harness:   []string{"templates/_helpers.tpl", "templates/auto-gatekeepers.yaml"},
			objects:   []string{"Deployment/samples"},
		},
		{
			name:      "vendored base files in a solution",
			roots:     []map[string]string{vendored},
			wantNotes: []string{"3 files of CloudHarness's base chart not layered"},
			harness:   []string{"templates/_helpers.tpl", "templates/auto-deployments.yaml", "templates/ingress.yaml"},
			objects:   []string{"Deployment/web"},
		},
		{
			name:     "solution override alone",
			roots:    []map[string]string{override},
			solution: map[string]string{"templates/auto-gatekeepers.yaml": "mysolution.gkName"},
			objects:  []string{"ConfigMap/shop-gatekeepers", "Deployment/api"},
		},
		{
			name:      "checkout, then a solution override",
			roots:     []map[string]string{checkout, override},
			wantNotes: []string{"CloudHarness checkout"},
			harness:   []string{"templates/_helpers.tpl"},
			solution:  map[string]string{"templates/auto-gatekeepers.yaml": "mysolution.gkName"},
			objects:   []string{"ConfigMap/shop-gatekeepers", "Deployment/api", "Deployment/samples"},
		},
		{
			name:     "fixture, then a solution override",
			roots:    []map[string]string{nil, override},
			harness:  []string{"templates/_helpers.tpl"},
			solution: map[string]string{"templates/auto-gatekeepers.yaml": "mysolution.gkName"},
			objects:  []string{"ConfigMap/shop-gatekeepers", "Deployment/api", "Deployment/samples"},
		},
		{
			name:     "fixture, then a solution's own _helpers.tpl",
			roots:    []map[string]string{nil, ownHelpers},
			solution: map[string]string{"templates/_helpers.tpl": "mysolution.x"},
			objects:  []string{"Deployment/api", "Deployment/samples"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Deployment{Tag: "1", Namespace: "ch", Include: []string{"samples", "web", "api"}, Unsecured: true}
			for _, files := range tc.roots {
				if files == nil {
					d.Roots = append(d.Roots, fixtures.CloudHarness(t))
				} else {
					d.Roots = append(d.Roots, writeTree(t, files))
				}
			}
			d.Include = slices.DeleteFunc(d.Include, func(app string) bool { return !hasApp(d.Roots, app) })
			res, err := run(t, &d)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.wantNotes {
				if !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, want) }) {
					t.Errorf("notes %q: none says %q", res.Notes, want)
				}
			}
			if len(tc.wantNotes) == 0 && tc.roots[0] != nil && len(res.Notes) > 0 {
				t.Errorf("unexpected notes %q", res.Notes)
			}
			for _, rel := range tc.harness {
				got, err := os.ReadFile(filepath.Join(res.Chart, filepath.FromSlash(rel)))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != harnessFile(rel) {
					t.Errorf("%s is not harness's own", rel)
				}
			}
			for rel, want := range tc.solution {
				got, err := os.ReadFile(filepath.Join(res.Chart, filepath.FromSlash(rel)))
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(string(got), want) {
					t.Errorf("%s is not the solution's (no %q)", rel, want)
				}
			}
			objs := objects(t, res)
			for _, name := range tc.objects {
				if objs[name] == nil {
					t.Errorf("no %s among %d objects", name, len(objs))
				}
			}
		})
	}
}

func hasApp(roots []string, app string) bool {
	for _, r := range roots {
		if _, err := os.Stat(filepath.Join(r, "applications", app)); err == nil {
			return true
		}
	}
	return false
}

// TestBaseChartFingerprints checks that the embedded fingerprints know the
// fixture's base chart, byte for byte and with Windows line ends, and nothing
// a solution writes itself.
func TestBaseChartFingerprints(t *testing.T) {
	chHelm := fixtures.Path(t, "deployment-configuration", "helm")
	helpers, err := os.ReadFile(filepath.Join(chHelm, "templates", "_helpers.tpl"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		rel  string
		data string
		want bool
	}{
		{"CloudHarness's file", "templates/_helpers.tpl", string(helpers), true},
		{"CRLF line ends", "templates/_helpers.tpl", strings.ReplaceAll(string(helpers), "\n", "\r\n"), true},
		{"edited", "templates/_helpers.tpl", string(helpers) + "\n", false},
		{"same content, other name", "templates/mine.tpl", string(helpers), false},
		{"a solution's file", "templates/auto-gatekeepers.yaml", "kind: ConfigMap\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := isCloudHarnessBaseFile(tc.rel, []byte(tc.data)); got != tc.want {
				t.Errorf("isCloudHarnessBaseFile(%s) = %v, want %v", tc.rel, got, tc.want)
			}
		})
	}
}
