package values

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to both decoders in both modes: they must
// never panic, and every failure must be Errors naming the file.
func FuzzDecode(f *testing.F) {
	seeds := []string{
		"", "a: b\n", "- a\n", "harness:\n  sudomain: x\n",
		"harness:\n  deployment: {port: x, replicas: 1, volume: {size: 1Gi}}\n",
		"harness:\n  secrets: [{name: a, key: b}]\n",
		"apps:\n  a:\n    harness: {database: {type: neo4j}}\ntls: x\n",
		"a: &a [1]\nb: [*a, *a]\nharness: {aliases: *a}\n",
		"base: &b {auto: true}\nharness:\n  service:\n    <<: *b\n",
		"{\"harness\": {\"service\": {\"port\": 80}}}",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	// CloudHarness's own files make rich seeds when present.
	for _, rel := range []string{
		"applications/samples/deploy/values.yaml",
		"deployment-configuration/helm/values.yaml",
	} {
		if data, err := os.ReadFile(filepath.Join(sharedDir(), "fixtures/cloudharness", rel)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, mode := range []Mode{Strict, Lenient} {
			opts := Options{File: "f.yaml", Mode: mode}
			app, err := DecodeApp(data, opts)
			checkFuzzErr(t, err)
			if err == nil && app == nil {
				t.Fatal("DecodeApp returned neither values nor an error")
			}
			if mode == Strict && err == nil {
				if _, err := DecodeApp(data, Options{File: "f.yaml", Mode: Lenient}); err != nil {
					t.Fatalf("strict accepted what lenient rejects: %v", err)
				}
			}
			root, err := DecodeRoot(data, opts)
			checkFuzzErr(t, err)
			if err == nil && root == nil {
				t.Fatal("DecodeRoot returned neither values nor an error")
			}
		}
	})
}

func checkFuzzErr(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var es Errors
	if !errors.As(err, &es) || len(es) == 0 {
		t.Fatalf("error %T is not values.Errors: %v", err, err)
	}
	for _, e := range es {
		if e.Msg == "" || e.File != "f.yaml" {
			t.Fatalf("error without message or file: %+v", e)
		}
	}
	if !strings.HasPrefix(err.Error(), "f.yaml") {
		t.Fatalf("error does not start with the file name: %v", err)
	}
}
