package httpapi

import (
	"mime/multipart"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
)

func TestParseParam(t *testing.T) {
	tests := []struct {
		name, typ, in string
		ok            bool
		reason        string
		parse         func(e *Errors, s string) bool
	}{
		{"int64", "int64", "42", true, "", func(e *Errors, s string) bool { _, ok := ParseParam(e, "k", s, ParseInt64, "int64"); return ok }},
		{"int64 bad", "int64", "4.2", false, "must be an integer", func(e *Errors, s string) bool { _, ok := ParseParam(e, "k", s, ParseInt64, "int64"); return ok }},
		{"int32 range", "int32", "3000000000", false, "must be an integer", func(e *Errors, s string) bool { _, ok := ParseParam(e, "k", s, ParseInt32, "int32"); return ok }},
		{"float32", "float32", "1.5", true, "", func(e *Errors, s string) bool { _, ok := ParseParam(e, "k", s, ParseFloat32, "float32"); return ok }},
		{"float64 bad", "float64", "x", false, "must be a number", func(e *Errors, s string) bool { _, ok := ParseParam(e, "k", s, ParseFloat64, "float64"); return ok }},
		{"bool", "bool", "true", true, "", func(e *Errors, s string) bool { _, ok := ParseParam(e, "k", s, ParseBool, "bool"); return ok }},
		{"bool bad", "bool", "yes", false, "must be true or false", func(e *Errors, s string) bool { _, ok := ParseParam(e, "k", s, ParseBool, "bool"); return ok }},
		{"time", "time", "2024-01-02T03:04:05Z", true, "", func(e *Errors, s string) bool { _, ok := ParseParam(e, "k", s, ParseTime, "time"); return ok }},
		{"time bad", "time", "2024-01-02", false, "must be a date-time (RFC 3339)", func(e *Errors, s string) bool { _, ok := ParseParam(e, "k", s, ParseTime, "time"); return ok }},
		{"date bad", "date", "2024-01-32", false, "must be a date (2006-01-02)", func(e *Errors, s string) bool { _, ok := ParseParam(e, "k", s, ParseDate, "date"); return ok }},
		{"string", "string", "", true, "", func(e *Errors, s string) bool { _, ok := ParseParam(e, "k", s, ParseString, "string"); return ok }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Errors{In: "query"}
			if ok := tt.parse(e, tt.in); ok != tt.ok {
				t.Fatalf("ok = %v", ok)
			}
			if tt.ok && len(e.List) > 0 || !tt.ok && (len(e.List) != 1 || e.List[0] != FieldError{In: "query", Field: "k", Detail: tt.reason}) {
				t.Errorf("errors %v, want %q", e.List, tt.reason)
			}
		})
	}
}

func TestParamValues(t *testing.T) {
	if got := SplitParam("a,b", ","); !reflect.DeepEqual(got, []string{"a", "b"}) || SplitParam("", ",") != nil {
		t.Errorf("SplitParam: %v", got)
	}
	e := &Errors{In: "path"}
	if s, ok := Styled(e, "id", ".5", "."); !ok || s != "5" {
		t.Errorf("Styled: %q %v", s, ok)
	}
	if got := StyledValues(e, "id", ";id=1,2", ";id="); !reflect.DeepEqual(got, []string{"1,2"}) {
		t.Errorf("StyledValues: %v", got)
	}
	if _, ok := Styled(e, "id", "5", "."); ok || len(e.List) != 1 || e.List[0].Detail != `must start with "."` {
		t.Errorf("Styled without the prefix: %v", e.List)
	}
	if s, ok := First([]string{"a", "b"}); s != "a" || !ok {
		t.Error("First")
	}
	if _, ok := First(nil); ok {
		t.Error("First of none")
	}
	if _, ok := NonEmpty(""); ok {
		t.Error("NonEmpty")
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "a=1")
	if s, ok := CookieValue(r, "a"); s != "1" || !ok || CookieValues(r, "b") != nil || len(CookieValues(r, "a")) != 1 {
		t.Error("cookies")
	}
}

func TestDeepObject(t *testing.T) {
	q, _ := url.ParseQuery("f[age]=3&f[tags][1]=b&f[tags][0]=a&f[x]=1&f[x]=2&g[age]=9&f[bad=1")
	want := url.Values{"age": {"3"}, "tags": {"a", "b"}, "x": {"1", "2"}}
	if got := DeepObject(q, "f"); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if DeepObject(q, "h") != nil {
		t.Error("a parameter without fields is not nil")
	}
}

func TestFormJSON(t *testing.T) {
	kinds := map[string]string{"n": "integer", "f": "number", "b": "boolean", "s": "string", "l": "array:integer"}
	vals := url.Values{"n": {"3"}, "f": {"x"}, "b": {"true"}, "s": {"1"}, "l": {"1", "y"}, "other": {"z"}}
	if got := string(FormJSON(vals, kinds)); got != `{"b":true,"f":"x","l":[1,"y"],"n":3,"s":"1"}` {
		t.Errorf("FormJSON = %s", got)
	}
	form := &multipart.Form{Value: map[string][]string{"s": {"v"}}, File: map[string][]*multipart.FileHeader{"file": {{Filename: "a"}}}}
	if got := string(MultipartJSON(form, map[string]string{"s": "string", "file": "string"})); got != `{"file":"","s":"v"}` {
		t.Errorf("MultipartJSON = %s", got)
	}
}

func TestChecks(t *testing.T) {
	formats := []struct {
		format, in string
		ok         bool
	}{
		{"uuid", "123e4567-e89b-12d3-a456-426614174000", true},
		{"uuid", "123e4567e89b12d3a456426614174000", false},
		{"uuid", "123e4567-e89b-12d3-a456-42661417400g", false},
		{"email", "a@example.com", true},
		{"email", "A <a@example.com>", false},
		{"ipv4", "10.0.0.1", true},
		{"ipv4", "::1", false},
		{"ipv6", "::1", true},
		{"ipv6", "10.0.0.1", false},
		{"uri", "https://x/y", true},
		{"uri", "/relative", false},
		{"hostname", "api.example.com", true},
		{"hostname", "a b", false},
		{"unknown", "anything", true},
	}
	for _, tt := range formats {
		if got := CheckFormat(tt.format, tt.in) == ""; got != tt.ok {
			t.Errorf("CheckFormat(%s, %q) ok = %v", tt.format, tt.in, got)
		}
	}
	if !IsMultiple(0.3, 0.1) || IsMultiple(0.35, 0.1) || !IsMultiple(5, 0) {
		t.Error("IsMultiple")
	}
	if !HasDuplicates([]int{1, 2, 1}) || HasDuplicates([]string{"a"}) || HasDuplicates([]int{1, 2}) {
		t.Error("HasDuplicates")
	}
	if !HasDuplicatesJSON([]map[string]int{{"a": 1}, {"a": 1}}) || HasDuplicatesJSON([][]int{{1}, {2}}) {
		t.Error("HasDuplicatesJSON")
	}
	if StatusOr(0, 500) != 500 || StatusOr(404, 500) != 404 {
		t.Error("StatusOr")
	}
}
