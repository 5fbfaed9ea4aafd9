// Package deploycmd is the `deployment` command (harness-deployment). It
// is apart from package cli because it links Helm and the Kubernetes API
// types: harness-generate and harness-application, which do not need them,
// start in a few milliseconds instead of paying their initialisation.
package deploycmd

import (
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/harness-sh/harness/internal/ci"
	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/deploy"
)

// New returns `deployment`: CloudHarness's harness-deployment.
func New() *cobra.Command {
	d := &deploy.Deployment{}
	var env, profile, ciKind string
	cmd := &cobra.Command{
		Use:   "deployment [ROOT]...",
		Short: "Build one verified Helm chart for the whole solution",
		Long: `Merges the values of every ROOT (default: the current folder; later roots win)
and environment, derives names, images and tags as CloudHarness does, builds the
Helm chart of the solution, and verifies it before writing anything: Helm's
linter (strict), a render, every object decoded strictly into its Kubernetes
type, and the "restricted" Pod Security Standard. The chart goes to OUT/helm
(default ./deployment/helm); on any error the previous chart stays as it was.

With --docker-compose, the checked chart is translated into OUT/docker-compose.yaml
and what it mounts (OUT/compose/): a service per workload with the environment,
values and secrets its pod gets, the automatic databases with health checks, and
depends_on following harness.dependencies. OUT/helm is left as it is.

CloudHarness's single-dash flags -rs, -ex and -dtls work as they do there.`,
		Example: `  # the chart of the solution in the current folder
  harness-deployment
  # CloudHarness's own applications under a solution of yours, production values
  harness-deployment cloud-harness . -n shop -d shop.example.com -e prod -r registry.example.com/shop -t 1.2.0
  # only the orders app and what it depends on, local cluster, no TLS
  harness-deployment -i orders -l -dtls
  # check everything, write nothing
  harness-deployment --dry-run
  # build, then install or upgrade into the current kubeconfig context
  harness-deployment -n shop --deploy
  # a compose file of the same solution, for docker compose up
  harness-deployment --docker-compose`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if d.DockerCompose && d.Deploy {
				return cli.Usagef("--deploy installs the Helm chart: not with --docker-compose (run docker compose up)")
			}
			d.Roots = args
			d.Envs = deploy.ParseEnvs(env)
			d.Out, d.Err = cmd.OutOrStdout(), cmd.ErrOrStderr()
			if err := applyProfile(cmd, d, profile); err != nil {
				return err
			}
			if err := checkFlags(d, env); err != nil {
				return err
			}
			if ciKind != "" && ciKind != "github" {
				return cli.Usagef("--ci %s: harness writes GitHub Actions workflows (--ci github)", ciKind)
			}
			if _, err := d.Run(cmd.Context()); err != nil {
				return err
			}
			if ciKind == "" {
				return nil
			}
			g := &ci.GitHub{Solution: *d, Version: cli.ModuleVersion(), Command: commandLine(cmd, args)}
			path, err := g.Write(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s\n", path)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&d.Include, "include", "i", nil, "deploy only this application and what it depends on (repeatable)")
	f.StringVarP(&d.Tag, "tag", "t", "", "image tag (default: a content hash of each build context; none with -l)")
	f.StringVarP(&d.Namespace, "namespace", "n", "", "Kubernetes namespace, also the release name (default: the values' namespace)")
	f.StringVarP(&d.Registry, "registry", "r", "", "image registry prefix")
	f.StringVar(&d.RegistrySecret, "registry-secret", "", "secret to pull images with (-rs)")
	f.StringVarP(&d.Output, "output", "o", "./deployment", "output folder; the chart goes to OUTPUT/helm")
	f.StringVarP(&d.Domain, "domain", "d", "cloudharness.metacell.us", "the solution's domain")
	f.BoolVarP(&d.Local, "local", "l", false, "local deployment: self-signed TLS, no image tags")
	f.StringVar(&d.LocalIP, "local-ip", "", "with -l, the address Pods resolve the solution's hosts to (default: the current kubeconfig's API server, else this machine's address)")
	f.BoolVarP(&d.Unsecured, "disable-security", "u", false, "do not put gatekeepers in front of secured applications")
	f.StringArrayVar(&d.Exclude, "exclude", nil, "leave this application out (-ex, repeatable)")
	f.StringVarP(&env, "env", "e", "", "environment(s): loads values-ENV.yaml; several with dashes (dev-prod)")
	f.BoolVar(&d.NoTLS, "disable-tls", false, "serve over plain http (-dtls)")
	f.BoolVar(&d.Deploy, "deploy", false, "install or upgrade the chart into the current kubeconfig context")
	f.DurationVar(&d.Timeout, "timeout", 5*time.Minute, "with --deploy: how long to wait for each hook (a migration Job) before failing")
	f.BoolVar(&d.Strict, "strict", false, "treat warnings (unknown harness keys, deprecated keys, chart warnings) as errors")
	f.StringVarP(&profile, "profile", "p", "", "take the flags not given from ROOT/"+deploy.ProfilesDir+"/PROFILE.yaml")
	f.StringVar(&ciKind, "ci", "", "also write the solution's CI workflow: github (.github/workflows/harness.yaml)")
	f.BoolVar(&d.Pin, "pin", false, "name each built image by the digest the last harness build pushed (OUTPUT/images.json)")
	f.BoolVar(&d.DryRun, "dry-run", false, "check everything and print the plan; write and deploy nothing")
	f.BoolVar(&d.DockerCompose, "docker-compose", false, "write OUTPUT/docker-compose.yaml (and OUTPUT/compose/) for the solution instead of the chart")
	f.BoolP("no-cd", "N", false, "accepted for CloudHarness compatibility; harness writes no CI/CD files")
	_ = f.MarkHidden("no-cd")
	return cmd
}

// applyProfile fills in, from -p's profile, the flags the command line did
// not give, and prints the command line that results.
func applyProfile(cmd *cobra.Command, d *deploy.Deployment, name string) error {
	if name == "" {
		return nil
	}
	p, err := deploy.LoadProfile(d.Roots, name)
	if err != nil {
		return err
	}
	p.Apply(d, func(flag string) bool { return cmd.Flags().Changed(flag) })
	fmt.Fprintf(cmd.ErrOrStderr(), "-p %s (%s): %s %s\n", name, p.File, cmd.CommandPath(), d.CommandLine())
	return nil
}

// commandLine is how the command was called, for the workflow to quote:
// its arguments and the flags given, in their long spelling.
func commandLine(cmd *cobra.Command, args []string) string {
	parts := []string{"harness-deployment"}
	parts = append(parts, args...)
	cmd.Flags().Visit(func(f *pflag.Flag) {
		switch v := f.Value.(type) {
		case pflag.SliceValue:
			for _, s := range v.GetSlice() {
				parts = append(parts, "--"+f.Name, s)
			}
		default:
			if f.Value.Type() == "bool" {
				parts = append(parts, "--"+f.Name)
			} else {
				parts = append(parts, "--"+f.Name, f.Value.String())
			}
		}
	})
	return strings.Join(parts, " ")
}

// imageTag is the grammar of a Docker image tag.
var imageTag = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

// checkFlags refuses flag values that could only fail later, far from the
// flag (a namespace Kubernetes refuses is otherwise reported as a chart
// object's name): a bad command line, exit 2.
func checkFlags(d *deploy.Deployment, env string) error {
	for _, e := range d.Envs {
		if e == "" {
			return cli.Usagef("-e %s: an empty environment name; several environments are joined with one dash (dev-prod)", env)
		}
	}
	if d.LocalIP != "" && net.ParseIP(d.LocalIP) == nil {
		return cli.Usagef("--local-ip %s: not an IP address", d.LocalIP)
	}
	if d.Namespace != "" {
		if msgs := validation.IsDNS1123Label(d.Namespace); len(msgs) > 0 {
			return cli.Usagef("-n %s: not a Kubernetes namespace name: %s", d.Namespace, strings.Join(msgs, "; "))
		}
	}
	if d.Tag != "" && !imageTag.MatchString(d.Tag) {
		return cli.Usagef("-t %s: not an image tag (letters, digits, _, . and -, not starting with . or -, at most 128)", d.Tag)
	}
	return nil
}
