package runcmd

import (
	"bytes"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/cli"
)

func execute(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli.Execute(cli.NewRootCmd(New()), args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestRunCommand(t *testing.T) {
	code, out, _ := execute("run", "--help")
	if code != cli.ExitOK || !strings.Contains(out, "Usage:") || !strings.Contains(out, "Examples:") || !strings.Contains(out, "--port-base") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
	if code, _, stderr := execute("run", "--port-base", "-1"); code != cli.ExitUsage || !strings.Contains(stderr, "--port-base -1") {
		t.Errorf("--port-base -1: exit %d, %s", code, stderr)
	}
	// No solution: a user error naming what is missing.
	code, _, stderr := execute("run", "--root", t.TempDir())
	if code != cli.ExitUser || !strings.Contains(stderr, "no Go application to run") {
		t.Errorf("empty solution: exit %d, %s", code, stderr)
	}
}
