package httpapi

import (
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The parsers of parameter text, one per type a parameter can have, for
// ParseParam; ParseReason explains their errors.

// ParseString is the text itself.
//
//go:noinline
func ParseString(s string) (string, error) { return s, nil }

// ParseInt64 reads a decimal integer.
func ParseInt64(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) }

// ParseInt32 reads a decimal integer that fits 32 bits.
func ParseInt32(s string) (int32, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	return int32(n), err
}

// ParseFloat64 reads a number.
func ParseFloat64(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

// ParseFloat32 reads a number that fits a float32.
func ParseFloat32(s string) (float32, error) {
	f, err := strconv.ParseFloat(s, 32)
	return float32(f), err
}

// ParseBool reads true or false (and strconv.ParseBool's other spellings).
func ParseBool(s string) (bool, error) { return strconv.ParseBool(s) }

// ParseTime reads an RFC 3339 date-time.
func ParseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// ParseDate reads a date, 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	return Date{t}, err
}

// ParseReason is why a parameter's text is not of the type typ (int64,
// int32, float64, float32, bool, time, date).
//
//go:noinline
func ParseReason(typ string) string {
	switch typ {
	case "int64", "int32":
		return "must be an integer"
	case "float64", "float32":
		return "must be a number"
	case "bool":
		return "must be true or false"
	case "time":
		return "must be a date-time (RFC 3339)"
	case "date":
		return "must be a date (2006-01-02)"
	}
	return "is not a valid " + typ
}

// ParseParam parses a parameter's text, reporting a failure under key.
func ParseParam[T any](e *Errors, key, s string, parse func(string) (T, error), typ string) (T, bool) {
	v, err := parse(s)
	if err != nil {
		e.Add(key, ParseReason(typ))
	}
	return v, err == nil
}

// SplitParam splits an array parameter's one value at sep; "" has no items.
func SplitParam(s, sep string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}

// The raw value of a parameter: present or not, and its text.

// PathValue is r.PathValue(name), kept out of line for generated code.
//
//go:noinline
func PathValue(r *http.Request, name string) string { return r.PathValue(name) }

// HeaderValues is r.Header.Values(key), kept out of line for generated
// code.
//
//go:noinline
func HeaderValues(r *http.Request, key string) []string { return r.Header.Values(key) }

// NonEmpty is a path value, present when not empty.
//
//go:noinline
func NonEmpty(s string) (string, bool) { return s, s != "" }

// First is the first of a query parameter's or header's values.
//
//go:noinline
func First(vals []string) (string, bool) {
	if len(vals) == 0 {
		return "", false
	}
	return vals[0], true
}

// Styled strips the prefix of a label (".") or matrix (";name=") path
// parameter, reporting a value without it under key.
func Styled(errs *Errors, key, s, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		errs.Add(key, "must start with "+strconv.Quote(prefix))
	}
	return rest, ok
}

// StyledValues is Styled for an array: its one value, or none.
func StyledValues(errs *Errors, key, s, prefix string) []string {
	if rest, ok := Styled(errs, key, s, prefix); ok {
		return PathValues(rest)
	}
	return nil
}

// PathValues is a path value as a list: one value, or none when empty.
func PathValues(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// CookieValue is the value of the request's cookie name, if present.
func CookieValue(r *http.Request, name string) (string, bool) {
	c, err := r.Cookie(name)
	if err != nil {
		return "", false
	}
	return c.Value, true
}

// CookieValues is CookieValue as a list.
func CookieValues(r *http.Request, name string) []string {
	if s, ok := CookieValue(r, name); ok {
		return []string{s}
	}
	return nil
}

// DeepObject gathers a deepObject query parameter's fields as prop=value:
// key[prop]=value, and for arrays key[prop][0]=a&key[prop][1]=b (as
// kin-openapi reads them) or key[prop]=a&key[prop]=b. Nil when the query
// has none.
func DeepObject(query url.Values, key string) url.Values {
	type item struct {
		i  int
		vs []string
	}
	var out url.Values
	var indexed map[string][]item
	for k, vs := range query {
		rest, ok := strings.CutPrefix(k, key+"[")
		if !ok {
			continue
		}
		prop, rest, ok := strings.Cut(rest, "]")
		if !ok {
			continue
		}
		if out == nil {
			out = url.Values{}
		}
		if rest == "" {
			out[prop] = append(out[prop], vs...)
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(rest, "["), "]")); err == nil && strings.HasPrefix(rest, "[") && strings.HasSuffix(rest, "]") {
			if indexed == nil {
				indexed = map[string][]item{}
			}
			indexed[prop] = append(indexed[prop], item{n, vs})
		}
	}
	for prop, items := range indexed {
		slices.SortFunc(items, func(a, b item) int { return a.i - b.i })
		for _, it := range items {
			out[prop] = append(out[prop], it.vs...)
		}
	}
	return out
}

// FormJSON writes form values as the JSON object they stand for, so that
// a form (or a deepObject parameter) is decoded and validated like a JSON
// body. kinds says how each field's text is read: "integer", "number",
// "boolean" or "string", after "array:" for a repeated field. Numbers and
// booleans that parse as such become JSON numbers and booleans (the others
// stay strings, so decoding names the field). Fields kinds does not name
// are left out.
func FormJSON(vals url.Values, kinds map[string]string) []byte {
	obj := make(map[string]any, len(vals))
	scalar := func(kind, s string) any {
		switch kind {
		case "integer", "number":
			if _, err := strconv.ParseFloat(s, 64); err == nil {
				return json.Number(s)
			}
		case "boolean":
			if b, err := strconv.ParseBool(s); err == nil {
				return b
			}
		}
		return s
	}
	for k, vs := range vals {
		kind, ok := kinds[k]
		if !ok || len(vs) == 0 {
			continue
		}
		if item, ok := strings.CutPrefix(kind, "array:"); ok {
			list := make([]any, len(vs))
			for i, s := range vs {
				list[i] = scalar(item, s)
			}
			obj[k] = list
		} else {
			obj[k] = scalar(kind, vs[0])
		}
	}
	b, _ := json.Marshal(obj)
	return b
}

// MultipartJSON is FormJSON of a multipart form's values, with each file
// part standing as an empty value of its field: present, as required
// checks need, and nothing for a binary field to decode.
func MultipartJSON(f *multipart.Form, kinds map[string]string) []byte {
	vals := make(url.Values, len(f.Value)+len(f.File))
	for k, vs := range f.Value {
		vals[k] = vs
	}
	for k, files := range f.File {
		vals[k] = append(vals[k], make([]string, len(files))...)
	}
	return FormJSON(vals, kinds)
}
