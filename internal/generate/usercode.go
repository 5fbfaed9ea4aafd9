package generate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// userCodeBreaks says, after the generated code of an application changed,
// whether the code the user owns still compiles against it, and what to do
// when it does not: a spec whose operations or schemas were renamed or
// removed leaves service.go calling what no longer exists. It builds the
// application's backend with the go command; without one, or outside a Go
// module, it says nothing.
func userCodeBreaks(ctx context.Context, root, appDir, pkg string) string {
	backend := filepath.Join(appDir, "backend")
	if _, err := os.Stat(backend); err != nil {
		return ""
	}
	if _, err := exec.LookPath("go"); err != nil {
		return ""
	}
	cmd := exec.CommandContext(ctx, "go", "build", "./...")
	cmd.Dir = backend
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err == nil || ctx.Err() != nil {
		return ""
	}
	var errs []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if len(errs) == 8 {
			errs = append(errs, "...")
			break
		}
		errs = append(errs, "  "+strings.TrimSpace(line))
	}
	rel, _ := filepath.Rel(root, backend)
	rel = filepath.ToSlash(rel)
	if strings.Contains(out.String(), "has pointer receiver") {
		// Code written before responses and the Unimplemented type took
		// pointer receivers: the fix is one & per place, not a new service.
		return fmt.Sprintf("%s no longer compiles against the generated API:\n%s\n"+
			"Responses are pointers now: return &%s.XResponse{...}, test for *%s.XResponse, "+
			"and serve a pointer to your API (NewHandler(&service{}, ...)); add the & where the compiler points.",
			rel, strings.Join(errs, "\n"), pkg, pkg)
	}
	return fmt.Sprintf("%s no longer compiles against the API generated from the changed spec:\n%s\n"+
		"Update the code you own to the new API (the generated types and the API interface are in the generated package), "+
		"or move %s/service away and run harness-generate again to scaffold a service for the new spec.",
		rel, strings.Join(errs, "\n"), rel)
}
