package httpapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeJSONIntegers(t *testing.T) {
	type wire struct {
		N *int64   `json:"n"`
		F *float64 `json:"f"`
		S *string  `json:"s"`
	}
	tests := []struct {
		name, in string
		n        int64
		f        float64
		s        string
		bad      bool
	}{
		{name: "plain", in: `{"n":3}`, n: 3},
		{name: "zero fraction", in: `{"n":3.0}`, n: 3},
		{name: "exponent", in: `{"n":2e3}`, n: 2000},
		{name: "negative exponent", in: `{"n":30e-1}`, n: 3},
		{name: "negative", in: `{"n":-4.00}`, n: -4},
		{name: "zero", in: `{"n":0.0e5}`, n: 0},
		{name: "a fraction", in: `{"n":1.5}`, bad: true},
		{name: "too large", in: `{"n":1e30}`, bad: true},
		{name: "floats untouched", in: `{"f":2.5,"n":1}`, n: 1, f: 2.5},
		{name: "numbers in strings untouched", in: `{"s":"1.0","n":1}`, n: 1, s: "1.0"},
		{name: "escaped quote in a string", in: `{"s":"a\"1.0","n":2.0}`, n: 2, s: `a"1.0`},
		{name: "trailing data", in: `{"n":1} x`, bad: true},
		{name: "two values", in: `{"n":1}{"n":2}`, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w wire
			err := DecodeJSON([]byte(tt.in), &w)
			if (err != nil) != tt.bad {
				t.Fatalf("err = %v, want failure %v", err, tt.bad)
			}
			if tt.bad {
				return
			}
			if w.N == nil || *w.N != tt.n || tt.f != 0 && (w.F == nil || *w.F != tt.f) || tt.s != "" && (w.S == nil || *w.S != tt.s) {
				t.Errorf("decoded %+v", w)
			}
		})
	}
}

// wirePet is a wire type as generated code declares it.
type wirePet struct {
	Name  *string         `json:"name"`
	Age   *int64          `json:"age"`
	Small *int32          `json:"small"`
	Good  *bool           `json:"good"`
	Tags  []string        `json:"tags"`
	Raw   json.RawMessage `json:"raw"`
	nulls []string
	extra map[string]json.RawMessage
}

func (w *wirePet) UnmarshalJSON(b []byte) error {
	o, err := ReadObject(b)
	if err != nil {
		return err
	}
	o.Field("name", &w.Name, false)
	o.Field("age", &w.Age, false)
	o.Field("small", &w.Small, false)
	o.Field("good", &w.Good, false)
	o.Field("tags", &w.Tags, false)
	o.Field("raw", &w.Raw, true)
	w.nulls = o.Nulls()
	w.extra = o.Rest()
	return o.Err()
}

func TestObject(t *testing.T) {
	str := func(s string) *string { return &s }
	i64 := func(n int64) *int64 { return &n }
	tests := []struct {
		name, in string
		want     wirePet
		err      string
	}{
		{name: "plain", in: `{"name":"rex","age":3,"small":2,"good":true,"tags":["a"]}`,
			want: wirePet{Name: str("rex"), Age: i64(3), Small: func() *int32 { v := int32(2); return &v }(), Good: func() *bool { v := true; return &v }(), Tags: []string{"a"}, extra: map[string]json.RawMessage{}}},
		{name: "keys are case-sensitive", in: `{"NAME":"rex"}`, want: wirePet{extra: map[string]json.RawMessage{"NAME": json.RawMessage(`"rex"`)}}},
		{name: "last repeated key wins", in: `{"age":1,"age":2}`, want: wirePet{Age: i64(2), extra: map[string]json.RawMessage{}}},
		{name: "escaped key", in: `{"na\u006de":"x"}`, want: wirePet{Name: str("x"), extra: map[string]json.RawMessage{}}},
		{name: "strings with braces and escapes", in: ` { "name" : "a}{\"b" , "age" : 4 } `, want: wirePet{Name: str(`a}{"b`), Age: i64(4), extra: map[string]json.RawMessage{}}},
		{name: "null not allowed is noted", in: `{"name":null,"raw":null}`, want: wirePet{Raw: json.RawMessage("null"), nulls: []string{"name"}, extra: map[string]json.RawMessage{}}},
		{name: "wrong type names the field", in: `{"age":"x"}`, err: "cannot unmarshal string"},
		{name: "int32 out of range", in: `{"small":3000000000}`, err: "cannot unmarshal number 3000000000"},
		{name: "not an object", in: `[1]`, err: "cannot unmarshal array"},
		// The fast paths (plain strings, numbers, arrays of plain
		// strings) and the ones they leave to encoding/json agree.
		{name: "empty array", in: `{"tags":[]}`, want: wirePet{Tags: []string{}, extra: map[string]json.RawMessage{}}},
		{name: "array with spaces", in: `{"tags":[ "a" , "b" ]}`, want: wirePet{Tags: []string{"a", "b"}, extra: map[string]json.RawMessage{}}},
		{name: "array with an escape", in: `{"tags":["a\u0062"]}`, want: wirePet{Tags: []string{"ab"}, extra: map[string]json.RawMessage{}}},
		{name: "array of another type", in: `{"tags":["a",1]}`, err: "cannot unmarshal number"},
		{name: "array of arrays", in: `{"tags":[["a"]]}`, err: "cannot unmarshal array"},
		{name: "null array allowed", in: `{"raw":[],"tags":null}`, want: wirePet{Raw: json.RawMessage("[]"), nulls: []string{"tags"}, extra: map[string]json.RawMessage{}}},
		{name: "whitespace around the value", in: "\n\t {\"name\":\"a\"} \r\n", want: wirePet{Name: str("a"), extra: map[string]json.RawMessage{}}},
		{name: "invalid text takes encoding/json's error", in: `{"name":"a",}`, err: "invalid character"},
		{name: "invalid UTF-8 is replaced, as encoding/json does", in: "{\"name\":\"a\xff\"}", want: wirePet{Name: str("a\ufffd"), extra: map[string]json.RawMessage{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w wirePet
			err := DecodeJSON([]byte(tt.in), &w)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(w, tt.want) {
				t.Errorf("got  %+v\nwant %+v", w, tt.want)
			}
		})
	}
	// The error names the member, for the 400's field.
	var w wirePet
	err := DecodeJSON([]byte(`{"age":"x"}`), &w)
	if te, ok := err.(*json.UnmarshalTypeError); !ok || te.Field != "age" {
		t.Errorf("type error %#v, want Field age", err)
	}
}

// TestDecodeScalarFloat: floats take the fast path and read as
// encoding/json reads them.
func TestDecodeScalarFloat(t *testing.T) {
	for _, in := range []string{"0", "-1.5", "2.5e-3", "1e308", "123456789012345678901234567890"} {
		var fast, slow *float64
		if !decodeScalar([]byte(in), &fast) {
			t.Errorf("%s: not decoded", in)
			continue
		}
		if err := json.Unmarshal([]byte(in), &slow); err != nil || *fast != *slow {
			t.Errorf("%s: %v, encoding/json %v (%v)", in, *fast, *slow, err)
		}
	}
	for _, in := range []string{`"1"`, "1e999", "true"} {
		var f *float64
		if decodeScalar([]byte(in), &f) {
			t.Errorf("%s: decoded as %v, want it left to encoding/json", in, *f)
		}
	}
}

func TestDiscriminator(t *testing.T) {
	for in, want := range map[string]string{`{"kind":"cat","x":1}`: "cat", `{"kind":1}`: "", `{}`: "", `[]`: ""} {
		if got := Discriminator([]byte(in), "kind"); got != want {
			t.Errorf("Discriminator(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestDate(t *testing.T) {
	var d Date
	if err := json.Unmarshal([]byte(`"2024-02-29"`), &d); err != nil || d.String() != "2024-02-29" {
		t.Fatalf("%v %v", d, err)
	}
	b, _ := json.Marshal(d)
	if string(b) != `"2024-02-29"` {
		t.Errorf("marshal %s", b)
	}
	for _, bad := range []string{`"2024-13-01"`, `1`, `"2024-02-29T00:00:00Z"`} {
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
	if d, err := ParseDate("2020-01-02"); err != nil || d.Day() != 2 {
		t.Errorf("ParseDate: %v %v", d, err)
	}
}
