package main

import (
	"testing"

	"github.com/harness-sh/harness/bench/pets/petsbench"
)

// BenchmarkCreatePet serves POST /pets in process, as bench/pets's
// BenchmarkCreatePet does for the generated server: the two compare with
// benchstat, without the loopback's cost that bench/throughput.sh includes.
func BenchmarkCreatePet(b *testing.B) {
	for _, body := range petsbench.Bodies {
		b.Run(body.Name, func(b *testing.B) { petsbench.CreatePet(b, newHandler(), body) })
	}
}
