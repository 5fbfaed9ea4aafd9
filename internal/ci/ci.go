// Package ci writes a solution's pipeline: a GitHub Actions workflow that
// runs harness's own commands, the way the solution is meant to be built
// and deployed. It checks (generated code current, vet, tests with the
// coverage each application asks for, known vulnerabilities, the chart),
// builds and pushes the images with harness build, and deploys each
// environment in turn through GitHub environments, so that those with
// required reviewers wait for approval. Rendering is a pure function of the
// solution's plan and the flags (Render); Write puts the file in place.
package ci

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/harness-sh/harness/internal/deploy"
	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/runtime/values"
)

//go:embed templates/*.tmpl
var templates embed.FS

// The actions the workflow uses, pinned by commit (the comment names the
// release): a tag can be moved, a commit cannot.
const (
	checkoutAction = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
	setupGoAction  = "actions/setup-go@b7ad1dad31e06c5925ef5d2fc7ad053ef454303e # v7.0.0"
	// GovulncheckVersion is the govulncheck the check job runs.
	GovulncheckVersion = "v1.9.0"
)

// WorkflowPath is where the workflow goes, under the repository's folder.
const WorkflowPath = ".github/workflows/harness.yaml"

// Header starts every workflow harness writes: a file without it is the
// user's, and is never replaced.
const Header = "# Written by harness: "

// GitHub is the workflow of one solution.
type GitHub struct {
	// Solution holds the flags the workflow's commands take: roots (relative
	// to Dir), -n, -d, -r, -t, -i, -ex, -rs, -u, -dtls. Its Envs are the
	// environments deployed, in order of promotion: each waits for the one
	// before.
	Solution deploy.Deployment
	Dir      string // the repository's folder; default "."
	Branch   string // the branch that deploys; default "main"
	Version  string // the harness version the workflow installs
	Command  string // the command line that writes the workflow, quoted in it
}

type coverage struct {
	Name     string
	Packages string
	Min      string
}

type envJob struct {
	Name, Job, Needs      string
	BuildArgs, DeployArgs string
	RegistryHost          string
}

type check struct{ Env, Args string }

type data struct {
	Command, Version, Branch string
	Registry, RegistryHost   string
	GovulncheckVersion       string
	Checkout, SetupGo        string
	Submodules               bool
	GoModule                 bool // the repository is a Go module: vet, tests, govulncheck
	Paths                    []string
	Coverage                 []coverage
	Checks                   []check
	BuildArgs                string
	Envs                     []envJob
}

// Render is the workflow's text.
func (g *GitHub) Render(ctx context.Context) ([]byte, error) {
	dir := g.Dir
	if dir == "" {
		dir = "."
	}
	sol := g.Solution
	if len(sol.Roots) == 0 {
		sol.Roots = []string{"."}
	}
	var roots []string
	for _, r := range sol.Roots {
		rel, err := filepath.Rel(dir, r)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			return nil, fmt.Errorf("--ci github: root %s is outside the repository %s: the workflow sees only the repository (add it as a git submodule)", r, dir)
		}
		roots = append(roots, filepath.ToSlash(rel))
	}
	profiles := map[string]bool{}
	for _, env := range sol.Envs {
		if _, err := deploy.LoadProfile(sol.Roots, env); err == nil {
			profiles[env] = true
		} else if !strings.Contains(err.Error(), "no profile") {
			return nil, err
		}
	}
	if err := knownEnvs(sol.Roots, sol.Envs, profiles); err != nil {
		return nil, err
	}
	if sol.Registry == "" && (len(sol.Envs) == 0 || len(profiles) < len(sol.Envs)) {
		return nil, fmt.Errorf("--ci github: give -r REGISTRY (or a profile per environment naming it): the build job pushes the images there")
	}
	host, err := loginHost(sol.Registry)
	if err != nil {
		return nil, err
	}
	// The plan of each environment must hold: the check job renders them all.
	envs := sol.Envs
	if len(envs) == 0 {
		envs = []string{""}
	}
	var plan *deploy.Plan
	for _, env := range envs {
		d := sol
		d.Envs = deploy.ParseEnvs(env)
		p, err := d.Plan(ctx)
		if err != nil {
			return nil, err
		}
		if plan == nil {
			plan = p
		}
	}

	base := sol
	base.Roots = roots
	base.Envs = nil
	common := base.CommandLine()
	v := data{
		Command:            g.Command,
		Version:            g.Version,
		Branch:             g.Branch,
		Registry:           sol.Registry,
		RegistryHost:       host,
		GovulncheckVersion: GovulncheckVersion,
		Checkout:           checkoutAction,
		SetupGo:            setupGoAction,
		BuildArgs:          buildArgs(roots, sol.Registry, sol.Tag, sol.Exclude),
	}
	if v.Branch == "" {
		v.Branch = "main"
	}
	if v.Version == "" {
		v.Version = "latest"
	}
	if _, err := os.Stat(filepath.Join(dir, ".gitmodules")); err == nil {
		v.Submodules = true
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		v.GoModule = true
	}
	v.Paths = triggerPaths(dir, roots)
	for _, a := range plan.Apps {
		if a.GoMain == "" || a.Coverage == 0 {
			continue
		}
		rel, err := filepath.Rel(dir, a.Dir)
		if err != nil {
			return nil, err
		}
		v.Coverage = append(v.Coverage, coverage{Name: a.Name, Packages: "./" + filepath.ToSlash(rel) + "/...",
			Min: strconv.FormatFloat(a.Coverage, 'f', -1, 64)})
	}
	if len(sol.Envs) == 0 {
		v.Checks = []check{{Args: common}}
	}
	needs := "build"
	for _, env := range sol.Envs {
		job := envJob{Name: env, Job: "deploy-" + jobID(env), Needs: needs}
		if profiles[env] {
			job.BuildArgs = strings.Join(roots, " ") + " -p " + env + " -e " + env
			job.DeployArgs = job.BuildArgs
			p, _ := deploy.LoadProfile(sol.Roots, env)
			reg := sol.Registry
			if reg == "" {
				reg = p.Registry
			}
			if job.RegistryHost, err = loginHost(reg); err != nil {
				return nil, fmt.Errorf("%s: %w", p.File, err)
			}
		} else {
			job.RegistryHost = host
			job.BuildArgs = buildArgs(roots, sol.Registry, sol.Tag, sol.Exclude) + " -e " + env
			job.DeployArgs = common + " -e " + env
		}
		v.Checks = append(v.Checks, check{Env: env, Args: job.DeployArgs})
		v.Envs = append(v.Envs, job)
		needs = job.Job
	}
	if sol.Registry == "" {
		// Every environment has a profile naming its registry: the build
		// job pushes to the first's; a later environment with a registry
		// of its own gets its images built and pushed by its deploy job.
		v.BuildArgs, v.RegistryHost = v.Envs[0].BuildArgs, v.Envs[0].RegistryHost
	}
	tmpl, err := template.New("github.yaml.tmpl").Funcs(template.FuncMap{"q": quote}).ParseFS(templates, "templates/github.yaml.tmpl")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write renders the workflow and puts it at DIR/.github/workflows/harness.yaml,
// atomically. A file there that harness did not write is left alone, with an
// error.
func (g *GitHub) Write(ctx context.Context) (string, error) {
	dir := g.Dir
	if dir == "" {
		dir = "."
	}
	path := filepath.Join(dir, WorkflowPath)
	if old, err := os.ReadFile(path); err == nil && !bytes.HasPrefix(old, []byte(Header)) {
		return "", fmt.Errorf("%s: not written by harness (it does not start with %q): move it away to let harness write the workflow", path, Header)
	}
	out, err := g.Render(ctx)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	return path, fileset.WriteFileAtomic(path, out, 0o644)
}

func buildArgs(roots []string, registry, tag string, exclude []string) string {
	parts := slices.Clone(roots)
	if registry != "" {
		parts = append(parts, "-r", registry)
	}
	if tag != "" {
		parts = append(parts, "-t", tag)
	}
	for _, e := range exclude {
		parts = append(parts, "-ex", e)
	}
	return strings.Join(parts, " ")
}

// triggerPaths are what a change to runs the workflow: the folders of the
// solution in every root, the Go module's files and the workflow itself.
func triggerPaths(dir string, roots []string) []string {
	var paths []string
	add := func(p string) {
		if !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	for _, r := range roots {
		prefix := ""
		if r != "." {
			prefix = r + "/"
		}
		for _, sub := range []string{"applications", "infrastructure", "deployment-configuration", "libraries"} {
			add(prefix + sub + "/**")
		}
	}
	for _, f := range []string{"go.mod", "go.sum", ".gitmodules"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			add(f)
		}
	}
	add(WorkflowPath)
	return paths
}

// jobID makes an environment's name a job id: letters, digits, - and _.
func jobID(env string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, env)
}

// quote is a YAML string: JSON's quoting, which YAML reads the same.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var envFile = regexp.MustCompile(`^values(?:-template)?-(.+)\.yaml$`)

// knownEnvs refuses an environment nothing in the roots configures: no
// values file for it and no profile. harness-deployment accepts such a -e
// as CloudHarness does, but a deploy job for it is most likely a typo.
func knownEnvs(roots, envs []string, profiles map[string]bool) error {
	known := map[string]bool{}
	for p := range profiles {
		known[p] = true
	}
	for _, r := range roots {
		dirs, _ := filepath.Glob(filepath.Join(r, "applications", "*", "deploy"))
		dirs = append(dirs, filepath.Join(r, "deployment-configuration"))
		for _, d := range dirs {
			entries, _ := os.ReadDir(d)
			for _, e := range entries {
				if m := envFile.FindStringSubmatch(e.Name()); m != nil {
					known[m[1]] = true
				}
			}
		}
		profs, _ := filepath.Glob(filepath.Join(r, deploy.ProfilesDir, "*.yaml"))
		for _, p := range profs {
			known[strings.TrimSuffix(filepath.Base(p), ".yaml")] = true
		}
	}
	for _, env := range envs {
		if known[env] {
			continue
		}
		msg := fmt.Sprintf("-e %s: no values-%s.yaml, values-template-%s.yaml nor profile %s in the roots", env, env, env, env)
		if s := values.Suggest(env, slices.Sorted(maps.Keys(known))); s != "" {
			msg += " (did you mean " + s + "?)"
		}
		return fmt.Errorf("%s", msg)
	}
	return nil
}

// loginHost is the host docker login takes for registry: "" for Docker
// Hub, its default.
func loginHost(registry string) (string, error) {
	if registry == "" {
		return "", nil
	}
	t, err := name.NewTag(strings.TrimSuffix(registry, "/") + "/image:tag")
	if err != nil {
		return "", fmt.Errorf("-r %s: not a registry: %w", registry, err)
	}
	if t.RegistryStr() == name.DefaultRegistry {
		return "", nil
	}
	return t.RegistryStr(), nil
}
