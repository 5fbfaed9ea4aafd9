package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// writeValues replaces the file the way Kubernetes updates a mounted
// ConfigMap: a new file renamed over the old one.
func writeValues(t *testing.T, path, content string, mtime time.Time) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestLoaderReloads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "allvalues.yaml")
	base := time.Now().Add(-time.Hour)
	writeValues(t, path, `{"namespace": "one"}`, base)
	l := NewLoader(path, Options{Getenv: noEnv})
	l.SetCheckInterval(0)
	cfg, err := l.Config()
	if err != nil || cfg.Namespace() != "one" {
		t.Fatalf("first load: %v, %v", cfg, err)
	}
	if again, _ := l.Config(); again != cfg {
		t.Error("an unchanged file was reloaded")
	}
	writeValues(t, path, `{"namespace": "two"}`, base.Add(time.Second))
	if cfg, err = l.Config(); err != nil || cfg.Namespace() != "two" {
		t.Fatalf("after a change: %v, %v", cfg.Namespace(), err)
	}
	// a broken update keeps the last good values and reports why
	writeValues(t, path, "namespace: [\n", base.Add(2*time.Second))
	if cfg, err = l.Config(); err != nil || cfg.Namespace() != "two" {
		t.Fatalf("after a broken change: %v, %v", cfg.Namespace(), err)
	}
	if want := path + ":1: did not find expected node content"; l.Err() == nil || l.Err().Error() != want {
		t.Errorf("Err: got %v, want %s", l.Err(), want)
	}
	writeValues(t, path, `{"namespace": "three"}`, base.Add(3*time.Second))
	if cfg, err = l.Config(); err != nil || cfg.Namespace() != "three" || l.Err() != nil {
		t.Fatalf("after a fix: %v, %v, %v", cfg.Namespace(), err, l.Err())
	}
}

func TestLoaderChecksAtInterval(t *testing.T) {
	path := filepath.Join(t.TempDir(), "allvalues.yaml")
	base := time.Now().Add(-time.Hour)
	writeValues(t, path, `{"namespace": "one"}`, base)
	now := base
	l := NewLoader(path, Options{Getenv: noEnv})
	l.now = func() time.Time { return now }
	if cfg, err := l.Config(); err != nil || cfg.Namespace() != "one" {
		t.Fatal(cfg, err)
	}
	writeValues(t, path, `{"namespace": "two"}`, base.Add(time.Second))
	now = now.Add(DefaultCheckInterval / 2)
	if cfg, _ := l.Config(); cfg.Namespace() != "one" {
		t.Error("looked at the file before the interval passed")
	}
	now = now.Add(DefaultCheckInterval)
	if cfg, _ := l.Config(); cfg.Namespace() != "two" {
		t.Error("did not reload after the interval")
	}
}

func TestLoaderFirstLoadError(t *testing.T) {
	l := NewLoader(filepath.Join(t.TempDir(), "none.yaml"), Options{Getenv: noEnv})
	if cfg, err := l.Config(); err == nil || cfg != nil {
		t.Errorf("got %v, %v; want an error", cfg, err)
	}
}

// TestLoaderConcurrent: readers never see a nil or torn Config while the
// file changes (run with -race to check the synchronisation too).
func TestLoaderConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "allvalues.yaml")
	base := time.Now().Add(-time.Hour)
	writeValues(t, path, `{"namespace": "ns0"}`, base)
	l := NewLoader(path, Options{Getenv: noEnv})
	l.SetCheckInterval(0)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 8)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				cfg, err := l.Config()
				if err != nil || cfg == nil || len(cfg.Namespace()) < 3 {
					errs <- fmt.Errorf("got %v, %v", cfg, err)
					return
				}
			}
		}()
	}
	for i := 1; i <= 50; i++ {
		writeValues(t, path, fmt.Sprintf(`{"namespace": "ns%d"}`, i), base.Add(time.Duration(i)*time.Second))
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if cfg, _ := l.Config(); cfg.Namespace() != "ns50" {
		t.Errorf("final namespace %q", cfg.Namespace())
	}
}

func TestDefault(t *testing.T) {
	path := filepath.Join(t.TempDir(), "allvalues.yaml")
	writeValues(t, path, `{"namespace": "default-ns", "apps": {"me": {}}}`, time.Now())
	t.Setenv(EnvValuesPath, path)
	t.Setenv(EnvCurrentApp, "me")
	cfg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Namespace() != "default-ns" {
		t.Errorf("namespace %q", cfg.Namespace())
	}
	if me, err := cfg.Current(); err != nil || me.Name() != "me" {
		t.Errorf("current: %v, %v", me, err)
	}
	if again, _ := Default(); again != cfg {
		t.Error("Default did not cache")
	}
}
