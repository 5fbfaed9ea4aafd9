package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAddresses: the addresses of Options.Addresses, or of the file
// $CH_ADDRESSES_PATH names, replace the computed ones, field by field.
func TestAddresses(t *testing.T) {
	file := filepath.Join(t.TempDir(), "addresses.yaml")
	if err := os.WriteFile(file, []byte(`apps:
  samples:
    service: http://samples:8080
    database: postgresql://admin:p%40ss@samples-db:6543/shop?sslmode=disable
  my_worker:
    public: http://localhost:8002
`), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{EnvAddressesPath: file}
	cfg, err := LoadWith("testdata/allvalues.json", Options{Location: InCluster, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	samples, _ := cfg.App("samples")
	worker, _ := cfg.App("my-worker")
	db, err := samples.Database()
	if err != nil {
		t.Fatal(err)
	}
	wdb, err := worker.Database()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ what, got, want string }{
		{"samples service", samples.ServiceAddress(), "http://samples:8080"},
		{"samples public (kept)", samples.PublicAddress(), "https://samples.example.com"},
		{"samples database", db.ConnectionString(), "postgres://samples-db:6543/shop?user=admin&password=p%40ss&sslmode=disable"},
		{"worker service (kept)", worker.ServiceAddress(), "http://my-worker.demo:9000"},
		{"worker public", worker.PublicAddress(), "http://localhost:8002"},
		{"worker database (kept)", wdb.ConnectionString(), "mongodb://worker:w0rker@my-worker-db:27017/"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.what, c.got, c.want)
		}
	}
	if db.Password != "p@ss" {
		t.Errorf("password %q", db.Password)
	}
}

func TestAddressesErrors(t *testing.T) {
	tests := []struct {
		name  string
		addrs map[string]Addresses
		want  string
	}{
		{"unknown app", map[string]Addresses{"nope": {Service: "http://x:1"}}, `Options.Addresses: apps.nope: application not found`},
		{"not http", map[string]Addresses{"samples": {Service: "samples:8080"}}, `apps.samples.service: "samples:8080" is no http(s)://HOST:PORT address`},
		{"wrong scheme", map[string]Addresses{"samples": {Database: "mongodb://db:27017"}}, `apps.samples.database: "mongodb://db:27017": the application's database is of type "postgres" (URL schemes postgres, postgresql)`},
		{"no host", map[string]Addresses{"samples": {Database: "postgres:///x"}}, `apps.samples.database: "postgres:///x" is no database URL`},
		{"bad port", map[string]Addresses{"samples": {Database: "postgres://db:99999"}}, `bad port`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadWith("testdata/allvalues.json", Options{Getenv: noEnv, Addresses: tc.addrs})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	t.Run("unknown app is ErrNoApp", func(t *testing.T) {
		_, err := LoadWith("testdata/allvalues.json", Options{Getenv: noEnv, Addresses: tests[0].addrs})
		if !errors.Is(err, ErrNoApp) {
			t.Fatalf("%v is not ErrNoApp", err)
		}
	})
	t.Run("file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "a.yaml")
		os.WriteFile(file, []byte("apps:\n  samples:\n    servce: http://x:1\n"), 0o644)
		env := func(k string) string {
			if k == EnvAddressesPath {
				return file
			}
			return ""
		}
		_, err := LoadWith("testdata/allvalues.json", Options{Getenv: env})
		if err == nil || !strings.Contains(err.Error(), "CH_ADDRESSES_PATH: load addresses "+file) || !strings.Contains(err.Error(), "servce") {
			t.Fatalf("error %v", err)
		}
	})
}
