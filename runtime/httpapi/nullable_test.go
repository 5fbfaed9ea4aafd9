package httpapi

import (
	"encoding/json"
	"testing"
)

type patch struct {
	Name  Nullable[string] `json:"name,omitzero"`
	Count Nullable[int]    `json:"count,omitzero"`
}

func TestNullableJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want patch
		out  string
	}{
		{name: "absent", in: `{}`, want: patch{}, out: `{}`},
		{name: "null", in: `{"name":null}`, want: patch{Name: Null[string]()}, out: `{"name":null}`},
		{name: "value", in: `{"name":"x","count":0}`, want: patch{Name: NewNullable("x"), Count: NewNullable(0)}, out: `{"name":"x","count":0}`},
		{name: "null and value", in: `{"name":"","count":null}`, want: patch{Name: NewNullable(""), Count: Null[int]()}, out: `{"name":"","count":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got patch
			if err := json.Unmarshal([]byte(tt.in), &got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("decoded %+v, want %+v", got, tt.want)
			}
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.out {
				t.Fatalf("encoded %s, want %s", b, tt.out)
			}
		})
	}
	var bad patch
	if err := json.Unmarshal([]byte(`{"count":"x"}`), &bad); err == nil || bad.Count.IsSet() {
		t.Fatalf("a string for Nullable[int]: err %v, %+v", err, bad.Count)
	}
	n := NewNullable(3)
	if v, ok := n.Get(); !ok || v != 3 || n.IsNull() || !n.IsSet() || n.IsZero() {
		t.Fatalf("NewNullable(3): %+v", n)
	}
	if v, ok := Null[int]().Get(); ok || v != 0 || !Null[int]().IsNull() || !Null[int]().IsSet() {
		t.Fatal("Null: not null")
	}
}
