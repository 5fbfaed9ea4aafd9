package schema

import (
	"bytes"
	_ "embed"
	"fmt"
	"reflect"
	"strings"

	"github.com/harness-sh/harness/runtime/values"
)

// environments is the guide part of the reference: prose and examples that
// no doc comment holds, kept as Markdown rather than in a Go string.
//
//go:embed environments.md
var environments string

// Markdown returns the values reference, docs/values.md.
func Markdown(docs Docs) []byte {
	var b bytes.Buffer
	b.WriteString(`# Values reference

<!-- Generated from runtime/values by ` + "`go test ./internal/schema -update`" + `. DO NOT EDIT. -->

harness reads CloudHarness's values format. An application's values live in
` + "`applications/APP/deploy/values.yaml`" + ` (and ` + "`values-ENV.yaml`" + ` overrides); the
solution's root values in ` + "`deployment-configuration/values-template.yaml`" + `. In the
chart, each application's values sit under ` + "`apps.KEY`" + ` (KEY is the application's
name with ` + "`-`" + ` replaced by ` + "`_`" + `).

Rules, the same in ` + "`harness-deployment`" + `, the chart's ` + "`values.schema.json`" + ` and the
runtime library:

- Inside ` + "`harness:`" + ` the keys are the ones listed here. As in CloudHarness, a key
  harness does not know is passed through to the chart, where the solution's
  templates read it, with a warning naming the file, the line and the key, and
  a suggestion when a known key is close
  (` + "`values.yaml:3: harness.sudomain: unknown key (did you mean \"subdomain\"?)`" + `);
  ` + "`harness-deployment --strict`" + ` makes it an error. The chart's schema accepts the keys
  so passed and no others. Mappings marked *other keys allowed* keep keys they
  do not list, without a warning.
- Outside ` + "`harness:`" + ` keys are free: an application's own values, reachable in
  templates as ` + "`.Values.apps.KEY.NAME`" + ` and in Go through the runtime.
- A value of the wrong type is an error (` + "`expected an integer, got string \"two\"`" + `).
- An empty value (` + "`key:`" + ` or ` + "`null`" + `) means unset.

## Application values

`)
	b.WriteString(docs["App"] + "\n\n")
	t := &table{docs: docs}
	t.rows(reflect.TypeFor[values.App](), "", false, nil)
	t.row("*any other key*", "any", "The application's own values (free).")
	b.WriteString(t.String())
	b.WriteString("\n## Root values\n\n")
	b.WriteString(docs["Values"] + "\n\n")
	t = &table{docs: docs}
	t.rows(reflect.TypeFor[values.Values](), "", false, map[string]string{
		"apps":    "mapping of application values; see [Application values](#application-values)",
		"harness": "mapping; the keys of an application's `harness:`, see [Application values](#application-values)",
	})
	t.row("*any other key*", "any", "Free values of the solution.")
	b.WriteString(t.String())
	b.WriteString(environments)
	return b.Bytes()
}

type table struct {
	docs Docs
	b    strings.Builder
}

func (t *table) String() string {
	return "| Key | Type | Description |\n| --- | --- | --- |\n" + t.b.String()
}

func (t *table) row(key, typ, doc string) {
	esc := strings.NewReplacer("|", `\|`, "\n", " ")
	fmt.Fprintf(&t.b, "| %s | %s | %s |\n", key, esc.Replace(typ), esc.Replace(doc))
}

// rows lists the keys of struct type st under prefix, recursing into nested
// mappings and lists of mappings. stop names keys whose type is described
// elsewhere (by the text given).
func (t *table) rows(st reflect.Type, prefix string, inHarness bool, stop map[string]string) {
	inHarness = values.InHarness(st, inHarness)
	for _, k := range values.Keys(st) {
		key := prefix + k.Name
		doc := sentence(t.docs[st.Name()+"."+k.Field], k.Field)
		if typ, ok := stop[k.Name]; ok {
			t.row("`"+key+"`", typ, doc)
			continue
		}
		t.row("`"+key+"`", typeName(k.Type), doc)
		ft := deref(k.Type)
		switch {
		case isStruct(ft):
			t.rows(ft, key+".", inHarness, nil)
		case ft.Kind() == reflect.Slice && isStruct(deref(ft.Elem())):
			t.rows(deref(ft.Elem()), key+"[].", inHarness, nil)
		}
	}
}

// sentence turns a Go doc comment, which starts with the field's name, into
// a description for a table row keyed by the YAML key: "Replicas is the
// number of pods." becomes "The number of pods."
func sentence(doc, goName string) string {
	rest, ok := strings.CutPrefix(doc, goName+" ")
	if !ok {
		return doc
	}
	for _, verb := range []string{"is ", "are "} {
		if r, ok := strings.CutPrefix(rest, verb); ok {
			rest = r
			break
		}
	}
	if rest == "" {
		return doc
	}
	return strings.ToUpper(rest[:1]) + rest[1:]
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func isStruct(t reflect.Type) bool { return t.Kind() == reflect.Struct && custom(t) == nil }

// typeName names a type for readers of YAML.
func typeName(t reflect.Type) string {
	switch deref(t) {
	case reflect.TypeFor[values.Scalar]():
		return "string, number or boolean"
	case reflect.TypeFor[values.IntOrString]():
		return "integer or string"
	case reflect.TypeFor[values.TLS]():
		return "boolean or string"
	case reflect.TypeFor[values.Secrets]():
		return "mapping of name to value"
	case reflect.TypeFor[values.DatabaseType]():
		names := make([]string, len(values.DatabaseTypes))
		for i, v := range values.DatabaseTypes {
			names[i] = "`" + string(v) + "`"
		}
		return "one of " + strings.Join(names, ", ")
	}
	t = deref(t)
	switch t.Kind() {
	case reflect.Struct:
		if values.Open(t) {
			return "mapping, other keys allowed"
		}
		return "mapping"
	case reflect.Map:
		if t.Elem().Kind() == reflect.Interface {
			return "mapping, free"
		}
		return "mapping of " + typeName(t.Elem())
	case reflect.Slice:
		if isStruct(deref(t.Elem())) {
			return "list of mappings"
		}
		return "list of " + typeName(t.Elem())
	case reflect.Interface:
		return "any"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	}
	return t.String()
}
