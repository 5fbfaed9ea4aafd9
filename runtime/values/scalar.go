package values

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Scalar is a value written as a string, a number or a boolean, kept as its
// text: Kubernetes quantities (`500m`, `0.5`), environment values, sizes.
type Scalar string

// String returns the scalar's text.
func (s Scalar) String() string { return string(s) }

// UnmarshalYAML accepts any scalar.
func (s *Scalar) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a string, number or boolean, got %s", describe(n))
	}
	*s = Scalar(n.Value)
	return nil
}

// UnmarshalJSON accepts a string, a number or a boolean.
func (s *Scalar) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return fmt.Errorf("expected a string, number or boolean")
	case b[0] == '"':
		str, err := unquote(b)
		if err != nil {
			return err
		}
		*s = Scalar(str)
	case b[0] == '{' || b[0] == '[':
		return fmt.Errorf("expected a string, number or boolean, got %s", jsonKind(b))
	case string(b) == "null":
	default:
		*s = Scalar(b)
	}
	return nil
}

// IntOrString is a port given as a number or, as CloudHarness allows, a
// string (a named port, or a placeholder replaced later).
type IntOrString string

// Int returns the value as a number, and false when it is not one.
func (v IntOrString) Int() (int, bool) {
	i, err := strconv.Atoi(string(v))
	return i, err == nil
}

// String returns the value's text.
func (v IntOrString) String() string { return string(v) }

// UnmarshalYAML accepts an integer or a string.
func (v *IntOrString) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!str") {
		return fmt.Errorf("expected an integer or a string, got %s", describe(n))
	}
	if n.ShortTag() == "!!int" {
		var i int
		if err := n.Decode(&i); err != nil {
			return fmt.Errorf("expected an integer or a string, got %s", describe(n))
		}
		*v = IntOrString(strconv.Itoa(i))
		return nil
	}
	*v = IntOrString(n.Value)
	return nil
}

// UnmarshalJSON accepts an integer or a string.
func (v *IntOrString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		str, err := unquote(b)
		if err != nil {
			return err
		}
		*v = IntOrString(str)
		return nil
	}
	var i int
	if err := json.Unmarshal(b, &i); err != nil {
		return fmt.Errorf("expected an integer or a string, got %s", jsonKind(b))
	}
	*v = IntOrString(strconv.Itoa(i))
	return nil
}

// MarshalYAML writes a number as a number.
func (v IntOrString) MarshalYAML() (any, error) {
	if i, ok := v.Int(); ok {
		return i, nil
	}
	return string(v), nil
}

// MarshalJSON writes a number as a number.
func (v IntOrString) MarshalJSON() ([]byte, error) {
	if i, ok := v.Int(); ok {
		return json.Marshal(i)
	}
	return json.Marshal(string(v))
}

// TLS says whether the Ingress serves TLS. CloudHarness writes the TLS
// secret's name (harness-deployment sets DOMAIN-with-dashes-tls), true, or
// null/false when TLS is off.
type TLS struct {
	// Enabled is true when TLS is on.
	Enabled bool
	// Secret is the TLS secret's name when the values give one.
	Secret string
}

// UnmarshalYAML accepts a boolean or a secret name.
func (t *TLS) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" {
		var b bool
		if err := n.Decode(&b); err != nil {
			return err
		}
		*t = TLS{Enabled: b}
		return nil
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return fmt.Errorf("expected a boolean or a secret name, got %s", describe(n))
	}
	*t = TLS{Enabled: n.Value != "", Secret: n.Value}
	return nil
}

// UnmarshalJSON accepts a boolean or a secret name.
func (t *TLS) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*t = TLS{}
	case string(b) == "true" || string(b) == "false":
		*t = TLS{Enabled: string(b) == "true"}
	case len(b) > 0 && b[0] == '"':
		s, err := unquote(b)
		if err != nil {
			return err
		}
		*t = TLS{Enabled: s != "", Secret: s}
	default:
		return fmt.Errorf("expected a boolean or a secret name, got %s", jsonKind(b))
	}
	return nil
}

// MarshalYAML writes the secret name, or a boolean when there is none.
func (t TLS) MarshalYAML() (any, error) {
	if t.Secret != "" {
		return t.Secret, nil
	}
	return t.Enabled, nil
}

// MarshalJSON writes the secret name, or a boolean when there is none.
func (t TLS) MarshalJSON() ([]byte, error) {
	v, _ := t.MarshalYAML()
	return json.Marshal(v)
}

// Secrets maps an application's secret names to their values. An empty value
// asks the chart for a random one, generated once and kept across upgrades.
// CloudHarness 1.x wrote a list of {name, key} instead; each key of such a
// list is read as a secret with a generated value.
type Secrets map[string]string

// Names returns the secrets' names, sorted.
func (s Secrets) Names() []string {
	names := make([]string, 0, len(s))
	for k := range s {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// UnmarshalYAML accepts a mapping of names to scalars, or the legacy list.
func (s *Secrets) UnmarshalYAML(n *yaml.Node) error {
	out := Secrets{}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], resolve(n.Content[i+1])
			if k.Kind != yaml.ScalarNode {
				return &Error{Line: k.Line, Msg: fmt.Sprintf("expected a secret name, got %s", describe(k))}
			}
			if v.Kind != yaml.ScalarNode {
				return &Error{Line: v.Line, Key: k.Value, Msg: fmt.Sprintf("expected a string, number or boolean, got %s", describe(v))}
			}
			if isNull(v) {
				out[k.Value] = ""
			} else {
				out[k.Value] = v.Value
			}
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			item = resolve(item)
			var legacy struct {
				Name string `yaml:"name"`
				Key  string `yaml:"key"`
			}
			if item.Kind != yaml.MappingNode || item.Decode(&legacy) != nil || legacy.Key == "" {
				return &Error{Line: item.Line, Key: fmt.Sprintf("[%d]", i), Msg: "expected {name, key} (the CloudHarness 1.x form of secrets)"}
			}
			out[legacy.Key] = ""
		}
	default:
		return fmt.Errorf("expected a mapping of secret names to values, got %s", describe(n))
	}
	*s = out
	return nil
}

// UnmarshalJSON accepts a mapping of names to scalars, or the legacy list.
func (s *Secrets) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	out := Secrets{}
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '{':
		var m map[string]Scalar
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		for k, v := range m {
			out[k] = string(v)
		}
	case len(b) > 0 && b[0] == '[':
		var list []struct {
			Name string `json:"name"`
			Key  string `json:"key"`
		}
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
		for _, l := range list {
			out[l.Key] = ""
		}
	default:
		return fmt.Errorf("expected a mapping of secret names to values, got %s", jsonKind(b))
	}
	*s = out
	return nil
}

// DatabaseType is the engine of an automatic database.
type DatabaseType string

// The database engines harness knows.
const (
	Mongo    DatabaseType = "mongo"
	Postgres DatabaseType = "postgres"
	Neo4j    DatabaseType = "neo4j"
	SQLite3  DatabaseType = "sqlite3"
)

// DatabaseTypes lists the valid database types.
var DatabaseTypes = []DatabaseType{Mongo, Postgres, Neo4j, SQLite3}

func (t DatabaseType) check() error {
	if t == "" {
		return nil
	}
	for _, known := range DatabaseTypes {
		if t == known {
			return nil
		}
	}
	names := make([]string, len(DatabaseTypes))
	for i, k := range DatabaseTypes {
		names[i] = string(k)
	}
	msg := fmt.Sprintf("expected one of %s, got %q", strings.Join(names, ", "), string(t))
	if s := Suggest(string(t), names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fmt.Errorf("%s", msg)
}

// UnmarshalYAML accepts one of DatabaseTypes.
func (t *DatabaseType) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return fmt.Errorf("expected a database type (string), got %s", describe(n))
	}
	v := DatabaseType(n.Value)
	if err := v.check(); err != nil {
		return err
	}
	*t = v
	return nil
}

// UnmarshalJSON accepts one of DatabaseTypes.
func (t *DatabaseType) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	if len(b) == 0 || b[0] != '"' {
		return fmt.Errorf("expected a database type (string), got %s", jsonKind(b))
	}
	s, err := unquote(b)
	if err != nil {
		return err
	}
	v := DatabaseType(s)
	if err := v.check(); err != nil {
		return err
	}
	*t = v
	return nil
}

// unquote decodes a JSON string; strings without escapes, the common case,
// skip encoding/json (these unmarshalers run for many values of a file).
func unquote(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		plain := true
		for _, c := range b[1 : len(b)-1] {
			if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
				plain = false
				break
			}
		}
		if plain {
			return string(b[1 : len(b)-1]), nil
		}
	}
	var s string
	err := json.Unmarshal(b, &s)
	return s, err
}

func jsonKind(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "a mapping"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
