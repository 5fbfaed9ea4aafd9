package deploycmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/cli"
)

func TestProfile(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"applications/web/Dockerfile":         "FROM scratch\nUSER 65532\n",
		"applications/web/deploy/values.yaml": "harness:\n  subdomain: web\n  deployment:\n    auto: true\n",
		"deployment-configuration/profiles/prod.yaml": "namespace: shop-prod\ndomain: shop.example.com\nregistry: reg.example.com/shop\n" +
			"tag: \"1.0\"\ntls: false\n",
		"deployment-configuration/profiles/typo.yaml": "namespace: x\ndomian: y\n",
		"deployment-configuration/profiles/dup.yaml":  "namespace: x\nnamespace: y\n",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	out := filepath.Join(dir, "out")
	// The profile gives what the command line does not; -n on it wins.
	code, _, stderr := run(t, "deployment", dir, "-p", "prod", "-n", "override", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	wantLine := "-p prod (" + filepath.Join(dir, "deployment-configuration/profiles/prod.yaml") + "): harness deployment " + dir +
		" -n override -d shop.example.com -r reg.example.com/shop -t 1.0 -dtls\n"
	if !strings.Contains(stderr, wantLine) {
		t.Errorf("stderr %q, want the line %q", stderr, wantLine)
	}
	values, _ := os.ReadFile(filepath.Join(out, "helm", "values.yaml"))
	for _, want := range []string{"namespace: override", "domain: shop.example.com", `image: "reg.example.com/shop/web:1.0"`, "tls: false"} {
		if !strings.Contains(string(values), want) {
			t.Errorf("values lack %q", want)
		}
	}
	for _, tc := range []struct {
		profile string
		want    string
	}{
		{"staging", "-p staging: no profile staging.yaml under deployment-configuration/profiles of the roots; there are: dup, prod, typo"},
		{"prdo", "(did you mean prod?)"},
		{"typo", "typo.yaml:2: domian: unknown key"},
		{"dup", "dup.yaml:2: namespace: duplicate key (first set at line 1)"},
		{"../x", `-p "../x": not a profile name`},
	} {
		code, _, stderr := run(t, "deployment", dir, "-p", tc.profile, "-o", filepath.Join(dir, "bad"))
		if code != cli.ExitUser || !strings.Contains(stderr, tc.want) {
			t.Errorf("-p %s: exit %d, stderr %q, want %q", tc.profile, code, stderr, tc.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "bad")); err == nil {
			t.Errorf("-p %s: output written", tc.profile)
		}
	}
}

// TestCIFlag: --ci github writes the workflow beside the chart, quoting the
// command line; another kind is a usage error.
func TestCIFlag(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"applications/web/Dockerfile":         "FROM scratch\nUSER 65532\n",
		"applications/web/deploy/values.yaml": "harness:\n  subdomain: web\n  deployment:\n    auto: true\n",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	os.Chdir(dir)
	code, _, stderr := run(t, "deployment", "-r", "reg.example.com/shop", "--ci", "github")
	if code != 0 || !strings.Contains(stderr, "wrote .github/workflows/harness.yaml") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, ".github/workflows/harness.yaml"))
	if err != nil || !strings.HasPrefix(string(data), "# Written by harness: harness-deployment --ci github --registry reg.example.com/shop\n") {
		t.Errorf("workflow: %v\n%s", err, data)
	}
	if code, _, stderr := run(t, "deployment", "-r", "reg.example.com/shop", "--ci", "gitlab"); code != cli.ExitUsage || !strings.Contains(stderr, "--ci gitlab") {
		t.Errorf("--ci gitlab: exit %d %s", code, stderr)
	}
}
