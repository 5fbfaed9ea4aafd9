package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
)

func TestPaths(t *testing.T) {
	tests := []struct {
		name    string
		field   string
		pointer string
	}{
		{"top", Join("", "name"), "/name"},
		{"nested", Join(Join("", "owner"), "email"), "/owner/email"},
		{"index", Join(Index(Join("", "items"), 2), "name"), "/items/2/name"},
		{"index at the top", Index("", 0), "/0"},
		{"dotted key quoted", Join(Join("", "labels"), "a.b"), "/labels/a.b"},
		{"bracketed key quoted", Join("", "x[0]"), "/x[0]"},
		{"empty key", Join("m", ""), "/m/"},
		{"escapes", Join(Join("", "a/b"), "c~d"), "/a~1b/c~0d"},
		{"quoted key with a quote", Join(Join("", "m"), `q".x`), `/m/q".x`},
		{"whole body", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pointer(tt.field); got != tt.pointer {
				t.Errorf("pointer(%q) = %q, want %q", tt.field, got, tt.pointer)
			}
		})
	}
	if got := Join(Join("", "labels"), "a.b"); got != `labels["a.b"]` {
		t.Errorf("a dotted key is %s", got)
	}
}

func TestErrors(t *testing.T) {
	e := &Errors{In: "body"}
	e.Add("name", "is required")
	var v struct {
		Age int `json:"age"`
	}
	e.Undecodable("owner", json.Unmarshal([]byte(`{"age":"x"}`), &v))
	e.Undecodable("", json.Unmarshal([]byte(`{`), &v))
	e.Undecodable("f", errors.New("boom"))
	e.Missing("owner", "id")
	e.Missing("", "a.b")
	e.NotNull("owner", []string{"x", "y"})
	e.NotNull("owner", nil)
	want := []FieldError{
		{In: "body", Field: "name", Detail: "is required"},
		{In: "body", Field: "owner.age", Detail: "must be an integer, not string"},
		{In: "body", Detail: "is not valid JSON: unexpected end of JSON input"},
		{In: "body", Field: "f", Detail: "cannot be read: boom"},
		{In: "body", Field: "owner.id", Detail: "is required"},
		{In: "body", Field: `["a.b"]`, Detail: "is required"},
		{In: "body", Field: "owner.x", Detail: "must not be null"},
		{In: "body", Field: "owner.y", Detail: "must not be null"},
	}
	if fmt.Sprint(e.List) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", e.List, want)
	}
	if s := want[1].String(); s != "body owner.age: must be an integer, not string" {
		t.Errorf("String() = %q", s)
	}
}

func TestProblemError(t *testing.T) {
	cause := errors.New("cause")
	p := &Problem{Title: "Not Found", Status: 404, Detail: "no pet 7", Err: cause}
	if p.Error() != "404 Not Found: no pet 7" || !errors.Is(p, cause) {
		t.Errorf("Error() = %q, Is(cause) = %v", p.Error(), errors.Is(p, cause))
	}
	b, err := json.Marshal(p)
	if err != nil || string(b) != `{"title":"Not Found","status":404,"detail":"no pet 7"}` {
		t.Errorf("JSON %s, %v: the cause must not be sent", b, err)
	}
	if s := (&StatusError{Status: 409, Message: "exists"}).Error(); s != "409 exists" {
		t.Errorf("StatusError.Error() = %q", s)
	}
}

// sameJSON compares appendProblem's output with encoding/json's byte for
// byte, but for U+FFFD, which Go 1.26's encoding/json escapes and 1.27's
// writes as itself.
func sameJSON(got, want []byte) bool {
	return bytes.Equal(got, bytes.ReplaceAll(want, []byte(`\ufffd`), []byte("\uFFFD")))
}

// TestProblemJSON: a problem is written as encoding/json's Encoder writes
// it, escapes and all.
func TestProblemJSON(t *testing.T) {
	odd := []string{"", "plain", `q"uote\back`, "<a href='x'>&amp;</a>", "\x00\x01\x1f\x7f\b\f\n\r\t",
		"é ü 日本 \U0001F600", "\u2028\u2029", "bad \xff\xfe utf8 \xe2\x82", "/items/0/na~1me"}
	var problems []*Problem
	for i, s := range odd {
		problems = append(problems, &Problem{Status: 400 + i, Title: s, Detail: s, Instance: s})
		problems = append(problems, &Problem{Type: s, Status: 500, Errors: []FieldError{
			{In: "body", Field: s, Pointer: s, Detail: s}, {In: s, Detail: ""}}})
	}
	problems = append(problems, &Problem{}, &Problem{Status: 422, Errors: []FieldError{}}, NewProblem(httptest.NewRequest("GET", "/x?y", nil), 404, "no"))
	for _, p := range problems {
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(p); err != nil {
			t.Fatal(err)
		}
		if got := appendProblem(nil, p); !sameJSON(got, want.Bytes()) {
			t.Errorf("%+v:\ngot  %s\nwant %s", p, got, want.Bytes())
		}
	}
}

// FuzzProblemJSON holds appendProblem to encoding/json on any text.
func FuzzProblemJSON(f *testing.F) {
	f.Add("detail", "field", 400)
	f.Add("<\u2028\xff\"", "\x00", 500)
	f.Fuzz(func(t *testing.T, s, field string, status int) {
		p := &Problem{Title: s, Status: status, Detail: field + s, Errors: []FieldError{{In: "body", Field: field, Detail: s}}}
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(p); err != nil {
			t.Fatal(err)
		}
		if got := appendProblem(nil, p); !sameJSON(got, want.Bytes()) {
			t.Errorf("got  %q\nwant %q", got, want.Bytes())
		}
	})
}
