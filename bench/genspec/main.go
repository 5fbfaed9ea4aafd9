// Command genspec writes a synthetic OpenAPI document with 5*N operations to
// stdout, for the generator benchmarks: genspec -resources 100 > big.yaml.
package main

import (
	"flag"
	"os"

	"github.com/harness-sh/harness/internal/specgen"
)

func main() {
	n := flag.Int("resources", 100, "resources, five operations each")
	flag.Parse()
	os.Stdout.Write(specgen.Spec(*n))
}
