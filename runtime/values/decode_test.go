package values

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestDecodeAppErrors(t *testing.T) {
	tests := []struct {
		name string
		mode Mode
		in   string
		want string // the whole error text; "" means no error
	}{
		{name: "empty file", in: ""},
		{name: "only a comment", in: "# nothing\n"},
		{name: "null document", in: "~\n"},
		{name: "free keys only", in: "a: b\nnested: {x: [1, 2]}\n"},
		{name: "list document", in: "- a\n- b\n",
			want: "values.yaml:1: values must be a mapping, got a list"},
		{name: "plain string document", in: "hello\n",
			want: `values.yaml:1: values must be a mapping, got string "hello"`},
		{name: "unknown harness key with suggestion", in: "harness:\n  sudomain: x\n",
			want: `values.yaml:2: harness.sudomain: unknown key (did you mean "subdomain"?)`},
		{name: "unknown harness key without suggestion", in: "harness:\n  frobnicate: x\n",
			want: `values.yaml:2: harness.frobnicate: unknown key`},
		{name: "snake case of a camel key", in: "harness:\n  source_root: src\n",
			want: `values.yaml:2: harness.source_root: unknown key (did you mean "sourceRoot"?)`},
		{name: "unknown key deep inside harness", in: "harness:\n  deployment:\n    replica: 2\n",
			want: `values.yaml:3: harness.deployment.replica: unknown key (did you mean "replicas"?)`},
		{name: "unknown key in a list item", in: "harness:\n  dependencies:\n    git:\n      - url: u\n        branch: main\n",
			want: `values.yaml:5: harness.dependencies.git[0].branch: unknown key (did you mean "branch_tag"?)`},
		{name: "lenient accepts unknown harness keys", mode: Lenient, in: "harness:\n  sudomain: x\n  deployment: {replica: 2}\n"},
		{name: "open structs keep unknown keys", in: "harness:\n  uri_role_mapping:\n    - uri: /x\n      methods: [GET]\n  database:\n    postgres: {max_connections: 10}\n  deployment:\n    resources:\n      limits: {nvidia.com/gpu: 1}\n"},
		{name: "string where int expected", in: "harness:\n  deployment:\n    replicas: two\n",
			want: `values.yaml:3: harness.deployment.replicas: expected an integer, got string "two"`},
		{name: "quoted number where int expected", in: "harness:\n  service:\n    port: \"80\"\n",
			want: `values.yaml:3: harness.service.port: expected an integer, got string "80"`},
		{name: "float where int expected", in: "harness:\n  service:\n    port: 80.5\n",
			want: `values.yaml:3: harness.service.port: expected an integer, got number 80.5`},
		{name: "string where bool expected", in: "harness:\n  secured: maybe\n",
			want: `values.yaml:2: harness.secured: expected a boolean, got string "maybe"`},
		{name: "map where string expected", in: "harness:\n  subdomain: {a: b}\n",
			want: `values.yaml:2: harness.subdomain: expected a string, got a mapping`},
		{name: "string where list expected", in: "harness:\n  aliases: www\n",
			want: `values.yaml:2: harness.aliases: expected a list, got string "www"`},
		{name: "list where mapping expected", in: "harness:\n  deployment: [1]\n",
			want: `values.yaml:2: harness.deployment: expected a mapping, got a list`},
		{name: "harness is a string", in: "harness: yes\n",
			want: `values.yaml:1: harness: expected a mapping, got string "yes"`},
		{name: "list item of the wrong type", in: "harness:\n  aliases: [a, {b: c}]\n",
			want: `values.yaml:2: harness.aliases[1]: expected a string, got a mapping`},
		{name: "integer overflow", in: "harness:\n  service:\n    port: 99999999999999999999999\n",
			want: `values.yaml:3: harness.service.port: expected an integer, got number 99999999999999999999999`},
		{name: "wrong types even when lenient", mode: Lenient, in: "harness:\n  secured: maybe\n",
			want: `values.yaml:2: harness.secured: expected a boolean, got string "maybe"`},
		{name: "bad database type", in: "harness:\n  database:\n    type: postgre\n",
			want: `values.yaml:3: harness.database.type: expected one of mongo, postgres, neo4j, sqlite3, got "postgre" (did you mean "postgres"?)`},
		{name: "deployment port may be a string", in: "harness:\n  deployment:\n    port: overridden\n"},
		{name: "deployment port not a list", in: "harness:\n  deployment:\n    port: [1]\n",
			want: `values.yaml:3: harness.deployment.port: expected an integer or a string, got a list`},
		{name: "secret value a mapping", in: "harness:\n  secrets:\n    a: ''\n    b: {c: d}\n",
			want: `values.yaml:4: harness.secrets.b: expected a string, number or boolean, got a mapping`},
		{name: "legacy secrets list", in: "harness:\n  secrets:\n    - {name: s, key: k}\n"},
		{name: "bad legacy secrets list", in: "harness:\n  secrets:\n    - {name: s, key: k}\n    - 3\n",
			want: `values.yaml:4: harness.secrets[1]: expected {name, key} (the CloudHarness 1.x form of secrets)`},
		{name: "env value a list", in: "harness:\n  env:\n    - name: A\n      value: [1]\n",
			want: `values.yaml:4: harness.env[0].value: expected a string, number or boolean, got a list`},
		{name: "duplicate harness key", in: "harness:\n  subdomain: a\n  subdomain: b\n",
			want: `values.yaml:3: harness.subdomain: duplicate key (first set at line 2)`},
		{name: "duplicate free key", in: "a: 1\na: 2\n",
			want: `values.yaml:2: a: duplicate key (first set at line 1)`},
		{name: "duplicate key deep in free values", in: "my:\n  a: 1\n  a: 2\n",
			want: `values.yaml:3: my.a: duplicate key (first set at line 2)`},
		{name: "several errors in line order", in: "harness:\n  secured: 3\n  sudomain: x\n  service:\n    port: x\n",
			want: "values.yaml:2: harness.secured: expected a boolean, got integer 3\n" +
				`values.yaml:3: harness.sudomain: unknown key (did you mean "subdomain"?)` + "\n" +
				`values.yaml:5: harness.service.port: expected an integer, got string "x"`},
		{name: "syntax error", in: "harness:\n  a: [\n",
			want: `values.yaml:2: did not find expected node content`},
		{name: "tab indentation", in: "harness:\n\tsubdomain: a\n",
			want: `values.yaml:2: a tab indents this line (column 1): YAML indents with spaces only`},
		{name: "two documents", in: "a: 1\n---\nb: 2\n",
			want: `values.yaml:2: more than one YAML document; a values file holds one`},
		{name: "null values are unset", in: "harness:\n  subdomain:\n  deployment:\n  aliases:\n  database: {type: null}\n"},
		{name: "merge keys", in: "base: &b {auto: true, replica: 1}\nharness:\n  deployment:\n    <<: *b\n",
			want: `values.yaml:1: harness.deployment.replica: unknown key (did you mean "replicas"?)`},
		{name: "aliases", in: "res: &r {limits: {cpu: 1}}\nharness:\n  deployment: {resources: *r}\n  database: {resources: *r}\n"},
		{name: "yes is a boolean to yaml.v3", in: "harness:\n  secured: yes\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeApp([]byte(tt.in), Options{File: "values.yaml", Mode: tt.mode})
			got := ""
			if err != nil {
				got = err.Error()
				var es Errors
				if !errors.As(err, &es) {
					t.Errorf("error is %T, want values.Errors", err)
				}
			}
			if got != tt.want {
				t.Errorf("error:\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestDecodeRootErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "free root keys", in: "debug: true\nlocalIp: 1.2.3.4\ncommonLabels: {a: b}\n"},
		{name: "open root structs", in: "registry: {name: r, insecure: true}\n"},
		{name: "typed root keys", in: "local: sure\n",
			want: `all.yaml:1: local: expected a boolean, got string "sure"`},
		{name: "app harness under apps", in: "apps:\n  my_app:\n    harness:\n      deployment: {auto: true, prot: 80}\n",
			want: `all.yaml:4: apps.my_app.harness.deployment.prot: unknown key (did you mean "port"?)`},
		{name: "app that is not a mapping", in: "apps:\n  a: 3\n",
			want: `all.yaml:2: apps.a: expected a mapping, got integer 3`},
		{name: "default harness at the root", in: "harness:\n  sentri: true\n",
			want: `all.yaml:2: harness.sentri: unknown key (did you mean "sentry"?)`},
		{name: "tls as a secret name", in: "tls: my-tls\n"},
		{name: "tls as a mapping", in: "tls: {a: b}\n",
			want: `all.yaml:1: tls: expected a boolean or a secret name, got a mapping`},
		{name: "env value number", in: "env:\n  - {name: A, value: 80}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeRoot([]byte(tt.in), Options{File: "all.yaml"})
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("error:\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestErrorFields(t *testing.T) {
	_, err := DecodeApp([]byte("harness:\n  service:\n    port: x\n"), Options{File: "v.yaml"})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("errors.As(*Error) failed on %v", err)
	}
	want := Error{File: "v.yaml", Line: 3, Key: "harness.service.port", Msg: `expected an integer, got string "x"`}
	if *e != want {
		t.Errorf("got %+v, want %+v", *e, want)
	}
}

func TestDecodeApp(t *testing.T) {
	in := `
harness:
  subdomain: samples
  secured: true
  deployment:
    auto: true
    port: 8080
    volume: {name: v, mountpath: /data, size: 10Mi}
    resources: {requests: {cpu: 0.5, memory: 64Mi}}
  service: {auto: true, port: 80}
  database:
    auto: true
    type: postgres
    postgres: {initialdb: db, ports: [{name: http, port: 5432}]}
  secrets: {a: x, b: null, c: 3}
  envmap: {B: 123}
  readinessProbe: {path: /ready}
my:
  own: value
`
	app, err := DecodeApp([]byte(in), Options{File: "values.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	h := app.Harness
	port, ok := h.Deployment.Port.Int()
	checks := []struct {
		name      string
		got, want any
	}{
		{"subdomain", h.Subdomain, "samples"},
		{"secured", h.Secured, true},
		{"deployment port", [2]any{port, ok}, [2]any{8080, true}},
		{"volume", *h.Deployment.Volume, Volume{Name: "v", MountPath: "/data", Size: "10Mi"}},
		{"cpu", h.Deployment.Resources.Requests.CPU, Scalar("0.5")},
		{"service", h.Service, Service{Auto: true, Port: 80}},
		{"db type", h.Database.Type, Postgres},
		{"db initialdb", h.Database.Postgres.InitialDB, "db"},
		{"db port", h.Database.Postgres.Ports, []NamedPort{{Name: "http", Port: 5432}}},
		{"secrets", h.Secrets, Secrets{"a": "x", "b": "", "c": "3"}},
		{"envmap", h.Envmap, map[string]Scalar{"B": "123"}},
		{"probe", h.ReadinessProbe, &Probe{Path: "/ready"}},
		{"liveness unset", h.LivenessProbe, (*Probe)(nil)},
		{"free", app.Free, map[string]any{"my": map[string]any{"own": "value"}}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

// TestSourcesNameTheFile merges two files' trees (sharing nodes, as the
// deployment's merge does) and checks that an error names the file the bad
// key came from.
func TestSourcesNameTheFile(t *testing.T) {
	base, err := Parse([]byte("harness:\n  subdomain: a\n"), Options{File: "values.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	over, err := Parse([]byte("# env\n\nharness:\n  secured: often\n"), Options{File: "values-dev.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	var src Sources
	src.Add("values.yaml", base)
	src.Add("values-dev.yaml", over)
	// a map merge that shares src's subtrees
	base.Content[1].Content = append(base.Content[1].Content, over.Content[1].Content...)
	_, err = DecodeAppNode(base, Options{File: "merged", Sources: &src})
	want := `values-dev.yaml:4: harness.secured: expected a boolean, got string "often"`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestSizeCap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.yaml")
	junk := strings.Repeat("a: [b, {c: d}]\n", 2<<20) // 30 MiB
	if err := os.WriteFile(path, []byte(junk), 0o644); err != nil {
		t.Fatal(err)
	}
	junk = ""
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadApp(path, Options{})
	runtime.ReadMemStats(&after)
	want := path + ": values file is larger than the limit of 4194304 bytes"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 3*DefaultMaxBytes {
		t.Errorf("reading a 30 MiB file allocated %d bytes; the cap should bound it near %d", alloc, DefaultMaxBytes)
	}
	_, err = DecodeApp(make([]byte, 100), Options{File: "x.yaml", MaxBytes: 10})
	if want := "x.yaml: values file is 100 bytes, more than the limit of 10 bytes"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestBillionLaughs: aliases must not make the walk or the decode explode.
func TestBillionLaughs(t *testing.T) {
	in := `
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
harness:
  aliases: *h
`
	_, err := DecodeApp([]byte(in), Options{File: "v.yaml"})
	if err == nil {
		t.Fatal("expected an error")
	}
	// refused before any walk, at the file and the line where it explodes
	if !regexp.MustCompile(`^v\.yaml:[0-9]+: aliases expand to more than \d+ nodes$`).MatchString(err.Error()) {
		t.Errorf("unexpected error: %v", err)
	}
}

// TestParseRefuses: what yaml.v3 takes but a values file must not hold.
func TestParseRefuses(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"duplicate key", "harness:\n  subdomain: a\n  subdomain: b\n", `v.yaml:3: harness.subdomain: duplicate key (first set at line 2)`},
		{"duplicate top key", "a: 1\nb: 2\na: 3\n", `v.yaml:3: a: duplicate key (first set at line 1)`},
		{"duplicate deep", "harness:\n  deployment:\n    port: 1\n    auto: true\n    port: 2\n", `v.yaml:5: harness.deployment.port: duplicate key (first set at line 3)`},
		{"tab indent", "harness:\n\tsubdomain: a\n", `v.yaml:2: a tab indents this line (column 1): YAML indents with spaces only`},
		{"tab after spaces", "harness:\n  deployment:\n  \tport: 1\n", `v.yaml:3: a tab indents this line (column 3)`},
		{"two documents", "a: 1\n---\nb: 2\n", `v.yaml:2: more than one YAML document`},
		{"small aliases pass", "a: &a [1, 2]\nb: *a\nc: *a\n", ``},
		{"merge keys are no duplicates", "base: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n", ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in), Options{File: "v.yaml"})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"subdomain", "secured", "sentry", "service", "sourceRoot", "port"}
	tests := map[string]string{
		"sudomain":    "subdomain",
		"Subdomain":   "subdomain",
		"source-root": "sourceRoot",
		"sentri":      "sentry",
		"prot":        "port",
		"xyz":         "",
		"database":    "",
		"sub":         "subdomain",
		"po":          "",
	}
	for in, want := range tests {
		if got := Suggest(in, names); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestNodeInputs: DecodeNode takes document nodes, top nodes and nil.
func TestNodeInputs(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("harness: {subdomain: s}\n"), &doc); err != nil {
		t.Fatal(err)
	}
	for name, n := range map[string]*yaml.Node{"document": &doc, "top": doc.Content[0]} {
		app, err := DecodeAppNode(n, Options{})
		if err != nil || app.Harness.Subdomain != "s" {
			t.Errorf("%s: got %+v, %v", name, app, err)
		}
	}
	if app, err := DecodeAppNode(nil, Options{}); err != nil || app == nil {
		t.Errorf("nil: got %+v, %v", app, err)
	}
}

// TestUnknownKeysReported checks that with Options.Unknown an unknown key
// inside `harness:` is reported, not rejected, and the rest still decodes,
// while a known key of the wrong type stays an error.
func TestUnknownKeysReported(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []string // each report, as Error() prints it
		wantIn  []reflect.Type
		wantErr string
	}{
		{name: "top of harness", in: "harness:\n  users: [a]\n  subdomain: web\n",
			want: []string{"values.yaml:2: harness.users: unknown key"}, wantIn: []reflect.Type{reflect.TypeFor[Harness]()}},
		{name: "nested, with a suggestion", in: "harness:\n  database:\n    image: postgres:9\n    local_expose: true\n",
			want: []string{
				`values.yaml:3: harness.database.image: unknown key (did you mean "image_ref"?)`,
				"values.yaml:4: harness.database.local_expose: unknown key",
			}, wantIn: []reflect.Type{reflect.TypeFor[Database](), reflect.TypeFor[Database]()}},
		{name: "a block of its own", in: "harness:\n  ingress:\n    annotations:\n      nginx.ingress.kubernetes.io/proxy-body-size: 10m\n",
			want: []string{"values.yaml:2: harness.ingress: unknown key"}, wantIn: []reflect.Type{reflect.TypeFor[Harness]()}},
		{name: "typo", in: "harness:\n  subdomian: web\n",
			want: []string{`values.yaml:2: harness.subdomian: unknown key (did you mean "subdomain"?)`}, wantIn: []reflect.Type{reflect.TypeFor[Harness]()}},
		{name: "wrong type of a known key stays an error", in: "harness:\n  users: [a]\n  deployment:\n    replicas: many\n",
			want: []string{"values.yaml:2: harness.users: unknown key"}, wantIn: []reflect.Type{reflect.TypeFor[Harness]()},
			wantErr: `values.yaml:4: harness.deployment.replicas: expected an integer, got string "many"`},
		{name: "outside harness nothing is unknown", in: "mine:\n  anything: 1\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			var in []reflect.Type
			app, err := DecodeApp([]byte(tc.in), Options{File: "values.yaml", Unknown: func(u UnknownKey) {
				got = append(got, u.Error.Error())
				in = append(in, u.In)
				if !strings.HasSuffix(u.Key, u.Name) {
					t.Errorf("key %s does not end with its name %s", u.Key, u.Name)
				}
			}})
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Errorf("err = %v, want %s", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			} else if app == nil {
				t.Fatal("no app")
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("reported:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if !reflect.DeepEqual(in, tc.wantIn) {
				t.Errorf("types = %v, want %v", in, tc.wantIn)
			}
		})
	}
}
