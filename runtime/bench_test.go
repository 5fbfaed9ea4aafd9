package runtime

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"gopkg.in/yaml.v3"
)

// solution100 builds the all-values JSON of a 100-application solution from
// CloudHarness's runtime test values: its nine applications (complete
// harness sections, free values up to JupyterHub's large tree) repeated
// under new names.
func solution100(tb testing.TB) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(cloudHarness(tb), "libraries/cloudharness-common/tests/values.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		tb.Fatal(err)
	}
	src := doc["apps"].(map[string]any)
	keys := make([]string, 0, len(src))
	for k := range src {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	apps := map[string]any{}
	for i := range 100 {
		raw, _ := json.Marshal(src[keys[i%len(keys)]])
		var app map[string]any
		if err := json.Unmarshal(raw, &app); err != nil {
			tb.Fatal(err)
		}
		name := fmt.Sprintf("app%03d", i)
		h := app["harness"].(map[string]any)
		h["name"], h["subdomain"] = name, name
		h["service"].(map[string]any)["name"] = name
		apps[name] = app
	}
	doc["apps"] = apps
	out, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func BenchmarkLoad100Apps(b *testing.B) {
	data := solution100(b)
	path := filepath.Join(b.TempDir(), "allvalues.yaml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	opts := Options{Location: InCluster, Getenv: noEnv}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		cfg, err := LoadWith(path, opts)
		if err != nil || len(cfg.apps) != 100 || cfg.format != "json" {
			b.Fatalf("%v %v", cfg, err)
		}
	}
}

// BenchmarkLoad100AppsYAML is the fallback path, for comparison.
func BenchmarkLoad100AppsYAML(b *testing.B) {
	var doc any
	if err := json.Unmarshal(solution100(b), &doc); err != nil {
		b.Fatal(err)
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{Location: InCluster, Getenv: noEnv}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		cfg, err := Parse(data, "allvalues.yaml", opts)
		if err != nil || len(cfg.apps) != 100 || cfg.format != "yaml" {
			b.Fatalf("%v %v", cfg, err)
		}
	}
}

func lookups(cfg *Config) int {
	a, err := cfg.App("app042")
	if err != nil {
		panic(err)
	}
	cur, _ := cfg.Current()
	n := len(a.ServiceAddress()) + len(a.PublicAddress()) + len(a.ServiceName()) + a.ServicePort() +
		a.DeploymentPort() + len(a.ImageName()) + len(a.Name()) + len(cur.ServiceAddress()) +
		len(cfg.Namespace()) + len(cfg.Domain()) + len(cfg.Registry()) + len(cfg.Tag())
	if a.IsAutoService() && a.IsAutoDeployment() && a.IsAutoDB() && a.IsSentryEnabled() && cfg.TLS() && cfg.Local() {
		n++
	}
	return n
}

func BenchmarkLookup(b *testing.B) {
	cfg, err := Parse(solution100(b), "allvalues.json", Options{Location: InCluster, CurrentApp: "app007", Getenv: noEnv})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		lookups(cfg)
	}
}

// TestLookupsDoNotAllocate holds the benchmark's promise as a test: an
// allocation count is exact, unlike a time.
func TestLookupsDoNotAllocate(t *testing.T) {
	cfg, err := Parse(solution100(t), "allvalues.json", Options{Location: InCluster, CurrentApp: "app007", Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { lookups(cfg) }); n != 0 {
		t.Errorf("lookups allocate %v times per run", n)
	}
}
