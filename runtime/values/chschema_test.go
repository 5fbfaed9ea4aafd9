package values

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestCoversCloudHarnessSchema walks CloudHarness's own values schema (the
// authoritative description of the format) beside the Go types: every
// property it declares must be a key of the matching Go struct.
func TestCoversCloudHarnessSchema(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(cloudHarness(t), "libraries/models/api/openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	schemas := doc.Components.Schemas
	// properties of a schema, through $ref and allOf
	var props func(s map[string]any) map[string]map[string]any
	props = func(s map[string]any) map[string]map[string]any {
		out := map[string]map[string]any{}
		if ref, ok := s["$ref"].(string); ok {
			return props(schemas[strings.TrimPrefix(ref, "#/components/schemas/")])
		}
		for _, part := range asList(s["allOf"]) {
			for k, v := range props(part) {
				out[k] = v
			}
		}
		if p, ok := s["properties"].(map[string]any); ok {
			for k, v := range p {
				m, _ := v.(map[string]any)
				out[k] = m
			}
		}
		return out
	}
	checked := 0
	seen := map[string]bool{}
	var walk func(path string, s map[string]any, t reflect.Type)
	walk = func(path string, s map[string]any, rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice {
			rt = rt.Elem()
			if items, ok := s["items"].(map[string]any); ok {
				s = items
			}
		}
		if rt.Kind() == reflect.Map {
			if ap, ok := s["additionalProperties"].(map[string]any); ok {
				walk(path+".*", ap, rt.Elem())
			}
			return
		}
		if rt.Kind() != reflect.Struct || seen[path] {
			return
		}
		seen[path] = true
		keys := map[string]reflect.Type{}
		for _, k := range Keys(rt) {
			keys[k.Name] = k.Type
		}
		for name, ps := range props(s) {
			ft, ok := keys[name]
			if !ok {
				t.Errorf("%s.%s: CloudHarness's schema declares it; %s has no such key", path, name, rt.Name())
				continue
			}
			checked++
			if ps != nil {
				walk(path+"."+name, ps, ft)
			}
		}
	}
	walk("root", schemas["HarnessMainConfig"], reflect.TypeFor[Values]())
	walk("app", schemas["ApplicationConfig"], reflect.TypeFor[App]())
	t.Logf("%d properties of CloudHarness's schema checked", checked)
	if checked < 100 {
		t.Errorf("checked only %d properties", checked)
	}
}

func asList(v any) []map[string]any {
	var out []map[string]any
	l, _ := v.([]any)
	for _, e := range l {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
