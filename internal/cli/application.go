package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/harness-sh/harness/internal/generate"
	"github.com/harness-sh/harness/internal/scaffold"
)

// NewApplicationCmd returns `application NAME [-t TEMPLATE]...`.
func NewApplicationCmd() *cobra.Command {
	app := &scaffold.Application{Generator: generate.Scaffolder{}}
	cmd := &cobra.Command{
		Use:   "application NAME",
		Short: "Create applications/NAME from templates",
		Long: `Create applications/NAME by merging templates in order, base first: YAML and
JSON files deep-merge (maps merge, lists are replaced), other files are replaced
by later templates. Templates come from harness (base, go-server, webapp,
db-postgres, db-mongo, db-neo4j) and from the solution's own
application-templates/ folder, which wins on a name clash.

NAME must be a DNS-1035 label: lowercase letters, digits and '-', starting with
a letter, ending with a letter or digit, at most 63 characters. The Go package
of the application is NAME without dashes (my-app: myapp).

The application is written only when everything succeeded; an existing
application is never touched. With Go code, the solution's go.mod is created or
wired to the harness runtime (copied to libraries/harness-runtime).`,
		Example: `  # A Go REST service with a PostgreSQL database
  harness-application orders -t go-server -t db-postgres

  # A static web frontend
  harness-application portal -t webapp

  # From the solution's own template in application-templates/django-app
  harness-application billing -t django-app`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			app.Name = args[0]
			res, err := app.Run(cmd.Context())
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(app.Root, res.Dir)
			if err != nil {
				rel = res.Dir
			}
			for _, w := range res.Warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Created %s from %s (%d files).\n", rel, strings.Join(res.Templates, ", "), len(res.Files))
			if len(res.Module) > 0 {
				fmt.Fprintf(out, "Wired the solution's Go module (%d files: go.mod, go.sum, runtime copy).\n", len(res.Module))
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&app.Templates, "template", "t", nil, "template to merge, in order (repeatable); base is always first")
	cmd.Flags().StringVar(&app.Root, "root", ".", "the solution's root folder, holding applications/")
	cmd.Flags().StringVar(&app.OpenAPI, "openapi", "", "start from this OpenAPI file: it becomes api/openapi.yaml, and the service is scaffolded for it (with -t go-server)")
	return cmd
}
