package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
)

// ErrNotImplemented makes the handler answer 501 Not Implemented: the
// generated Unimplemented types return it for every operation.
var ErrNotImplemented = errors.New("not implemented")

// StatusError makes the handler answer Status with Message as the
// problem's detail. A Status outside 200–599 answers 500.
type StatusError struct {
	Status  int
	Message string
}

func (e *StatusError) Error() string { return strconv.Itoa(e.Status) + " " + e.Message }

// Problem is an error answer as RFC 9457 describes it, sent as
// application/problem+json. Every error the handler answers itself is one
// (an invalid request, missing credentials, an unknown path or method, a
// body too large, an operation's error or panic), and an operation may
// return one as its error to answer with it as it is.
type Problem struct {
	// Type is a URI naming the kind of problem; empty means about:blank,
	// a problem the status says all about.
	Type string `json:"type,omitempty"`
	// Title is a short summary of the type: the status text for about:blank.
	Title  string `json:"title,omitempty"`
	Status int    `json:"status"`
	// Detail explains this occurrence, for a human.
	Detail string `json:"detail,omitempty"`
	// Instance is the request's path.
	Instance string `json:"instance,omitempty"`
	// Errors are the invalid parameters and body fields of a 400.
	Errors []FieldError `json:"errors,omitempty"`
	// Err is what caused the problem, for ErrorHandler and the logs: the
	// operation's error, the panic, the authentication failure. It is
	// never sent.
	Err error `json:"-"`
}

func (p *Problem) Error() string {
	s := strconv.Itoa(p.Status) + " " + p.Title
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

// Unwrap returns Err.
func (p *Problem) Unwrap() error { return p.Err }

// NewProblem is the about:blank problem of a status, with its status text
// as title.
func NewProblem(r *http.Request, status int, detail string) *Problem {
	p := &Problem{Title: http.StatusText(status), Status: status, Detail: detail}
	if r != nil {
		p.Instance = r.URL.Path
	}
	return p
}

// FieldError is one invalid parameter or body value.
type FieldError struct {
	In string `json:"in"` // path, query, header, cookie or body
	// Field names the parameter, or the value's place in the body
	// (items[2].name; a key holding '.', '[' or ']' is quoted:
	// labels["a.b"]); empty for the body as a whole.
	Field string `json:"field,omitempty"`
	// Pointer is the value's place in a JSON body as a JSON Pointer
	// (RFC 6901: /items/2/name), or empty.
	Pointer string `json:"pointer,omitempty"`
	Detail  string `json:"detail"` // what is wrong, for a human
}

func (e FieldError) String() string {
	s := e.In
	if e.Field != "" {
		s += " " + e.Field
	}
	return s + ": " + e.Detail
}

// Errors collects the invalid values of a request, those of one part (In)
// at a time, for a 400 answer.
type Errors struct {
	In   string
	List []FieldError
}

// Add, Undecodable, Missing, NotNull, Join and Index run only when a value
// is invalid (Join also for nested objects). Kept out of line, they stay one
// call at each of the many places of a generated package that report a
// failure, instead of an append copied into every check: on a large API
// that is a third of the package's compile time and memory.

// Add notes that the value at field is invalid.
//
//go:noinline
func (e *Errors) Add(field, detail string) {
	e.List = append(e.List, FieldError{In: e.In, Field: field, Detail: detail})
}

// Undecodable notes the value at field that JSON decoding refused, named by
// the field inside it that was wrong, if any.
//
//go:noinline
func (e *Errors) Undecodable(field string, err error) {
	inner, reason := jsonReason(err)
	switch {
	case inner == "":
	case field == "":
		field = inner // a dotted path already, as encoding/json names it
	default:
		field += "." + inner
	}
	e.Add(field, reason)
}

// Missing notes that the required member key of the object at p is absent.
//
//go:noinline
func (e *Errors) Missing(p, key string) { e.Add(Join(p, key), "is required") }

// NotNull notes that the members keys of the object at p were null, which
// they may not be.
//
//go:noinline
func (e *Errors) NotNull(p string, keys []string) {
	for _, k := range keys {
		e.Add(Join(p, k), "must not be null")
	}
}

// Join is the path of the member key of the object at p.
//
//go:noinline
func Join(p, key string) string {
	if key == "" || strings.ContainsAny(key, ".[]") {
		return p + "[" + strconv.Quote(key) + "]"
	}
	if p == "" {
		return key
	}
	return p + "." + key
}

// Index is the path of item i of the array at p.
//
//go:noinline
func Index(p string, i int) string { return p + "[" + strconv.Itoa(i) + "]" }

// pointer turns a field path made by Join and Index into a JSON Pointer.
func pointer(field string) string {
	if field != "" && !strings.ContainsAny(field, ".[]~/") {
		return "/" + field
	}
	var b strings.Builder
	for i := 0; i < len(field); {
		switch c := field[i]; {
		case c == '.':
			i++
		case c == '[' && i+1 < len(field) && field[i+1] == '"':
			// A quoted key: the string literal up to its closing quote.
			j := i + 2
			for j < len(field) && field[j] != '"' {
				if field[j] == '\\' {
					j++
				}
				j++
			}
			key, err := strconv.Unquote(field[i+1 : min(j+1, len(field))])
			if err != nil {
				key = field[i+1 : min(j+1, len(field))]
			}
			writeToken(&b, key)
			i = j + 2 // the quote and the bracket
		case c == '[':
			j := strings.IndexByte(field[i:], ']')
			if j < 0 {
				j = len(field) - i
			}
			writeToken(&b, field[i+1:i+j])
			i += j + 1
		default:
			j := i
			for j < len(field) && field[j] != '.' && field[j] != '[' {
				j++
			}
			writeToken(&b, field[i:j])
			i = j
		}
	}
	return b.String()
}

// writeToken writes one reference token of a JSON Pointer, escaped.
func writeToken(b *strings.Builder, key string) {
	b.WriteByte('/')
	b.WriteString(tokenEscaper.Replace(key))
}

var tokenEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// jsonReason explains a value that is not the JSON expected.
func jsonReason(err error) (field, reason string) {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return te.Field, "must be " + jsonKind(te.Type.Kind().String()) + ", not " + te.Value
	case errors.As(err, &se):
		return "", "is not valid JSON: " + se.Error()
	}
	return "", "cannot be read: " + err.Error()
}

func jsonKind(k string) string {
	switch {
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"):
		return "an integer"
	case strings.HasPrefix(k, "float"):
		return "a number"
	case k == "bool":
		return "a boolean"
	case k == "string":
		return "a string"
	case k == "slice":
		return "an array"
	case k == "map", k == "struct":
		return "an object"
	}
	return "a " + k
}
