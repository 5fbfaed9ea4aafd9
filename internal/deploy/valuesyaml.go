package deploy

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// marshalValues writes the merged values as block YAML. yaml.v3's encoder
// took a tenth of a 100-app run; the values are only maps, lists and
// scalars, so this writes them directly: keys sorted, strings plain when
// YAML cannot read them as anything else, otherwise double-quoted with JSON
// escapes (which YAML's double-quoted style shares).
func marshalValues(v map[string]any) ([]byte, error) {
	var b strings.Builder
	if err := writeMap(&b, v, 0); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

func writeMap(b *strings.Builder, m map[string]any, indent int) error {
	if len(m) == 0 {
		b.WriteString("{}\n")
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 || indent > 0 {
			b.WriteString(strings.Repeat(" ", indent))
		}
		writeString(b, k)
		b.WriteByte(':')
		if err := writeChild(b, m[k], indent+2); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

// writeChild writes what follows "key:" or "-": a scalar on the same line,
// a collection on the next lines at indent.
func writeChild(b *strings.Builder, v any, indent int) error {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			b.WriteString(" {}\n")
			return nil
		}
		b.WriteByte('\n')
		return writeMap(b, t, indent)
	case []any:
		if len(t) == 0 {
			b.WriteString(" []\n")
			return nil
		}
		b.WriteByte('\n')
		for i, item := range t {
			b.WriteString(strings.Repeat(" ", indent))
			b.WriteByte('-')
			if err := writeChild(b, item, indent+2); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		return nil
	}
	b.WriteByte(' ')
	if err := writeScalar(b, v); err != nil {
		return err
	}
	b.WriteByte('\n')
	return nil
}

func writeScalar(b *strings.Builder, v any) error {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		writeString(b, t)
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case int:
		b.WriteString(strconv.Itoa(t))
	case int64:
		b.WriteString(strconv.FormatInt(t, 10))
	case uint64:
		b.WriteString(strconv.FormatUint(t, 10))
	case float64:
		switch {
		case math.IsNaN(t):
			b.WriteString(".nan")
		case math.IsInf(t, 1):
			b.WriteString(".inf")
		case math.IsInf(t, -1):
			b.WriteString("-.inf")
		default:
			b.WriteString(strconv.FormatFloat(t, 'g', -1, 64))
		}
	default:
		// Anything else (typed slices or maps set in Go): JSON is YAML's flow style.
		data, err := json.Marshal(t)
		if err != nil {
			return fmt.Errorf("encode %T: %w", t, err)
		}
		b.Write(data)
	}
	return nil
}

// writeString writes s plain when it starts with a letter or "_", holds only
// letters, digits and "_./-", and is none of YAML 1.1's booleans or nulls;
// otherwise quoted.
func writeString(b *strings.Builder, s string) {
	if plainSafe(s) {
		b.WriteString(s)
		return
	}
	var q strings.Builder
	enc := json.NewEncoder(&q)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.WriteString(strings.TrimSuffix(q.String(), "\n"))
}

func plainSafe(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		case i > 0 && (r >= '0' && r <= '9' || r == '.' || r == '/' || r == '-'):
		default:
			return false
		}
	}
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return false
	}
	return true
}
