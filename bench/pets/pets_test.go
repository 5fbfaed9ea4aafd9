package main

import (
	"io"
	"log/slog"
	"testing"

	"github.com/harness-sh/harness/bench/pets/pets"
	"github.com/harness-sh/harness/bench/pets/petsbench"
	"github.com/harness-sh/harness/runtime/httpapi"
)

// BenchmarkCreatePet serves POST /pets in process, as the throughput
// benchmark does over loopback, to count allocations per request: valid
// and rejected bodies, with the access log as main configures it (JSON to
// io.Discard: every line formatted) and off (a logger not enabled for
// Info, as at LOG_LEVEL=warn).
func BenchmarkCreatePet(b *testing.B) {
	logs := []struct {
		name string
		log  *slog.Logger
	}{
		{"log=json", httpapi.NewLogger(io.Discard, "")},
		{"log=off", slog.New(slog.DiscardHandler)},
	}
	for _, body := range petsbench.Bodies {
		for _, l := range logs {
			b.Run(body.Name+"/"+l.name, func(b *testing.B) {
				petsbench.CreatePet(b, pets.NewHandler(&service{}, pets.Options{Logger: l.log}), body)
			})
		}
	}
}
