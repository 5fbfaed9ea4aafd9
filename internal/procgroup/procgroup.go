// Package procgroup stops a server that harness or a test started in a
// process group of its own (SysProcAttr.Setpgid), with whatever the server
// started in turn.
package procgroup

import (
	"syscall"
	"time"
)

// Stop sends sig to the process group of pid, waits for done (closed once
// the process has been waited for) up to timeout, then kills the group and
// waits for done. A process already done is left alone.
func Stop(pid int, done <-chan struct{}, sig syscall.Signal, timeout time.Duration) {
	select {
	case <-done:
		return
	default:
	}
	syscall.Kill(-pid, sig)
	select {
	case <-done:
	case <-time.After(timeout):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-done
	}
}
