package schema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	"helm.sh/helm/v3/pkg/chartutil"

	"github.com/harness-sh/harness/internal/fixtures"
	"github.com/harness-sh/harness/internal/golden"
	"github.com/harness-sh/harness/internal/names"
	"github.com/harness-sh/harness/internal/yamlmerge"
	"github.com/harness-sh/harness/runtime/values"
)

const (
	valuesDir = "../../runtime/values"
	docsFile  = "../../docs/values.md"
)

func docs(t *testing.T) Docs {
	t.Helper()
	d, err := ParseDocs(valuesDir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestGeneratedUpToDate fails when values.schema.json or docs/values.md no
// longer match the values model.
func TestGeneratedUpToDate(t *testing.T) {
	d := docs(t)
	schema, err := Generate(d)
	if err != nil {
		t.Fatal(err)
	}
	md := Markdown(d)
	golden.File(t, "values.schema.json", schema)
	golden.File(t, docsFile, md)
}

// TestEveryFieldDocumented: the doc comments are the reference's text.
func TestEveryFieldDocumented(t *testing.T) {
	d := docs(t)
	seen := map[reflect.Type]bool{}
	var visit func(reflect.Type)
	visit = func(rt reflect.Type) {
		rt = deref(rt)
		switch rt.Kind() {
		case reflect.Slice, reflect.Map:
			visit(rt.Elem())
			return
		}
		if seen[rt] || rt.PkgPath() != reflect.TypeFor[values.Values]().PkgPath() {
			return
		}
		seen[rt] = true
		if d[rt.Name()] == "" {
			t.Errorf("type %s has no doc comment", rt.Name())
		}
		if rt.Kind() != reflect.Struct || custom(rt) != nil {
			return
		}
		for i := 0; i < rt.NumField(); i++ {
			f := rt.Field(i)
			if d[rt.Name()+"."+f.Name] == "" {
				t.Errorf("field %s.%s has no doc comment", rt.Name(), f.Name)
			}
			visit(f.Type)
		}
	}
	visit(reflect.TypeFor[values.Values]())
	visit(reflect.TypeFor[values.App]())
	if len(seen) < 30 {
		t.Errorf("visited only %d types", len(seen))
	}
}

func validate(t *testing.T, vals []byte) error {
	t.Helper()
	v, err := chartutil.ReadValues(vals)
	if err != nil {
		t.Fatalf("helm cannot read values: %v", err)
	}
	return chartutil.ValidateAgainstSingleSchema(v, JSON())
}

// TestSchemaAgreesWithDecoder: Helm's validation with the schema and the
// strict decoder accept and reject the same application values.
func TestSchemaAgreesWithDecoder(t *testing.T) {
	tests := []struct {
		in     string
		accept bool
	}{
		{"a: b\nfree: {x: [1]}\n", true},
		{"harness:\n  sudomain: x\n", false},
		{"harness:\n  deployment: {replica: 2}\n", false},
		{"harness:\n  deployment: {replicas: two}\n", false},
		{"harness:\n  deployment: {port: overridden, replicas: 2}\n", true},
		{"harness:\n  deployment: {port: [1]}\n", false},
		{"harness:\n  service: {port: '80'}\n", false},
		{"harness:\n  service: {port: 80.5}\n", false},
		{"harness:\n  secured: maybe\n", false},
		{"harness:\n  subdomain: {a: b}\n", false},
		{"harness:\n  aliases: www\n", false},
		{"harness:\n  aliases: [a, b]\n", true},
		{"harness:\n  database: {type: postgre}\n", false},
		{"harness:\n  database: {type: neo4j, postgres: {max_connections: 10}}\n", true},
		{"harness:\n  secrets: {a: '', b: null, c: 3}\n", true},
		{"harness:\n  secrets: {b: {c: d}}\n", false},
		{"harness:\n  secrets: [{name: s, key: k}]\n", true},
		{"harness:\n  env: [{name: A, value: 80}]\n", true},
		{"harness:\n  env: [{name: A, value: [1]}]\n", false},
		{"harness:\n  uri_role_mapping: [{uri: /x, methods: [GET]}]\n", true},
		{"harness:\n  deployment: {resources: {limits: {nvidia.com/gpu: 1}}}\n", true},
		{"harness:\n  subdomain:\n  deployment:\n    volume:\n", true},
		{"harness:\n  readinessProbe: {path: /r, port: 80, timeout: 3}\n", false},
	}
	for _, tt := range tests {
		_, derr := values.DecodeApp([]byte(tt.in), values.Options{File: "values.yaml"})
		var app yaml.Node
		if err := yaml.Unmarshal([]byte(tt.in), &app); err != nil {
			t.Fatal(err)
		}
		chart := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		if app.Kind != 0 {
			chart = yamlmerge.Nodes(chart, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
				{Kind: yaml.ScalarNode, Tag: "!!str", Value: "apps"},
				{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
					{Kind: yaml.ScalarNode, Tag: "!!str", Value: "a"}, app.Content[0]}}}})
		}
		serr := validate(t, toJSON(t, chart))
		if (derr == nil) != tt.accept || (serr == nil) != tt.accept {
			t.Errorf("%q: want accept=%v; decoder: %v; schema: %v", tt.in, tt.accept, derr, serr)
		}
	}
}

// chartValues builds the chart's values the way the deployment merges them:
// root files in order, and each application's files in order under apps.KEY.
func chartValues(t *testing.T, rootFiles []string, apps map[string][]string) []byte {
	t.Helper()
	root := parse(t, rootFiles...)
	appsNode := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	keys := make([]string, 0, len(apps))
	for k := range apps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, app := range keys {
		appsNode.Content = append(appsNode.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: names.ValuesKey(app)},
			parse(t, apps[app]...))
	}
	top := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: "apps"}, appsNode}}
	merged := yamlmerge.Nodes(root, top)
	// the strict decoder must accept what the schema is tested on
	if _, err := values.DecodeRootNode(merged, values.Options{File: "merged values"}); err != nil {
		t.Errorf("decoder rejects the merged values: %v", err)
	}
	return toJSON(t, merged)
}

// toJSON writes a tree as JSON (which is YAML to Helm), as the chart stores
// values; yaml.v3's emitter can mangle some commented trees.
func toJSON(t *testing.T, n *yaml.Node) []byte {
	t.Helper()
	var v any
	if err := n.Decode(&v); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parse(t *testing.T, files ...string) *yaml.Node {
	t.Helper()
	var out *yaml.Node
	for _, f := range files {
		n, err := values.ReadFile(f, values.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if n != nil {
			out = yamlmerge.Nodes(out, n)
		}
	}
	if out == nil {
		out = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	return out
}

// TestFixturesValidate: every CloudHarness application, with each of its
// environments, merged into the chart's values, passes Helm's validation
// against the generated schema.
func TestFixturesValidate(t *testing.T) {
	ch := fixtures.CloudHarness(t)
	sets := []struct {
		name     string
		root     []string // root values files, in merge order
		template []string // per-app defaults, in merge order
		appsDir  string
		env      string
	}{
		{name: "cloudharness", appsDir: "applications",
			root:     []string{"deployment-configuration/helm/values.yaml", "deployment-configuration/values-template.yaml"},
			template: []string{"deployment-configuration/value-template.yaml"}},
		{name: "deployment tests", appsDir: "tools/deployment-cli-tools/tests/resources/applications",
			root:     []string{"deployment-configuration/helm/values.yaml", "tools/deployment-cli-tools/tests/resources/deployment-configuration/values-template.yaml"},
			template: []string{"deployment-configuration/value-template.yaml", "tools/deployment-cli-tools/tests/resources/deployment-configuration/value-template.yaml"}},
		{name: "wrong dependencies", appsDir: "tools/deployment-cli-tools/tests/resources/wrong-dependencies/applications",
			root:     []string{"deployment-configuration/helm/values.yaml"},
			template: []string{"deployment-configuration/value-template.yaml"}},
	}
	var runs int
	for _, set := range sets {
		envs := map[string]bool{"": true}
		matches, _ := filepath.Glob(filepath.Join(ch, set.appsDir, "*", "deploy", "values-*.yaml"))
		for _, m := range matches {
			envs[strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "values-"), ".yaml")] = true
		}
		for env := range envs {
			name := set.name + "/" + env
			t.Run(name, func(t *testing.T) {
				abs := func(rel []string) []string {
					out := make([]string, len(rel))
					for i, r := range rel {
						out[i] = filepath.Join(ch, r)
					}
					return out
				}
				root := abs(set.root)
				if env != "" {
					if p := filepath.Join(filepath.Dir(root[len(root)-1]), "values-template-"+env+".yaml"); exists(p) {
						root = append(root, p)
					}
				}
				apps := map[string][]string{}
				dirs, _ := filepath.Glob(filepath.Join(ch, set.appsDir, "*", "deploy"))
				for _, dir := range dirs {
					files := abs(set.template)
					for _, f := range []string{"values.yaml", "values-" + env + ".yaml"} {
						if p := filepath.Join(dir, f); exists(p) && (f != "values-.yaml") {
							files = append(files, p)
						}
					}
					apps[filepath.Base(filepath.Dir(dir))] = files
				}
				if len(apps) == 0 {
					t.Fatalf("no applications under %s", set.appsDir)
				}
				if err := validate(t, chartValues(t, root, apps)); err != nil {
					t.Error(err)
				}
				runs++
			})
		}
	}
	t.Run("runtime test values", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(ch, "libraries/cloudharness-common/tests/values.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(t, data); err != nil {
			t.Error(err)
		}
	})
	if runs < 8 {
		t.Errorf("only %d merged value sets validated", runs)
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestSchemaRejects shows Helm's message for a misspelt harness key.
func TestSchemaRejects(t *testing.T) {
	err := validate(t, []byte("apps:\n  a:\n    harness:\n      sudomain: x\n"))
	if err == nil || !strings.Contains(err.Error(), "sudomain") {
		t.Errorf("got %v, want an error naming sudomain", err)
	}
}

// TestAllow: keys let through are valid wherever their struct type is, and
// only those.
func TestAllow(t *testing.T) {
	data, err := Allow(map[reflect.Type][]string{
		reflect.TypeFor[values.Harness]():  {"users", "ingress"},
		reflect.TypeFor[values.Database](): {"local_expose"},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in     string
		accept bool
	}{
		{"apps:\n  a:\n    harness:\n      users: [{name: x}]\n      ingress: {annotations: {a: b}}\n", true},
		{"apps:\n  a:\n    harness:\n      database: {local_expose: true}\n", true},
		{"apps:\n  a:\n    harness:\n      sudomain: x\n", false},
		{"apps:\n  a:\n    harness:\n      database: {users: x}\n", false},
		{"apps:\n  a:\n    harness:\n      users: [a]\n      deployment: {replicas: many}\n", false},
	}
	for _, tc := range tests {
		v, err := chartutil.ReadValues([]byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		err = chartutil.ValidateAgainstSingleSchema(v, data)
		if (err == nil) != tc.accept {
			t.Errorf("%q: accept = %v, want %v (%v)", tc.in, err == nil, tc.accept, err)
		}
	}
	if same, _ := Allow(nil); string(same) != string(JSON()) {
		t.Error("Allow(nil) changed the schema")
	}
}
