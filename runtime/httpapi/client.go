package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// What generated clients call: sending, with retries, parameters and
// bodies written as the server reads them, and the error of an undeclared
// answer.

// Call is how a generated client sends one operation's request: the
// settings of the client, and the operation's name for its errors.
type Call struct {
	Operation string
	// HTTP sends the requests; nil means a client shared by the generated
	// clients, with NewTransport's transport.
	HTTP *http.Client
	// Edit, when set, changes each request before it is first sent
	// (credentials, tracing headers).
	Edit  func(*http.Request) error
	Retry Retry
	// MaxResponseBytes bounds the body read from an answer: reading
	// beyond it fails. 0 means 16 MiB, a negative value no bound.
	MaxResponseBytes int64
	// Security is the operation's security alternatives, Schemes the
	// spec's schemes, Credentials a source per scheme name: the first
	// alternative whose schemes all have a source is presented.
	Security    [][]Requirement
	Schemes     []SecurityScheme
	Credentials map[string]CredentialSource
}

// Retry says how a call that may safely be repeated is retried when it
// could not reach the server or was answered 502, 503 or 504 (a proxy or
// a server going away): up to Attempts tries in all, waiting between two a
// backoff doubling from Wait up to MaxWait, with jitter, or the answer's
// Retry-After when it is at most MaxWait (a longer one is not waited
// for: the answer is returned). A call may be repeated when its method is
// idempotent (GET, HEAD, PUT, DELETE, OPTIONS) or it carries an
// Idempotency-Key header, and its body can be sent again. The zero value
// is the default: 3 attempts, 100 ms, 2 s; Attempts 1 turns retries off.
type Retry struct {
	Attempts      int
	Wait, MaxWait time.Duration
}

func (r Retry) attempts() int {
	if r.Attempts <= 0 {
		return 3
	}
	return r.Attempts
}

// backoff is the wait before attempt n+1 (n ≥ 1): Wait·2ⁿ⁻¹ capped at
// MaxWait, the upper half of it at random ("equal jitter"), so that the
// clients of a failing server do not retry in step.
func (r Retry) backoff(n int) time.Duration {
	wait, limit := r.Wait, r.MaxWait
	if wait <= 0 {
		wait = 100 * time.Millisecond
	}
	if limit <= 0 {
		limit = 2 * time.Second
	}
	d := wait << min(n-1, 30)
	if d <= 0 || d > limit {
		d = limit
	}
	return d/2 + rand.N(d/2+1)
}

func (r Retry) maxWait() time.Duration {
	if r.MaxWait <= 0 {
		return 2 * time.Second
	}
	return r.MaxWait
}

// NewTransport is the transport of the shared client generated clients use
// when given none: http.DefaultTransport's proxy, HTTP/2 and idle timeout,
// with bounded waits (5 s to connect and for a TLS handshake, 30 s for an
// answer's header: a call's own deadline comes from its context) and 64
// idle connections kept per host instead of 2, so that a service calling
// another under load reuses its connections instead of opening new ones.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// sharedClient is the client of generated clients given none.
var sharedClient = &http.Client{Transport: NewTransport()}

// Do sends a generated client's request: with the request ID its context
// carries (RequestIDHeader, unless the request has one), changed by Edit,
// retried as Retry says. The answer's body reads at most
// MaxResponseBytes, and closing it reads what is left of a small one, so
// that its connection is reused. A failure to send is returned wrapped
// with the operation's name.
func Do(req *http.Request, c Call) (*http.Response, error) {
	if id := RequestID(req.Context()); id != "" && req.Header.Get(RequestIDHeader) == "" {
		req.Header.Set(RequestIDHeader, id)
	}
	if err := authorize(req, c); err != nil {
		return nil, fmt.Errorf("%s: %w", c.Operation, err)
	}
	if c.Edit != nil {
		if err := c.Edit(req); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Operation, err)
		}
	}
	hc := c.HTTP
	if hc == nil {
		hc = sharedClient
	}
	attempts := 1
	if repeatable(req) {
		attempts = c.Retry.attempts()
	}
	ctx := req.Context()
	for n := 1; ; n++ {
		res, err := hc.Do(req)
		if n >= attempts || ctx.Err() != nil || err == nil && !retryStatus(res.StatusCode) {
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.Operation, err)
			}
			res.Body = bound(res.Body, c.Operation, c.MaxResponseBytes)
			return res, nil
		}
		wait := c.Retry.backoff(n)
		if err == nil {
			if ra, ok := retryAfter(res.Header.Get("Retry-After")); ok {
				if ra > c.Retry.maxWait() {
					res.Body = bound(res.Body, c.Operation, c.MaxResponseBytes)
					return res, nil
				}
				wait = ra
			}
			drain(res.Body)
		}
		if err := sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Operation, err)
		}
		if req, err = again(req); err != nil {
			return nil, fmt.Errorf("%s: %w", c.Operation, err)
		}
	}
}

// repeatable reports whether req may be sent again: idempotent, and with
// no body or one that can be made again.
func repeatable(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
	default:
		if req.Header.Get("Idempotency-Key") == "" {
			return false
		}
	}
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// retryStatus reports whether an answer's status says that another try
// may succeed: a gateway that could not reach its server, or a server
// unavailable for now.
func retryStatus(code int) bool {
	return code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// again is req to send once more, with its body made anew.
func again(req *http.Request) (*http.Request, error) {
	next := req.Clone(req.Context())
	if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		next.Body = body
	}
	return next, nil
}

// drainLimit is how much of an answer's body is read, unread, to reuse its
// connection: beyond it closing the connection is cheaper.
const drainLimit = 64 << 10

// drain reads what is left of a small body and closes it.
func drain(rc io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, rc, drainLimit)
	_ = rc.Close()
}

// boundedBody is an answer's body as a generated client reads it: at most
// limit bytes, and drained on Close.
type boundedBody struct {
	rc   io.ReadCloser
	op   string
	left int64 // bytes that may still be read; < 0 without a bound
	max  int64
}

func bound(rc io.ReadCloser, op string, limit int64) io.ReadCloser {
	switch {
	case limit == 0:
		limit = 16 << 20
	case limit < 0:
		limit = -1
	}
	return &boundedBody{rc: rc, op: op, left: limit, max: limit}
}

// ErrResponseTooLarge is the error of reading an answer's body beyond
// Call.MaxResponseBytes.
var ErrResponseTooLarge = errors.New("response body too large")

func (b *boundedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return b.rc.Read(p)
	}
	if b.left == 0 {
		// At the bound: fine if the body ends here.
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("%s: %w (more than %d bytes)", b.op, ErrResponseTooLarge, b.max)
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *boundedBody) Close() error {
	_, _ = io.CopyN(io.Discard, b.rc, drainLimit)
	return b.rc.Close()
}

// ClientError is an answer the spec does not declare for the operation a
// generated client called: a 400 for an invalid request, a 401, a 501...
type ClientError struct {
	Operation  string
	StatusCode int
	Header     http.Header
	Body       []byte // at most the first MiB
}

// Error names the operation and the status, with the problem's title and
// detail when the body is a problem, else the start of the body.
func (e *ClientError) Error() string {
	s := e.Operation + ": unexpected answer " + strconv.Itoa(e.StatusCode)
	if p, ok := e.Problem(); ok {
		if p.Title != "" {
			s += " " + p.Title
		}
		if p.Detail != "" {
			s += ": " + p.Detail
		}
		return s
	}
	body := strings.TrimSpace(string(e.Body))
	if len(body) > 200 {
		body = body[:200] + "..."
	}
	if body != "" {
		s += ": " + body
	}
	return s
}

// Problem decodes the answer as a problem, when it is one
// (application/problem+json, as every error of a generated server is
// unless its Options.ErrorHandler shapes them otherwise).
func (e *ClientError) Problem() (*Problem, bool) {
	mt, _, _ := mime.ParseMediaType(e.Header.Get("Content-Type"))
	if mt != ProblemContentType {
		return nil, false
	}
	var p Problem
	if json.Unmarshal(e.Body, &p) != nil {
		return nil, false
	}
	return &p, true
}

// Unexpected reads an undeclared answer of op into a *ClientError.
func Unexpected(op string, res *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	return &ClientError{Operation: op, StatusCode: res.StatusCode, Header: res.Header, Body: body}
}

// FormatParam writes a parameter's value as its text.
func FormatParam(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// FormatParams is FormatParam of each item of an array parameter.
func FormatParams[T any](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = FormatParam(v)
	}
	return out
}

// FormValues writes a form body's struct as form fields: scalars as their
// text, arrays as repeated fields.
func FormValues(v any) (url.Values, error) {
	obj, err := jsonObject(v)
	if err != nil {
		return nil, err
	}
	vals := url.Values{}
	for k, x := range obj {
		if list, ok := x.([]any); ok {
			for _, e := range list {
				vals.Add(k, formText(e))
			}
		} else if x != nil {
			vals.Set(k, formText(x))
		}
	}
	return vals, nil
}

// DeepValues adds a struct to the query as a deepObject parameter:
// key[prop]=value, and key[prop][i]=value for arrays.
func DeepValues(query url.Values, key string, v any) error {
	obj, err := jsonObject(v)
	if err != nil {
		return err
	}
	for k, x := range obj {
		if list, ok := x.([]any); ok {
			for i, e := range list {
				query.Set(key+"["+k+"]["+strconv.Itoa(i)+"]", formText(e))
			}
		} else if x != nil {
			query.Set(key+"["+k+"]", formText(x))
		}
	}
	return nil
}

// jsonObject is a struct as the JSON object it marshals to.
func jsonObject(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var obj map[string]any
	err = dec.Decode(&obj)
	return obj, err
}

// formText is a JSON value as form text: objects stay JSON.
func formText(x any) string {
	switch x := x.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(x)
	return string(b)
}

// EncodeMultipart writes a form's values and files as a multipart body,
// in sorted field order so the same form gives the same bytes, and
// returns it with its Content-Type.
func EncodeMultipart(f *multipart.Form) (io.Reader, string, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, k := range slices.Sorted(maps.Keys(f.Value)) {
		for _, v := range f.Value[k] {
			if err := w.WriteField(k, v); err != nil {
				return nil, "", err
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(f.File)) {
		for _, fh := range f.File[k] {
			if err := copyPart(w, k, fh); err != nil {
				return nil, "", err
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return &buf, w.FormDataContentType(), nil
}

func copyPart(w *multipart.Writer, field string, fh *multipart.FileHeader) error {
	src, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open %s: %w", fh.Filename, err)
	}
	defer src.Close()
	dst, err := w.CreateFormFile(field, fh.Filename)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	return err
}
