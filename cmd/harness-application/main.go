// Command harness-application is CloudHarness's harness-application, implemented by harness:
// the same flags, the same behaviour, as `harness application`.
package main

import (
	"os"

	"github.com/harness-sh/harness/internal/cli"
)

func main() {
	cmd := cli.NewApplicationCmd()
	cmd.Use = "harness-application" + cmd.Use[len("application"):]
	os.Exit(cli.Execute(cmd, os.Args[1:], cli.StdStreams()))
}
