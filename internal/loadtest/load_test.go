package loadtest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/testenv"
)

// maxRSS bounds the server's peak resident memory under load. The race
// detector multiplies a Go program's memory by 5 to 10; the service
// without it stays under 30 MiB.
const maxRSS = 400 << 20

// TestServerUnderLoad scaffolds `orders -t go-server`, builds it with -race
// and checks, on loopback: wrk's mixed load of lists and creates gets no
// error and no non-2xx answer, no data race is reported, the peak RSS stays
// bounded; SIGTERM during load lets every request finish and the process
// exit 0; slow clients and oversized bodies are cut off by the default
// timeouts and limits.
func TestServerUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a solution with -race and loads it for seconds")
	}
	wrk := wrkBinary(t)
	bin := build(t)

	t.Run("load", func(t *testing.T) {
		s := start(t, bin)
		out := runWrk(t, wrk, s.url, 4*time.Second)
		r := parseWrk(t, out)
		if r.errors != "" || r.non2xx != 0 || r.requests == 0 {
			t.Errorf("wrk: %d requests, %d non-2xx, errors %q\n%s", r.requests, r.non2xx, r.errors, out)
		}
		rss := s.peakRSS(t)
		t.Logf("%d cores; -race build: %.0f requests/s, p99 %s, peak RSS %d MiB", runtime.NumCPU(), r.rps, r.p99, rss>>20)
		if rss > maxRSS {
			t.Errorf("peak RSS %d MiB, over %d MiB", rss>>20, maxRSS>>20)
		}
		if code := s.stop(t, syscall.SIGTERM); code != 0 {
			t.Errorf("exit status %d after SIGTERM, want 0", code)
		}
		s.noRace(t)
	})

	t.Run("SIGTERM under load", func(t *testing.T) {
		s := start(t, bin)
		// The load outlasts the signal by 2 s: the server answers not
		// ready while it drains (the default drain delay is 5 s), so every
		// request of the load is still served.
		done := make(chan string)
		go func() { done <- runWrk(t, wrk, s.url, 3*time.Second) }()
		time.Sleep(time.Second)
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		if code := get(t, s.url+"/ready"); code != http.StatusServiceUnavailable {
			t.Errorf("GET /ready after SIGTERM: %d, want 503", code)
		}
		out := <-done
		r := parseWrk(t, out)
		if r.errors != "" || r.non2xx != 0 || r.requests == 0 {
			t.Errorf("during the drain, wrk: %d requests, %d non-2xx, errors %q\n%s", r.requests, r.non2xx, r.errors, out)
		}
		if code := s.wait(t, 30*time.Second); code != 0 {
			t.Errorf("exit status %d after SIGTERM, want 0", code)
		}
		s.noRace(t)
	})

	t.Run("slow and oversized clients", func(t *testing.T) {
		s := start(t, bin)
		var wg sync.WaitGroup
		// ReadHeaderTimeout (10 s) closes a connection whose headers
		// never end, and ReadTimeout (30 s) one whose body never ends.
		for _, tc := range []struct {
			name, send string
			within     time.Duration
		}{
			{"slow headers", "GET /api/items HTTP/1.1\r\nHost: x\r\nX-Slow: ", 15 * time.Second},
			{"slow body", "POST /api/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na", 35 * time.Second},
		} {
			wg.Go(func() {
				if d, err := cutOff(s.addr, tc.send, tc.within); err != nil {
					t.Errorf("%s: %v", tc.name, err)
				} else {
					t.Logf("%s: cut off after %s", tc.name, d.Round(100*time.Millisecond))
				}
			})
		}
		// A body over MaxBodyBytes (1 MiB) is refused with 413 without
		// being read to its end.
		big := `{"name":"` + strings.Repeat("x", 2<<20) + `"}`
		res, err := http.Post(s.url+"/api/items", "application/json", strings.NewReader(big))
		if err != nil {
			t.Errorf("oversized body: %v", err)
		} else {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("oversized body: %d, want 413", res.StatusCode)
			}
		}
		// Headers over http.DefaultMaxHeaderBytes (1 MiB): 431.
		req, _ := http.NewRequest("GET", s.url+"/api/items", nil)
		req.Header.Set("X-Big", strings.Repeat("y", 2<<20))
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
				t.Errorf("oversized headers: %d, want 431", res.StatusCode)
			}
		} // else: the server closed the connection while the client still wrote, which is a cut-off too
		wg.Wait()
		// The server still serves after all that.
		if code := get(t, s.url+"/api/items"); code != http.StatusOK {
			t.Errorf("GET /api/items after the slow clients: %d", code)
		}
		s.stop(t, syscall.SIGTERM)
		s.noRace(t)
	})
}

// cutOff sends a request's start and nothing more, and returns how long the
// server took to close the connection, or an error if it did not within d.
func cutOff(addr, send string, d time.Duration) (time.Duration, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	start := time.Now()
	if _, err := io.WriteString(c, send); err != nil {
		return 0, err
	}
	c.SetReadDeadline(start.Add(d))
	// Whatever the server answers (408, or nothing), it then closes.
	_, err = io.Copy(io.Discard, c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return 0, fmt.Errorf("connection still open after %s", d)
	}
	return time.Since(start), nil
}

func wrkBinary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("wrk")
	if err == nil {
		return p
	}
	testenv.Missing(t, "wrk is missing; install it with: bash scripts/packages.sh wrk (%v)", err)
	return ""
}

// build scaffolds the application and builds its server with -race.
func build(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	var out, errb bytes.Buffer
	args := []string{"orders", "--root", root, "-t", "go-server"}
	if code := cli.Execute(cli.NewApplicationCmd(), args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errb}); code != 0 {
		t.Fatalf("harness-application %v: exit %d\n%s", args, code, errb.String())
	}
	bin := filepath.Join(t.TempDir(), "orders")
	cmd := exec.Command("go", "build", "-race", "-o", bin, "./applications/orders/backend")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -race: %v\n%s", err, b)
	}
	return bin
}

type server struct {
	cmd  *exec.Cmd
	addr string
	url  string
	mu   sync.Mutex
	logs bytes.Buffer
	done chan struct{}
	code int
}

func (s *server) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.Write(p)
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

func start(t *testing.T, bin string) *server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &server{addr: fmt.Sprintf("127.0.0.1:%d", port), done: make(chan struct{})}
	s.url = "http://" + s.addr
	s.cmd = exec.Command(bin)
	// No harness values: the port comes from PORT. A race halts the
	// server with status 66, so it cannot go unnoticed.
	s.cmd.Env = []string{fmt.Sprintf("PORT=%d", port), "LOG_LEVEL=warn", "GORACE=halt_on_error=1 exitcode=66"}
	s.cmd.Stdout, s.cmd.Stderr = s, s
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := s.cmd.Wait()
		s.code = s.cmd.ProcessState.ExitCode()
		if err != nil && s.code == 0 {
			s.code = -1
		}
		close(s.done)
	}()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.done
		if t.Failed() {
			t.Logf("server log:\n%s", s.log())
		}
	})
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		res, err := http.Get(s.url + "/ready")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server at %s is not ready after 15 s: %v\n%s", s.url, err, s.log())
		}
	}
}

func (s *server) stop(t *testing.T, sig os.Signal) int {
	t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	return s.wait(t, 30*time.Second)
}

func (s *server) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-s.done:
		return s.code
	case <-time.After(d):
		t.Fatalf("the server did not exit within %s", d)
		return -1
	}
}

func (s *server) noRace(t *testing.T) {
	t.Helper()
	if strings.Contains(s.log(), "DATA RACE") {
		t.Errorf("the race detector reported a race:\n%s", s.log())
	}
}

// peakRSS is the process's high-water resident memory (VmHWM).
func (s *server) peakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no VmHWM in /proc/%d/status", s.cmd.Process.Pid)
	}
	kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10
}

func get(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// mix alternates creates and lists, so writes race reads on the store.
const mix = `
local n = 0
request = function()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("POST", "/api/items", {["Content-Type"] = "application/json"}, '{"name":"load-' .. n .. '","tags":["a","b"]}')
  end
  return wrk.format("GET", "/api/items?limit=5")
end
`

func runWrk(t *testing.T, wrk, url string, d time.Duration) string {
	script := filepath.Join(t.TempDir(), "mix.lua")
	if err := os.WriteFile(script, []byte(mix), 0o644); err != nil {
		t.Error(err)
		return ""
	}
	out, err := exec.Command(wrk, "-t2", "-c32", "-d"+strconv.Itoa(int(d.Seconds()))+"s", "--latency", "-s", script, url).CombinedOutput()
	if err != nil {
		t.Errorf("wrk: %v\n%s", err, out)
	}
	return string(out)
}

type wrkResult struct {
	requests int
	non2xx   int
	errors   string
	rps      float64
	p99      string
}

var (
	reRequests = regexp.MustCompile(`(\d+) requests in`)
	reNon2xx   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	reErrors   = regexp.MustCompile(`Socket errors: .*`)
	reRPS      = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	reP99      = regexp.MustCompile(`\s99%\s+(\S+)`)
)

func parseWrk(t *testing.T, out string) wrkResult {
	t.Helper()
	var r wrkResult
	if m := reRequests.FindStringSubmatch(out); m != nil {
		r.requests, _ = strconv.Atoi(m[1])
	}
	if m := reNon2xx.FindStringSubmatch(out); m != nil {
		r.non2xx, _ = strconv.Atoi(m[1])
	}
	r.errors = reErrors.FindString(out)
	if m := reRPS.FindStringSubmatch(out); m != nil {
		r.rps, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := reP99.FindStringSubmatch(out); m != nil {
		r.p99 = m[1]
	}
	return r
}
