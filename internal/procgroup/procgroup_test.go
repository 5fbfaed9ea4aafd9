package procgroup

import (
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// start runs script in a shell in a process group of its own.
func start(t *testing.T, script string) (*exec.Cmd, chan struct{}) {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	time.Sleep(100 * time.Millisecond) // the trap is set
	return cmd, done
}

func TestStop(t *testing.T) {
	tests := []struct {
		name, script string
		killed       bool // ends by SIGKILL after the timeout
	}{
		{"ends on the signal", "sleep 60 & wait", false},
		{"killed after the timeout", "trap '' TERM; sleep 60 & wait; sleep 60", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, done := start(t, tt.script)
			begin := time.Now()
			Stop(cmd.Process.Pid, done, syscall.SIGTERM, time.Second)
			took := time.Since(begin)
			select {
			case <-done:
			default:
				t.Fatal("Stop returned before the process ended")
			}
			if killed := took >= time.Second; killed != tt.killed {
				t.Errorf("ended after %s: killed %v, want %v", took, killed, tt.killed)
			}
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if want := map[bool]syscall.Signal{false: syscall.SIGTERM, true: syscall.SIGKILL}[tt.killed]; !ws.Signaled() || ws.Signal() != want {
				t.Errorf("wait status %v, want killed by %v", ws, want)
			}
			// Stopping again is harmless.
			Stop(cmd.Process.Pid, done, syscall.SIGTERM, time.Second)
		})
	}
}
