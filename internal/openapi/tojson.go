package openapi

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// jsonWriter writes a YAML tree as the JSON kin-openapi reads, straight
// from the nodes: no maps built and sorted on the way, keys in the file's
// order. It reports false for what it does not write exactly as decodedJSON
// would (aliases, merge keys, duplicate keys, timestamps, binary, custom
// tags, numbers JSON does not spell alike), and load then takes that slower
// path.
type jsonWriter struct{ b []byte }

var (
	jsonInt   = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)
	jsonFloat = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
)

func (w *jsonWriter) node(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return false
		}
		return w.node(n.Content[0])
	case yaml.MappingNode:
		return w.members(n, func(_ string, v *yaml.Node) bool { return w.node(v) })
	case yaml.SequenceNode:
		w.b = append(w.b, '[')
		for i, c := range n.Content {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			if !w.node(c) {
				return false
			}
		}
		w.b = append(w.b, ']')
		return true
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			w.str(n.Value)
		case "!!int":
			if !jsonInt.MatchString(n.Value) {
				return false
			}
			w.b = append(w.b, n.Value...)
		case "!!float":
			if !jsonFloat.MatchString(n.Value) {
				return false
			}
			w.b = append(w.b, n.Value...)
		case "!!bool":
			if strings.EqualFold(n.Value, "true") {
				w.b = append(w.b, "true"...)
			} else {
				w.b = append(w.b, "false"...)
			}
		case "!!null":
			w.b = append(w.b, "null"...)
		default:
			return false
		}
		return true
	}
	return false // aliases
}

// members writes a mapping as an object, each value by value.
func (w *jsonWriter) members(n *yaml.Node, value func(key string, v *yaml.Node) bool) bool {
	w.b = append(w.b, '{')
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || seen[k.Value] {
			return false
		}
		switch k.Tag {
		case "!!str":
		case "!!int":
			if !jsonInt.MatchString(k.Value) {
				return false
			}
		default:
			return false // merge keys, booleans, floats, null as keys
		}
		seen[k.Value] = true
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.str(k.Value)
		w.b = append(w.b, ':')
		if !value(k.Value, v) {
			return false
		}
	}
	w.b = append(w.b, '}')
	return true
}

// str writes a JSON string. parseYAML has refused invalid UTF-8.
func (w *jsonWriter) str(s string) {
	const hex = "0123456789abcdef"
	w.b = append(w.b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		w.b = append(w.b, s[start:i]...)
		switch c {
		case '"', '\\':
			w.b = append(w.b, '\\', c)
		case '\n':
			w.b = append(w.b, '\\', 'n')
		case '\r':
			w.b = append(w.b, '\\', 'r')
		case '\t':
			w.b = append(w.b, '\\', 't')
		default:
			w.b = append(w.b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	w.b = append(w.b, s[start:]...)
	w.b = append(w.b, '"')
}
