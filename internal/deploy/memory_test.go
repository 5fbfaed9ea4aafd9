package deploy

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// memoryCeiling bounds the heap a deployment may add on one hostile values
// file within the accepted size (4 MiB). The widest case, 100,000 env
// entries in 3 MiB, takes about 240 MiB: YAML nodes, the record of their
// origins and the merged copies cost some 80 bytes per input byte.
const memoryCeiling = 384 << 20

// TestMemoryCeiling deploys (dry run) a solution whose one values file is
// hostile in each of the ways the size cap lets through: as wide, as deep,
// as many aliases and as long a string as the limits allow, and over them.
// The run must end in time, and the heap's peak (sampled) stay under the
// ceiling.
func TestMemoryCeiling(t *testing.T) {
	if testing.Short() {
		t.Skip("builds large inputs")
	}
	wide := func() string {
		var b strings.Builder
		b.WriteString("harness:\n  env:\n")
		for i := 0; b.Len() < 3<<20; i++ {
			fmt.Fprintf(&b, "    - name: V%d\n      value: x\n", i)
		}
		return b.String()
	}
	deep := func(levels int) string {
		// Compact block sequences: each "- " one level deeper, on one line.
		return "extra:\n  " + strings.Repeat("- ", levels) + "x\n"
	}
	aliases := func() string {
		// Each level doubles; maxExpanded (2^20 nodes) stops it, but only
		// after counting: the counting itself must stay cheap.
		var b strings.Builder
		b.WriteString("l0: &l0 [x, x]\n")
		for i := 1; i < 40; i++ {
			fmt.Fprintf(&b, "l%d: &l%d [*l%d, *l%d]\n", i, i, i-1, i-1)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, values string
		fails        bool
	}{
		{"100,000 env entries", wide(), false},
		{"nesting 1,000 deep", deep(1000), false},
		{"nesting 20,000 deep", deep(20000), true},
		{"aliases doubling 40 times", aliases(), true},
		{"a 3 MiB string", "extra: " + strings.Repeat("z", 3<<20) + "\n", false},
		{"over the size cap", "extra: " + strings.Repeat("z", 5<<20) + "\n", true},
		{"deep flow nesting", "extra: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{
				"applications/web/Dockerfile":         dockerfile,
				"applications/web/deploy/values.yaml": tc.values,
			})
			runtime.GC()
			base := heapNow()
			peak, stop := heapPeak()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			d := &Deployment{Roots: []string{dir}, Output: filepath.Join(dir, "deployment"), Tag: "1", DryRun: true, SkipLint: true}
			_, err := d.Run(ctx)
			stop()
			if ctx.Err() != nil {
				t.Fatal("the run did not end within 2 minutes")
			}
			if (err != nil) != tc.fails {
				t.Errorf("error %v; want one: %v", err, tc.fails)
			}
			if err != nil && !strings.Contains(err.Error(), "values.yaml") {
				t.Errorf("the error does not name the file: %v", err)
			}
			grew := *peak - min(base, *peak)
			t.Logf("heap grew by %d MiB at its peak (from %d MiB)", grew>>20, base>>20)
			if grew > memoryCeiling {
				t.Errorf("heap grew by %d MiB, over the ceiling of %d MiB", grew>>20, memoryCeiling>>20)
			}
		})
	}
}

func heapNow() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// heapPeak samples the live heap every millisecond until stop is called.
func heapPeak() (*uint64, func()) {
	var peak atomic.Uint64
	out := new(uint64)
	done := make(chan struct{})
	finished := make(chan struct{})
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(finished)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return out, func() {
		close(done)
		<-finished
		*out = peak.Load()
	}
}
