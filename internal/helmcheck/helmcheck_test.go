package helmcheck

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

const chartYAML = "apiVersion: v2\nname: t\nversion: 0.1.0\nicon: https://example.com/i.svg\n"

const goodPod = `apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile: {type: RuntimeDefault}
  containers:
    - name: c
      image: busybox:1.36
      securityContext:
        allowPrivilegeEscalation: false
        capabilities: {drop: [ALL]}
`

const rootPod = `apiVersion: v1
kind: Pod
metadata:
  name: root
spec:
  containers:
    - name: c
      image: busybox:1.36
`

func writeChart(t *testing.T, templates map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"Chart.yaml": chartYAML, "values.yaml": "{}\n"}
	for k, v := range templates {
		files["templates/"+k] = v
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name      string
		templates map[string]string
		owned     string // regexp of owned template paths; empty: all
		wantErr   string // regexp; empty: passes
		warnings  int
		unchecked int
	}{
		{"good pod", map[string]string{"pod.yaml": goodPod}, "", "", 0, 0},
		{"misspelt field", map[string]string{"svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  prots: []\n"}, "",
			`templates/svc.yaml: Service/s: unknown field "spec.prots"`, 0, 0},
		{"wrong type", map[string]string{"svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n    - port: eighty\n"}, "",
			`templates/svc.yaml: .*spec\.ports\.port of type int32`, 0, 0},
		{"bad quantity", map[string]string{"pod.yaml": regexp.MustCompile(`image: busybox:1.36`).ReplaceAllString(goodPod, "image: busybox:1.36\n      resources: {limits: {cpu: lots}}")}, "",
			`templates/pod.yaml: .*quantit`, 0, 0},
		{"root pod in harness's template", map[string]string{"pod.yaml": rootPod}, "", `templates/pod.yaml: Pod/root: violates Pod Security "restricted"`, 0, 0},
		{"root pod in a user's template warns", map[string]string{"app/pod.yaml": rootPod, "ok.yaml": goodPod}, `^templates/ok\.yaml$`, "", 4, 0},
		{"unknown kind is not decoded", map[string]string{"crd.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  anything: 1\n"}, "", "", 0, 1},
		{"lint: invalid object name", map[string]string{"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n"}, "", `lint: .*Bad_Name`, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeChart(t, tc.templates)
			c, err := New("ns", "rel")
			if err != nil {
				t.Fatal(err)
			}
			if tc.owned != "" {
				re := regexp.MustCompile(tc.owned)
				c.Owned = re.MatchString
			}
			res, err := c.Check(context.Background(), dir)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else {
				var ce *Error
				if err == nil || !errors.As(err, &ce) || !regexp.MustCompile(tc.wantErr).MatchString(err.Error()) {
					t.Fatalf("err = %v, want %s", err, tc.wantErr)
				}
				return
			}
			if len(res.Warnings) != tc.warnings {
				t.Errorf("warnings = %v, want %d", res.Warnings, tc.warnings)
			}
			if len(res.Unchecked) != tc.unchecked {
				t.Errorf("unchecked = %v, want %d", res.Unchecked, tc.unchecked)
			}
		})
	}
}
