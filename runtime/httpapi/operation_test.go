package httpapi

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestOperationMiddleware: middleware runs after routing, outermost
// first, and knows the operation and the path parameters by name.
func TestOperationMiddleware(t *testing.T) {
	var seen []string
	mw := func(tag string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = append(seen, tag+":"+OperationID(r.Context())+":"+r.PathValue("petId"))
				next.ServeHTTP(w, r)
			})
		}
	}
	s := NewServer(Options{Logger: slog.New(slog.DiscardHandler), Middleware: []func(http.Handler) http.Handler{mw("outer"), mw("inner")}}, nil)
	s.Handle("GET /pets/{petId}", "GetPet", s.Wrap("GetPet", func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, "op:"+OperationID(r.Context()))
		s.Send(w, r, "GetPet", Response{Status: 204})
	}))
	srv := httptest.NewServer(s)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/pets/7")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := strings.Join(seen, " "); res.StatusCode != 204 || got != "outer:GetPet:7 inner:GetPet:7 op:GetPet" {
		t.Fatalf("status %d, middleware saw %q", res.StatusCode, got)
	}

	// The request's one context carries both its ID and its operation; a
	// wrapped handler called outside the server keeps the ID its context
	// has and gets the operation all the same.
	var id, op string
	h := s.Wrap("Other", func(w http.ResponseWriter, r *http.Request) {
		id, op = RequestID(r.Context()), OperationID(r.Context())
	})
	s.Handle("GET /other", "Other", h)
	req := httptest.NewRequest("GET", "/other", nil)
	req.Header.Set(RequestIDHeader, "abc")
	s.ServeHTTP(httptest.NewRecorder(), req)
	if id != "abc" || op != "Other" {
		t.Errorf("through the server: request ID %q, operation %q", id, op)
	}
	req = httptest.NewRequest("GET", "/other", nil)
	ctx := WithRequestID(req.Context(), "outside")
	h(httptest.NewRecorder(), req.WithContext(ctx))
	if id != "outside" || op != "Other" {
		t.Errorf("called directly: request ID %q, operation %q", id, op)
	}
	if got := OperationID(ctx); got != "" {
		t.Errorf("the caller's context was changed: its operation is %q", got)
	}
	h(httptest.NewRecorder(), httptest.NewRequest("GET", "/other", nil))
	if id != "" || op != "Other" {
		t.Errorf("called without an ID: request ID %q, operation %q", id, op)
	}
}

// TestStreamAndRaw: a streamed answer is copied as read and closed; a raw
// one writes what it likes; a body over the limit read by the operation
// answers 413; a 501 is logged once per operation.
func TestStreamAndRaw(t *testing.T) {
	logs := &logBuffer{}
	s := NewServer(Options{Logger: slog.New(slog.NewJSONHandler(logs, nil)), AccessLog: slog.New(slog.DiscardHandler), MaxBodyBytes: 8}, nil)
	closed := false
	s.Handle("GET /stream", "Stream", s.Wrap("Stream", func(w http.ResponseWriter, r *http.Request) {
		body := &closer{Reader: strings.NewReader(strings.Repeat("x", 100000)), closed: &closed}
		s.Send(w, r, "Stream", Response{Status: 200, ContentType: "application/octet-stream", Stream: body})
	}))
	s.Handle("GET /raw", "Raw", s.Wrap("Raw", func(w http.ResponseWriter, r *http.Request) {
		s.Send(w, r, "Raw", Response{Header: http.Header{"X-A": {"b"}}, Raw: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}})
	}))
	s.Handle("POST /upload", "Upload", s.Wrap("Upload", func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(s.BodyReader(w, r))
		s.Fail(w, r, "Upload", err)
	}))
	s.Handle("GET /todo", "Todo", s.Wrap("Todo", func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, "Todo", errors.Join(ErrNotImplemented))
	}))
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		name, method, path, body string
		status                   int
		check                    func(t *testing.T, res *http.Response, body string)
	}{
		{"stream", "GET", "/stream", "", 200, func(t *testing.T, res *http.Response, body string) {
			if len(body) != 100000 || res.ContentLength != -1 || !closed {
				t.Errorf("streamed %d bytes, Content-Length %d, closed %v", len(body), res.ContentLength, closed)
			}
		}},
		{"raw", "GET", "/raw", "", 302, func(t *testing.T, res *http.Response, body string) {
			if res.Header.Get("Location") != "/elsewhere" || res.Header.Get("X-A") != "b" {
				t.Errorf("headers %v", res.Header)
			}
		}},
		{"upload too large", "POST", "/upload", "123456789", 413, nil},
		{"not implemented", "GET", "/todo", "", 501, nil},
		{"not implemented again", "GET", "/todo", "", 501, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.body))
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tt.status, b)
			}
			if tt.check != nil {
				tt.check(t, res, string(b))
			}
		})
	}
	if n := strings.Count(logs.take(), `"msg":"operation not implemented"`); n != 1 {
		t.Errorf("the unimplemented operation was warned about %d times, want once", n)
	}
}

type closer struct {
	io.Reader
	closed *bool
}

func (c *closer) Close() error { *c.closed = true; return nil }
