package scaffold_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/harness-sh/harness/internal/generate"
	"github.com/harness-sh/harness/internal/scaffold"
)

// TestTelemetry runs scaffolded servers, one per main.go harness writes
// (go-server's and each database template's), and watches what their
// telemetry.go sends: nothing without OTEL_* variables, and with them a
// span per operation named by its operationId, in the caller's trace, and
// the HTTP metrics, flushed at exit.
func TestTelemetry(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs scaffolded servers")
	}
	root := t.TempDir()
	apps := []struct {
		name string
		tpls []string
		env  []string
	}{
		{"plain", []string{"go-server"}, nil},
		// No database answers: the servers start anyway (their drivers
		// connect lazily), and the operation's span is there whatever
		// it answers.
		{"pg", []string{"go-server", "db-postgres"}, []string{"DATABASE_URL=postgres://u:p@127.0.0.1:1/db?connect_timeout=1", "MIGRATE_ON_START=false"}},
		{"docs", []string{"go-server", "db-mongo"}, []string{"DATABASE_URL=mongodb://127.0.0.1:1"}},
		{"graph", []string{"go-server", "db-neo4j"}, []string{"DATABASE_URL=neo4j://127.0.0.1:1"}},
	}
	bins := map[string]string{}
	appEnv := map[string][]string{}
	for _, a := range apps {
		if _, err := (&scaffold.Application{Root: root, Name: a.name, Templates: a.tpls, Generator: generate.Scaffolder{}}).Run(context.Background()); err != nil {
			t.Fatalf("%s: %v", a.name, err)
		}
		appEnv[a.name] = a.env
	}
	for _, a := range apps {
		bins[a.name] = filepath.Join(t.TempDir(), a.name)
		cmd := exec.Command("go", "build", "-o", bins[a.name], "./applications/"+a.name+"/backend")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", a.name, err, out)
		}
	}
	// Telemetry is kept until the process exits: large intervals prove the
	// flush at exit, not a periodic export, delivered it.
	late := func(env ...string) []string {
		return append([]string{"OTEL_BSP_SCHEDULE_DELAY=600000", "OTEL_METRIC_EXPORT_INTERVAL=600000"}, env...)
	}

	type want struct {
		exit     string   // the server stops at start with this in its log
		log      string   // a line of the log says this
		spans    []string // span names received over OTLP
		metrics  bool     // http.server.request.duration received over OTLP
		service  string   // service.name of what was received
		console  []string // span names printed on stdout
		silent   bool     // nothing received, nothing printed
		otlpPost bool     // OTLP requests were received at all
	}
	tests := []struct {
		name string
		app  string
		env  func(receiver string) []string
		want want
	}{
		{"off without OTEL variables", "plain", func(string) []string { return nil },
			want{log: "telemetry off: set OTEL_EXPORTER_OTLP_ENDPOINT", silent: true}},
		{"OTEL_SDK_DISABLED wins over an endpoint", "plain", func(r string) []string {
			return []string{"OTEL_SDK_DISABLED=TRUE", "OTEL_EXPORTER_OTLP_ENDPOINT=" + r}
		}, want{log: "telemetry off: OTEL_SDK_DISABLED is true", silent: true}},
		{"endpoint: go-server", "plain", func(r string) []string { return late("OTEL_EXPORTER_OTLP_ENDPOINT=" + r) },
			want{spans: []string{"listItems"}, metrics: true, service: "plain", otlpPost: true}},
		{"endpoint: db-postgres", "pg", func(r string) []string { return late("OTEL_EXPORTER_OTLP_ENDPOINT=" + r) },
			want{spans: []string{"listItems"}, metrics: true, service: "pg", otlpPost: true}},
		{"endpoint: db-mongo", "docs", func(r string) []string { return late("OTEL_EXPORTER_OTLP_ENDPOINT=" + r) },
			want{spans: []string{"listItems"}, metrics: true, service: "docs", otlpPost: true}},
		{"endpoint: db-neo4j", "graph", func(r string) []string { return late("OTEL_EXPORTER_OTLP_ENDPOINT=" + r) },
			want{spans: []string{"listItems"}, metrics: true, service: "graph", otlpPost: true}},
		{"traces endpoint only, service name from the environment", "plain", func(r string) []string {
			return late("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="+r+"/v1/traces", "OTEL_SERVICE_NAME=orders")
		}, want{spans: []string{"listItems"}, service: "orders", otlpPost: true}},
		{"traces none, metrics by the endpoint", "plain", func(r string) []string {
			return late("OTEL_TRACES_EXPORTER=none", "OTEL_EXPORTER_OTLP_ENDPOINT="+r)
		}, want{metrics: true, service: "plain", otlpPost: true}},
		{"console traces", "plain", func(string) []string { return []string{"OTEL_TRACES_EXPORTER=console"} },
			want{console: []string{"listItems"}, log: `"traces":"console","metrics":"off"`}},
		{"unknown exporter", "plain", func(string) []string { return []string{"OTEL_TRACES_EXPORTER=jaeger"} },
			want{exit: `OTEL_TRACES_EXPORTER=\"jaeger\": want otlp, console or none`}},
		{"gRPC protocol", "plain", func(r string) []string {
			return []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + r, "OTEL_EXPORTER_OTLP_PROTOCOL=grpc"}
		}, want{exit: `OTEL_EXPORTER_OTLP_PROTOCOL=\"grpc\": this server sends OTLP as http/protobuf only`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &otlpReceiver{}
			recv := httptest.NewServer(rec)
			defer recv.Close()
			if tc.name == "off without OTEL variables" {
				// The exporters' default endpoint: nothing may dial it.
				defer watchDefaultEndpoint(t)()
			}
			env := append(slices.Clone(appEnv[tc.app]), tc.env(recv.URL)...)
			srv := startServer(t, bins[tc.app], env)
			if tc.want.exit != "" {
				code, log := srv.waitExit(t)
				if code != 1 || !strings.Contains(log, tc.want.exit) {
					t.Fatalf("exit %d, want 1 with %q in the log:\n%s", code, tc.want.exit, log)
				}
				return
			}
			// The caller's trace: the server's span joins it.
			traceID := "4bf92f3577b34da6a3ce929d0e0e4736"
			req, _ := http.NewRequest("GET", srv.url+"/api/items", nil)
			req.Header.Set("traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			stdout, log := srv.stop(t)
			if tc.want.log != "" && !strings.Contains(log, tc.want.log) {
				t.Errorf("the log lacks %q:\n%s", tc.want.log, log)
			}
			got, err := rec.received()
			if err != nil {
				t.Fatal(err)
			}
			if got.posts > 0 != tc.want.otlpPost {
				t.Errorf("%d OTLP requests received, want any: %v", got.posts, tc.want.otlpPost)
			}
			if tc.want.silent && stdout != "" {
				t.Errorf("stdout, want nothing:\n%s", stdout)
			}
			var names []string
			for _, s := range got.spans {
				names = append(names, s.name)
				if s.traceID != traceID {
					t.Errorf("span %s in trace %s, want the caller's %s", s.name, s.traceID, traceID)
				}
			}
			if !slices.Equal(names, tc.want.spans) {
				t.Errorf("spans %q, want %q", names, tc.want.spans)
			}
			if has := slices.Contains(got.metrics, "http.server.request.duration"); has != tc.want.metrics {
				t.Errorf("metrics %q: http.server.request.duration %v, want %v", got.metrics, has, tc.want.metrics)
			}
			for _, s := range got.services {
				if s != tc.want.service {
					t.Errorf("service.name %q, want %q", s, tc.want.service)
				}
			}
			printed, err := consoleSpans(stdout)
			if err != nil {
				t.Fatalf("%v:\n%s", err, stdout)
			}
			if !slices.Equal(printed, tc.want.console) {
				t.Errorf("stdout spans %q, want %q", printed, tc.want.console)
			}
		})
	}
}

// watchDefaultEndpoint listens where the OTLP exporters send by default
// (localhost:4318) and, when the returned function runs, fails the test if
// anything connected. A port taken by something else skips the check.
func watchDefaultEndpoint(t *testing.T) func() {
	var lns []net.Listener
	for _, addr := range []string{"127.0.0.1:4318", "[::1]:4318"} {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Logf("not watching %s: %v", addr, err)
			continue
		}
		lns = append(lns, ln)
	}
	var mu sync.Mutex
	var dialed []string
	var wg sync.WaitGroup
	for _, ln := range lns {
		wg.Go(func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				mu.Lock()
				dialed = append(dialed, c.RemoteAddr().String())
				mu.Unlock()
				c.Close()
			}
		})
	}
	return func() {
		for _, ln := range lns {
			ln.Close()
		}
		wg.Wait()
		if len(dialed) > 0 {
			t.Errorf("connections to the default OTLP endpoint from %v", dialed)
		}
	}
}

// server is a scaffolded server running as a process.
type server struct {
	cmd       *exec.Cmd
	url       string
	stdout    bytes.Buffer // read once exited is closed
	mu        sync.Mutex
	log       strings.Builder
	listening chan struct{}
	exited    chan struct{}
}

// startServer starts bin with env (and no OTEL_* variable of the test's
// own environment) on a free port, and waits until it listens or exits.
func startServer(t *testing.T, bin string, env []string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	base := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "OTEL_") })
	s := &server{cmd: exec.Command(bin), url: "http://127.0.0.1:" + strconv.Itoa(port), listening: make(chan struct{}), exited: make(chan struct{})}
	s.cmd.Env = append(append(base, "PORT="+strconv.Itoa(port)), env...)
	s.cmd.Stdout = &s.stdout
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		heard := false
		for sc.Scan() {
			s.mu.Lock()
			s.log.WriteString(sc.Text() + "\n")
			s.mu.Unlock()
			if !heard && strings.Contains(sc.Text(), `"msg":"listening"`) {
				heard = true
				close(s.listening)
			}
		}
		s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		<-s.exited
	})
	select {
	case <-s.listening:
	case <-s.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("the server neither listens nor stops:\n%s", s.logText())
	}
	return s
}

func (s *server) logText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// waitExit returns the exit code of a server that stops by itself, and its log.
func (s *server) waitExit(t *testing.T) (int, string) {
	t.Helper()
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("the server does not stop:\n%s", s.logText())
	}
	return s.cmd.ProcessState.ExitCode(), s.logText()
}

// stop sends SIGTERM, as Kubernetes does, and returns the server's stdout
// and log once it has drained, shut down and flushed.
func (s *server) stop(t *testing.T) (string, string) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code, log := s.waitExit(t)
	if code != 0 {
		t.Fatalf("exit %d after SIGTERM:\n%s", code, log)
	}
	return s.stdout.String(), log
}

// otlpReceiver is a collector's OTLP/HTTP endpoint that keeps what it is sent.
type otlpReceiver struct {
	mu     sync.Mutex
	bodies map[string][][]byte // by path: /v1/traces, /v1/metrics
}

func (o *otlpReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	data, err := io.ReadAll(body)
	if err != nil || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-protobuf" {
		http.Error(w, fmt.Sprintf("want a POST of application/x-protobuf (%v)", err), http.StatusBadRequest)
		return
	}
	o.mu.Lock()
	if o.bodies == nil {
		o.bodies = map[string][][]byte{}
	}
	o.bodies[r.URL.Path] = append(o.bodies[r.URL.Path], data)
	o.mu.Unlock()
	// An empty Export*ServiceResponse: everything accepted.
	w.Header().Set("Content-Type", "application/x-protobuf")
}

type receivedSpan struct{ name, traceID string }

type received struct {
	posts    int
	spans    []receivedSpan
	metrics  []string // metric names
	services []string // service.name of each resource
}

// received decodes what the receiver got, by the OTLP field numbers of
// opentelemetry-proto's collector, trace, metrics, resource and common
// messages.
func (o *otlpReceiver) received() (*received, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := &received{}
	for path, bodies := range o.bodies {
		for _, b := range bodies {
			out.posts++
			var err error
			switch path {
			case "/v1/traces":
				err = out.addTraces(b)
			case "/v1/metrics":
				err = out.addMetrics(b)
			default:
				err = fmt.Errorf("a POST to %s", path)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// addTraces reads an ExportTraceServiceRequest: resource_spans (1) of
// resource (1) and scope_spans (2), whose spans (2) have trace_id (1) and
// name (5).
func (r *received) addTraces(b []byte) error {
	rss, err := fields(b, 1)
	for _, rs := range rss {
		r.addResource(rs)
		for _, ss := range must(&err, rs, 2) {
			for _, span := range must(&err, ss, 2) {
				id, name := must(&err, span, 1), must(&err, span, 5)
				if len(id) != 1 || len(name) != 1 {
					return errors.New("a span without one trace_id and one name")
				}
				r.spans = append(r.spans, receivedSpan{name: string(name[0]), traceID: fmt.Sprintf("%x", id[0])})
			}
		}
	}
	return err
}

// addMetrics reads an ExportMetricsServiceRequest: resource_metrics (1) of
// resource (1) and scope_metrics (2), whose metrics (2) have a name (1).
func (r *received) addMetrics(b []byte) error {
	rms, err := fields(b, 1)
	for _, rm := range rms {
		r.addResource(rm)
		for _, sm := range must(&err, rm, 2) {
			for _, m := range must(&err, sm, 2) {
				for _, name := range must(&err, m, 1) {
					r.metrics = append(r.metrics, string(name))
				}
			}
		}
	}
	return err
}

// addResource notes service.name of the resource (1) of resource spans or
// metrics: its attributes (1) are KeyValues, key (1) and value (2), whose
// AnyValue holds string_value (1).
func (r *received) addResource(b []byte) {
	var err error
	for _, res := range must(&err, b, 1) {
		for _, kv := range must(&err, res, 1) {
			key := must(&err, kv, 1)
			if len(key) == 1 && string(key[0]) == "service.name" {
				for _, v := range must(&err, kv, 2) {
					for _, s := range must(&err, v, 1) {
						r.services = append(r.services, string(s))
					}
				}
			}
		}
	}
	if err != nil {
		r.services = append(r.services, "(undecodable: "+err.Error()+")")
	}
}

// must is fields, keeping the first error in *err.
func must(err *error, b []byte, num protowire.Number) [][]byte {
	v, e := fields(b, num)
	if *err == nil {
		*err = e
	}
	return v
}

// fields returns the length-delimited values (messages, strings, bytes) of
// field num in the protobuf message b.
func fields(b []byte, num protowire.Number) ([][]byte, error) {
	var out [][]byte
	for len(b) > 0 {
		n, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return nil, protowire.ParseError(l)
		}
		b = b[l:]
		l = protowire.ConsumeFieldValue(n, typ, b)
		if l < 0 {
			return nil, protowire.ParseError(l)
		}
		if n == num && typ == protowire.BytesType {
			v, _ := protowire.ConsumeBytes(b)
			out = append(out, v)
		}
		b = b[l:]
	}
	return out, nil
}

// consoleSpans reads the console exporter's output, a JSON object per
// span, and returns their names; anything else (a metric) is an error.
func consoleSpans(stdout string) ([]string, error) {
	var names []string
	dec := json.NewDecoder(strings.NewReader(stdout))
	for {
		var span struct{ Name string }
		err := dec.Decode(&span)
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if err != nil {
			return nil, fmt.Errorf("stdout: %w", err)
		}
		if span.Name == "" {
			return nil, errors.New("stdout holds an object that is no span")
		}
		names = append(names, span.Name)
	}
}
