package scaffold

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// tree lists every file and folder under dir.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func TestRunErrorsLeaveNothing(t *testing.T) {
	tests := []struct {
		name      string
		app       string
		templates []string
		setup     func(t *testing.T, root string)
		wantErr   string
	}{
		{name: "uppercase and underscore", app: "Bad_Name", wantErr: "must start with a lowercase letter"},
		{name: "leading digit", app: "1abc", wantErr: "must start with a lowercase letter"},
		{name: "64 characters", app: strings.Repeat("a", 64), wantErr: "at most 63"},
		{name: "empty", app: "", wantErr: "empty"},
		{name: "unknown template", app: "shop", templates: []string{"go-servr"}, wantErr: `unknown template "go-servr"; available: base, db-mongo`},
		{
			name: "broken solution template", app: "shop", templates: []string{"broken"},
			setup: func(t *testing.T, root string) {
				write(t, filepath.Join(root, SolutionTemplatesDir, "broken", "deploy", "values.yaml"), "harness: [\n")
			},
			wantErr: `application-templates/broken/deploy/values.yaml:\d+: `,
		},
		{
			name: "wrong type in a solution template", app: "shop", templates: []string{"typo"},
			setup: func(t *testing.T, root string) {
				write(t, filepath.Join(root, SolutionTemplatesDir, "typo", "deploy", "values.yaml"), "harness:\n  service:\n    port: eighty\n")
			},
			wantErr: `application-templates/typo/deploy/values.yaml:3: harness.service.port: `,
		},
		{
			name: "values file is a list", app: "shop",
			setup: func(t *testing.T, root string) {
				write(t, filepath.Join(root, SolutionTemplatesDir, "base", "deploy", "values.yaml"), "- a\n- b\n")
			},
			wantErr: `application-templates/base/deploy/values.yaml:1`,
		},
		{
			name: "30 MB junk values", app: "shop", templates: []string{"junk"},
			setup: func(t *testing.T, root string) {
				p := filepath.Join(root, SolutionTemplatesDir, "junk", "deploy", "values.yaml")
				write(t, p, "")
				if err := os.Truncate(p, 30<<20); err != nil {
					t.Fatal(err)
				}
			},
			wantErr: "template junk: deploy/values.yaml: 31457280 bytes; template files are limited to 4194304",
		},
		{
			name: "bad go template", app: "shop", templates: []string{"tpl"},
			setup: func(t *testing.T, root string) {
				write(t, filepath.Join(root, SolutionTemplatesDir, "tpl", "x.txt.tmpl"), "{{.Nope}}")
			},
			wantErr: `application-templates/tpl/x.txt.tmpl:1: executing "x.txt.tmpl" at <.Nope>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			if tt.setup != nil {
				tt.setup(t, root)
			}
			before := tree(t, root)
			_, err := (&Application{Root: root, Name: tt.app, Templates: tt.templates}).Run(context.Background())
			if err == nil || !regexp.MustCompile(tt.wantErr).MatchString(err.Error()) {
				t.Fatalf("err = %v, want it to match %q", err, tt.wantErr)
			}
			if after := tree(t, root); strings.Join(after, "\n") != strings.Join(before, "\n") {
				t.Fatalf("failed run changed the solution:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
}

// TestUnknownKeyInTemplate: an unknown harness key in a solution template is
// kept, with a warning at the template's own file and line, as
// harness-deployment passes such keys through.
func TestUnknownKeyInTemplate(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, SolutionTemplatesDir, "typo", "deploy", "values.yaml"), "harness:\n  deployment:\n    replica: 2\n")
	res, err := (&Application{Root: root, Name: "shop", Templates: []string{"typo"}}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, SolutionTemplatesDir, "typo", "deploy", "values.yaml") + `:3: harness.deployment.replica: unknown key (did you mean "replicas"?): kept`
	if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], want) {
		t.Errorf("warnings %q, want one starting %q", res.Warnings, want)
	}
	b, _ := os.ReadFile(filepath.Join(root, "applications", "shop", "deploy", "values.yaml"))
	if !strings.Contains(string(b), "replica: 2") {
		t.Errorf("the key did not reach the application's values:\n%s", b)
	}
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestExistingApplicationUntouched(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "applications", "shop", "deploy", "values.yaml"), "mine: true\n")
	before := tree(t, root)
	_, err := (&Application{Root: root, Name: "shop", Templates: []string{"go-server"}}).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("err = %v", err)
	}
	if after := tree(t, root); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Fatalf("solution changed: %v", after)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "applications", "shop", "deploy", "values.yaml")); string(b) != "mine: true\n" {
		t.Fatalf("values changed: %q", b)
	}
}

func TestSolutionTemplatesOverride(t *testing.T) {
	root := t.TempDir()
	// The solution's base wins over harness's; CloudHarness's placeholder is replaced.
	write(t, filepath.Join(root, SolutionTemplatesDir, "base", "deploy", "values.yaml"), "harness:\n  subdomain: __APP_NAME__-web\n")
	write(t, filepath.Join(root, SolutionTemplatesDir, "extra", "__APP_NAME__.txt"), "hello __APP_NAME__\n")
	if _, err := (&Application{Root: root, Name: "shop", Templates: []string{"extra"}}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(root, "applications", "shop")
	var v struct {
		Harness struct{ Subdomain string } `yaml:"harness"`
	}
	b, _ := os.ReadFile(filepath.Join(app, "deploy", "values.yaml"))
	if err := yaml.Unmarshal(b, &v); err != nil || v.Harness.Subdomain != "shop-web" {
		t.Fatalf("values = %q (%v)", b, err)
	}
	if b, _ := os.ReadFile(filepath.Join(app, "shop.txt")); string(b) != "hello shop\n" {
		t.Fatalf("shop.txt = %q", b)
	}
	var m struct {
		AppName   string   `yaml:"app-name"`
		Version   string   `yaml:"version"`
		Templates []string `yaml:"templates"`
	}
	b, _ = os.ReadFile(filepath.Join(app, ManifestFile))
	if err := yaml.Unmarshal(b, &m); err != nil || m.AppName != "shop" || m.Version != "2" || strings.Join(m.Templates, ",") != "base,extra" {
		t.Fatalf("manifest = %q (%v)", b, err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); !os.IsNotExist(err) {
		t.Fatalf("an application without Go code created go.mod (%v)", err)
	}
}
