package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// logBuffer is a log sink the server writes while the test reads.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}

// wireItem is a request body as generated code declares its wire type.
type wireItem struct {
	Name  *string `json:"name"`
	Count *int64  `json:"count"`
}

func (w *wireItem) UnmarshalJSON(b []byte) error {
	o, err := ReadObject(b)
	if err != nil {
		return err
	}
	o.Field("name", &w.Name, false)
	o.Field("count", &w.Count, false)
	return o.Err()
}

// testServer serves a few operations the way generated handlers do.
func testServer(opts Options) *Server {
	s := NewServer(opts, []SecurityScheme{
		{Name: "bearer", Type: "http", Scheme: "bearer"},
		{Name: "basic", Type: "http", Scheme: "basic"},
		{Name: "key", Type: "apiKey", In: "header", Param: "X-API-Key"},
		{Name: "qkey", Type: "apiKey", In: "query", Param: "key"},
		{Name: "ckey", Type: "apiKey", In: "cookie", Param: "session"},
	})
	s.Handle("GET /items/{id}", "GetItem", s.Wrap("GetItem", func(w http.ResponseWriter, r *http.Request) {
		switch id := r.PathValue("id"); id {
		case "ok":
			s.Send(w, r, "GetItem", Response{Status: 200, ContentType: "application/json", IsJSON: true, JSON: map[string]any{"id": id}, Header: http.Header{"Etag": {`"1"`}}})
		case "text":
			s.Send(w, r, "GetItem", Response{Status: 200, ContentType: "text/plain", Body: []byte("hello")})
		case "empty":
			s.Send(w, r, "GetItem", Response{Status: 204})
		case "nan":
			s.Send(w, r, "GetItem", Response{Status: 200, ContentType: "application/json", IsJSON: true, JSON: math.NaN()})
		case "status99":
			s.Send(w, r, "GetItem", Response{Status: 99})
		case "missing":
			s.Fail(w, r, "GetItem", &StatusError{Status: 404, Message: "no item missing"})
		case "status0":
			s.Fail(w, r, "GetItem", &StatusError{Status: 0, Message: "zero"})
		case "todo":
			s.Fail(w, r, "GetItem", ErrNotImplemented)
		case "problem":
			s.Fail(w, r, "GetItem", &Problem{Type: "https://example.com/out-of-credit", Title: "Out of credit", Status: 403, Detail: "balance 30"})
		case "boom":
			s.Fail(w, r, "GetItem", errors.New("database down"))
		case "nothing":
			s.Fail(w, r, "GetItem", nil)
		case "panic":
			panic("broken")
		case "abort":
			panic(http.ErrAbortHandler)
		}
	}))
	s.Handle("POST /items", "CreateItem", s.Wrap("CreateItem", func(w http.ResponseWriter, r *http.Request) {
		var wire wireItem
		if present, ok := s.ReadJSON(w, r, "application/json", true, &wire); !ok || !present {
			return
		}
		errs := &Errors{In: "body"}
		if wire.Name == nil {
			errs.Add(Join("", "name"), "is required")
		}
		if wire.Count != nil && *wire.Count < 0 {
			errs.Add(Join("", "count"), "must be at least 0")
		}
		if len(errs.List) > 0 {
			s.Invalid(w, r, errs.List)
			return
		}
		s.Send(w, r, "CreateItem", Response{Status: 201, ContentType: "application/json", IsJSON: true, JSON: map[string]any{"name": *wire.Name}})
	}))
	s.Handle("DELETE /items/{id}", "DeleteItem", func(w http.ResponseWriter, r *http.Request) {
		s.Send(w, r, "DeleteItem", Response{Status: 204})
	})
	secure := func(alts [][]Requirement) http.HandlerFunc {
		return s.Wrap("Secure", func(w http.ResponseWriter, r *http.Request) {
			ctx, ok := s.Authenticate(w, r, "Secure", alts)
			if !ok {
				return
			}
			user, _ := ctx.Value(userKey{}).(string)
			s.Send(w, r, "Secure", Response{Status: 200, ContentType: "text/plain", Body: []byte(user)})
		})
	}
	s.Handle("GET /secure", "Secure", secure([][]Requirement{{{Scheme: "bearer"}}, {{Scheme: "key"}}}))
	s.Handle("GET /secure/basic", "Secure", secure([][]Requirement{{{Scheme: "basic"}}}))
	s.Handle("GET /secure/both", "Secure", secure([][]Requirement{{{Scheme: "qkey"}, {Scheme: "ckey"}}}))
	s.Handle("GET /live", "", s.Live)
	s.Handle("GET /ready", "", s.Ready)
	return s
}

type userKey struct{}

func authenticate(ctx context.Context, c Credentials) (context.Context, error) {
	switch {
	case c.Token == "panic":
		panic("authenticator broke")
	case c.Token == "good", c.Username == "ann" && c.Password == "pw":
		return context.WithValue(ctx, userKey{}, c.Scheme+":"+c.Token+c.Username), nil
	}
	return nil, errors.New("bad token")
}

// answer is what a test reads of a response.
type answer struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, h http.Handler, method, target, body string, header map[string]string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	data, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, string(data)}
}

func TestAnswers(t *testing.T) {
	logs := &logBuffer{}
	s := testServer(Options{Logger: slog.New(slog.NewJSONHandler(logs, nil)), Authenticate: authenticate})
	const problemType = "application/problem+json"
	tests := []struct {
		name, method, target, body string
		header                     map[string]string
		status                     int
		contentType                string
		want                       string   // the whole body
		wantHeader                 []string // name: value
		logs                       []string // parts of the log
		nolog                      []string // not in the log
	}{
		{name: "json", method: "GET", target: "/items/ok", status: 200, contentType: "application/json", want: `{"id":"ok"}` + "\n", wantHeader: []string{`Etag: "1"`}},
		{name: "text", method: "GET", target: "/items/text", status: 200, contentType: "text/plain", want: "hello"},
		{name: "no content", method: "GET", target: "/items/empty", status: 204},
		{name: "unencodable", method: "GET", target: "/items/nan", status: 500, contentType: problemType,
			want: `{"title":"Internal Server Error","status":500,"instance":"/items/nan"}` + "\n",
			logs: []string{`"msg":"encoding the response failed"`, `"operation":"GetItem"`, `unsupported value: NaN`, `"request_id":"`}},
		{name: "invalid status", method: "GET", target: "/items/status99", status: 500, contentType: problemType,
			logs: []string{`"msg":"operation answered an invalid status"`, `"status":99`}},
		{name: "status error", method: "GET", target: "/items/missing", status: 404, contentType: problemType,
			want: `{"title":"Not Found","status":404,"detail":"no item missing","instance":"/items/missing"}` + "\n"},
		{name: "status error 0", method: "GET", target: "/items/status0", status: 500, contentType: problemType,
			logs: []string{`"msg":"operation failed"`, `"err":"0 zero"`}},
		{name: "not implemented", method: "GET", target: "/items/todo", status: 501, contentType: problemType,
			want: `{"title":"Not Implemented","status":501,"detail":"GetItem is not implemented","instance":"/items/todo"}` + "\n"},
		{name: "problem as is", method: "GET", target: "/items/problem", status: 403, contentType: problemType,
			want: `{"type":"https://example.com/out-of-credit","title":"Out of credit","status":403,"detail":"balance 30","instance":"/items/problem"}` + "\n"},
		{name: "error is not sent", method: "GET", target: "/items/boom", status: 500, contentType: problemType,
			want: `{"title":"Internal Server Error","status":500,"instance":"/items/boom"}` + "\n",
			logs: []string{`"msg":"operation failed"`, `"err":"database down"`, `"method":"GET"`, `"path":"/items/boom"`}},
		{name: "no response", method: "GET", target: "/items/nothing", status: 500, contentType: problemType,
			logs: []string{`"msg":"operation returned no response"`}},
		{name: "panic", method: "GET", target: "/items/panic", header: map[string]string{"X-Request-ID": "req-7"}, status: 500, contentType: problemType,
			want: `{"title":"Internal Server Error","status":500,"instance":"/items/panic"}` + "\n",
			logs: []string{`"msg":"operation panicked"`, `"panic":"broken"`, `"stack":"goroutine`, `"request_id":"req-7"`}},
		{name: "created", method: "POST", target: "/items", body: `{"name":"a","count":1.0}`, status: 201, contentType: "application/json", want: `{"name":"a"}` + "\n"},
		{name: "invalid", method: "POST", target: "/items", body: `{"NAME":"a","count":-1}`, status: 400, contentType: problemType,
			want: `{"title":"Bad Request","status":400,"detail":"invalid request: body name: is required (and 1 more)","instance":"/items","errors":[` +
				`{"in":"body","field":"name","pointer":"/name","detail":"is required"},{"in":"body","field":"count","pointer":"/count","detail":"must be at least 0"}]}` + "\n"},
		{name: "trailing data", method: "POST", target: "/items", body: `{"name":"a"}x`, status: 400, contentType: problemType,
			want: `{"title":"Bad Request","status":400,"detail":"invalid request: body: is not valid JSON: invalid character 'x' after top-level value","instance":"/items","errors":[` +
				`{"in":"body","detail":"is not valid JSON: invalid character 'x' after top-level value"}]}` + "\n"},
		{name: "wrong type", method: "POST", target: "/items", body: `{"name":3}`, status: 400, contentType: problemType,
			want: `{"title":"Bad Request","status":400,"detail":"invalid request: body name: must be a string, not number","instance":"/items","errors":[` +
				`{"in":"body","field":"name","pointer":"/name","detail":"must be a string, not number"}]}` + "\n"},
		{name: "missing body", method: "POST", target: "/items", status: 400, contentType: problemType,
			want: `{"title":"Bad Request","status":400,"detail":"invalid request: body: is required","instance":"/items","errors":[{"in":"body","detail":"is required"}]}` + "\n"},
		{name: "unsupported type", method: "POST", target: "/items", body: `x`, header: map[string]string{"Content-Type": "text/plain"}, status: 415, contentType: problemType,
			want: `{"title":"Unsupported Media Type","status":415,"detail":"unsupported content type; send application/json","instance":"/items"}` + "\n"},
		{name: "too large", method: "POST", target: "/items", body: `{"name":"` + strings.Repeat("x", 2<<20) + `"}`, status: 413, contentType: problemType,
			want: `{"title":"Request Entity Too Large","status":413,"detail":"request body larger than 1048576 bytes","instance":"/items"}` + "\n"},
		{name: "not found", method: "GET", target: "/nowhere", status: 404, contentType: problemType,
			want: `{"title":"Not Found","status":404,"detail":"no operation at /nowhere","instance":"/nowhere"}` + "\n"},
		{name: "method not allowed", method: "PUT", target: "/items/1", status: 405, contentType: problemType,
			want:       `{"title":"Method Not Allowed","status":405,"detail":"PUT is not allowed here; Allow lists the methods that are","instance":"/items/1"}` + "\n",
			wantHeader: []string{"Allow: GET, HEAD, DELETE"}},
		{name: "head follows get", method: "HEAD", target: "/items/ok", status: 200, contentType: "application/json"},
		{name: "no credentials", method: "GET", target: "/secure", status: 401, contentType: problemType,
			want:       `{"title":"Unauthorized","status":401,"detail":"missing or invalid credentials","instance":"/secure"}` + "\n",
			wantHeader: []string{"Www-Authenticate: Bearer"}, logs: []string{`"msg":"request not authenticated"`, `"err":"no credentials for bearer"`}},
		{name: "bearer", method: "GET", target: "/secure", header: map[string]string{"Authorization": "Bearer good"}, status: 200, want: "bearer:good"},
		{name: "bad bearer, good key", method: "GET", target: "/secure", header: map[string]string{"Authorization": "Bearer bad", "X-API-Key": "good"}, status: 200, want: "key:good"},
		{name: "bad token", method: "GET", target: "/secure", header: map[string]string{"Authorization": "bearer bad"}, status: 401, contentType: problemType},
		{name: "basic", method: "GET", target: "/secure/basic", header: map[string]string{"Authorization": "Basic YW5uOnB3"}, status: 200, want: "basic:ann"},
		{name: "basic challenge", method: "GET", target: "/secure/basic", status: 401, wantHeader: []string{`Www-Authenticate: Basic realm="api"`}},
		{name: "query and cookie keys", method: "GET", target: "/secure/both?key=good", header: map[string]string{"Cookie": "session=good"}, status: 200, want: "ckey:good"},
		{name: "one of two keys", method: "GET", target: "/secure/both?key=good", status: 401},
		{name: "panic in Authenticate", method: "GET", target: "/secure", header: map[string]string{"Authorization": "Bearer panic"}, status: 500,
			logs: []string{`"msg":"operation panicked"`, `"operation":"Secure"`, `"panic":"authenticator broke"`}},
		{name: "live", method: "GET", target: "/live", status: 200, contentType: "application/json", want: `{"status":"ok"}` + "\n"},
		{name: "ready", method: "GET", target: "/ready", status: 200, want: `{"status":"ok"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs.take()
			a := do(t, s, tt.method, tt.target, tt.body, tt.header)
			if a.status != tt.status {
				t.Errorf("status %d, want %d: %s", a.status, tt.status, a.body)
			}
			if tt.contentType != "" && a.header.Get("Content-Type") != tt.contentType {
				t.Errorf("Content-Type %q, want %q", a.header.Get("Content-Type"), tt.contentType)
			}
			if tt.want != "" && a.body != tt.want {
				t.Errorf("body\n %s\nwant\n %s", a.body, tt.want)
			}
			if tt.method != "HEAD" && tt.status != 204 {
				if cl := a.header.Get("Content-Length"); cl != strconv.Itoa(len(a.body)) {
					t.Errorf("Content-Length %q for %d bytes", cl, len(a.body))
				}
			}
			if strings.HasPrefix(a.header.Get("Content-Type"), "application/") && tt.method != "HEAD" && !json.Valid([]byte(a.body)) {
				t.Errorf("body is not JSON: %s", a.body)
			}
			for _, h := range tt.wantHeader {
				k, v, _ := strings.Cut(h, ": ")
				if got := strings.Join(a.header.Values(k), ", "); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if a.header.Get("X-Content-Type-Options") != "nosniff" || a.header.Get("X-Request-ID") == "" {
				t.Errorf("headers %v lack nosniff or the request ID", a.header)
			}
			l := logs.take()
			for _, want := range tt.logs {
				if !strings.Contains(l, want) {
					t.Errorf("log lacks %s:\n%s", want, l)
				}
			}
			if tt.status >= 500 && strings.Contains(a.body, "database") {
				t.Errorf("the cause of a 500 was sent: %s", a.body)
			}
		})
	}
}

func TestAbort(t *testing.T) {
	s := testServer(Options{Logger: slog.New(slog.DiscardHandler)})
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler panicked again", v)
		}
	}()
	s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/abort", nil))
}

// spec is an error schema of a spec, as a service answers with it.
type spec struct {
	Code    int      `json:"code"`
	Message string   `json:"message"`
	Fields  []string `json:"fields,omitempty"`
}

func TestErrorHandler(t *testing.T) {
	var causes []error
	s := testServer(Options{Logger: slog.New(slog.DiscardHandler), ErrorHandler: func(w http.ResponseWriter, r *http.Request, p *Problem) {
		causes = append(causes, p.Err)
		body := spec{Code: p.Status, Message: p.Detail}
		for _, e := range p.Errors {
			body.Fields = append(body.Fields, e.Field)
		}
		if err := WriteJSON(w, p.Status, "application/json", body); err != nil {
			t.Error(err)
		}
	}})
	tests := []struct {
		name, method, target, body string
		status                     int
		want                       string
		allow                      string
	}{
		{"invalid", "POST", "/items", `{"count":-1}`, 400, `{"code":400,"message":"invalid request: body name: is required (and 1 more)","fields":["name","count"]}`, ""},
		{"not found", "GET", "/nowhere", "", 404, `{"code":404,"message":"no operation at /nowhere"}`, ""},
		{"method", "POST", "/items/1", "", 405, `{"code":405,"message":"POST is not allowed here; Allow lists the methods that are"}`, "GET, HEAD, DELETE"},
		{"status error", "GET", "/items/missing", "", 404, `{"code":404,"message":"no item missing"}`, ""},
		{"internal", "GET", "/items/boom", "", 500, `{"code":500,"message":""}`, ""},
		{"unauthorized", "GET", "/secure", "", 401, `{"code":401,"message":"missing or invalid credentials"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s, tt.method, tt.target, tt.body, nil)
			if a.status != tt.status || a.body != tt.want+"\n" || a.header.Get("Content-Type") != "application/json" || a.header.Get("Allow") != tt.allow {
				t.Errorf("%d %s %s (Allow %q), want %d %s (Allow %q)", a.status, a.header.Get("Content-Type"), a.body, a.header.Get("Allow"), tt.status, tt.want, tt.allow)
			}
		})
	}
	if len(causes) != len(tests) || causes[4] == nil || causes[4].Error() != "database down" {
		t.Errorf("causes %v: the handler gets each problem's cause", causes)
	}
	// A panicking error handler answers a plain 500.
	s = testServer(Options{Logger: slog.New(slog.DiscardHandler), ErrorHandler: func(http.ResponseWriter, *http.Request, *Problem) { panic("oops") }})
	if a := do(t, s, "GET", "/nowhere", "", nil); a.status != 500 || a.header.Get("Content-Type") != ProblemContentType {
		t.Errorf("panicking error handler: %d %s", a.status, a.body)
	}
}

// TestReady: /ready answers the one readiness source, Options.Ready (a
// Lifecycle's Ready in a scaffolded main), with its status alone; why it
// is not ready goes to the log.
func TestReady(t *testing.T) {
	logs := &logBuffer{}
	var check error
	life := &Lifecycle{Check: func(context.Context) error { return check }}
	s := testServer(Options{Logger: slog.New(slog.NewJSONHandler(logs, nil)), Ready: life.Ready})
	tests := []struct {
		name     string
		check    error
		draining bool
		status   int
		body     string
		log      string // in the log, or "" for no line
	}{
		{"ready", nil, false, 200, `{"status":"ok"}`, ""},
		{"check fails", errors.New("dial tcp 10.0.3.7:5432: connection refused"), false, 503, `{"status":"not ready"}`,
			`"level":"WARN","msg":"not ready","err":"dial tcp 10.0.3.7:5432: connection refused"`},
		{"draining", nil, true, 503, `{"status":"not ready"}`, ""},
		{"draining, check fails too", errors.New("db down"), true, 503, `{"status":"not ready"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check = tt.check
			life.draining.Store(tt.draining)
			logs.take()
			a := do(t, s, "GET", "/ready", "", nil)
			if a.status != tt.status || a.body != tt.body+"\n" || a.header.Get("Content-Type") != "application/json" {
				t.Errorf("%d %s %q, want %d %s", a.status, a.header.Get("Content-Type"), a.body, tt.status, tt.body)
			}
			if l := logs.take(); tt.log == "" && strings.Contains(l, "not ready") || tt.log != "" && !strings.Contains(l, tt.log) {
				t.Errorf("log %q, want %q", l, tt.log)
			}
			if a := do(t, s, "GET", "/live", "", nil); a.status != 200 {
				t.Errorf("live: %d", a.status)
			}
		})
	}
}

func TestRequestIDContext(t *testing.T) {
	type other struct{}
	ctx := context.WithValue(WithRequestID(context.Background(), "id-1"), other{}, "x")
	if RequestID(ctx) != "id-1" || ctx.Value(other{}) != "x" || RequestID(context.Background()) != "" {
		t.Errorf("RequestID through another context: %q", RequestID(ctx))
	}
	seen := map[string]bool{}
	for range 1000 {
		id := newRequestID()
		if len(id) != 26 || !validRequestID(id) || seen[id] {
			t.Fatalf("ID %q", id)
		}
		seen[id] = true
	}
}

func TestRequestID(t *testing.T) {
	logs := &logBuffer{}
	var seen string
	s := NewServer(Options{Logger: slog.New(slog.NewJSONHandler(logs, nil))}, nil)
	s.Handle("GET /id", "GetID", func(w http.ResponseWriter, r *http.Request) {
		seen = RequestID(r.Context())
		s.Send(w, r, "GetID", Response{Status: 200, ContentType: "text/plain", Body: []byte("12345")})
	})
	tests := []struct {
		name, sent string
		kept       bool
	}{
		{"taken", "abc-123", true},
		{"made when absent", "", false},
		{"made when it has spaces", "a b", false},
		{"made when too long", strings.Repeat("x", 129), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, s, "GET", "/id", "", map[string]string{"X-Request-ID": tt.sent})
			got := a.header.Get("X-Request-ID")
			if tt.kept && got != tt.sent || !tt.kept && (got == tt.sent || len(got) != 26) || seen != got {
				t.Errorf("sent %q, answered %q, the operation saw %q", tt.sent, got, seen)
			}
			l := logs.take()
			for _, want := range []string{`"msg":"request"`, `"operation":"GetID"`, `"method":"GET"`, `"path":"/id"`, `"status":200`, `"bytes":5`, `"duration":`, `"request_id":"` + got + `"`} {
				if !strings.Contains(l, want) {
					t.Errorf("access log lacks %s: %s", want, l)
				}
			}
		})
	}
	// Health checks are logged at Debug; an unknown path at Info.
	s.Handle("GET /live", "", s.Live)
	do(t, s, "GET", "/live", "", nil)
	do(t, s, "GET", "/none", "", nil)
	if l := logs.take(); strings.Contains(l, `"path":"/live"`) || !strings.Contains(l, `"path":"/none","status":404`) {
		t.Errorf("access log: %s", l)
	}
	// At Debug, the health checks are logged too.
	s = NewServer(Options{Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}, nil)
	s.Handle("GET /live", "", s.Live)
	do(t, s, "GET", "/live", "", nil)
	if l := logs.take(); !strings.Contains(l, `"level":"DEBUG","msg":"request","operation":"","method":"GET","path":"/live","status":200`) {
		t.Errorf("access log at debug: %s", l)
	}
	// The access log off: no line, the operation still served.
	s = NewServer(Options{Logger: slog.New(slog.NewJSONHandler(logs, nil)), AccessLog: slog.New(slog.DiscardHandler)}, nil)
	s.Handle("GET /live", "", s.Live)
	if a := do(t, s, "GET", "/live", "", nil); a.status != 200 || logs.take() != "" {
		t.Errorf("with the access log off: %d, logged", a.status)
	}
}

func TestCORS(t *testing.T) {
	open := testServer(Options{Logger: slog.New(slog.DiscardHandler), CORS: &CORS{AllowOrigins: []string{"https://app.example.com"}, ExposeHeaders: []string{"X-Request-ID"}, MaxAge: 600e9}})
	any := testServer(Options{Logger: slog.New(slog.DiscardHandler), CORS: &CORS{AllowOrigins: []string{"*"}, AllowHeaders: []string{"Authorization"}, AllowCredentials: true}})
	closed := testServer(Options{Logger: slog.New(slog.DiscardHandler)})
	preflight := map[string]string{"Origin": "https://app.example.com", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
	tests := []struct {
		name    string
		s       *Server
		method  string
		header  map[string]string
		status  int
		headers []string // name: value; value "" means absent
	}{
		{"preflight", open, "OPTIONS", preflight, 204, []string{"Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Methods: GET, HEAD, POST, PUT, PATCH, DELETE",
			"Access-Control-Allow-Headers: content-type", "Access-Control-Max-Age: 600", "Access-Control-Allow-Credentials: "}},
		{"simple request", open, "GET", map[string]string{"Origin": "https://app.example.com"}, 200, []string{"Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Expose-Headers: X-Request-ID", "Vary: Origin"}},
		{"other origin", open, "GET", map[string]string{"Origin": "https://evil.example.com"}, 200, []string{"Access-Control-Allow-Origin: "}},
		{"other origin's preflight", open, "OPTIONS", map[string]string{"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"}, 405, []string{"Access-Control-Allow-Origin: "}},
		{"no origin", open, "GET", nil, 200, []string{"Access-Control-Allow-Origin: ", "Vary: "}},
		{"any origin with credentials", any, "OPTIONS", preflight, 204, []string{"Access-Control-Allow-Origin: https://app.example.com", "Access-Control-Allow-Credentials: true", "Access-Control-Allow-Headers: Authorization"}},
		{"off", closed, "OPTIONS", preflight, 405, []string{"Access-Control-Allow-Origin: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "/items/ok"
			a := do(t, tt.s, tt.method, target, "", tt.header)
			if a.status != tt.status {
				t.Errorf("status %d, want %d", a.status, tt.status)
			}
			for _, h := range tt.headers {
				k, v, _ := strings.Cut(h, ": ")
				if got := a.header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
		})
	}
}

// BenchmarkServe measures a JSON body decoded, checked and answered, as
// a generated operation does, with and without the access log.
func BenchmarkServe(b *testing.B) {
	for _, bc := range []struct {
		name string
		log  *slog.Logger
	}{{"access log off", slog.New(slog.DiscardHandler)}, {"access log to io.Discard", slog.New(slog.NewJSONHandler(io.Discard, nil))}, {"NewLogger to io.Discard", NewLogger(io.Discard, "")}} {
		b.Run(bc.name, func(b *testing.B) {
			s := testServer(Options{Logger: bc.log})
			body := []byte(`{"name":"rex","count":3}`)
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("POST", "/items", bytes.NewReader(body))
				s.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
