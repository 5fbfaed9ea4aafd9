package generate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMixedSolution: in a solution mixing Go applications with ones made
// from CloudHarness's Python templates, harness-generate writes only into the
// Go ones, says which it skipped and why, and refuses to be pointed at a
// Python one.
func TestMixedSolution(t *testing.T) {
	const spec = "testdata/pets/openapi.yaml"
	root := solution(t, map[string]string{"shop": spec, "flask": spec, "django": spec, "legacy": spec, "gohand": spec, "gonew": spec})
	for name, content := range map[string]string{
		"applications/shop/.ch-manifest":              "app-name: shop\ntemplates: [base, go-server, db-postgres]\nversion: \"2\"\n",
		"applications/flask/.ch-manifest":             "app-name: flask\ntemplates: [base, flask-server]\nversion: \"2\"\n",
		"applications/flask/backend/flask/main.py":    "print('mine')\n",
		"applications/django/backend/setup.py":        "from setuptools import setup\n",
		"applications/legacy/server/requirements.txt": "connexion\n",
		"applications/gohand/backend/main.go":         "package main\n",
		"applications/gohand/backend/setup.py":        "# a Go backend that also carries a setup.py\n",
	} {
		write(t, filepath.Join(root, filepath.FromSlash(name)), []byte(content))
	}
	before := snapshot(t, root)
	res, err := (&Generate{Root: root, Servers: true, Clients: true}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(res.Apps, " "), "gohand gonew shop"; got != want {
		t.Errorf("generated %s, want %s", got, want)
	}
	wantSkipped := []string{
		"applications/django: its backend is a Python package (backend/setup.py)",
		"applications/flask: made from templates base, flask-server (.ch-manifest), none of them go-server",
		"applications/legacy: its backend is a Python package (server/requirements.txt)",
	}
	if got := strings.Join(res.Skipped, "\n"); got != strings.Join(wantSkipped, "\n") {
		t.Errorf("skipped:\n%s\nwant:\n%s", got, strings.Join(wantSkipped, "\n"))
	}
	after := snapshot(t, root)
	for path, content := range after {
		app := strings.Split(path, "/")
		if len(app) > 1 && app[0] == "applications" && (app[1] == "flask" || app[1] == "django" || app[1] == "legacy") && before[path] != content {
			t.Errorf("%s written into", path)
		}
	}
	for _, p := range []string{"applications/gonew/backend", "applications/shop/backend"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("Go application not generated: %v", err)
		}
	}

	_, err = (&Generate{Root: root, Apps: []string{"flask"}, Servers: true}).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "applications/flask is made from templates base, flask-server (.ch-manifest), none of them go-server: harness-generate writes Go servers and clients only") {
		t.Errorf("-a flask: %v", err)
	}
}
