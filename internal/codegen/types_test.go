package codegen

import "testing"

// TestBoundLiterals: the bounds of a generated httpapi.Rule read as the
// spec wrote them. (The messages' numbers and counts are the runtime's:
// httpapi's TestBounds.)
func TestBoundLiterals(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct{ got, want string }{
		{Num(f(0)), "0"},
		{Num(f(1000000)), "1000000"},
		{Num(f(-4503599627370496)), "-4503599627370496"},
		{Num(f(2.5)), "2.5"},
		{Num(f(1e300)), "1e+300"},
		{Num(f(0.0001)), "0.0001"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
