// Command harness-deployment is CloudHarness's harness-deployment, implemented by harness:
// the same flags, the same behaviour, as `harness deployment`.
package main

import (
	"os"

	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/cli/deploycmd"
)

func main() {
	cmd := deploycmd.New()
	cmd.Use = "harness-deployment" + cmd.Use[len("deployment"):]
	os.Exit(cli.Execute(cmd, os.Args[1:], cli.StdStreams()))
}
