package kubetest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// outcome records what binDir did to the test it was given.
type outcome struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (o *outcome) Helper()                   {}
func (o *outcome) Logf(string, ...any)       {}
func (o *outcome) Skip(args ...any)          { o.end(&o.skipped, fmt.Sprint(args...)) }
func (o *outcome) Skipf(f string, a ...any)  { o.end(&o.skipped, fmt.Sprintf(f, a...)) }
func (o *outcome) Fatal(args ...any)         { o.end(&o.failed, fmt.Sprint(args...)) }
func (o *outcome) Fatalf(f string, a ...any) { o.end(&o.failed, fmt.Sprintf(f, a...)) }

// end stops the calling goroutine as the testing package does.
func (o *outcome) end(flag *bool, msg string) {
	*flag, o.msg = true, msg
	runtime.Goexit()
}

// TestSkipPolicy: a developer may skip; CI never skips, and fails without binaries.
func TestSkipPolicy(t *testing.T) {
	tests := []struct {
		name          string
		ci, skip, bin string
		want          string // "run", "skip" or "fail"
	}{
		{name: "binaries given", bin: "/opt/kube", want: "run"},
		{name: "no binaries", want: "skip"},
		{name: "developer skips", skip: "1", bin: "/opt/kube", want: "skip"},
		{name: "CI with binaries", ci: "true", bin: "/opt/kube", want: "run"},
		{name: "CI without binaries", ci: "true", want: "fail"},
		{name: "CI ignores the skip", ci: "true", skip: "1", bin: "/opt/kube", want: "run"},
		{name: "CI ignores the skip, no binaries", ci: "true", skip: "1", want: "fail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			t.Setenv(SkipEnv, tt.skip)
			t.Setenv(BinEnv, tt.bin)
			o := &outcome{TB: t}
			var got string
			done := make(chan struct{})
			go func() {
				defer close(done)
				got = binDir(o)
			}()
			<-done
			switch {
			case tt.want == "run" && (o.skipped || o.failed || got != tt.bin):
				t.Errorf("binDir = %q (skipped %v, failed %v: %s), want %q", got, o.skipped, o.failed, o.msg, tt.bin)
			case tt.want == "skip" && !o.skipped:
				t.Errorf("not skipped (failed %v, got %q)", o.failed, got)
			case tt.want == "fail" && !o.failed:
				t.Errorf("did not fail (skipped %v, got %q)", o.skipped, got)
			}
		})
	}
}

// TestNodeSkipPolicy: a machine that cannot run a node (here: the node's
// binaries are missing) skips the node's tests, except under CI.
func TestNodeSkipPolicy(t *testing.T) {
	tests := []struct {
		name string
		ci   string
		want string // "skip" or "fail"
	}{
		{name: "developer", want: "skip"},
		{name: "CI", ci: "true", want: "fail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			o := &outcome{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				requireNodeHost(o, t.TempDir())
			}()
			<-done
			switch {
			case tt.want == "skip" && !o.skipped:
				t.Errorf("not skipped (failed %v: %s)", o.failed, o.msg)
			case tt.want == "fail" && !o.failed:
				t.Errorf("did not fail (skipped %v: %s)", o.skipped, o.msg)
			}
			if !strings.Contains(o.msg, "kubelet in "+BinEnv) {
				t.Errorf("message %q does not name the missing kubelet", o.msg)
			}
		})
	}
}
