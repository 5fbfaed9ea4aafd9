package httpapi

import (
	"regexp"
	"slices"
	"testing"
)

func TestRule(t *testing.T) {
	name := Rule{Bounds: HasMinLen | HasMaxLen, MinLen: 1, MaxLen: 3, Pattern: regexp.MustCompile(`^[a-zé]+$`)}
	size := Rule{Bounds: HasMin | HasMax | ExclusiveMax, Min: 0, Max: 1000}
	ratio := Rule{Bounds: HasMin | ExclusiveMin, Min: -0.5, MultipleOf: 0.25}
	str := func(s string) func(*Rule) Broken { return func(r *Rule) Broken { return r.CheckString(s) } }
	num := func(v float64) func(*Rule) Broken { return func(r *Rule) Broken { return r.CheckNumber(v) } }
	length := func(n int) func(*Rule) Broken { return func(r *Rule) Broken { return r.CheckLen(n) } }
	tests := []struct {
		name  string
		rule  Rule
		check func(*Rule) Broken
		want  []string
	}{
		{"string within bounds", name, str("abc"), nil},
		{"length in characters, not bytes", name, str("ééé"), nil},
		{"string too short and off pattern", name, str(""),
			[]string{"must be at least 1 character long", "must match the pattern ^[a-zé]+$"}},
		{"string too long", name, str("abcd"), []string{"must be at most 3 characters long"}},
		{"maxLength 0", Rule{Bounds: HasMaxLen}, str("a"), []string{"must be at most 0 characters long"}},
		{"format", Rule{Format: "uuid"}, str("x"), []string{"must be a UUID"}},
		{"format and length", Rule{Bounds: HasMaxLen, MaxLen: 3, Format: "hostname"}, str("a b c"),
			[]string{"must be at most 3 characters long", "must be a host name"}},
		{"unknown format", Rule{Format: "color"}, str("x"), nil},
		{"number at the inclusive minimum", size, num(0), nil},
		{"number below the minimum", size, num(-1), []string{"must be at least 0"}},
		{"number at the exclusive maximum", size, num(1000), []string{"must be less than 1000"}},
		{"number at the exclusive minimum", ratio, num(-0.5), []string{"must be greater than -0.5"}},
		{"not a multiple", ratio, num(0.3), []string{"must be a multiple of 0.25"}},
		{"below and not a multiple", ratio, num(-1.1), []string{"must be greater than -0.5", "must be a multiple of 0.25"}},
		{"a multiple, despite rounding", ratio, num(0.75), nil},
		{"a bound too large to print whole", Rule{Bounds: HasMax, Max: 1e21}, num(2e21), []string{"must be at most 1e+21"}},
		{"whole bound printed whole", Rule{Bounds: HasMax, Max: 1e6}, num(2e6), []string{"must be at most 1000000"}},
		{"too few items", Rule{Bounds: HasMinLen, MinLen: 2, Counts: Items}, length(1), []string{"must have at least 2 items"}},
		{"one item too many", Rule{Bounds: HasMaxLen, MaxLen: 1, Counts: Items}, length(2), []string{"must have at most 1 item"}},
		{"too many properties", Rule{Bounds: HasMaxLen, MaxLen: 1, Counts: Properties}, length(2),
			[]string{"must have at most 1 property"}},
		{"properties, plural", Rule{Bounds: HasMinLen, MinLen: 3, Counts: Properties}, length(0),
			[]string{"must have at least 3 properties"}},
		{"bounds absent", Rule{Min: 5, MaxLen: 0}, num(-1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The messages are the same from a Rule made by NewRule, which
			// writes them once, and from a bare literal.
			for _, r := range []*Rule{NewRule(tt.rule), &tt.rule} {
				e := &Errors{In: "body"}
				if b := tt.check(r); b != 0 {
					e.AddBroken("a.b", r, b)
				}
				var got []string
				for _, fe := range e.List {
					if fe.Field != "a.b" || fe.In != "body" {
						t.Errorf("error at %s %s, want body a.b", fe.In, fe.Field)
					}
					got = append(got, fe.Detail)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

// TestBounds: the bounds in messages read as the spec wrote them, and
// counts agree with their number.
func TestBounds(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{formatNumber(0), "0"},
		{formatNumber(1000000), "1000000"},
		{formatNumber(-4503599627370496), "-4503599627370496"},
		{formatNumber(2.5), "2.5"},
		{formatNumber(1e300), "1e+300"},
		{formatNumber(0.0001), "0.0001"},
		{count(1, "character"), "1 character"},
		{count(64, "character"), "64 characters"},
		{count(1, "property"), "1 property"},
		{count(2, "property"), "2 properties"},
		{count(0, "item"), "0 items"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// Checking a value costs no allocation, and reporting a failure of a Rule
// made by NewRule costs none but the error list's.
func TestRuleAllocs(t *testing.T) {
	r := NewRule(Rule{Bounds: HasMinLen | HasMaxLen | HasMin, MinLen: 1, MaxLen: 80, Min: 0,
		Pattern: regexp.MustCompile(`^[a-z]+$`), Format: "hostname"})
	if n := testing.AllocsPerRun(100, func() {
		if r.CheckString("abc")|r.CheckNumber(3)|r.CheckLen(3) != 0 {
			t.Fatal("a valid value broke the rule")
		}
	}); n != 0 {
		t.Errorf("checking: %v allocations, want 0", n)
	}
	e := &Errors{List: make([]FieldError, 0, 8)}
	if n := testing.AllocsPerRun(100, func() {
		e.List = e.List[:0]
		e.AddBroken("f", r, r.CheckString("ABC!"))
	}); n != 0 || len(e.List) != 1 {
		t.Errorf("reporting: %v allocations and %d errors, want 0 and 1", n, len(e.List))
	}
}
