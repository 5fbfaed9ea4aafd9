// Package httpapi is the fixed half of every server and client that
// harness-generate writes: what does not depend on the spec lives here,
// compiled and tested once, and a generated package keeps only its own
// types, routes and checks. A fix to the wire handling ships by upgrading
// the runtime, not by regenerating.
//
// A service uses a few names from it, usually through the aliases its
// generated package declares (myapp.Options is httpapi.Options):
//
//   - Options configure a generated handler: logger, body limit,
//     authentication, readiness, error bodies (ErrorHandler).
//   - ErrNotImplemented, *StatusError and *Problem are the errors an
//     operation returns to choose its error answer.
//   - Problem and FieldError are error answers as sent: RFC 9457
//     application/problem+json, with the invalid parameters and fields of
//     a 400 in its "errors" member.
//   - Date is a calendar date (format: date), the same type in every
//     service.
//   - ErrForbidden, from Options.Authenticate, answers 403; Credentials
//     name the scheme, the operation and the scopes the spec requires.
//   - Lifecycle runs the service's http.Server: its readiness, the drain
//     on SIGTERM and the graceful shutdown. NewLogger is its logger at
//     $LOG_LEVEL.
//   - Retry and NewTransport set up a generated client (its Retry and
//     HTTP fields); ClientError is an answer the spec does not declare.
//
// The rest (Server, Response, Errors, the parsing, checking and JSON
// functions) is what generated code calls. It is exported so that
// generated packages can call it; services need not.
//
// Most of those functions are marked go:noinline, small as they are. A
// generated package calls each of them at hundreds of places; inlined, every
// place compiles a copy, and on a 500-operation API that was a fifth of the
// package's compile time. A call costs a nanosecond or two per use; a
// request already takes microseconds. For the same reason generated code
// calls Unmarshal, Marshal and PathValue rather than the standard library's
// (inlinable) functions they wrap.
//
// The package depends on the standard library alone.
package httpapi
