package codegen

import "testing"

// TestBoundsInMessages: the bounds in validation messages read as the spec
// wrote them, and counts agree with their number.
func TestBoundsInMessages(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	u := func(v uint64) *uint64 { return &v }
	for _, tc := range []struct{ got, want string }{
		{Num(f(0)), "0"},
		{Num(f(1000000)), "1000000"},
		{Num(f(-4503599627370496)), "-4503599627370496"},
		{Num(f(2.5)), "2.5"},
		{Num(f(1e300)), "1e+300"},
		{Num(f(0.0001)), "0.0001"},
		{Count(u(1), "character"), "1 character"},
		{Count(u(64), "character"), "64 characters"},
		{Count(u(1), "property"), "1 property"},
		{Count(u(2), "property"), "2 properties"},
		{Count(u(0), "item"), "0 items"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
