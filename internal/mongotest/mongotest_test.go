package mongotest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harness-sh/harness/internal/freeport"
	"github.com/harness-sh/harness/internal/testenv"
)

// TestServer starts FerretDB, pings it, stops it; its temporary folder
// goes with it.
func TestServer(t *testing.T) {
	bin, err := Binary()
	if err != nil {
		testenv.Missing(t, "%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{Binary: bin})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if err := Ping(ctx, s.addr()); err != nil {
		t.Fatal(err)
	}
	if want := "mongodb://" + s.addr() + "/app"; s.URL("app") != want {
		t.Errorf("URL = %s, want %s", s.URL("app"), want)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.dir); !os.IsNotExist(err) {
		t.Errorf("%s is still there: %v", s.dir, err)
	}
	if err := Ping(ctx, s.addr()); err == nil {
		t.Error("the stopped server still answers")
	}
}

// ForTestWith keeps the data in the folder it is given, on the port it is
// given.
func TestForTestWith(t *testing.T) {
	port, err := freeport.Port()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := ForTestWith(t, Options{Port: port, Dir: dir})
	if s.Port != port {
		t.Fatalf("port %d, want %d", s.Port, port)
	}
	if _, err := os.Stat(filepath.Join(dir, "state", "state.json")); err != nil {
		t.Errorf("no FerretDB state in the given folder: %v", err)
	}
}

// A binary that is not FerretDB fails Start with its output.
func TestStartFails(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "fake")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho 'no such flag' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Start(context.Background(), Options{Binary: bin})
	if err == nil || !strings.Contains(err.Error(), "ferretdb stopped") || !strings.Contains(err.Error(), "no such flag") {
		t.Fatalf("error %v, want one saying it stopped, with its log", err)
	}
}

func TestBinaryMissing(t *testing.T) {
	t.Setenv(Env, "")
	if _, err := Binary(); err == nil || !strings.Contains(err.Error(), "scripts/ferretdb.sh") {
		t.Fatalf("error %v, want one naming scripts/ferretdb.sh", err)
	}
	t.Setenv(Env, filepath.Join(t.TempDir(), "none"))
	if _, err := Binary(); err == nil {
		t.Fatal("a missing binary is accepted")
	}
}
