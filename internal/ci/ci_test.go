package ci_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/ci"
	"github.com/harness-sh/harness/internal/deploy"
	"github.com/harness-sh/harness/internal/golden"
)

func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// solution is a repository with a Go application that asks for coverage,
// one that does not, and a static one.
func solution(t *testing.T) string {
	repo := t.TempDir()
	writeTree(t, repo, map[string]string{
		"go.mod":                                                "module example.com/shop\n\ngo 1.26\n",
		"applications/api/Dockerfile":                           "FROM scratch\nUSER 65532\n",
		"applications/api/backend/main.go":                      "package main\n\nfunc main() {}\n",
		"applications/api/deploy/values.yaml":                   "harness:\n  subdomain: api\n  deployment:\n    auto: true\n  test:\n    unit:\n      coverage: 72.5\n",
		"applications/jobs/Dockerfile":                          "FROM scratch\nUSER 65532\n",
		"applications/jobs/main.go":                             "package main\n\nfunc main() {}\n",
		"applications/jobs/deploy/values.yaml":                  "harness:\n  deployment:\n    auto: true\n",
		"applications/web/Dockerfile":                           "FROM nginx:1.27\nUSER 101\n",
		"applications/web/deploy/values.yaml":                   "harness:\n  subdomain: www\n  deployment:\n    auto: true\n",
		"deployment-configuration/values-template-staging.yaml": "tag: staging\n",
		"deployment-configuration/values-template-prod.yaml":    "tag: prod\n",
	})
	return repo
}

func TestWorkflows(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, repo string) ci.GitHub
	}{
		{"registry-only", func(t *testing.T, repo string) ci.GitHub {
			return ci.GitHub{Solution: deploy.Deployment{Registry: "ghcr.io/acme/shop"}}
		}},
		{"staging-prod", func(t *testing.T, repo string) ci.GitHub {
			return ci.GitHub{Solution: deploy.Deployment{Registry: "registry.example.com:5000/shop", Namespace: "shop",
				Domain: "shop.example.com", Envs: []string{"staging", "prod"}, Exclude: []string{"web"}}}
		}},
		{"checkout-profiles", func(t *testing.T, repo string) ci.GitHub {
			// A CloudHarness checkout as a submodule and first root; a profile per environment.
			writeTree(t, repo, map[string]string{
				".gitmodules": "[submodule \"cloud-harness\"]\n\tpath = cloud-harness\n\turl = ../cloud-harness.git\n",
				"cloud-harness/applications/common/Dockerfile":         "FROM scratch\nUSER 65532\n",
				"cloud-harness/applications/common/deploy/values.yaml": "harness:\n  deployment:\n    auto: true\n",
				"deployment-configuration/profiles/staging.yaml":       "namespace: shop-staging\ndomain: staging.shop.example.com\nregistry: registry.example.com/shop\n",
				"deployment-configuration/profiles/prod.yaml":          "namespace: shop\ndomain: shop.example.com\nregistry: registry.example.com/shop\ntls: true\n",
			})
			return ci.GitHub{Solution: deploy.Deployment{Roots: []string{filepath.Join(repo, "cloud-harness"), repo},
				Envs: []string{"staging", "prod"}}, Branch: "release"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo := solution(t)
			g := tc.setup(t, repo)
			g.Dir = repo
			g.Version = "v1.2.3"
			g.Command = "harness-deployment (test " + tc.name + ")"
			if len(g.Solution.Roots) == 0 {
				g.Solution.Roots = []string{repo}
			}
			g.Solution.Out, g.Solution.Err = io.Discard, io.Discard
			out, err := g.Render(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name+".yaml")
			golden.File(t, path, out)
			lint(t, out)
			checkJobs(t, out, g)
		})
	}
}

// lint runs actionlint, as a developer would on the file.
func lint(t *testing.T, workflow []byte) {
	t.Helper()
	var log bytes.Buffer
	l, err := actionlint.NewLinter(&log, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.Lint(".github/workflows/harness.yaml", workflow, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %d:%d: %s [%s]", e.Line, e.Column, e.Message, e.Kind)
	}
}

var pinned = regexp.MustCompile(`^[\w.-]+/[\w.-]+@[0-9a-f]{40}$`)

// checkJobs reads the workflow as GitHub does and checks what the file
// promises: actions pinned by commit, environments deployed in order behind
// the build, each gated by its GitHub environment.
func checkJobs(t *testing.T, workflow []byte, g ci.GitHub) {
	t.Helper()
	var wf struct {
		On   map[string]any `yaml:"on"`
		Jobs map[string]struct {
			Needs       string `yaml:"needs"`
			Environment string `yaml:"environment"`
			If          string `yaml:"if"`
			Steps       []struct {
				Uses string `yaml:"uses"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(workflow, &wf); err != nil {
		t.Fatal(err)
	}
	for name, job := range wf.Jobs {
		for _, s := range job.Steps {
			if s.Uses != "" && !pinned.MatchString(s.Uses) {
				t.Errorf("%s: %s is not pinned by commit", name, s.Uses)
			}
		}
	}
	if wf.Jobs["build"].Needs != "check" || !strings.Contains(wf.Jobs["build"].If, "pull_request") {
		t.Errorf("build job: %+v", wf.Jobs["build"])
	}
	prev := "build"
	for _, env := range g.Solution.Envs {
		job, ok := wf.Jobs["deploy-"+env]
		if !ok || job.Needs != prev || job.Environment != env {
			t.Errorf("deploy-%s: %+v, want after %s in environment %s", env, job, prev, env)
		}
		last := job.Steps[len(job.Steps)-1].Run
		if !strings.Contains(last, "-e "+env) || !strings.HasSuffix(last, "--pin --deploy") {
			t.Errorf("deploy-%s runs %q", env, last)
		}
		prev = "deploy-" + env
	}
	if len(wf.Jobs) != 2+len(g.Solution.Envs) {
		t.Errorf("jobs: %d", len(wf.Jobs))
	}
}

func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    func(repo string) ci.GitHub
		want string
	}{
		{"no registry", func(repo string) ci.GitHub {
			return ci.GitHub{Solution: deploy.Deployment{Roots: []string{repo}}}
		}, "--ci github: give -r REGISTRY"},
		{"bad registry", func(repo string) ci.GitHub {
			return ci.GitHub{Solution: deploy.Deployment{Roots: []string{repo}, Registry: "Not A/Registry"}}
		}, "-r Not A/Registry: not a registry"},
		{"root outside", func(repo string) ci.GitHub {
			return ci.GitHub{Solution: deploy.Deployment{Roots: []string{t.TempDir(), repo}, Registry: "r.example/x"}}
		}, "is outside the repository"},
		{"unknown environment", func(repo string) ci.GitHub {
			return ci.GitHub{Solution: deploy.Deployment{Roots: []string{repo}, Registry: "r.example/x", Envs: []string{"staging", "prdo"}}}
		}, "-e prdo: no values-prdo.yaml, values-template-prdo.yaml nor profile prdo in the roots (did you mean prod?)"},
		{"excluded dependency", func(repo string) ci.GitHub {
			writeTree(t, repo, map[string]string{"applications/api/deploy/values-prod.yaml": "harness:\n  dependencies:\n    hard: [jobs]\n"})
			return ci.GitHub{Solution: deploy.Deployment{Roots: []string{repo}, Registry: "r.example/x", Envs: []string{"prod"}, Exclude: []string{"jobs"}}}
		}, "jobs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo := solution(t)
			g := tc.g(repo)
			g.Dir = repo
			_, err := g.Write(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(repo, ".github")); err == nil {
				t.Error("something was written")
			}
		})
	}
}

// TestWriteKeepsUsersFile: a workflow harness did not write is never
// replaced; its own is.
func TestWriteKeepsUsersFile(t *testing.T) {
	repo := solution(t)
	g := ci.GitHub{Solution: deploy.Deployment{Roots: []string{repo}, Registry: "r.example/x"}, Dir: repo, Command: "harness-deployment --ci github"}
	path, err := g.Write(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Write(context.Background()); err != nil {
		t.Errorf("rewriting its own workflow: %v", err)
	}
	mine := "name: mine\n"
	os.WriteFile(path, []byte(mine), 0o644)
	if _, err := g.Write(context.Background()); err == nil || !strings.Contains(err.Error(), "not written by harness") {
		t.Errorf("a user's workflow: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != mine {
		t.Errorf("the user's workflow was changed")
	}
}

// TestOwnSolution: the workflow of this repository's own solution
// (applications/) passes actionlint.
func TestOwnSolution(t *testing.T) {
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	g := ci.GitHub{Solution: deploy.Deployment{Roots: []string{repo}, Registry: "ghcr.io/harness-sh/harness", Namespace: "harness",
		Domain: "harness.example.com"}, Dir: repo, Version: "v0.1.0", Command: "harness-deployment --ci github"}
	out, err := g.Render(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lint(t, out)
	checkJobs(t, out, g)
	if !bytes.Contains(out, []byte("go test -race ./...")) {
		t.Errorf("no unit tests in:\n%s", out)
	}
}
