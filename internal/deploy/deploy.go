// Package deploy turns a solution into one verified Helm chart, as
// CloudHarness's harness-deployment does: it merges the values of every root
// and environment (keeping each value's file and line for errors), derives
// what CloudHarness derives (names, images, tags, the -i closure), validates
// dependencies, assembles the chart in a temporary directory, verifies it
// (internal/helmcheck) and only then moves it to OUT/helm.
package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/internal/helmcheck"
)

// Deployment is one run of harness-deployment; the fields are its flags.
type Deployment struct {
	Roots          []string      // solution roots, merged in order (later wins); default "."
	Namespace      string        // -n; empty: the values' namespace
	Domain         string        // -d; empty: the values' domain
	Registry       string        // -r
	RegistrySecret string        // -rs
	Tag            string        // -t; empty: a content hash per image (none with -l)
	Local          bool          // -l
	LocalIP        string        // --local-ip: the address -l maps the solution's hosts to in Pods; empty: found as CloudHarness does
	Envs           []string      // -e, split on "-"
	Include        []string      // -i
	Exclude        []string      // -ex
	Output         string        // -o; the chart goes to OUTPUT/helm
	Unsecured      bool          // -u
	NoTLS          bool          // -dtls
	DryRun         bool          // --dry-run: check, print the plan, write nothing
	Deploy         bool          // --deploy: install or upgrade the chart afterwards
	Timeout        time.Duration // --timeout: how long --deploy waits for each hook (a migration Job); 0: 5 minutes
	Release        string        // Helm release name; empty: the namespace
	SkipLint       bool          // leave out Helm's linter (benchmarks of the other stages)
	Strict         bool          // --strict: any warning is an error (for CI)
	Pin            bool          // --pin: name built images by the digests of the last harness build (OUT/images.json)
	DockerCompose  bool          // --docker-compose: write OUT/docker-compose.yaml and OUT/compose/ instead of the chart

	Out, Err io.Writer // where hints and warnings go; nil: discarded
}

// Result is what a run produced.
type Result struct {
	Chart     string         // the chart's directory (not written with DryRun)
	Values    map[string]any // the chart's values
	Apps      []string       // the applications deployed, sorted
	Warnings  []string
	Notes     []string // what harness did differently from CloudHarness, and why
	Check     *helmcheck.Result
	Installed bool
}

// ParseEnvs splits CloudHarness's -e argument: "dev-prod" is dev then prod.
func ParseEnvs(arg string) []string {
	if arg == "" {
		return nil
	}
	return strings.Split(arg, "-")
}

// Run builds, verifies and writes the chart, then deploys it when asked.
func (d *Deployment) Run(ctx context.Context) (*Result, error) {
	out, errw := d.Out, d.Err
	if out == nil {
		out = io.Discard
	}
	if errw == nil {
		errw = io.Discard
	}
	roots := d.Roots
	if len(roots) == 0 {
		roots = []string{"."}
	}
	for _, r := range roots {
		st, err := os.Stat(r)
		if err != nil {
			return nil, fmt.Errorf("root %s: %w", r, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("root %s: not a directory", r)
		}
	}
	if d.DockerCompose && d.Deploy {
		return nil, fmt.Errorf("--deploy installs the Helm chart: not with --docker-compose (run docker compose up)")
	}
	if d.LocalIP != "" && net.ParseIP(d.LocalIP) == nil {
		return nil, fmt.Errorf("--local-ip %s: not an IP address", d.LocalIP)
	}
	output := d.Output
	if output == "" {
		output = "deployment"
	}
	if st, err := os.Stat(output); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("-o %s: not a directory", output)
	}
	if st, err := os.Stat(filepath.Join(output, "helm")); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("-o %s: %s is a file", output, filepath.Join(output, "helm"))
	}

	// Under --strict the warnings make the error instead.
	warn := func(w any) {
		if !d.Strict {
			fmt.Fprintf(errw, "warning: %s\n", w)
		}
	}
	s, err := d.collect(ctx, roots)
	if err != nil {
		return nil, err
	}
	res := &Result{Values: s.values, Apps: s.appNames(), Warnings: slices.Clone(s.warnings)}
	for _, w := range s.warnings {
		warn(w)
	}

	if !d.DryRun {
		// A run killed while writing leaves its staging folder, or the
		// previous chart it was about to replace, beside OUT/helm.
		patterns := []string{".harness-helm-*", ".harness-compose-*"}
		if _, err := os.Stat(filepath.Join(output, "helm")); err == nil {
			patterns = append(patterns, "helm.old-*")
		}
		if _, err := os.Stat(filepath.Join(output, ComposeDir)); err == nil {
			patterns = append(patterns, ComposeDir+".old-*")
		}
		removed, err := fileset.RemoveStale(output, patterns...)
		if err != nil {
			return nil, err
		}
		for _, r := range removed {
			fmt.Fprintf(errw, "note: removed %s, left by an interrupted run\n", r)
		}
	}
	stage, err := os.MkdirTemp(stageDir(output, d.DryRun), ".harness-helm-*")
	if err != nil {
		return nil, fmt.Errorf("stage chart: %w", err)
	}
	defer os.RemoveAll(stage)
	collected := len(s.warnings)
	owned, err := s.writeChart(stage)
	if err != nil {
		return nil, err
	}
	for _, w := range s.warnings[collected:] {
		warn(w)
		res.Warnings = append(res.Warnings, w)
	}
	for _, n := range s.notes {
		fmt.Fprintf(errw, "note: %s\n", n)
	}
	res.Notes = slices.Clone(s.notes)
	// The values' YAML trees and the record of each node's file are not
	// needed once the chart is written: what is printed later is taken now
	// and the trees dropped, so the garbage collector does not walk them
	// (hundreds of MB at 1,000 apps) while the chart is checked.
	var hints strings.Builder
	printHints(&hints, s)
	images := s.deployedImages()
	var local localInput
	if d.DockerCompose {
		local = s.localInput()
	}
	s.dropTrees()

	checker, err := helmcheck.New(s.namespace, d.release(s))
	if err != nil {
		return nil, err
	}
	checker.Owned = func(t string) bool { return owned[t] }
	checker.Baseline = func(object string) bool { return s.baseline[object] }
	checker.SkipLint = d.SkipLint
	check, err := checker.Check(ctx, stage)
	res.Check = check
	if check != nil {
		for _, w := range check.Warnings {
			warn(w)
			res.Warnings = append(res.Warnings, w.String())
		}
	}
	if err != nil {
		return res, err
	}
	if d.Strict && len(res.Warnings) > 0 {
		// The first line names the file, line and key, as every error does.
		return res, fmt.Errorf("%s\n(--strict: warnings are errors)", strings.Join(res.Warnings, "\n"))
	}

	if d.DockerCompose {
		// The chart has been checked; the compose file is made of it.
		return res, d.writeCompose(ctx, output, local, stage, checker, check.Manifests)
	}
	dest := filepath.Join(output, "helm")
	res.Chart = dest
	if d.DryRun {
		d.printPlan(out, s, check, images)
		return res, nil
	}
	if err := os.MkdirAll(output, 0o755); err != nil {
		return res, fmt.Errorf("create output: %w", err)
	}
	if err := replaceDir(s.fs, stage, dest); err != nil {
		return res, err
	}
	io.WriteString(out, hints.String())
	if d.Deploy {
		if err := d.install(ctx, dest, s, out); err != nil {
			return res, err
		}
		res.Installed = true
	}
	return res, nil
}

func (d *Deployment) release(s *solution) string {
	if d.Release != "" {
		return d.Release
	}
	return s.namespace
}

// stageDir is where the chart is built: beside its destination when that
// exists, so the final move is a rename on one filesystem.
func stageDir(output string, dryRun bool) string {
	if dryRun {
		return ""
	}
	for dir := output; ; dir = filepath.Dir(dir) {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
		if dir == filepath.Dir(dir) {
			return ""
		}
	}
}

// replaceDir moves the staged chart to dest, keeping the previous chart until
// the new one is in place.
func replaceDir(fsys fileset.FS, stage, dest string) error {
	old := ""
	if _, err := os.Stat(dest); err == nil {
		old = fmt.Sprintf("%s.old-%d", dest, time.Now().UnixNano())
		if err := fsys.Rename(dest, old); err != nil {
			return fmt.Errorf("replace chart: %w", err)
		}
	}
	err := fsys.Rename(stage, dest)
	if err != nil && errors.Is(err, syscall.EXDEV) {
		err = os.CopyFS(dest, os.DirFS(stage))
	}
	if err != nil {
		os.RemoveAll(dest)
		if old != "" {
			err = errors.Join(err, os.Rename(old, dest))
		}
		return fmt.Errorf("replace chart: %w", err)
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
