package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRequestIDFollows: a client called with an operation's context sends
// that request's ID on, so that one ID follows a request through services.
func TestRequestIDFollows(t *testing.T) {
	var got []string
	downstream := NewServer(Options{Logger: slog.New(slog.DiscardHandler)}, nil)
	downstream.Handle("GET /down", "Down", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, RequestID(r.Context()))
		downstream.Send(w, r, "Down", Response{Status: 204})
	})
	down := httptest.NewServer(downstream)
	defer down.Close()
	upstream := NewServer(Options{Logger: slog.New(slog.DiscardHandler)}, nil)
	upstream.Handle("GET /up", "Up", func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequestWithContext(r.Context(), "GET", down.URL+"/down", nil)
		res, err := Do(req, Call{Operation: "Down"})
		if err != nil {
			upstream.Fail(w, r, "Up", err)
			return
		}
		res.Body.Close()
		upstream.Send(w, r, "Up", Response{Status: 204})
	})
	up := httptest.NewServer(upstream)
	defer up.Close()
	req, _ := http.NewRequest("GET", up.URL+"/up", nil)
	req.Header.Set(RequestIDHeader, "trace-1")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 204 || len(got) != 1 || got[0] != "trace-1" {
		t.Errorf("status %d, downstream saw %v, want trace-1", res.StatusCode, got)
	}
	// Edit runs after, and a request's own ID is kept.
	req, _ = http.NewRequestWithContext(WithRequestID(context.Background(), "ctx-id"), "GET", down.URL+"/down", nil)
	req.Header.Set(RequestIDHeader, "own")
	edited := false
	if _, err := Do(req, Call{HTTP: down.Client(), Edit: func(r *http.Request) error { edited = r.Header.Get(RequestIDHeader) == "own"; return nil }}); err != nil || !edited {
		t.Errorf("edit saw the request's own ID: %v, %v", edited, err)
	}
	req, _ = http.NewRequest("GET", down.URL+"/down", nil)
	if _, err := Do(req, Call{Operation: "Down", Edit: func(*http.Request) error { return errors.New("no token") }}); err == nil || err.Error() != "Down: no token" {
		t.Errorf("edit's error: %v", err)
	}
}

func TestClientError(t *testing.T) {
	s := testServer(Options{Logger: slog.New(slog.DiscardHandler)})
	srv := httptest.NewServer(s)
	defer srv.Close()
	res, err := http.Post(srv.URL+"/items", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	err = Unexpected("CreateItem", res)
	var ce *ClientError
	if !errors.As(err, &ce) || ce.StatusCode != 400 || err.Error() != "CreateItem: unexpected answer 400 Bad Request: invalid request: body name: is required" {
		t.Fatalf("%v", err)
	}
	p, ok := ce.Problem()
	want := []FieldError{{In: "body", Field: "name", Pointer: "/name", Detail: "is required"}}
	if !ok || p.Status != 400 || !reflect.DeepEqual(p.Errors, want) {
		t.Errorf("problem %+v, %v", p, ok)
	}
	if _, ok := (&ClientError{Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("x")}).Problem(); ok {
		t.Error("a text answer decoded as a problem")
	}
}

type stringer struct{}

func (stringer) String() string { return "S" }

func TestClientParams(t *testing.T) {
	when := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tt := range []struct {
		v    any
		want string
	}{{"a", "a"}, {int64(3), "3"}, {1.5, "1.5"}, {true, "true"}, {when, "2024-01-02T03:04:05Z"}, {Date{when}, "2024-01-02"}, {stringer{}, "S"}} {
		if got := FormatParam(tt.v); got != tt.want {
			t.Errorf("FormatParam(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
	if got := FormatParams([]int32{1, 2}); !reflect.DeepEqual(got, []string{"1", "2"}) {
		t.Errorf("FormatParams: %v", got)
	}
	type form struct {
		N    int64    `json:"n"`
		Tags []string `json:"tags"`
		Opt  *string  `json:"opt,omitempty"`
	}
	vals, err := FormValues(form{N: 12345678901, Tags: []string{"a", "b"}})
	if err != nil || vals.Encode() != "n=12345678901&tags=a&tags=b" {
		t.Errorf("FormValues: %s, %v", vals.Encode(), err)
	}
	q := url.Values{}
	if err := DeepValues(q, "f", form{N: 1, Tags: []string{"x", "y"}}); err != nil || q.Encode() != "f%5Bn%5D=1&f%5Btags%5D%5B0%5D=x&f%5Btags%5D%5B1%5D=y" {
		t.Errorf("DeepValues: %s, %v", q.Encode(), err)
	}
	// What the client writes, the server reads back.
	if got := DeepObject(q, "f"); !reflect.DeepEqual(got, url.Values{"n": {"1"}, "tags": {"x", "y"}}) {
		t.Errorf("DeepObject of DeepValues: %v", got)
	}
	if _, err := FormValues(func() {}); err == nil {
		t.Error("FormValues of a func")
	}
}

func TestEncodeMultipart(t *testing.T) {
	in := &multipart.Form{Value: map[string][]string{"title": {"report"}, "a": {"1", "2"}}}
	body, ct, err := EncodeMultipart(in)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/", body)
	req.Header.Set("Content-Type", ct)
	if err := req.ParseMultipartForm(1 << 20); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(req.MultipartForm.Value, in.Value) {
		t.Errorf("read back %v", req.MultipartForm.Value)
	}
	// With a file, the parts round-trip too.
	var buf strings.Builder
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", "a.txt")
	io.WriteString(fw, "content")
	w.Close()
	form, err := multipart.NewReader(strings.NewReader(buf.String()), w.Boundary()).ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	body, ct, err = EncodeMultipart(form)
	if err != nil {
		t.Fatal(err)
	}
	req = httptest.NewRequest("POST", "/", body)
	req.Header.Set("Content-Type", ct)
	f, fh, err := req.FormFile("file")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(f)
	if fh.Filename != "a.txt" || string(data) != "content" {
		t.Errorf("file %s: %q", fh.Filename, data)
	}
}

// script answers the requests of a test in turn: a status (with a
// Retry-After when given), or "reset" to close the connection unanswered.
type script struct {
	mu     sync.Mutex
	steps  []string
	bodies []string // the bodies received
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(body))
	step := "200"
	if len(s.steps) > 0 {
		step, s.steps = s.steps[0], s.steps[1:]
	}
	s.mu.Unlock()
	code, after, _ := strings.Cut(step, " Retry-After: ")
	if code == "reset" {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	if after != "" {
		w.Header().Set("Retry-After", after)
	}
	status, _ := strconv.Atoi(code)
	w.WriteHeader(status)
	io.WriteString(w, "answer "+code)
}

func TestRetry(t *testing.T) {
	fast := Retry{Wait: time.Millisecond, MaxWait: 5 * time.Millisecond}
	tests := []struct {
		name, method string
		header       map[string]string
		body         string
		retry        Retry
		steps        []string
		attempts     int
		status       int // 0: an error
	}{
		{name: "503 then 200", method: "GET", retry: fast, steps: []string{"503", "200"}, attempts: 2, status: 200},
		{name: "gateways, to the last attempt", method: "GET", retry: fast, steps: []string{"502", "504", "503", "200"}, attempts: 3, status: 503},
		{name: "more attempts", method: "HEAD", retry: Retry{Attempts: 5, Wait: time.Millisecond, MaxWait: time.Millisecond}, steps: []string{"503", "503", "503", "503", "503"}, attempts: 5, status: 503},
		{name: "off", method: "GET", retry: Retry{Attempts: 1}, steps: []string{"503"}, attempts: 1, status: 503},
		{name: "500 is not retried", method: "GET", retry: fast, steps: []string{"500"}, attempts: 1, status: 500},
		{name: "POST is not retried", method: "POST", body: "x", retry: fast, steps: []string{"503"}, attempts: 1, status: 503},
		{name: "POST with an Idempotency-Key", method: "POST", body: "x", header: map[string]string{"Idempotency-Key": "k1"}, retry: fast, steps: []string{"503", "201"}, attempts: 2, status: 201},
		{name: "PUT sends its body again", method: "PUT", body: `{"name":"rex"}`, retry: fast, steps: []string{"502", "reset", "204"}, attempts: 3, status: 204},
		{name: "DELETE and OPTIONS", method: "DELETE", retry: fast, steps: []string{"504", "204"}, attempts: 2, status: 204},
		{name: "a connection failure", method: "OPTIONS", retry: fast, steps: []string{"reset", "200"}, attempts: 2, status: 200},
		{name: "a POST's connection failure", method: "POST", body: "x", retry: fast, steps: []string{"reset"}, attempts: 1},
		{name: "failures to the last attempt", method: "GET", retry: fast, steps: []string{"reset", "reset", "reset"}, attempts: 3},
		{name: "Retry-After within MaxWait", method: "GET", retry: fast, steps: []string{"503 Retry-After: 0", "200"}, attempts: 2, status: 200},
		{name: "Retry-After beyond MaxWait", method: "GET", retry: fast, steps: []string{"503 Retry-After: 60", "200"}, attempts: 1, status: 503},
		{name: "Retry-After as a date", method: "GET", retry: fast, steps: []string{"503 Retry-After: " + time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}, attempts: 1, status: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{steps: tt.steps}
			srv := httptest.NewServer(s)
			defer srv.Close()
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, _ := http.NewRequest(tt.method, srv.URL+"/x", body)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			// A connection per attempt: net/http's transport retries some
			// failures on reused connections itself.
			hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			res, err := Do(req, Call{Operation: "Op", HTTP: hc, Retry: tt.retry})
			if tt.status == 0 {
				if err == nil || !strings.HasPrefix(err.Error(), "Op: ") {
					t.Errorf("error %v, want one naming the operation", err)
				}
			} else if err != nil || res.StatusCode != tt.status {
				t.Fatalf("%v, %v; want %d", res, err, tt.status)
			} else {
				data, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil || tt.method != "HEAD" && tt.status != 204 && string(data) != "answer "+strconv.Itoa(tt.status) {
					t.Errorf("body %q, %v", data, err)
				}
			}
			s.mu.Lock()
			bodies := s.bodies
			s.mu.Unlock()
			if len(bodies) != tt.attempts {
				t.Errorf("%d attempts, want %d", len(bodies), tt.attempts)
			}
			for i, b := range bodies {
				if b != tt.body {
					t.Errorf("attempt %d sent %q, want %q", i+1, b, tt.body)
				}
			}
		})
	}
}

// TestRetryContext: the context's end stops the waits between attempts.
func TestRetryContext(t *testing.T) {
	s := &script{steps: []string{"503", "503"}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL, nil)
	start := time.Now()
	_, err := Do(req, Call{Operation: "Op", Retry: Retry{Wait: time.Minute, MaxWait: time.Minute}})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.HasPrefix(err.Error(), "Op: ") || time.Since(start) > 10*time.Second {
		t.Errorf("%v after %v", err, time.Since(start))
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		retry    Retry
		n        int
		min, max time.Duration
	}{
		{Retry{}, 1, 50 * time.Millisecond, 100 * time.Millisecond},
		{Retry{}, 2, 100 * time.Millisecond, 200 * time.Millisecond},
		{Retry{}, 5, 800 * time.Millisecond, 1600 * time.Millisecond},
		{Retry{}, 6, time.Second, 2 * time.Second},
		{Retry{}, 100, time.Second, 2 * time.Second},
		{Retry{Wait: time.Second, MaxWait: 3 * time.Second}, 3, 1500 * time.Millisecond, 3 * time.Second},
	}
	for _, tt := range tests {
		for range 100 {
			if d := tt.retry.backoff(tt.n); d < tt.min || d > tt.max {
				t.Fatalf("%+v backoff(%d) = %v, want %v to %v", tt.retry, tt.n, d, tt.min, tt.max)
			}
		}
	}
	if (Retry{}).attempts() != 3 || (Retry{Attempts: 1}).attempts() != 1 {
		t.Error("attempts")
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{{"", 0, false}, {"3", 3 * time.Second, true}, {"-1", 0, false}, {"soon", 0, false}, {"Wed, 21 Oct 2015 07:28:00 GMT", 0, true}} {
		if got, ok := retryAfter(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("retryAfter(%q) = %v, %v", tt.in, got, ok)
		}
	}
}

// TestResponseBodies: an answer's body reads up to MaxResponseBytes, and
// closing it unread leaves its connection for the next call.
func TestResponseBodies(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		w.Write(bytes.Repeat([]byte("x"), n))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	tests := []struct {
		name  string
		limit int64
		size  int
		err   bool
	}{
		{"at the bound", 10, 10, false},
		{"beyond", 10, 11, true},
		{"far beyond", 10, 1 << 20, true},
		{"default", 0, 1 << 20, false},
		{"no bound", -1, 1 << 20, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+"/?n="+strconv.Itoa(tt.size), nil)
			res, err := Do(req, Call{Operation: "Get", MaxResponseBytes: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(res.Body)
			res.Body.Close()
			if tt.err {
				if !errors.Is(err, ErrResponseTooLarge) || !strings.HasPrefix(err.Error(), "Get: response body too large (more than 10 bytes)") || int64(len(data)) != tt.limit {
					t.Errorf("%d bytes, %v", len(data), err)
				}
			} else if err != nil || len(data) != tt.size {
				t.Errorf("%d bytes, %v", len(data), err)
			}
		})
	}
	// Unread answers, closed: one connection for them all.
	srv.CloseClientConnections()
	sharedClient.CloseIdleConnections()
	conns.Store(0)
	for range 5 {
		req, _ := http.NewRequest("GET", srv.URL+"/?n=2000", nil)
		res, err := Do(req, Call{Operation: "Get"})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 5 calls whose answers were closed unread", n)
	}
}

func TestTransport(t *testing.T) {
	tr := NewTransport()
	if tr.MaxIdleConnsPerHost < 32 || tr.ResponseHeaderTimeout == 0 || tr.TLSHandshakeTimeout == 0 || tr.IdleConnTimeout == 0 || tr.Proxy == nil {
		t.Errorf("transport %+v", tr)
	}
	if sharedClient.Transport == http.DefaultTransport || sharedClient.Timeout != 0 {
		t.Error("the shared client")
	}
}

func TestClientErrorText(t *testing.T) {
	problem := http.Header{"Content-Type": {ProblemContentType}}
	for _, tt := range []struct {
		e    ClientError
		want string
	}{
		{ClientError{Operation: "GetPet", StatusCode: 404, Header: problem, Body: []byte(`{"title":"Not Found","status":404,"detail":"no pet 7"}`)}, "GetPet: unexpected answer 404 Not Found: no pet 7"},
		{ClientError{Operation: "GetPet", StatusCode: 502, Header: http.Header{}, Body: []byte("bad gateway\n")}, "GetPet: unexpected answer 502: bad gateway"},
		{ClientError{Operation: "GetPet", StatusCode: 500, Header: http.Header{}}, "GetPet: unexpected answer 500"},
		{ClientError{Operation: "GetPet", StatusCode: 500, Header: http.Header{}, Body: bytes.Repeat([]byte("a"), 300)}, "GetPet: unexpected answer 500: " + strings.Repeat("a", 200) + "..."},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
}
