package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// eventually waits for cond, failing the test after a while.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// serveLoopback runs life.Serve for h on a loopback port, returning its
// base URL and the channel of Serve's result.
func serveLoopback(t *testing.T, ctx context.Context, life *Lifecycle, h http.Handler) (string, <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { done <- life.Serve(ctx, srv, ln) }()
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), done
}

// TestDraining: once the context is done, and until the drain delay
// ends, the server answers, not ready, and asks each client to close its
// connection.
func TestDraining(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	life := &Lifecycle{Logger: slog.New(slog.DiscardHandler), DrainDelay: time.Minute}
	s := testServer(Options{Logger: slog.New(slog.DiscardHandler), Ready: life.Ready})
	url, done := serveLoopback(t, ctx, life, s)
	get := func(path string) *http.Response {
		t.Helper()
		res, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := get("/ready"); res.StatusCode != 200 || res.Close {
		t.Errorf("before: /ready %d, close %v", res.StatusCode, res.Close)
	}
	cancel()
	eventually(t, "draining", life.Draining)
	for _, tt := range []struct {
		path   string
		status int
	}{{"/ready", 503}, {"/live", 200}, {"/items/ok", 200}} {
		if res := get(tt.path); res.StatusCode != tt.status || !res.Close {
			t.Errorf("draining: %s %d, close %v, want %d and close", tt.path, res.StatusCode, res.Close, tt.status)
		}
	}
	select {
	case err := <-done:
		t.Fatalf("Serve returned during the drain delay: %v", err)
	default:
	}
}

// TestShutdownDeadline: requests still running at ShutdownTimeout are cut,
// and Serve says so.
func TestShutdownDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	entered := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/stuck", func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	})
	ctx, cancel := context.WithCancel(context.Background())
	life := &Lifecycle{Logger: slog.New(slog.DiscardHandler), DrainDelay: -1, ShutdownTimeout: 50 * time.Millisecond}
	url, done := serveLoopback(t, ctx, life, mux)
	failed := make(chan error, 1)
	go func() {
		res, err := http.Get(url + "/stuck")
		if err == nil {
			res.Body.Close()
		}
		failed <- err
	}()
	<-entered
	cancel()
	err := <-done
	if err == nil || !strings.Contains(err.Error(), "requests still running after 50ms were cut") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Serve: %v", err)
	}
	if err := <-failed; err == nil {
		t.Error("the request cut at the deadline succeeded")
	}
}

func TestServeErrors(t *testing.T) {
	life := &Lifecycle{Logger: slog.New(slog.DiscardHandler)}
	// A port taken.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if err := life.ListenAndServe(context.Background(), &http.Server{Addr: ln.Addr().String()}); err == nil {
		t.Error("listening on a port taken: no error")
	}
	// A listener that fails.
	bad, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	bad.Close()
	if err := life.Serve(context.Background(), &http.Server{}, bad); err == nil {
		t.Error("serving on a closed listener: no error")
	}
	// Stopped before it starts: no drain, a clean stop.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	life.DrainDelay = -1
	_, done := serveLoopback(t, ctx, life, http.NotFoundHandler())
	if err := <-done; err != nil || !life.Draining() {
		t.Errorf("stopped at once: %v, draining %v", err, life.Draining())
	}
}

func TestDefaultDuration(t *testing.T) {
	for _, tt := range []struct{ d, want time.Duration }{{0, 5 * time.Second}, {-1, 0}, {time.Second, time.Second}} {
		if got := defaultDuration(tt.d, 5*time.Second); got != tt.want {
			t.Errorf("defaultDuration(%v) = %v, want %v", tt.d, got, tt.want)
		}
	}
}

func TestLogLevel(t *testing.T) {
	tests := []struct {
		in   string
		want slog.Level
		err  bool
	}{
		{"", slog.LevelInfo, false},
		{"debug", slog.LevelDebug, false},
		{"DEBUG", slog.LevelDebug, false},
		{" info ", slog.LevelInfo, false},
		{"warn", slog.LevelWarn, false},
		{"Warning", slog.LevelWarn, false},
		{"error", slog.LevelError, false},
		{"error+2", slog.LevelError + 2, false},
		{"debug-4", slog.LevelDebug - 4, false},
		{"loud", slog.LevelInfo, true},
		{"3", slog.LevelInfo, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := LogLevel(tt.in)
			if got != tt.want || (err != nil) != tt.err {
				t.Errorf("LogLevel(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
	var buf logBuffer
	log := NewLogger(&buf, "loud")
	if l := buf.take(); !strings.Contains(l, `"level":"WARN","msg":"unknown log level; logging at info","err":"log level \"loud\": want debug, info, warn or error"`) {
		t.Errorf("unknown level: %s", l)
	}
	if !log.Enabled(context.Background(), slog.LevelInfo) || log.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("unknown level: not Info")
	}
	// At warn, the access log is off (and costs nothing).
	log = NewLogger(&buf, "warn")
	s := NewServer(Options{Logger: log}, nil)
	s.Handle("GET /live", "", s.Live)
	if a := do(t, s, "GET", "/nowhere", "", nil); a.status != 404 || buf.take() != "" {
		t.Errorf("at warn: %d, logged", a.status)
	}
}
