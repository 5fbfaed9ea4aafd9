package cli

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Version is set at link time (-ldflags "-X github.com/harness-sh/harness/internal/cli.Version=v1.2.3");
// otherwise the module version recorded by the Go toolchain is shown.
var Version = ""

// ModuleVersion is harness's version as `go install ...@VERSION` takes it:
// the release this binary is, or "latest" for a development build.
func ModuleVersion() string {
	if v := version(); strings.HasPrefix(v, "v") {
		return v
	}
	return "latest"
}

func version() string {
	if Version != "" {
		return Version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// NewRootCmd returns the umbrella `harness` command: application,
// generate, version, completion, and the commands given (the deployment
// command, from package deploycmd, which this package does not import).
func NewRootCmd(more ...*cobra.Command) *cobra.Command {
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
	)
	root.AddCommand(more...)
	root.AddCommand(newVersionCmd())
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newCompletionCmd())
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

// newCompletionCmd replaces cobra's default completion command, which binds
// its output writer when it is created (before tests or callers set theirs)
// and answers an unknown shell with a help page and exit 0.
func newCompletionCmd() *cobra.Command {
	gen := map[string]func(root *cobra.Command, w io.Writer) error{
		"bash":       func(r *cobra.Command, w io.Writer) error { return r.GenBashCompletionV2(w, true) },
		"zsh":        func(r *cobra.Command, w io.Writer) error { return r.GenZshCompletion(w) },
		"fish":       func(r *cobra.Command, w io.Writer) error { return r.GenFishCompletion(w, true) },
		"powershell": func(r *cobra.Command, w io.Writer) error { return r.GenPowerShellCompletionWithDesc(w) },
	}
	return &cobra.Command{
		Use:       "completion {bash|zsh|fish|powershell}",
		Short:     "Print the shell completion script of harness",
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Example: `  source <(harness completion bash)
  harness completion zsh > "${fpath[1]}/_harness"
  harness completion fish > ~/.config/fish/completions/harness.fish`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, ok := gen[args[0]]
			if !ok {
				return Usagef("unknown shell %q; use one of: bash, zsh, fish, powershell", args[0])
			}
			return g(cmd.Root(), cmd.OutOrStdout())
		},
	}
}
