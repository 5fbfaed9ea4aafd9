package openapi

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a problem in a spec, located by file, line and the dotted path of
// keys leading to it (`paths./pets/{id}.get`).
type Error struct {
	File    string // as given to Load, or the referenced file
	Line    int    // 1-based; 0 when unknown
	Pointer string // dotted key path; empty for the document itself
	Msg     string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Pointer != "" {
		b.WriteString(": ")
		b.WriteString(e.Pointer)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one pass, in document order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each problem to errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// orNil keeps a nil Errors from becoming a non-nil error interface.
func (es Errors) orNil() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// AsErrors returns the located problems inside err, if any.
func AsErrors(err error) []*Error {
	var es Errors
	if errors.As(err, &es) {
		return es
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
}

// joinPointer appends dotted keys.
func joinPointer(base string, keys ...string) string {
	for _, k := range keys {
		if base == "" {
			base = k
		} else {
			base += "." + k
		}
	}
	return base
}
