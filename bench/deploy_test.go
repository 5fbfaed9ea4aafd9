// Package bench measures harness-deployment in process: merge, render, lint
// and verify of the synthetic solution of N applications (bench/solution),
// against a bare render of the same chart with Helm's engine in the same
// process (what `helm template` does, without its start-up and output).
// Run bench/run.sh; bench/deployment.sh compares the commands themselves.
package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart/loader"

	"github.com/harness-sh/harness/bench/solution"
	"github.com/harness-sh/harness/internal/deploy"
	"github.com/harness-sh/harness/internal/helmcheck"
)

// solutionDir writes the benchmarks' solution of n applications.
func solutionDir(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	if err := solution.Write(dir, n); err != nil {
		b.Fatal(err)
	}
	return dir
}

func BenchmarkDeployment(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			dir := solutionDir(b, n)
			defer cpuPerOp(b)()
			for b.Loop() {
				d := &deploy.Deployment{Roots: []string{dir}, Tag: "1", Output: filepath.Join(b.TempDir(), "out"), Domain: "example.com"}
				if _, err := d.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHelmTemplate renders the chart harness wrote, with Helm's engine
// alone: the baseline of the 2× target.
func BenchmarkHelmTemplate(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			dir := solutionDir(b, n)
			out := filepath.Join(b.TempDir(), "out")
			d := &deploy.Deployment{Roots: []string{dir}, Tag: "1", Output: out, Domain: "example.com"}
			if _, err := d.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
			c, err := helmcheck.New("ch", "ch")
			if err != nil {
				b.Fatal(err)
			}
			defer cpuPerOp(b)()
			for b.Loop() {
				ch, err := loader.Load(filepath.Join(out, "helm"))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.Render(ch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// cpuPerOp reports the process's CPU time (user and system) per operation,
// which a busy machine disturbs less than wall time; call the function it
// returns after the loop.
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
