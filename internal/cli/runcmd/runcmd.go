// Package runcmd is the `run` command: the solution's Go applications as
// local processes (package run). It is apart from package cli for the same
// reason as deploycmd: it links Helm to render the chart.
package runcmd

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/deploy"
	"github.com/harness-sh/harness/internal/run"
)

// New returns `run`.
func New() *cobra.Command {
	r := &run.Run{}
	var env string
	cmd := &cobra.Command{
		Use:   "run [APP]...",
		Short: "Run the solution's Go applications on this machine, without a cluster",
		Long: `Runs each APP (default: every application), and the applications it depends on,
as a local process: harness renders the chart as harness-deployment does, writes
each application's values and secrets to a temporary folder, builds it with
go build and starts it on 127.0.0.1 with the environment its pod would get. The
runtime library of every application gives the others' local addresses
(CH_ADDRESSES_PATH): no port-forward, no hosts file, no CH_VALUES_PATH to set.

Ports: the Nth application (by name) listens on PORT-BASE+N-1 (8000, 8001...);
a port already taken is an error. --port-base 0 lets the system choose.

Databases: an application with an automatic database gets DATABASE_URL when it
is of the database's type (postgres://, mongodb://, bolt://); otherwise, for
PostgreSQL, harness starts a throwaway cluster with the machine's initdb and
postgres (Debian: apt-get install postgresql) and gives each application its own
role and database. Pre-install hook Jobs of an application's own image
(migrations) run its binary first.

One line per service gives its URL once it answers; the logs follow, each line
prefixed with its application. Ctrl-C stops everything: SIGTERM, then SIGKILL
after --stop-timeout.`,
		Example: `  # every application of the solution in the current folder
  harness run
  # orders and what it depends on, with the production values
  harness run orders -e prod
  # against a database of your own
  DATABASE_URL=postgres://me:secret@localhost:5432/orders harness run orders`,
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Apps = args
			r.Solution.Envs = deploy.ParseEnvs(env)
			if r.Ports < 0 || r.Ports > 65535 {
				return cli.Usagef("--port-base %d: a port, or 0", r.Ports)
			}
			if !cmd.Flags().Changed("database-url") {
				r.DatabaseURL = os.Getenv("DATABASE_URL")
			}
			r.Out, r.Err = cmd.OutOrStdout(), cmd.ErrOrStderr()
			return r.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&r.Solution.Roots, "root", nil, "a solution root, as harness-deployment's ROOT (repeatable; default: the current folder)")
	f.StringVarP(&env, "env", "e", "", "environment(s): loads values-ENV.yaml; several with dashes (dev-prod)")
	f.StringArrayVar(&r.Solution.Exclude, "exclude", nil, "leave this application out (-ex, repeatable)")
	f.StringVarP(&r.Solution.Namespace, "namespace", "n", "", "the namespace the values name (default: the values')")
	f.StringVarP(&r.Solution.Domain, "domain", "d", "", "the domain the values name (default: the values')")
	f.IntVar(&r.Ports, "port-base", deploy.LocalPortBase, "the first application's port; 0: free ports")
	f.StringVar(&r.DatabaseURL, "database-url", "", "the database of the applications whose database is of its type (default: $DATABASE_URL)")
	f.StringVar(&r.Postgres, "postgres", "", "the folder of initdb and postgres for a throwaway PostgreSQL (default: PATH, then /usr/lib/postgresql/*/bin)")
	f.DurationVar(&r.StopTimeout, "stop-timeout", run.DefaultStopTimeout, "how long a process has to stop after SIGTERM before it is killed")
	return cmd
}
