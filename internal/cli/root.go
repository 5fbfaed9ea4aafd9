package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Version is set at link time (-ldflags "-X github.com/harness-sh/harness/internal/cli.Version=v1.2.3");
// otherwise the module version recorded by the Go toolchain is shown.
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// NewRootCmd returns the umbrella `harness` command with every subcommand.
func NewRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "harness",
		Short: "Scaffold, generate and deploy a CloudHarness-style solution of Go microservices",
		Long: `harness scaffolds applications from templates, generates their Go servers and
clients from OpenAPI, and turns the whole solution into one verified Helm chart.

Run it from the solution's root: the folder that holds applications/.`,
		Example: `  harness application orders -t go-server -t db-postgres
  harness generate all
  harness deployment -n shop -d shop.example.com -e prod`,
	}
	root.AddCommand(
		NewApplicationCmd(),
		NewGenerateCmd(),
		NewDeploymentCmd(),
		newVersionCmd(),
	)
	// cobra adds `completion` lazily; add it now so that an unknown shell is a
	// usage error instead of a help page with exit 0.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Example = "  source <(harness completion bash)\n  harness completion zsh > \"${fpath[1]}/_harness\""
			c.Args = func(cmd *cobra.Command, args []string) error {
				if len(args) > 0 {
					return Usagef("unknown shell %q for %q; use one of: bash, zsh, fish, powershell", args[0], cmd.CommandPath())
				}
				return nil
			}
			c.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
			for _, shell := range c.Commands() {
				shell.Example = "  harness completion " + shell.Name() + " > harness-completion." + shell.Name()
			}
		}
	}
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print harness's version",
		Example: "  harness version",
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), "harness", version())
			return err
		},
	}
}
