package httpapi

import (
	"context"
	"math/rand/v2"
)

// RequestIDHeader carries a request's ID: a server takes it from the
// request (or makes one) and sends it back; a generated client sends the
// ID of the context it is called with, so one ID follows a request
// through the services it reaches.
const RequestIDHeader = "X-Request-ID"

type requestIDKey struct{}

// requestContext carries a request's ID and, once it is routed, its
// operation: the one context a request gets from the server (one
// allocation, and one copy of the request for r.WithContext), where
// context.WithValue would take two of each.
type requestContext struct {
	context.Context
	id, op string
	// mine marks the context Server.ServeHTTP made for its request alone,
	// which Wrap may give the operation in place: a context made by
	// WithRequestID may be the caller's to use again.
	mine bool
	// header is the value of the answer's X-Request-ID when the server
	// made the ID: allocated with the context, not on its own.
	header [1]string
}

func (c *requestContext) Value(key any) any {
	switch key {
	case requestIDKey{}:
		if c.id != "" {
			return c.id
		}
	case operationKey{}:
		if c.op != "" {
			return c.op
		}
	}
	return c.Context.Value(key)
}

// WithRequestID returns ctx carrying the request ID id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return &requestContext{Context: ctx, id: id}
}

// RequestID returns the request ID ctx carries, or "". The context of an
// operation carries its request's.
func RequestID(ctx context.Context) string {
	if c, ok := ctx.(*requestContext); ok && c.id != "" {
		return c.id
	}
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// validRequestID reports whether a request's own ID is kept: 1 to 128
// visible ASCII characters, so that it is safe to log and to send on.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}

// newRequestID makes an ID of 128 random bits, in 26 characters of the
// base32 alphabet (as crypto/rand.Text writes them). The bits come from
// math/rand/v2's generator, seeded by the runtime and cheap to call: an ID
// must be unique, not secret.
func newRequestID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	var b [26]byte
	hi, lo := rand.Uint64(), rand.Uint64()
	for i := range b {
		b[i] = alphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(b[:])
}
