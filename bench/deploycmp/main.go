// Command deploycmp times the harness-deployment command against the real
// `helm template` of the chart it writes, in interleaved rounds of one run
// each, and prints medians (wall, CPU, peak RSS), the median of the
// per-round ratios and the scaling from the smallest size to the largest.
// Pairing within a round matters on a shared machine whose speed drifts:
// both tools of a round see about the same machine. bench/deployment.sh
// builds the tools and calls it:
//
//	deploycmp -harness BIN -helm BIN -apps 100,1000 -rounds 10 -work DIR
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/harness-sh/harness/bench/solution"
)

func main() {
	harness := flag.String("harness", "", "the harness-deployment binary")
	helm := flag.String("helm", "", "the helm binary")
	apps := flag.String("apps", "100,1000", "solution sizes, comma-separated")
	rounds := flag.Int("rounds", 10, "rounds per size")
	work := flag.String("work", "", "scratch directory (solutions and charts)")
	flag.Parse()
	if *harness == "" || *helm == "" || *work == "" || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "usage: deploycmp -harness BIN -helm BIN -work DIR [-apps 100,1000] [-rounds N]")
		os.Exit(2)
	}
	var sizes []int
	for _, s := range strings.Split(*apps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "-apps: %q is not a positive number\n", s)
			os.Exit(2)
		}
		sizes = append(sizes, n)
	}
	b := bench{harness: *harness, helm: *helm, work: *work, rounds: *rounds}
	var all []summary
	for _, n := range sizes {
		s, err := b.size(n)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		s.print(os.Stdout)
		all = append(all, s)
	}
	if len(all) > 1 {
		lo, hi := all[0], all[len(all)-1]
		fmt.Printf("scaling %d→%d apps (%.0f× the apps): harness wall %.2f×, CPU %.2f×; helm template wall %.2f×, CPU %.2f×\n",
			lo.apps, hi.apps, float64(hi.apps)/float64(lo.apps),
			hi.harness.wall/lo.harness.wall, hi.harness.cpu/lo.harness.cpu,
			hi.helm.wall/lo.helm.wall, hi.helm.cpu/lo.helm.cpu)
	}
}

type bench struct {
	harness, helm, work string
	rounds              int
}

// sample is one run of one command.
type sample struct {
	wall, cpu float64 // seconds; cpu is user + system of the process and its children
	rss       int64   // peak resident set, KiB
}

// medians are the medians of a tool's samples.
type medians struct {
	wall, cpu float64
	rss       int64
}

type summary struct {
	apps                  int
	rounds                int
	harness, helm         medians
	wallRatio, cpuRatio   float64   // medians of the per-round ratios harness/helm
	wallRatios, cpuRatios []float64 // per round
	chartBytes            int64     // what helm template printed, once
}

// size measures one solution size: a warm-up run of each tool (filling the
// page cache, checking both succeed), then the rounds, alternating which
// tool goes first.
func (b bench) size(n int) (summary, error) {
	dir := filepath.Join(b.work, fmt.Sprintf("solution-%d", n))
	if err := solution.Write(dir, n); err != nil {
		return summary{}, err
	}
	s := summary{apps: n, rounds: b.rounds}
	out := func(i int) string { return filepath.Join(b.work, fmt.Sprintf("out-%d-%d", n, i)) }
	deployRun := func(i int) (sample, error) {
		return run(nil, b.harness, "-t", "1", "-d", "example.com", "-o", out(i), dir)
	}
	chart := filepath.Join(out(0), "helm")
	templateRun := func(w io.Writer) (sample, error) { return run(w, b.helm, "template", "bench", chart) }

	if _, err := deployRun(0); err != nil {
		return s, err
	}
	var size countWriter
	if _, err := templateRun(&size); err != nil {
		return s, err
	}
	s.chartBytes = int64(size)
	var hs, ts []sample
	for i := 1; i <= b.rounds; i++ {
		var h, t sample
		var err error
		if i%2 == 1 {
			if h, err = deployRun(i); err == nil {
				t, err = templateRun(nil)
			}
		} else {
			if t, err = templateRun(nil); err == nil {
				h, err = deployRun(i)
			}
		}
		if err != nil {
			return s, err
		}
		if err := os.RemoveAll(out(i)); err != nil {
			return s, err
		}
		hs, ts = append(hs, h), append(ts, t)
		s.wallRatios = append(s.wallRatios, h.wall/t.wall)
		s.cpuRatios = append(s.cpuRatios, h.cpu/t.cpu)
	}
	s.harness, s.helm = medianOf(hs), medianOf(ts)
	s.wallRatio, s.cpuRatio = median(s.wallRatios), median(s.cpuRatios)
	return s, nil
}

// run runs a command to completion with stdout to w (nil: /dev/null) and
// returns its wall time and resource use; stderr is kept for the error.
func run(w io.Writer, name string, args ...string) (sample, error) {
	cmd := exec.Command(name, args...)
	cmd.Stdout = w
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("%s %s: %w\n%s", filepath.Base(name), strings.Join(args, " "), err, stderr.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return sample{}, fmt.Errorf("%s: no resource usage on this system", name)
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return sample{wall: wall.Seconds(), cpu: cpu.Seconds(), rss: ru.Maxrss}, nil // Linux: Maxrss in KiB
}

func medianOf(ss []sample) medians {
	var wall, cpu, rss []float64
	for _, s := range ss {
		wall, cpu, rss = append(wall, s.wall), append(cpu, s.cpu), append(rss, float64(s.rss))
	}
	return medians{wall: median(wall), cpu: median(cpu), rss: int64(median(rss))}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (s summary) print(w io.Writer) {
	fmt.Fprintf(w, "%d apps, %d rounds (rendered manifest %.1f MB):\n", s.apps, s.rounds, float64(s.chartBytes)/1e6)
	for _, t := range []struct {
		name string
		m    medians
	}{{"harness-deployment", s.harness}, {"helm template", s.helm}} {
		fmt.Fprintf(w, "  %-19s wall %6.3f s  CPU %6.3f s  peak RSS %4d MB  (medians)\n", t.name, t.m.wall, t.m.cpu, t.m.rss/1024)
	}
	fmt.Fprintf(w, "  ratio harness/helm (median of per-round ratios): wall %.2f×, CPU %.2f×\n", s.wallRatio, s.cpuRatio)
	fmt.Fprintf(w, "    per round wall: %s\n", format(s.wallRatios))
	fmt.Fprintf(w, "    per round CPU:  %s\n", format(s.cpuRatios))
}

func format(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatFloat(x, 'f', 2, 64)
	}
	return strings.Join(parts, " ")
}

// countWriter counts what is written to it.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}
