package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// What generated clients call: sending, parameters and bodies written as
// the server reads them, and the error of an undeclared answer.

// Do sends a generated client's request: with the request ID its context
// carries (RequestIDHeader, unless the request has one), changed by edit
// when not nil, through hc (nil means http.DefaultClient).
func Do(hc *http.Client, edit func(*http.Request) error, req *http.Request) (*http.Response, error) {
	if id := RequestID(req.Context()); id != "" && req.Header.Get(RequestIDHeader) == "" {
		req.Header.Set(RequestIDHeader, id)
	}
	if edit != nil {
		if err := edit(req); err != nil {
			return nil, err
		}
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return hc.Do(req)
}

// ClientError is an answer the spec does not declare for the operation a
// generated client called: a 400 for an invalid request, a 401, a 501...
type ClientError struct {
	Operation  string
	StatusCode int
	Header     http.Header
	Body       []byte // at most the first MiB
}

func (e *ClientError) Error() string {
	return e.Operation + ": unexpected answer " + strconv.Itoa(e.StatusCode) + ": " + strings.TrimSpace(string(e.Body))
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
