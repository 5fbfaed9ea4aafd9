package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Options configure a generated handler. The zero value works: JSON logs to
// stderr, an access line per request, 1 MiB bodies, always ready,
// application/problem+json error answers, no CORS, and operations with
// security answer 401 until Authenticate is set.
type Options struct {
	Logger *slog.Logger
	// AccessLog gets one line per request, at level Info ("request":
	// operation, method, path, status, bytes, duration, request_id; the
	// health checks at Debug). Nil means Logger; a logger whose handler
	// is not enabled for Info (slog.New(slog.DiscardHandler)) turns the
	// lines off, and their cost with them.
	AccessLog    *slog.Logger
	MaxBodyBytes int64 // default 1 MiB
	// Authenticate checks the credentials a request presents for one
	// scheme of an operation with security (c names the scheme, the
	// operation and the scopes the spec requires). It returns the context
	// the operation runs with (e.g. holding the user), or an error: one
	// wrapping ErrForbidden answers 403, any other 401. The error is
	// logged, never sent. An operation passes when, for one of its
	// security alternatives, every scheme authenticates.
	Authenticate func(ctx context.Context, c Credentials) (context.Context, error)
	// Ready is the service's readiness, for /ready: 503 while it fails
	// (why is logged, not sent); nil means always ready. Give it a
	// Lifecycle's Ready, which turns not ready on shutdown.
	Ready func(ctx context.Context) error
	// ErrorHandler, when set, writes every error answer in place of the
	// default application/problem+json body: the problems of invalid
	// requests, authentication, unknown paths (404) and methods (405,
	// Allow already set), bodies too large or of another type, and the
	// operations' errors and panics. It answers p.Status with a body of
	// its choice, for example the spec's own error schema through
	// WriteJSON, or leaves a case to WriteProblem. p.Err holds the cause,
	// which is not meant for the client. It must not panic: a panic is
	// logged and answered with a bare 500 problem.
	ErrorHandler func(w http.ResponseWriter, r *http.Request, p *Problem)
	// CORS, when set, answers cross-origin requests and their preflights.
	CORS *CORS
	// Middleware wraps each operation's handler, the first the outermost.
	// It runs after routing, so OperationID(r.Context()) names the
	// operation and r.PathValue reads its path parameters by the spec's
	// names; security, decoding and validation run inside it. Middleware
	// around the whole handler (wrapping NewHandler's result) runs before
	// routing and cannot know the operation.
	Middleware []func(http.Handler) http.Handler
}

// Server is the spec-independent half of a generated handler: routing on
// a ServeMux, request IDs, the access log, CORS, reading bodies and writing
// answers and problems. Generated code builds one with NewServer and
// registers its operations with Handle; it serves every request.
type Server struct {
	opts   Options
	log    *slog.Logger
	access *slog.Logger
	// fastAccess is access's handler when NewLogger made it, which writes
	// the access lines itself.
	fastAccess *jsonHandler
	maxBody    int64
	schemes    map[string]*SecurityScheme
	mux        *http.ServeMux
	ops        map[string]string // route pattern → operation, for the access log
	unimpl     sync.Map          // operations that answered 501, warned about once
}

// NewServer returns a server with no routes but its answers to unknown
// paths and methods. schemes are the spec's security schemes.
func NewServer(opts Options, schemes []SecurityScheme) *Server {
	s := &Server{opts: opts, log: opts.Logger, access: opts.AccessLog, maxBody: opts.MaxBodyBytes,
		schemes: make(map[string]*SecurityScheme, len(schemes)), mux: http.NewServeMux(), ops: map[string]string{}}
	if s.log == nil {
		s.log = slog.New(newJSONHandler(os.Stderr, slog.LevelInfo))
	}
	if s.access == nil {
		s.access = s.log
	}
	s.fastAccess, _ = s.access.Handler().(*jsonHandler)
	if s.maxBody <= 0 {
		s.maxBody = 1 << 20
	}
	for i := range schemes {
		s.schemes[schemes[i].Name] = &schemes[i]
	}
	// Every path the routes do not serve, and every method they do not
	// take, lands here, so that ServeMux's own 404 and 405 are problems
	// like the other errors.
	s.mux.HandleFunc("/", s.noRoute)
	return s
}

// Handle serves the operation op at the ServeMux pattern; op is "" for the
// routes that are not operations of the spec (health, the spec itself).
// An operation's handler is made by Wrap.
func (s *Server) Handle(pattern, op string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, h)
	s.ops[pattern] = op
}

// ServeHTTP serves a request: its request ID (X-Request-ID, taken from the
// request or made, and sent back), X-Content-Type-Options: nosniff, CORS,
// the route's handler, and the access log line.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr["X-Content-Type-Options"] = nosniff
	rc := &requestContext{Context: r.Context(), mine: true}
	if ids := r.Header["X-Request-Id"]; len(ids) == 1 && validRequestID(ids[0]) { // RequestIDHeader, canonical
		rc.id = ids[0]
		hdr["X-Request-Id"] = ids
	} else {
		rc.id = newRequestID()
		rc.header[0] = rc.id
		hdr["X-Request-Id"] = rc.header[:]
	}
	id := rc.id
	r = r.WithContext(rc)
	if s.opts.CORS != nil && s.opts.CORS.handle(w, r) {
		return
	}
	if !s.access.Enabled(r.Context(), slog.LevelInfo) {
		s.mux.ServeHTTP(w, r)
		return
	}
	start := time.Now()
	rec := recorders.Get().(*recorder)
	rec.ResponseWriter, rec.status, rec.bytes = w, 0, 0
	s.mux.ServeHTTP(rec, r) // sets r.Pattern
	op, known := s.ops[r.Pattern]
	level := slog.LevelInfo
	if known && op == "" {
		level = slog.LevelDebug // health checks and the spec
	}
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	if level == slog.LevelInfo || s.access.Enabled(r.Context(), level) {
		// The line is made here and given to the handler, as
		// Logger.LogAttrs would but without looking up its caller (always
		// this line) or the time twice.
		end := time.Now()
		line := accessLine{time: end, level: level, op: op, method: r.Method, path: r.URL.Path,
			status: status, bytes: rec.bytes, duration: end.Sub(start), requestID: id}
		if s.fastAccess == nil || !s.fastAccess.writeAccess(&line) {
			_ = s.access.Handler().Handle(r.Context(), line.record())
		}
	}
	rec.ResponseWriter = nil
	recorders.Put(rec)
}

// nosniff is the value of every answer's X-Content-Type-Options, shared:
// header values are not changed in place.
var nosniff = []string{"nosniff"}

// recorder notes the status and size of an answer for the access log.
// http.ResponseController reaches the writer beneath through Unwrap. (A
// body over the limit is still refused with 413; net/http only no longer
// learns from http.MaxBytesReader that the connection should close, and
// closes it when too much of the body is left unread.)
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

var recorders = sync.Pool{New: func() any { return new(recorder) }}

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// noRoute answers a request no route serves: 405 with Allow when a route
// has its path for other methods, else 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	if allow := s.allowed(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.problem(w, r, NewProblem(r, http.StatusMethodNotAllowed, r.Method+" is not allowed here; Allow lists the methods that are"))
		return
	}
	s.NotFound(w, r)
}

// NotFound answers 404.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	s.problem(w, r, NewProblem(r, http.StatusNotFound, "no operation at "+r.URL.Path))
}

var methods = [...]string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodTrace}

// allowed lists the methods that routes other than the catch-all serve at
// the request's path, as ServeMux computes them for its own 405.
func (s *Server) allowed(r *http.Request) []string {
	var allow []string
	probe := *r
	for _, m := range methods {
		probe.Method = m
		if _, p := s.mux.Handler(&probe); p != "" && p != "/" {
			allow = append(allow, m)
		}
	}
	return allow
}

// Live answers the liveness check.
func (s *Server) Live(w http.ResponseWriter, r *http.Request) {
	_ = WriteBody(w, http.StatusOK, "application/json", statusOK)
}

// Ready answers the readiness check from Options.Ready: 200, or 503 while
// it fails. Why it fails is logged (at Warn; ErrDraining, which the
// Lifecycle logs itself, not at all), never sent: probes need the status
// alone, and the reason may name internal hosts.
func (s *Server) Ready(w http.ResponseWriter, r *http.Request) {
	if s.opts.Ready != nil {
		if err := s.opts.Ready(r.Context()); err != nil {
			if !errors.Is(err, ErrDraining) {
				s.log.LogAttrs(r.Context(), slog.LevelWarn, "not ready", slog.Any("err", err))
			}
			_ = WriteBody(w, http.StatusServiceUnavailable, "application/json", notReady)
			return
		}
	}
	_ = WriteBody(w, http.StatusOK, "application/json", statusOK)
}

// The bodies of the health checks.
var (
	statusOK = []byte(`{"status":"ok"}` + "\n")
	notReady = []byte(`{"status":"not ready"}` + "\n")
)

// logError logs a failure of an operation with the request's method, path
// and ID.
func (s *Server) logError(r *http.Request, msg, op string, attrs ...slog.Attr) {
	attrs = append(attrs, slog.String("operation", op), slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.String("request_id", RequestID(r.Context())))
	s.log.LogAttrs(r.Context(), slog.LevelError, msg, attrs...)
}
