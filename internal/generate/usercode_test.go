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
	root := scaffoldShop(t)
	g := &generate.Generate{Root: root, Servers: true, Clients: true}
	res, err := g.Run(context.Background())
	if err != nil || len(res.Broken) > 0 || res.Changed() {
		t.Fatalf("regenerating a fresh application: %+v %v", res, err)
	}
	editShop(t, root, "api/openapi.yaml", "operationId: ping\n", "operationId: ping2\n")
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
	root := scaffoldShop(t)
	editShop(t, root, "backend/service/service.go", "return &shop.", "return shop.")
	// Any change of the spec regenerates, and then the user's code is built.
	editShop(t, root, "api/openapi.yaml", "operationId: ping\n", "operationId: ping\n      description: answers pong\n")
	res, err := (&generate.Generate{Root: root, Servers: true, Clients: true}).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Broken) != 1 || !strings.Contains(res.Broken[0], "has pointer receiver") ||
		!strings.Contains(res.Broken[0], "return &shop.XResponse{...}") || strings.Contains(res.Broken[0], "run harness-generate again") {
		t.Errorf("broken: %q", res.Broken)
	}
}

// scaffoldShop scaffolds a go-server application, shop, whose code the
// tests then build with the go command.
func scaffoldShop(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds with the go command")
	}
	root := t.TempDir()
	if _, err := (&scaffold.Application{Root: root, Name: "shop", Templates: []string{"go-server"}, Generator: generate.Scaffolder{}}).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return root
}

// editShop replaces every old in one of shop's files by new.
func editShop(t *testing.T, root, rel, old, new string) {
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
