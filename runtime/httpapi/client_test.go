package httpapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
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
		res, err := Do(nil, nil, req)
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
	if _, err := Do(down.Client(), func(r *http.Request) error { edited = r.Header.Get(RequestIDHeader) == "own"; return nil }, req); err != nil || !edited {
		t.Errorf("edit saw the request's own ID: %v, %v", edited, err)
	}
	req, _ = http.NewRequest("GET", down.URL+"/down", nil)
	if _, err := Do(nil, func(*http.Request) error { return errors.New("no token") }, req); err == nil || err.Error() != "no token" {
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
	if !errors.As(err, &ce) || ce.StatusCode != 400 || !strings.HasPrefix(err.Error(), "CreateItem: unexpected answer 400: {") {
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
