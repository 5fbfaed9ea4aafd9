//go:build unix

package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestGracefulShutdownUnderLoad sends the process SIGTERM while clients
// keep a server busy on loopback, as Kubernetes stops a pod behind a load
// balancer: readiness turns 503 at once, the server goes on serving
// through the drain delay (answers asking for the connection's close),
// the clients stop sending once they see it not ready, as a load balancer
// takes an endpoint out, then the server shuts down and waits for the
// requests in flight. Not one request may fail.
func TestGracefulShutdownUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("serves under load for a while")
	}
	const (
		loaders = 16 // clients sending POSTs back to back
		slow    = 8  // requests in flight through the shutdown
	)
	logs := &logBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	life := &Lifecycle{Logger: log, DrainDelay: 300 * time.Millisecond, ShutdownTimeout: 10 * time.Second}
	s := testServer(Options{Logger: log, AccessLog: slog.New(slog.DiscardHandler), Ready: life.Ready})
	entered, release := make(chan struct{}, slow), make(chan struct{})
	s.Handle("GET /slow", "Slow", func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
		s.Send(w, r, "Slow", Response{Status: 200, ContentType: "text/plain", Body: bytes.Repeat([]byte("x"), 100<<10)})
	})

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	url, done := serveLoopback(t, ctx, life, s)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loaders + slow + 1}}
	defer client.CloseIdleConnections()

	// The requests in flight: each must get its whole answer.
	slowErrs := make(chan error, slow)
	for range slow {
		go func() {
			res, err := client.Get(url + "/slow")
			if err == nil {
				var n int64
				n, err = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if err == nil && (res.StatusCode != 200 || n != 100<<10) {
					err = fmt.Errorf("status %d, %d bytes", res.StatusCode, n)
				}
			}
			slowErrs <- err
		}()
	}
	for range slow {
		<-entered
	}

	// The load, and the load balancer: a probe of /ready that takes the
	// endpoint out on the first 503.
	var removed atomic.Bool
	var ok, closing atomic.Int64
	var mu sync.Mutex
	var failures []string
	fail := func(s string) {
		mu.Lock()
		failures = append(failures, s)
		mu.Unlock()
	}
	var wg sync.WaitGroup
	for range loaders {
		wg.Go(func() {
			for !removed.Load() {
				res, err := client.Post(url+"/items", "application/json", strings.NewReader(`{"name":"rex","count":3}`))
				if err != nil {
					fail(err.Error())
					continue
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil || res.StatusCode != 201 || string(body) != `{"name":"rex"}`+"\n" {
					fail(res.Status + " " + string(body))
					continue
				}
				ok.Add(1)
				if res.Close {
					closing.Add(1)
				}
			}
		})
	}
	wg.Go(func() {
		for !removed.Load() {
			res, err := client.Get(url + "/ready")
			if err != nil {
				fail("probe: " + err.Error())
				removed.Store(true)
				return
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode == 503 {
				if string(body) != `{"status":"not ready"}`+"\n" {
					fail("probe: " + string(body))
				}
				removed.Store(true)
			}
		}
	})

	eventually(t, "serving load", func() bool { return ok.Load() >= 500 })
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	served := ok.Load()
	// The load balancer drops its connections to the endpoint. (Go's
	// transport may hold one it dialled but never used: the server cannot
	// tell it from one whose first request is on its way, and Shutdown
	// waits 5 s before closing it.)
	client.CloseIdleConnections()

	// Past the drain delay the listener closes; Serve waits for the slow
	// requests.
	eventually(t, "shutting down", func() bool { return strings.Contains(logs.take(), "waiting for the requests in flight") })
	eventually(t, "refusing connections", func() bool {
		c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case err := <-done:
		t.Fatalf("Serve returned with requests in flight: %v", err)
	default:
	}
	close(release)
	for range slow {
		if err := <-slowErrs; err != nil {
			t.Errorf("a request in flight: %v", err)
		}
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed, first: %s", len(failures), int(served)+len(failures), failures[0])
	}
	t.Logf("%d requests served, %d of them while draining (Connection: close)", served, closing.Load())
}
