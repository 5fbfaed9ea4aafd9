package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/harness-sh/harness/runtime/values"
)

// Allow returns the chart's schema with extra keys allowed, any value, in
// every place the struct type holding them appears: the keys a solution
// passes through `harness:` to its own templates. Helm validates the chart's
// values against the schema, so a key harness let through must be in it;
// every other key stays closed, and `--set` with a misspelt key still fails.
func Allow(extra map[reflect.Type][]string) ([]byte, error) {
	if len(extra) == 0 {
		return JSON(), nil
	}
	var root map[string]any
	if err := json.Unmarshal(schemaJSON, &root); err != nil {
		return nil, fmt.Errorf("read values schema: %w", err)
	}
	allow(root, reflect.TypeFor[values.Values](), extra)
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode values schema: %w", err)
	}
	return append(out, '\n'), nil
}

// allow walks the schema s of type t as Generate wrote it.
func allow(s map[string]any, t reflect.Type, extra map[reflect.Type][]string) {
	if s == nil || custom(t) != nil {
		return
	}
	sub := func(key string) map[string]any { m, _ := s[key].(map[string]any); return m }
	switch t.Kind() {
	case reflect.Pointer:
		allow(s, t.Elem(), extra)
	case reflect.Struct:
		props := sub("properties")
		if props == nil {
			return
		}
		for _, k := range values.Keys(t) {
			p, _ := props[k.Name].(map[string]any)
			allow(p, k.Type, extra)
		}
		names := slices.Clone(extra[t])
		slices.Sort(names)
		for _, name := range names {
			if _, known := props[name]; !known {
				props[name] = map[string]any{"description": "Not a harness key: passed through to the chart's templates."}
			}
		}
	case reflect.Map:
		allow(sub("additionalProperties"), t.Elem(), extra)
	case reflect.Slice:
		allow(sub("items"), t.Elem(), extra)
	}
}
