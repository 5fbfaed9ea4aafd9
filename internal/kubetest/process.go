package kubetest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// errPortTaken reports a server that lost its port to another process between
// freeport.Ports and its bind.
var errPortTaken = errors.New("port taken")

// process is a server started for a test. Its output goes to a log file that
// errors quote from, so a failed start says why.
type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, set before done closes
	stop func()
}

// launch starts path with args inside ns (nil: the test's own network
// namespace), its output into logPath. The caller stops it (p.stop).
func launch(ns *netns, path, logPath string, args ...string) (*process, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("create log: %w", err)
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.Dir = filepath.Dir(logPath)
	if ns != nil {
		cmd.Env = nodeEnv()
	}
	// If the test binary dies without running cleanups (go test -timeout
	// panics and exits), the kernel kills the server too. The signal follows
	// the thread that forked, not the process, so that thread is locked to a
	// goroutine that lives exactly as long as the server.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p := &process{name: filepath.Base(path), cmd: cmd, log: logPath, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer logFile.Close()
		if ns != nil {
			// The child is born in the thread's namespace. The thread is
			// never unlocked: it is discarded with the goroutine.
			if err := ns.enter(); err != nil {
				started <- err
				return
			}
		} else {
			defer runtime.UnlockOSThread()
		}
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", p.name, err)
	}
	var once sync.Once
	p.stop = func() {
		once.Do(func() {
			// Its data is thrown away, so a graceful stop is a courtesy with
			// a short deadline.
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				<-p.done
			}
		})
	}
	return p, nil
}

// exited reports the process's early exit as an error quoting its log.
func (p *process) exited() error {
	out, _ := os.ReadFile(p.log)
	err := fmt.Errorf("%s exited: %v\n%s", p.name, p.err, tail(out, 40))
	if bytes.Contains(out, []byte("address already in use")) {
		return fmt.Errorf("%w: %w", errPortTaken, err)
	}
	return err
}

// waitHTTP polls url until it answers 200 with a body containing want, the
// process exits, or ctx ends; on failure p's server is stopped.
func waitHTTP(ctx context.Context, p *process, client *http.Client, url, token, want string) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last string
	for {
		select {
		case <-p.done:
			return p.exited()
		case <-ctx.Done():
			p.stop()
			out, _ := os.ReadFile(p.log)
			return fmt.Errorf("not ready at %s (last answer: %s): %w\n%s", url, last, ctx.Err(), tail(out, 40))
		case <-tick.C:
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			last = err.Error()
			continue
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK && bytes.Contains(body, []byte(want)) {
			return nil
		}
		last = fmt.Sprintf("%s %s", resp.Status, bytes.TrimSpace(body))
	}
}

// tlsClient trusts the cluster's CA over base's connections.
func tlsClient(caPEM []byte, base *http.Transport) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("parse generated CA certificate")
	}
	tr := base.Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Timeout: 5 * time.Second, Transport: tr}, nil
}

// tail returns the last n lines of out.
func tail(out []byte, n int) []byte {
	lines := bytes.Split(bytes.TrimRight(out, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return bytes.Join(lines, []byte("\n"))
}
