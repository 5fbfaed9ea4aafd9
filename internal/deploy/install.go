package deploy

import (
	"context"
	"fmt"
	"io"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/cli"
	"helm.sh/helm/v3/pkg/storage/driver"
)

// install installs the chart, or upgrades the release when it exists, into
// the current kubeconfig context, as `helm upgrade --install` does.
func (d *Deployment) install(ctx context.Context, chartDir string, s *solution, out io.Writer) error {
	settings := cli.New()
	settings.SetNamespace(s.namespace)
	cfg := new(action.Configuration)
	if err := cfg.Init(settings.RESTClientGetter(), s.namespace, "secret", func(string, ...any) {}); err != nil {
		return fmt.Errorf("deploy: kubernetes client: %w", err)
	}
	ch, err := loader.Load(chartDir)
	if err != nil {
		return fmt.Errorf("deploy: load chart: %w", err)
	}
	release := d.release(s)
	hist := action.NewHistory(cfg)
	hist.Max = 1
	if _, err := hist.Run(release); err == driver.ErrReleaseNotFound {
		inst := action.NewInstall(cfg)
		inst.ReleaseName = release
		inst.Namespace = s.namespace
		inst.CreateNamespace = true
		if _, err := inst.RunWithContext(ctx, ch, nil); err != nil {
			return fmt.Errorf("deploy: install %s: %w", release, err)
		}
		fmt.Fprintf(out, "installed release %s in namespace %s\n", release, s.namespace)
		return nil
	} else if err != nil {
		return fmt.Errorf("deploy: release history: %w", err)
	}
	up := action.NewUpgrade(cfg)
	up.Namespace = s.namespace
	up.ResetValues = true
	if _, err := up.RunWithContext(ctx, release, ch, nil); err != nil {
		return fmt.Errorf("deploy: upgrade %s: %w", release, err)
	}
	fmt.Fprintf(out, "upgraded release %s in namespace %s\n", release, s.namespace)
	return nil
}
