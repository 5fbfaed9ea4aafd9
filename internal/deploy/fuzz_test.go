package deploy

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzChart deploys a solution of one application whose values file is the
// fuzzer's, as harness-deployment --dry-run does: values decoding, the
// merge with the defaults, derivation, the chart's rendering and its
// checks. Whatever the file holds, the run ends (within a minute) without a
// panic, and an error says something.
func FuzzChart(f *testing.F) {
	for _, s := range []string{
		"harness:\n  subdomain: web\n  deployment:\n    auto: true\n    port: 8080\n",
		"harness:\n  service:\n    auto: true\n    port: 80\n  secrets:\n    key: ~\n",
		"harness:\n  database:\n    auto: true\n    type: postgres\n",
		"harness:\n  deployment:\n    autoscaling:\n      enabled: true\n      maxReplicas: 3\n    pdb:\n      enabled: true\n      maxUnavailable: 1\n",
		"harness:\n  deployment:\n    podAntiAffinity:\n      required: true\n    topologySpreadConstraints:\n      - maxSkew: 2\n",
		"harness:\n  env:\n    - name: A\n      value: b\n  dependencies:\n    hard: [web]\n",
		"harness: {}\nextra: &x {a: [1, 2]}\nmore: *x\n",
		"harness:\n  livenessProbe:\n    path: /live\n  readinessProbe:\n    path: /ready\n  resources:\n    - name: cfg\n      src: config.json\n      dst: /etc/config.json\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, values []byte) {
		if len(values) > 1<<14 {
			return
		}
		dir := writeTree(t, map[string]string{
			"applications/web/Dockerfile":                   dockerfile,
			"applications/web/deploy/values.yaml":           string(values),
			"applications/web/deploy/resources/config.json": "{}\n",
		})
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		d := &Deployment{Roots: []string{dir}, Output: filepath.Join(dir, "deployment"), Tag: "1", DryRun: true, SkipLint: true}
		_, err := d.Run(ctx)
		if ctx.Err() != nil {
			t.Fatalf("the run did not end within a minute:\n%s", values)
		}
		if err != nil && strings.TrimSpace(err.Error()) == "" {
			t.Fatalf("an empty error for:\n%s", values)
		}
	})
}
