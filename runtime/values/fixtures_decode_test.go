package values

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// fixtureKind says how a values file of CloudHarness's fixtures is read:
// root values (chart defaults, deployment-configuration overlays, an
// all-values file) or an application's values.
func fixtureKind(rel string) string {
	switch {
	case strings.HasSuffix(rel, "values.schema.yaml"):
		return "" // a JSON schema in YAML, not values
	case rel == "libraries/cloudharness-common/tests/values.yaml",
		strings.HasSuffix(rel, "deployment-configuration/helm/values.yaml"),
		strings.Contains(rel, "deployment-configuration/values-template"):
		return "root"
	case strings.HasSuffix(rel, "deployment-configuration/value-template.yaml"),
		strings.Contains(rel, "/deploy/"):
		// deploy/charts/values*.yaml are a subchart's values: no harness
		// section, all free, decoded the same way.
		return "app"
	}
	return "unknown"
}

// TestFixturesDecode decodes every values file of CloudHarness, strictly.
func TestFixturesDecode(t *testing.T) {
	root := cloudHarness(t)
	counts := map[string]int{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		if !strings.HasSuffix(name, ".yaml") || !(strings.HasPrefix(name, "values") || name == "value-template.yaml") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		kind := fixtureKind(rel)
		counts[kind]++
		t.Run(rel, func(t *testing.T) {
			var err error
			switch kind {
			case "root":
				_, err = ReadRoot(path, Options{Mode: Strict})
			case "app":
				_, err = ReadApp(path, Options{Mode: Strict})
			case "":
				t.Skip("not a values file")
			default:
				t.Fatalf("no rule says whether %s holds root or app values", rel)
			}
			if err != nil {
				t.Error(err)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if counts["root"] < 5 || counts["app"] < 40 {
		t.Errorf("found too few fixture files: %v", counts)
	}
}

// TestFixtureAllValues checks decoded content of CloudHarness's runtime test
// values, an all-values file with anchors, legacy secrets and numbers in env.
func TestFixtureAllValues(t *testing.T) {
	v, err := ReadRoot(filepath.Join(cloudHarness(t), "libraries/cloudharness-common/tests/values.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Apps) != 9 {
		t.Errorf("apps: got %d, want 9", len(v.Apps))
	}
	acc := v.Apps["accounts"].Harness
	if acc.Database.Name != "keycloak-postgres" || acc.Database.Type != Postgres || acc.Database.Postgres.InitialDB != "auth_db" {
		t.Errorf("accounts database: %+v", acc.Database)
	}
	if got := v.Apps["volumemanager"].Harness.Deployment.Resources.Limits.Memory; got != "500Mi" {
		t.Errorf("anchored resources: got %q", got)
	}
	if got := v.Apps["sentry"].Harness.Secrets.Names(); strings.Join(got, ",") != "email-password,email-user,server-email" {
		t.Errorf("legacy secrets: got %v", got)
	}
	if !v.TLS.Enabled || v.TLS.Secret != "cloudharness-metacell-us-tls" || !v.Local || v.Namespace != "ch" {
		t.Errorf("root: tls %+v local %v namespace %q", v.TLS, v.Local, v.Namespace)
	}
	if v.Extra["localIp"] != nil || v.LocalIP != "192.168.99.106" {
		t.Errorf("localIp: %q (extra %v)", v.LocalIP, v.Extra["localIp"])
	}
	if v.Apps["accounts"].Free["client"] == nil {
		t.Errorf("accounts free values lost: %v", v.Apps["accounts"].Free)
	}
}

// TestWrongDependencies: values naming missing dependencies decode; checking
// them is the deployment's job.
func TestWrongDependencies(t *testing.T) {
	dir := filepath.Join(cloudHarness(t), "tools/deployment-cli-tools/tests/resources/wrong-dependencies/applications")
	for _, app := range []string{"wrong-build", "wrong-hard", "wrong-soft", "wrong-services"} {
		v, err := ReadApp(filepath.Join(dir, app, "deploy/values.yaml"), Options{})
		if err != nil {
			t.Errorf("%s: %v", app, err)
			continue
		}
		h := v.Harness
		deps := append(append(append(h.Dependencies.Build, h.Dependencies.Hard...), h.Dependencies.Soft...), names(h.UseServices)...)
		if len(deps) != 1 || deps[0] != "idonotexist" {
			t.Errorf("%s: dependencies %v", app, deps)
		}
	}
}

func names(objs []NamedObject) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Name)
	}
	return out
}
