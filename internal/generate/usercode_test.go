package generate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/generate"
	"github.com/harness-sh/harness/internal/scaffold"
)

// TestUserCodeBreaks: a spec whose operation is renamed after scaffolding
// leaves service.go implementing what no longer exists; harness-generate
// writes the new code and says what fails and what to do. An unchanged
// regeneration builds nothing and says nothing.
func TestUserCodeBreaks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the go command")
	}
	root := t.TempDir()
	if _, err := (&scaffold.Application{Root: root, Name: "shop", Templates: []string{"go-server"}, Generator: generate.Scaffolder{}}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	g := &generate.Generate{Root: root, Servers: true, Clients: true}
	res, err := g.Run(context.Background())
	if err != nil || len(res.Broken) > 0 || res.Changed() {
		t.Fatalf("regenerating a fresh application: %+v %v", res, err)
	}
	spec := filepath.Join(root, "applications", "shop", "api", "openapi.yaml")
	data, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.Replace(string(data), "operationId: ping", "operationId: ping2", 1)
	if renamed == string(data) {
		t.Fatal("the template's spec has no ping operation; update the test")
	}
	os.WriteFile(spec, []byte(renamed), 0o644)
	res, err = g.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Broken) != 1 || !strings.Contains(res.Broken[0], "applications/shop/backend no longer compiles") ||
		!strings.Contains(res.Broken[0], "service") || !strings.Contains(res.Broken[0], "run harness-generate again") {
		t.Errorf("broken: %q", res.Broken)
	}
}

// TestUserCodeBreaksValueResponses: a service written when responses were
// returned as values gets, on regeneration, the one-line fix rather than
// the advice to scaffold a new service.
func TestUserCodeBreaksValueResponses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with the go command")
	}
	root := t.TempDir()
	if _, err := (&scaffold.Application{Root: root, Name: "shop", Templates: []string{"go-server"}, Generator: generate.Scaffolder{}}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	edit := func(rel, old, new string) {
		t.Helper()
		p := filepath.Join(root, "applications", "shop", filepath.FromSlash(rel))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s has no %q; update the test", rel, old)
		}
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(data), old, new)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("backend/service/service.go", "return &shop.", "return shop.")
	// Any change of the spec regenerates, and then the user's code is built.
	edit("api/openapi.yaml", "operationId: ping", "operationId: ping\n      description: answers pong")
	res, err := (&generate.Generate{Root: root, Servers: true, Clients: true}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Broken) != 1 || !strings.Contains(res.Broken[0], "has pointer receiver") ||
		!strings.Contains(res.Broken[0], "return &shop.XResponse{...}") || strings.Contains(res.Broken[0], "run harness-generate again") {
		t.Errorf("broken: %q", res.Broken)
	}
}
