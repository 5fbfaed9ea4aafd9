package yamlmerge

import "testing"

func TestYAML(t *testing.T) {
	tests := []struct {
		name, base, overlay, want string
	}{
		{"maps merge", "a: 1\nb:\n  c: 2\n", "b:\n  d: 3\n", "a: 1\nb:\n  c: 2\n  d: 3\n"},
		{"scalars replaced", "a: 1\n", "a: x\n", "a: x\n"},
		{"lists replaced", "a: [1, 2]\n", "a: [3]\n", "a: [3]\n"},
		{"map replaced by scalar", "a:\n  b: 1\n", "a: 2\n", "a: 2\n"},
		{"null base", "a:\n", "a:\n  b: 1\n", "a:\n  b: 1\n"},
		{"empty base", "", "a: 1\n", "a: 1\n"},
		{"empty overlay", "a: 1\n", "", "a: 1\n"},
		{"comments kept", "# top\na: 1 # one\n", "b: 2\n", "# top\na: 1 # one\nb: 2\n"},
		{"deep", "h:\n  d:\n    auto: true\n    port: 1\n", "h:\n  d:\n    port: 2\n", "h:\n  d:\n    auto: true\n    port: 2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := YAML([]byte(tt.base), []byte(tt.overlay))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	got, err := JSON([]byte(`{"a":{"b":1,"c":[1,2]},"z":true}`), []byte(`{"a":{"c":[3],"d":"x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": {\n    \"b\": 1,\n    \"c\": [\n      3\n    ],\n    \"d\": \"x\"\n  },\n  \"z\": true\n}\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestErrors(t *testing.T) {
	if _, err := YAML([]byte("a: [\n"), []byte("b: 1")); err == nil {
		t.Error("broken base accepted")
	}
	if _, err := JSON([]byte(`{}`), []byte(`{`)); err == nil {
		t.Error("broken overlay accepted")
	}
}

func TestForFile(t *testing.T) {
	for name, want := range map[string]string{
		"values.yaml": "a: 1\nb: 2\n", "deploy/x.YML": "a: 1\nb: 2\n", "c.json": "{\n  \"a\": 1,\n  \"b\": 2\n}\n",
		"script.sh": "", "Dockerfile": "", "values.yaml.tmpl": "",
	} {
		merge := ForFile(name)
		if want == "" {
			if merge != nil {
				t.Errorf("%s: merged, want replaced", name)
			}
			continue
		}
		base, overlay := "a: 1\n", "b: 2\n"
		if want[0] == '{' {
			base, overlay = `{"a": 1}`, `{"b": 2}`
		}
		got, err := merge([]byte(base), []byte(overlay))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v; want %q", name, got, err, want)
		}
	}
}
