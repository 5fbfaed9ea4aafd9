// Command harness is the umbrella CLI: application, generate, deployment,
// build, run, version and completion.
package main

import (
	"os"

	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/cli/buildcmd"
	"github.com/harness-sh/harness/internal/cli/deploycmd"
	"github.com/harness-sh/harness/internal/cli/runcmd"
)

func main() {
	os.Exit(cli.Execute(cli.NewRootCmd(deploycmd.New(), buildcmd.New(), runcmd.New()), os.Args[1:], cli.StdStreams()))
}
