// Package schema derives the chart's values.schema.json and the values
// reference (docs/values.md) from the Go values model in runtime/values, so
// the values format is described in one place: the Go types and their doc
// comments.
//
// Doc comments are not available to a compiled program, so both outputs are
// generated from the sources and committed: values.schema.json here
// (embedded, returned by JSON), values.md in docs/. A test fails when either
// is stale; `go test ./internal/schema -update` rewrites them.
package schema

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/harness-sh/harness/runtime/values"
)

//go:embed values.schema.json
var schemaJSON []byte

// JSON returns the chart's values.schema.json.
func JSON() []byte { return append([]byte(nil), schemaJSON...) }

// Docs holds doc comments by "Type" and "Type.Field" of package values.
type Docs map[string]string

// ParseDocs reads the doc comments of the Go files (tests excluded) in dir.
func ParseDocs(dir string) (Docs, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read values sources: %w", err)
	}
	docs := Docs{}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, fmt.Errorf("parse values sources: %w", err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				docs[ts.Name.Name] = clean(doc.Text())
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, fld := range st.Fields.List {
					for _, n := range fld.Names {
						docs[ts.Name.Name+"."+n.Name] = clean(fld.Doc.Text())
					}
				}
			}
		}
	}
	return docs, nil
}

func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// field returns a field's description with the Go name that starts it
// replaced by the YAML key, e.g. "`subdomain` publishes the application...".
func (d Docs) field(t reflect.Type, k values.Key) string {
	doc := d[t.Name()+"."+k.Field]
	if rest, ok := strings.CutPrefix(doc, k.Field+" "); ok {
		return "`" + k.Name + "` " + rest
	}
	return doc
}

// Generate returns values.schema.json (JSON Schema draft-07, which Helm
// validates values against) for the chart's values: the root values with
// each application under apps.
func Generate(docs Docs) ([]byte, error) {
	g := &generator{docs: docs}
	root := g.of(reflect.TypeFor[values.Values](), false)
	if g.err != nil {
		return nil, g.err
	}
	root["$schema"] = "http://json-schema.org/draft-07/schema#"
	root["title"] = "harness chart values"
	root["description"] = docs["Values"]
	root["type"] = "object" // the document itself is never null
	props := root["properties"].(map[string]any)
	props["global"] = map[string]any{
		"description": "Values Helm shares with subcharts.",
		"type":        []string{"object", "null"},
	}
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode schema: %w", err)
	}
	return append(out, '\n'), nil
}

type generator struct {
	docs Docs
	err  error
}

// custom gives the schema of the types that decode themselves.
func custom(t reflect.Type) map[string]any {
	switch t {
	case reflect.TypeFor[values.Scalar]():
		return map[string]any{"type": []string{"string", "number", "boolean", "null"}}
	case reflect.TypeFor[values.IntOrString]():
		return map[string]any{"type": []string{"integer", "string", "null"}}
	case reflect.TypeFor[values.TLS]():
		return map[string]any{"type": []string{"boolean", "string", "null"}}
	case reflect.TypeFor[values.DatabaseType]():
		enum := []any{nil, ""}
		for _, v := range values.DatabaseTypes {
			enum = append(enum, string(v))
		}
		return map[string]any{"enum": enum}
	case reflect.TypeFor[values.Secrets]():
		return map[string]any{
			"type":                 []string{"object", "array", "null"},
			"additionalProperties": map[string]any{"type": []string{"string", "number", "boolean", "null"}},
			"items": map[string]any{
				"type":     "object",
				"required": []string{"key"},
				"properties": map[string]any{
					"name": map[string]any{"type": "string"},
					"key":  map[string]any{"type": "string"},
				},
			},
		}
	}
	return nil
}

// of returns the schema of a value of type t; null is allowed everywhere, as
// the decoder reads null as "unset".
func (g *generator) of(t reflect.Type, inHarness bool) map[string]any {
	if s := custom(t); s != nil {
		return s
	}
	switch t.Kind() {
	case reflect.Pointer:
		return g.of(t.Elem(), inHarness)
	case reflect.Struct:
		inHarness = values.InHarness(t, inHarness)
		props := map[string]any{}
		for _, k := range values.Keys(t) {
			p := g.of(k.Type, inHarness)
			if d := g.docs.field(t, k); d != "" {
				p["description"] = d
			}
			props[k.Name] = p
		}
		s := map[string]any{"type": []string{"object", "null"}, "properties": props}
		if values.Closed(t, inHarness) {
			s["additionalProperties"] = false
		}
		return s
	case reflect.Map:
		s := map[string]any{"type": []string{"object", "null"}}
		if t.Elem().Kind() != reflect.Interface {
			s["additionalProperties"] = g.of(t.Elem(), inHarness)
		}
		return s
	case reflect.Slice:
		return map[string]any{"type": []string{"array", "null"}, "items": g.of(t.Elem(), inHarness)}
	case reflect.Interface:
		return map[string]any{}
	case reflect.String:
		return map[string]any{"type": []string{"string", "number", "boolean", "null"}}
	case reflect.Bool:
		return map[string]any{"type": []string{"boolean", "null"}}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": []string{"integer", "null"}}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": []string{"number", "null"}}
	}
	g.err = fmt.Errorf("schema: no JSON schema for Go type %s", t)
	return map[string]any{}
}
