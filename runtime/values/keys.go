package values

import (
	"reflect"
	"strings"
)

// Key is a key of a values struct, as the decoder reads it. The decoder, the
// chart's schema and the values reference all derive from Keys, Open and
// Closed, so they agree on what a values file may hold.
type Key struct {
	// Name is the YAML key.
	Name string
	// Field is the Go field's name.
	Field string
	// Type is the Go field's type.
	Type reflect.Type
}

// Keys returns the keys of a struct type of this package in declaration
// order (the `,inline` map, if any, is not a key).
func Keys(t reflect.Type) []Key {
	var keys []Key
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("yaml")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "inline") {
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		keys = append(keys, Key{Name: name, Field: sf.Name, Type: sf.Type})
	}
	return keys
}

// Open reports whether a struct type keeps the keys it does not know (in an
// `,inline` map) instead of rejecting them.
func Open(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		_, opts, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if strings.Contains(opts, "inline") && sf.Type.Kind() == reflect.Map {
			return true
		}
	}
	return false
}

// InHarness reports whether a value of type t lies inside a `harness:`
// section, given whether its parent does.
func InHarness(t reflect.Type, parentInHarness bool) bool {
	return parentInHarness || t == harnessType
}

// Closed reports whether a struct of type t rejects unknown keys in Strict
// mode: inside `harness:` (inHarness as InHarness computes it), unless it is
// Open. Outside `harness:` keys are free.
func Closed(t reflect.Type, inHarness bool) bool {
	return inHarness && !Open(t)
}
