package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

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
	if s.needsCertManager() {
		if err := certManagerInstalled(settings); err != nil {
			return err
		}
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
		inst.Timeout = d.hookTimeout()
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
	up.Timeout = d.hookTimeout()
	if _, err := up.RunWithContext(ctx, release, ch, nil); err != nil {
		return fmt.Errorf("deploy: upgrade %s: %w", release, err)
	}
	fmt.Fprintf(out, "upgraded release %s in namespace %s\n", release, s.namespace)
	return nil
}

// hookTimeout bounds the wait for each hook, as helm's --timeout does: with
// none, the SDK waits for ever on a migration Job that cannot run.
func (d *Deployment) hookTimeout() time.Duration {
	if d.Timeout > 0 {
		return d.Timeout
	}
	return 5 * time.Minute
}

// needsCertManager reports whether the chart has an Issuer: TLS on, not
// local, with an ingress.
func (s *solution) needsCertManager() bool {
	ing, _ := s.values["ingress"].(map[string]any)
	return !s.d.NoTLS && !s.d.Local && ing["enabled"] == true
}

// certManagerInstalled asks the cluster for cert-manager's Issuer before
// anything is installed; the chart says the same when installed by helm.
func certManagerInstalled(settings *cli.EnvSettings) error {
	dc, err := settings.RESTClientGetter().ToDiscoveryClient()
	if err != nil {
		return fmt.Errorf("deploy: kubernetes client: %w", err)
	}
	dc.Invalidate()
	groups, err := dc.ServerGroups()
	if err != nil {
		return fmt.Errorf("deploy: ask the cluster for cert-manager: %w", err)
	}
	served := slices.ContainsFunc(groups.Groups, func(g metav1.APIGroup) bool {
		return g.Name == "cert-manager.io" && slices.ContainsFunc(g.Versions, func(v metav1.GroupVersionForDiscovery) bool { return v.Version == "v1" })
	})
	if served {
		res, err := dc.ServerResourcesForGroupVersion("cert-manager.io/v1")
		if err != nil {
			return fmt.Errorf("deploy: ask the cluster for cert-manager: %w", err)
		}
		if slices.ContainsFunc(res.APIResources, func(r metav1.APIResource) bool { return r.Kind == "Issuer" }) {
			return nil
		}
	}
	return errors.New("deploy: TLS is on and the cluster has no cert-manager (no cert-manager.io/v1 Issuer): install cert-manager first, or deploy without TLS (-dtls) or with a local certificate (-l); nothing was installed")
}
