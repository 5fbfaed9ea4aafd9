package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"
	chartloader "helm.sh/helm/v3/pkg/chart/loader"

	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/internal/helmcheck"
)

// envFile writes variables as compose reads an env file: single-quoted
// values are taken as they are, but for \' (a quote).
func envFile(vars map[string]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# Secret variables, written by harness-deployment --docker-compose.\n")
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		v := vars[k]
		if strings.Contains(v, `\'`) || strings.HasSuffix(v, `\`) {
			return nil, fmt.Errorf("variable %s: its value cannot be written to an env file (a backslash before a quote)", k)
		}
		fmt.Fprintf(&b, "%s='%s'\n", k, strings.ReplaceAll(v, "'", `\'`))
	}
	return b.Bytes(), nil
}

// marshal writes the compose file.
func (c *composeOutput) marshal() ([]byte, error) {
	return marshalYAML("# Written by harness-deployment --docker-compose from the solution's values; edit those, not this file.\n"+
		"# Run: docker compose -f "+ComposeFile+" up --build\n", c.project)
}

// marshalYAML writes v as YAML indented by two, after header.
func marshalYAML(header string, v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// stage writes the compose file and its files under dir: folders 0755 and
// files 0644 that the containers' users can read, under compose/secrets
// and compose/env (0700) that only the owner can enter.
func (c *composeOutput) stage(dir string) error {
	data, err := c.marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ComposeFile), data, 0o644); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(dir, ComposeDir), 0o755); err != nil {
		return err
	}
	for _, private := range []string{"secrets", "env"} {
		if err := os.MkdirAll(filepath.Join(dir, ComposeDir, private), 0o700); err != nil {
			return err
		}
	}
	for _, rel := range slices.Sorted(maps.Keys(c.files)) {
		f := c.files[rel]
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if strings.HasPrefix(rel, ComposeDir+"/env/") {
			mode = 0o600
		}
		if err := os.WriteFile(p, f.data, mode); err != nil {
			return err
		}
	}
	return nil
}

// check loads the staged compose file with the Compose specification's
// loader, as docker compose does, and compares each service's environment
// (its env file included) with what the workload must get.
func (c *composeOutput) check(ctx context.Context, dir string) error {
	file := filepath.Join(dir, ComposeFile)
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	project, err := loader.LoadWithContext(ctx, types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: file, Content: data}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) { o.SetProjectName(c.project.Name, true) })
	if err != nil {
		return fmt.Errorf("the compose file does not load: %w", err)
	}
	var errs []error
	for name, want := range c.project.Services {
		got, ok := project.Services[name]
		if !ok {
			errs = append(errs, fmt.Errorf("service %s: not loaded", name))
			continue
		}
		for k, v := range want.allEnv {
			if g := got.Environment[k]; g == nil || *g != v {
				errs = append(errs, fmt.Errorf("service %s: variable %s does not load as written", name, k))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("the compose file does not load as written: %w", err)
	}
	return nil
}

// writeCompose translates the checked chart (staged in stage, rendered as
// rendered) into OUT/docker-compose.yaml and OUT/compose/, checks the file
// with the Compose loader, and only then moves both into place. Secrets the
// chart generates are kept from the previous compose output, as Helm keeps
// them across upgrades.
func (d *Deployment) writeCompose(ctx context.Context, output string, in localInput, stage string, checker *helmcheck.Checker, rendered map[string]string) error {
	out, errw := d.Out, d.Err
	if out == nil {
		out = io.Discard
	}
	if errw == nil {
		errw = io.Discard
	}
	ch, err := chartloader.Load(stage)
	if err != nil {
		return err
	}
	// A value that differs between two renders is generated.
	again, err := checker.Render(ch)
	if err != nil {
		return err
	}
	second, err := readManifests(again)
	if err != nil {
		return err
	}
	keep := func(secrets map[string]map[string][]byte) error {
		return keepSecrets(secrets, second.secrets, filepath.Join(output, ComposeDir, "secrets"), freshSecrets(in.values))
	}
	l, err := buildLocal(in, rendered, keep)
	if err != nil {
		return fmt.Errorf("--docker-compose: %w", err)
	}
	c, err := compose(l, output)
	if err != nil {
		return fmt.Errorf("--docker-compose: %w", err)
	}
	for _, n := range l.Notes {
		fmt.Fprintf(errw, "note: --docker-compose: %s\n", n)
	}
	parent := stageDir(output, d.DryRun)
	dir, err := os.MkdirTemp(parent, ".harness-compose-*")
	if err != nil {
		return fmt.Errorf("stage compose file: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := c.stage(dir); err != nil {
		return fmt.Errorf("stage compose file: %w", err)
	}
	if err := c.check(ctx, dir); err != nil {
		return err
	}
	file := filepath.Join(output, ComposeFile)
	if d.DryRun {
		fmt.Fprintf(out, "dry run: nothing written\ncompose: %d services, would write %s and %s\n", len(c.project.Services), file, filepath.Join(output, ComposeDir))
		return nil
	}
	if err := os.MkdirAll(output, 0o755); err != nil {
		return fmt.Errorf("create output: %w", err)
	}
	if err := replaceDir(fileset.FSOf(ctx), filepath.Join(dir, ComposeDir), filepath.Join(output, ComposeDir)); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(dir, ComposeFile), file); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	fmt.Fprintf(out, "wrote %s (%d services)\n", file, len(c.project.Services))
	for _, u := range c.urls {
		name, url, _ := strings.Cut(u, " ")
		fmt.Fprintf(out, "  %-24s %s\n", name, url)
	}
	fmt.Fprintf(out, "docker compose -f %s up --build\n", file)
	return nil
}

// freshSecrets are the application secrets whose value is "?": new at
// every deployment, never kept. Keys are SECRET/KEY.
func freshSecrets(v map[string]any) map[string]bool {
	fresh := map[string]bool{}
	apps, _ := v["apps"].(map[string]any)
	for _, a := range apps {
		app, _ := a.(map[string]any)
		h, _ := app["harness"].(map[string]any)
		dep, _ := h["deployment"].(map[string]any)
		secrets, _ := h["secrets"].(map[string]any)
		name, _ := dep["name"].(string)
		for k, val := range secrets {
			if val == "?" {
				fresh[name+"/"+k] = true
			}
		}
	}
	return fresh
}

// keepSecrets replaces each generated value (one that differs from the
// second render's) by the one written last time under dir, if any.
func keepSecrets(secrets, second map[string]map[string][]byte, dir string, fresh map[string]bool) error {
	for name, data := range secrets {
		for k, v := range data {
			if bytes.Equal(v, second[name][k]) || fresh[name+"/"+k] || !fileName(k) {
				continue
			}
			old, err := os.ReadFile(filepath.Join(dir, name, filepath.FromSlash(k)))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return fmt.Errorf("keep generated secrets: %w", err)
			}
			data[k] = old
		}
	}
	return nil
}
