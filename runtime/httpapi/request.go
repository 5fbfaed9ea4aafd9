package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// The readers of request bodies. Each answers the request itself when the
// body cannot be read as the operation needs (missing but required, of
// another content type, too large, not what its type says) and then
// reports !ok: the generated handler just returns.

// RequestBody reports whether the request has a body. When a required one
// is missing (400), or its content type is not contentType (415), it
// answers the request itself and reports !ok.
func (s *Server) RequestBody(w http.ResponseWriter, r *http.Request, contentType string, required bool) (present, ok bool) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		if required {
			s.Invalid(w, r, []FieldError{{In: "body", Detail: "is required"}})
			return false, false
		}
		return false, true
	}
	if !contentTypeIs(r, contentType) {
		s.problem(w, r, NewProblem(r, http.StatusUnsupportedMediaType, "unsupported content type; send "+contentType))
		return false, false
	}
	return true, true
}

// ReadJSON decodes a JSON request body into wire with DecodeJSON. When the
// body is missing but required, has another content type, is too large or
// is not one JSON value (trailing data included), it answers the request
// itself and reports !ok.
func (s *Server) ReadJSON(w http.ResponseWriter, r *http.Request, contentType string, required bool, wire any) (present, ok bool) {
	if present, ok = s.RequestBody(w, r, contentType, required); !present {
		return present, ok
	}
	data, err := s.readBody(w, r)
	if err == nil {
		err = DecodeJSON(data, wire)
	}
	if err != nil {
		if !s.tooLarge(w, r, err) {
			s.BadBody(w, r, err)
		}
		return false, false
	}
	return true, true
}

// BadBody answers a request whose body JSON decoding refused.
func (s *Server) BadBody(w http.ResponseWriter, r *http.Request, err error) {
	errs := &Errors{In: "body"}
	errs.Undecodable("", err)
	s.Invalid(w, r, errs.List)
}

// ReadBody reads a request body whole, answering the request itself (!ok)
// when it is too large.
func (s *Server) ReadBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	data, err := s.readBody(w, r)
	if err != nil {
		s.tooLarge(w, r, err)
		return nil, false
	}
	return data, true
}

// readBody reads a request body within the body limit. A small body of
// known length is read into one buffer of its size (io.ReadAll would grow
// one from 512 bytes); any other goes through http.MaxBytesReader, which
// fails past the limit and tells net/http to close the connection, and
// grows its buffer as the bytes come: a client that announces a large
// body and sends it slowly holds no more memory than it has sent.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	const presized = 16 << 10
	if n := r.ContentLength; n > 0 && n <= s.maxBody && n <= presized {
		data := make([]byte, n)
		if _, err := io.ReadFull(r.Body, data); err != nil {
			return nil, err
		}
		return data, nil
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
}

// BodyReader is a request body for the operation to read as it comes, an
// upload of any size up to the body limit: reading past the limit fails
// with an *http.MaxBytesError, which Fail answers 413 when the operation
// returns it.
func (s *Server) BodyReader(w http.ResponseWriter, r *http.Request) io.Reader {
	return http.MaxBytesReader(w, r.Body, s.maxBody)
}

// ReadValues reads an application/x-www-form-urlencoded body, answering the
// request itself (!ok) when it is too large or not a form.
func (s *Server) ReadValues(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	data, ok := s.ReadBody(w, r)
	if !ok {
		return nil, false
	}
	vals, err := url.ParseQuery(string(data))
	if err != nil {
		s.Invalid(w, r, []FieldError{{In: "body", Detail: "is not a valid form: " + err.Error()}})
		return nil, false
	}
	return vals, true
}

// ReadForm decodes an application/x-www-form-urlencoded body into wire,
// reading each field's text as its kind says (see FormJSON), so a form is
// validated like a JSON body. Failures are answered as in ReadJSON.
func (s *Server) ReadForm(w http.ResponseWriter, r *http.Request, kinds map[string]string, required bool, wire any) (present, ok bool) {
	if present, ok = s.RequestBody(w, r, "application/x-www-form-urlencoded", required); !present {
		return present, ok
	}
	vals, ok := s.ReadValues(w, r)
	if !ok {
		return false, false
	}
	if err := DecodeJSON(FormJSON(vals, kinds), wire); err != nil {
		s.BadBody(w, r, err)
		return false, false
	}
	return true, true
}

// ReadMultipart parses a multipart body into r.MultipartForm, within the
// body limit, answering the request itself (!ok) when it is too large or
// not a multipart form.
func (s *Server) ReadMultipart(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
	if err := r.ParseMultipartForm(s.maxBody); err != nil {
		if !s.tooLarge(w, r, err) {
			s.Invalid(w, r, []FieldError{{In: "body", Detail: "is not a valid multipart form: " + err.Error()}})
		}
		return false
	}
	return true
}

// tooLarge answers 413 when err comes from the body limit.
func (s *Server) tooLarge(w http.ResponseWriter, r *http.Request, err error) bool {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		s.problem(w, r, NewProblem(r, http.StatusRequestEntityTooLarge, "request body larger than "+strconv.FormatInt(mbe.Limit, 10)+" bytes"))
		return true
	}
	return false
}

// contentTypeIs reports whether the request's Content-Type is want (a type
// or a range such as */*); a request without one passes.
func contentTypeIs(r *http.Request, want string) bool {
	got := r.Header.Get("Content-Type")
	if got == "" {
		return true
	}
	// The commonest case, the type itself with nothing or only parameters
	// after it, needs no parsing.
	if len(got) >= len(want) && strings.EqualFold(got[:len(want)], want) && !strings.Contains(want, "*") {
		if rest := got[len(want):]; rest == "" || rest[0] == ';' && validParams(rest) {
			return true
		}
	}
	mt, _, err := mime.ParseMediaType(got)
	if err != nil {
		return false
	}
	wt, _, _ := mime.ParseMediaType(want)
	return wt == "*/*" || strings.EqualFold(mt, wt) || strings.HasSuffix(wt, "/*") && strings.HasPrefix(mt, strings.TrimSuffix(wt, "*"))
}

// validParams reports whether the parameters after a media type parse.
func validParams(rest string) bool {
	_, _, err := mime.ParseMediaType("x/x" + rest)
	return err == nil
}
