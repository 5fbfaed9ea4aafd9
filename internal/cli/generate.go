package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/harness-sh/harness/internal/generate"
)

// NewGenerateCmd returns `generate {servers|clients|all} [-a APP]... [--check]`.
func NewGenerateCmd() *cobra.Command {
	g := &generate.Generate{}
	cmd := &cobra.Command{
		Use:   "generate {servers|clients|all} [ROOT]",
		Short: "Regenerate Go servers and clients from each application's OpenAPI file",
		Long: `Regenerate the Go code of every application with api/openapi.yaml (OpenAPI
3.0 or 3.1; Swagger 2.0 is converted), or of the applications named with -a.

servers: backend/PKG/, the generated server package (models, validation,
routing, the API interface and its Unimplemented type, the served spec), and,
when absent, the user-owned backend/main.go and backend/service/.
clients: backend/PKG/client/, a typed client of the application.
PKG is the application's name without dashes.

Generated folders hold a .harness-generated manifest: those files are
rewritten, and deleted when their operation or schema goes away; nothing
else is touched. An invalid spec is reported with file, line and key, and no
file is written. --check writes nothing, lists the files that would change
and exits 1 when any would: the drift check for a solution's CI.`,
		Example: `  # Regenerate servers and clients of every application
  harness-generate all

  # Only the server of one application
  harness-generate servers -a samples

  # In CI: fail when generated code is out of date
  harness-generate all --check

  # The solution in another folder (CloudHarness's positional path)
  harness-generate all ../shop`,
		Args:      rangeArgs(1, 2),
		ValidArgs: []string{"servers", "clients", "all"},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 {
				// CloudHarness's positional solution path.
				if cmd.Flags().Changed("root") {
					return Usagef("give the solution's root either as ROOT or with --root, not both")
				}
				g.Root = args[1]
			}
			switch args[0] {
			case "servers":
				g.Servers = true
			case "clients":
				g.Clients = true
			case "all":
				g.Servers, g.Clients = true, true
			default:
				return Usagef("unknown target %q: use servers, clients or all\nRun '%s --help' for usage.", args[0], cmd.CommandPath())
			}
			res, err := g.Run(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, w := range res.Warnings {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
			}
			for _, n := range res.Notes {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: %s\n", n)
			}
			for _, app := range res.Skipped {
				fmt.Fprintf(cmd.ErrOrStderr(), "note: skipped %s: not a Go application\n", app)
			}
			if g.Check {
				for _, f := range res.Written {
					fmt.Fprintf(out, "would write %s\n", f)
				}
				for _, f := range res.Scaffolded {
					fmt.Fprintf(out, "would create %s\n", f)
				}
				for _, f := range res.Deleted {
					fmt.Fprintf(out, "would delete %s\n", f)
				}
				if res.Changed() {
					return &ExitError{Code: ExitUser, Err: fmt.Errorf("generated code is out of date: run '%s' without --check", cmd.CommandPath()+" "+args[0])}
				}
				fmt.Fprintf(out, "Generated code of %d application(s) is up to date.\n", len(res.Apps))
				return nil
			}
			for _, f := range res.Scaffolded {
				fmt.Fprintf(out, "created %s (yours to edit)\n", f)
			}
			for _, f := range res.Deleted {
				fmt.Fprintf(out, "deleted %s\n", f)
			}
			fmt.Fprintf(out, "Generated %d application(s): %d file(s) written, %d deleted.\n", len(res.Apps), len(res.Written), len(res.Deleted))
			if len(res.Broken) > 0 {
				// The generated code is right and written; the user's no
				// longer fits it, which only the user can mend.
				return &ExitError{Code: ExitUser, Err: fmt.Errorf("%s", strings.Join(res.Broken, "\n"))}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&g.Apps, "app", "a", nil, "generate only this application (repeatable)")
	cmd.Flags().BoolVar(&g.Check, "check", false, "write nothing; list the files that would change and exit 1 if any would")
	cmd.Flags().StringVar(&g.Root, "root", ".", "the solution's root folder, holding applications/")
	return cmd
}
