package yamlindent

import "testing"

func TestMisindented(t *testing.T) {
	tests := []struct {
		name, doc string
		want      int
	}{
		{"fine", "a:\n  b: 1\n  c:\n    d: 2\ne: 3\n", 0},
		{"dedented off its siblings", "harness:\n  subdomain: web\n  deployment:\n    auto: true\n   port: 80\n", 5},
		{"indented under a value", "harness:\n  subdomain: web\n    port: 80\n", 3},
		{"lists", "a:\n  - name: x\n    value: 1\n  - name: y\nb: 2\n", 0},
		{"list at the key's column", "a:\n- x\n- y\nb: 1\n", 0},
		{"block scalar", "a: |\n  text\n      more\n   and\nb: 1\n", 0},
		{"block scalar with chomping", "a: |-\n  text\nb: 1\n", 0},
		{"comments and blanks", "a:\n  # note\n\n  b: 1 # x\n", 0},
		{"flow gives up", "a: [1,\n   2]\n", 0},
		{"list item dedented", "a:\n  - name: x\n   value: 1\n", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Misindented([]byte(tt.doc)); got != tt.want {
				t.Errorf("Misindented = %d, want %d", got, tt.want)
			}
		})
	}
}
