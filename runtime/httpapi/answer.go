package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
)

// Response is an operation's answer as generated code hands it to Send:
// each response type of an operation has a method returning one.
type Response struct {
	Status      int
	ContentType string
	Header      http.Header // extra headers, may be nil
	Body        []byte      // sent as it is, unless IsJSON or Stream
	JSON        any         // encoded as JSON, when IsJSON
	IsJSON      bool
	// Stream, when not nil, is copied to the client as it is read, without
	// a Content-Length, and closed afterwards when it is an io.Closer: a
	// binary answer of any size.
	Stream io.Reader
	// Raw, when not nil, writes the whole answer itself (status, headers,
	// body) with the http.ResponseWriter: server-sent events, redirects,
	// answers the spec cannot describe. Header is set before it runs.
	Raw func(http.ResponseWriter, *http.Request)
}

// StatusOr is code, or def when code is 0 (a response's StatusCode left
// unset).
//
//go:noinline
func StatusOr(code, def int) int {
	if code == 0 {
		return def
	}
	return code
}

// validStatus reports whether an operation may answer with code: a final
// status (net/http would send a 1xx as an informational answer followed by
// 200, and panics below 100).
func validStatus(code int) bool { return code >= 200 && code <= 599 }

// Send writes an operation's answer. Its body is encoded before anything
// is written: when it cannot be, or the status is not one to answer with,
// the answer is 500 (logged).
func (s *Server) Send(w http.ResponseWriter, r *http.Request, op string, a Response) {
	if a.Raw != nil {
		for k, vs := range a.Header {
			w.Header()[k] = vs
		}
		a.Raw(w, r)
		return
	}
	if c, ok := a.Stream.(io.Closer); ok {
		defer c.Close()
	}
	if !validStatus(a.Status) {
		s.logError(r, "operation answered an invalid status", op, slog.Int("status", a.Status))
		s.problem(w, r, &Problem{Title: http.StatusText(500), Status: 500, Instance: r.URL.Path,
			Err: fmt.Errorf("%s answered the invalid status %d", op, a.Status)})
		return
	}
	body := a.Body
	var buf *encodeBuffer
	if a.IsJSON {
		var err error
		if buf, err = encodeJSON(a.JSON); err != nil {
			s.logError(r, "encoding the response failed", op, slog.Any("err", err))
			s.problem(w, r, &Problem{Title: http.StatusText(500), Status: 500, Instance: r.URL.Path, Err: err})
			return
		}
		body = buf.Bytes()
	}
	for k, vs := range a.Header {
		w.Header()[k] = vs
	}
	if a.Stream != nil {
		s.stream(w, r, op, a)
		return
	}
	if err := WriteBody(w, a.Status, a.ContentType, body); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "writing the response failed", slog.String("operation", op),
			slog.Any("err", err), slog.String("request_id", RequestID(r.Context())))
	}
	if buf != nil {
		release(buf)
	}
}

// stream sends a streamed answer. Once the status is out an error can
// only be logged: the client sees a body cut short (net/http ends a
// chunked body without its last chunk).
func (s *Server) stream(w http.ResponseWriter, r *http.Request, op string, a Response) {
	if a.ContentType != "" {
		w.Header().Set("Content-Type", a.ContentType)
	}
	w.WriteHeader(a.Status)
	if a.Status == http.StatusNoContent || a.Status == http.StatusNotModified || r.Method == http.MethodHead {
		return
	}
	// Each piece read is flushed: a stream that trickles (events, a
	// pipe) reaches the client as it comes, not when 4 KiB have gathered.
	if _, err := io.Copy(flushWriter{w, http.NewResponseController(w)}, a.Stream); err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "streaming the response failed", slog.String("operation", op),
			slog.Any("err", err), slog.String("request_id", RequestID(r.Context())))
		panic(http.ErrAbortHandler) // the client must not take a cut body for a whole one
	}
}

// flushWriter flushes after every write.
type flushWriter struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func (f flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err == nil {
		_ = f.rc.Flush() // a writer that cannot flush sends at the end
	}
	return n, err
}

// Fail answers an operation that returned an error, or nothing:
// ErrNotImplemented answers 501, a *Problem itself, a *StatusError its
// status and message (an invalid status in either answers 500), any other
// error 500 (logged, not sent).
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, op string, err error) {
	var se *StatusError
	var pe *Problem
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		s.tooLarge(w, r, mbe)
	case errors.Is(err, ErrNotImplemented):
		if _, seen := s.unimpl.LoadOrStore(op, true); !seen {
			// Once per operation: a new operation of the spec that the
			// service does not implement yet shows in the log, not only
			// in the clients' 501s.
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "operation not implemented", slog.String("operation", op),
				slog.String("method", r.Method), slog.String("path", r.URL.Path))
		}
		p := NewProblem(r, http.StatusNotImplemented, op+" is not implemented")
		p.Err = err
		s.problem(w, r, p)
	case errors.As(err, &pe) && validStatus(pe.Status):
		p := *pe
		if p.Title == "" && p.Type == "" {
			p.Title = http.StatusText(p.Status)
		}
		if p.Instance == "" {
			p.Instance = r.URL.Path
		}
		s.problem(w, r, &p)
	case errors.As(err, &se) && validStatus(se.Status):
		p := NewProblem(r, se.Status, se.Message)
		p.Err = err
		s.problem(w, r, p)
	case err != nil:
		s.logError(r, "operation failed", op, slog.Any("err", err))
		s.problem(w, r, &Problem{Title: http.StatusText(500), Status: 500, Instance: r.URL.Path, Err: err})
	default:
		s.logError(r, "operation returned no response", op)
		s.problem(w, r, &Problem{Title: http.StatusText(500), Status: 500, Instance: r.URL.Path,
			Err: errors.New(op + " returned no response and no error")})
	}
}

// Recover, deferred around each operation's handler by Wrap, answers a
// panic of the operation (the API's method, Options.Authenticate, the
// encoding of its answer) with 500 and logs it, so that the server keeps
// serving.
// http.ErrAbortHandler is panicked again: it asks net/http to abort.
func (s *Server) Recover(w http.ResponseWriter, r *http.Request, op string) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	s.logError(r, "operation panicked", op, slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
	s.problem(w, r, &Problem{Title: http.StatusText(500), Status: 500, Instance: r.URL.Path, Err: fmt.Errorf("panic: %v", v)})
}

// Invalid answers 400 listing what is invalid in the request.
func (s *Server) Invalid(w http.ResponseWriter, r *http.Request, errs []FieldError) {
	for i := range errs {
		if errs[i].In == "body" && errs[i].Pointer == "" {
			errs[i].Pointer = pointer(errs[i].Field)
		}
	}
	if s.log.Enabled(r.Context(), slog.LevelDebug) {
		s.log.DebugContext(r.Context(), "invalid request", "method", r.Method, "path", r.URL.Path, "errors", errs,
			"request_id", RequestID(r.Context()))
	}
	detail := "invalid request"
	if len(errs) > 0 {
		// One concatenation: rejecting is on the hot path too.
		e, sep, more := errs[0], " ", ""
		if e.Field == "" {
			sep = ""
		}
		if len(errs) > 1 {
			more = " (and " + strconv.Itoa(len(errs)-1) + " more)"
		}
		detail = "invalid request: " + e.In + sep + e.Field + ": " + e.Detail + more
	}
	p := NewProblem(r, http.StatusBadRequest, detail)
	p.Errors = errs
	s.problem(w, r, p)
}

// problem answers with p, through Options.ErrorHandler when set.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, p *Problem) {
	if s.opts.ErrorHandler == nil {
		WriteProblem(w, p)
		return
	}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logError(r, "the error handler panicked", "", slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
			WriteProblem(w, &Problem{Title: http.StatusText(500), Status: 500, Instance: r.URL.Path})
		}
	}()
	s.opts.ErrorHandler(w, r, p)
}

// ProblemContentType is the media type of problem answers (RFC 9457).
const ProblemContentType = "application/problem+json"

// WriteProblem answers p.Status with p as application/problem+json: what
// the handler does for every error unless Options.ErrorHandler is set.
func WriteProblem(w http.ResponseWriter, p *Problem) error {
	buf := buffers.Get().(*encodeBuffer)
	buf.Reset()
	buf.Write(appendProblem(buf.AvailableBuffer(), p))
	err := WriteBody(w, p.Status, ProblemContentType, buf.Bytes())
	release(buf)
	return err
}

// WriteJSON answers status with v encoded as JSON, with its Content-Length.
// v is encoded before anything is written: when it cannot be, the answer
// is a 500 problem and the error is returned.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) error {
	buf, err := encodeJSON(v)
	if err != nil {
		_ = WriteBody(w, http.StatusInternalServerError, ProblemContentType, internalProblem)
		return err
	}
	err = WriteBody(w, status, contentType, buf.Bytes())
	release(buf)
	return err
}

// internalProblem is the body of a 500 whose own body could not be encoded.
var internalProblem = []byte(`{"title":"Internal Server Error","status":500}` + "\n")

// WriteBody answers status with body, giving its Content-Length; statuses
// that have no body (204, 304) send none. The error is the body's writing.
func WriteBody(w http.ResponseWriter, status int, contentType string, body []byte) error {
	if status == http.StatusNoContent || status == http.StatusNotModified {
		w.WriteHeader(status)
		return nil
	}
	hdr := w.Header()
	switch contentType {
	case "":
	case "application/json":
		hdr["Content-Type"] = jsonType
	case ProblemContentType:
		hdr["Content-Type"] = problemType
	default:
		hdr.Set("Content-Type", contentType)
	}
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	if len(body) == 0 {
		return nil
	}
	_, err := w.Write(body)
	return err
}

// The values of the commonest Content-Type headers, shared (as nosniff):
// header values are not changed in place.
var (
	jsonType    = []string{"application/json"}
	problemType = []string{ProblemContentType}
)

// buffers hold JSON answers while they are encoded, so that a value that
// cannot be encoded answers 500 rather than a truncated success, and every
// answer carries its Content-Length.
// Each keeps the encoder that writes into it.
var buffers = sync.Pool{New: func() any {
	b := new(encodeBuffer)
	b.enc = json.NewEncoder(&b.Buffer)
	return b
}}

type encodeBuffer struct {
	bytes.Buffer
	enc *json.Encoder
}

// encodeJSON encodes v into a pooled buffer; release gives it back.
func encodeJSON(v any) (*encodeBuffer, error) {
	buf := buffers.Get().(*encodeBuffer)
	buf.Reset()
	if err := buf.enc.Encode(v); err != nil {
		// Not given back: an encoder keeps some errors for good.
		return nil, err
	}
	return buf, nil
}

func release(buf *encodeBuffer) {
	if buf.Cap() <= 64<<10 { // a rare large answer is not kept
		buffers.Put(buf)
	}
}
