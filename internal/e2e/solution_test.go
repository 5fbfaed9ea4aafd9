package e2e_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/cli"
)

// The solution under test: one app of each kind the chart treats differently.
const (
	appServer    = "api"    // go-server: Deployment, Service, probes, a free value
	appDatabase  = "orders" // go-server + db-postgres: database Deployment, Service, PVC, credentials
	appSecrets   = "vault"  // base, an image of its own, harness.secrets: one given, others random and kept
	appTemplates = "extras" // base, an image of its own, deploy/templates: a per-app template using the chart's helpers

	domain       = "harness.test"
	givenSecret  = "given-value"
	extrasConfig = "extras-settings" // the ConfigMap of extras's own template
)

// randomSecrets are the secrets of appSecrets that the chart generates once
// and must keep across upgrades.
var randomSecrets = []string{"api-key", "session-key"}

// scaffold creates the solution with harness-application, as a user would,
// then edits the user-owned values and adds the per-app template.
func scaffold(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, app := range []struct {
		name      string
		templates []string
	}{
		{appServer, []string{"go-server"}},
		{appDatabase, []string{"go-server", "db-postgres"}},
		{appSecrets, nil},
		{appTemplates, nil},
	} {
		args := []string{app.name, "--root", root}
		for _, tmpl := range app.templates {
			args = append(args, "-t", tmpl)
		}
		run(t, cli.NewApplicationCmd(), args...)
	}

	editValues(t, root, appServer, func(v map[string]any) {
		v["greeting"] = "hello"
	})
	editValues(t, root, appSecrets, func(v map[string]any) {
		secrets := map[string]any{"static-key": givenSecret}
		for _, name := range randomSecrets {
			secrets[name] = "" // empty: random the first time, then kept
		}
		harness(t, v)["secrets"] = secrets
		deployment(t, v)["image"] = appSecrets + ":" + tag // no Dockerfile to build one from
	})
	editValues(t, root, appTemplates, func(v map[string]any) {
		deployment(t, v)["image"] = appTemplates + ":" + tag
	})
	tmpl := `apiVersion: v1
kind: ConfigMap
metadata:
  name: ` + extrasConfig + `
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "deploy_utils.labels" . | indent 4 }}
data:
  greeting: {{ .Values.apps.api.greeting | quote }}
`
	writeFile(t, filepath.Join(root, "applications", appTemplates, "deploy", "templates", "settings.yaml"), tmpl)
	return root
}

// run executes a harness command in process, failing the test unless it
// exits 0, and returns what it printed.
func run(t *testing.T, cmd *cobra.Command, args ...string) string {
	t.Helper()
	code, out, errOut := execute(cmd, args...)
	if code != 0 {
		t.Fatalf("%s %s: exit %d\nstdout:\n%s\nstderr:\n%s", cmd.Name(), strings.Join(args, " "), code, out, errOut)
	}
	return out + errOut
}

// execute runs a command as the CLI does, returning its exit code and what it
// printed to stdout and stderr.
func execute(cmd *cobra.Command, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = cli.Execute(cmd, args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	return code, out.String(), errOut.String()
}

// editValues rewrites applications/APP/deploy/values.yaml through edit.
func editValues(t *testing.T, root, app string, edit func(map[string]any)) {
	t.Helper()
	path := filepath.Join(root, "applications", app, "deploy", "values.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := map[string]any{}
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	edit(v)
	out, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(out))
}

func harness(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	h, ok := v["harness"].(map[string]any)
	if !ok {
		h = map[string]any{}
		v["harness"] = h
	}
	return h
}

func deployment(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	h := harness(t, v)
	d, ok := h["deployment"].(map[string]any)
	if !ok {
		d = map[string]any{}
		h["deployment"] = d
	}
	return d
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
