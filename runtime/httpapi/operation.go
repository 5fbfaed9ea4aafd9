package httpapi

import (
	"context"
	"net/http"
)

// Operation is one operation of a spec, as a generated package lists them
// (its Operations function): for tests that go through every operation,
// and for middleware and metrics keyed by operation.
type Operation struct {
	ID     string // the spec's operationId ("" when it has none)
	Name   string // the Go name: the API method, and what logs and OperationID say
	Method string
	Path   string // the path template as in the spec, without the base path
}

type operationKey struct{}

// OperationID returns the operation a request is routed to (its Go name,
// as the API method is called), or "". The generated router sets it before
// Options.Middleware runs, so middleware can name spans and metrics by
// operation; the API's methods see it too.
func OperationID(ctx context.Context) string {
	if c, ok := ctx.(*requestContext); ok && c.op != "" {
		return c.op
	}
	op, _ := ctx.Value(operationKey{}).(string)
	return op
}

// Wrap returns the handler of operation op: h under Options.Middleware
// (the first the outermost), with OperationID set for all of them, and a
// panic of h answered by Recover. Generated code calls it once per
// operation, so that its handlers need no defer of their own: one
// closure here rather than one per operation for the compiler.
func (s *Server) Wrap(op string, h http.HandlerFunc) http.HandlerFunc {
	var next http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer s.Recover(w, r, op)
		h(w, r)
	})
	for i := len(s.opts.Middleware) - 1; i >= 0; i-- {
		next = s.opts.Middleware[i](next)
	}
	return func(w http.ResponseWriter, r *http.Request) {
		// The server's own context, made for this request alone and seen
		// by nothing but the routing so far, takes the operation in
		// place; any other (a handler called outside the server) is
		// wrapped.
		if c, ok := r.Context().(*requestContext); ok && c.mine {
			c.op, c.mine = op, false
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r.WithContext(&requestContext{Context: r.Context(), op: op}))
	}
}
