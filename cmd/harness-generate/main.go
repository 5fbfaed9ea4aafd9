// Command harness-generate is CloudHarness's harness-generate, implemented by harness:
// the same flags, the same behaviour, as `harness generate`.
package main

import (
	"os"

	"github.com/harness-sh/harness/internal/cli"
)

func main() {
	cmd := cli.NewGenerateCmd()
	cmd.Use = "harness-generate" + cmd.Use[len("generate"):]
	os.Exit(cli.Execute(cmd, os.Args[1:], cli.StdStreams()))
}
