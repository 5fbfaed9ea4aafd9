package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Execute(NewRootCmd(), args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestHelpEverywhere(t *testing.T) {
	var walk func(c *cobra.Command)
	var paths [][]string
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		path := strings.Fields(c.CommandPath())[1:]
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd())
	for _, p := range paths {
		t.Run(strings.Join(append([]string{"harness"}, p...), " "), func(t *testing.T) {
			code, out, errOut := run(t, append(p, "--help")...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, "Usage:") {
				t.Errorf("no usage in help:\n%s", out)
			}
			if isLeaf := !strings.Contains(out, "Available Commands:"); isLeaf && !strings.Contains(out, "Examples:") {
				t.Errorf("help has no examples:\n%s", out)
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		code    int
		wantErr string
	}{
		{"version", []string{"version"}, ExitOK, ""},
		{"completion", []string{"completion", "bash"}, ExitOK, ""},
		{"completion without shell", []string{"completion"}, ExitUsage, "accepts 1 arg(s)"},
		{"completion of an unknown shell", []string{"completion", "tcsh"}, ExitUsage, `unknown shell "tcsh"`},
		{"unknown command", []string{"nope"}, ExitUsage, "unknown command"},
		{"unknown flag", []string{"application", "x", "--nope"}, ExitUsage, "unknown flag: --nope"},
		{"missing name", []string{"application"}, ExitUsage, "accepts 1 arg(s)"},
		{"generate with ROOT and --root", []string{"generate", "all", dir, "--root", dir}, ExitUsage, "either as ROOT or with --root"},
		{"generate with too many args", []string{"generate", "all", dir, dir}, ExitUsage, "accepts between 1 and 2 arg(s)"},
		{"bad name", []string{"application", "Bad_Name", "--root", dir}, ExitUser, `application name "Bad_Name" must start with a lowercase letter`},
		{"unknown template", []string{"application", "ok", "-t", "nope", "--root", dir}, ExitUser, `unknown template "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := run(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("stderr %q lacks %q", errOut, tt.wantErr)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("failed commands wrote %v", entries)
	}
}

func TestApplicationCreates(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := run(t, "application", "web", "-t", "webapp", "--root", dir)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "Created applications/web from base, webapp") {
		t.Errorf("stdout: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "applications", "web", "frontend", "index.html")); err != nil {
		t.Error(err)
	}
}
