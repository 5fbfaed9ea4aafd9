package deploy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/yamlindent"
	"github.com/harness-sh/harness/internal/yamlmerge"
	"github.com/harness-sh/harness/runtime/values"
)

// origins remembers which file every YAML node came from, so an error found
// in the merged values names the file and line that set the value. The
// values model's decoder reads the same record: one map of every node, which
// at 1,000 applications holds millions of entries.
type origins struct {
	src *values.Sources
}

func newOrigins() *origins { return &origins{src: &values.Sources{}} }

// load parses one values file. A missing file is nil, nil: layers are optional.
func (o *origins) load(path string) (*yaml.Node, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: cannot read: %w", path, err)
	}
	return o.parse(path, data)
}

// parse parses data named path into a mapping node (nil for an empty file),
// refusing what the values library refuses: syntax errors, duplicate keys,
// tabs, several documents, alias bombs.
func (o *origins) parse(path string, data []byte) (*yaml.Node, error) {
	root, err := values.Parse(data, values.Options{File: path})
	if err != nil {
		return nil, yamlindent.Place(err, data)
	}
	if root == nil {
		return nil, nil
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: values must be a mapping, not %s", path, root.Line, kindName(root))
	}
	o.src.Add(path, root) // an alias's anchor is in the tree too
	return root, nil
}

// clone deep-copies n keeping origins, so each app gets defaults of its own
// (merging modifies the destination in place). n comes from one file.
func (o *origins) clone(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := cloneNode(n)
	o.src.Add(o.src.File(n), c)
	return c
}

func cloneNode(n *yaml.Node) *yaml.Node {
	c := *n
	if len(n.Content) > 0 {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, x := range n.Content {
			c.Content[i] = cloneNode(x)
		}
	}
	return &c
}

// merge merges src over dst (maps merge, everything else is replaced).
func merge(dst, src *yaml.Node) *yaml.Node {
	if src == nil {
		return dst
	}
	if dst == nil {
		return src
	}
	return yamlmerge.Nodes(dst, src)
}

// where names the place of n: "file:line".
func (o *origins) where(n *yaml.Node) string {
	if n == nil {
		return "values"
	}
	f := o.src.File(n)
	if f == "" {
		f = "values"
	}
	return f + ":" + strconv.Itoa(n.Line)
}

// child returns the value node of key in mapping m, or nil.
func child(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// keyNode returns the key node of key in mapping m, or nil.
func keyNode(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// at walks a path of keys (and list indexes as "[i]") from n.
func at(n *yaml.Node, path ...string) *yaml.Node {
	for _, p := range path {
		if n == nil {
			return nil
		}
		if strings.HasPrefix(p, "[") {
			i, err := strconv.Atoi(strings.Trim(p, "[]"))
			if err != nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
			continue
		}
		n = child(n, p)
	}
	return n
}

// set sets key to a scalar or tree in mapping m (created when nil).
func set(m *yaml.Node, key string, v *yaml.Node) *yaml.Node {
	if m == nil {
		m = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return m
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	return m
}

func del(m *yaml.Node, key string) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

// ensure returns the mapping under key in m, creating it when absent or null.
func ensure(m *yaml.Node, key string) *yaml.Node {
	c := child(m, key)
	if c != nil && c.Kind == yaml.MappingNode {
		return c
	}
	c = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	set(m, key, c)
	return c
}

func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
func boolean(v bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
}
func null() *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"} }

// scalar returns the value of a scalar node, "" for nil or null.
func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// truthy is the scalar's truth as Helm templates see it.
func truthy(n *yaml.Node) bool {
	v := scalar(n)
	return v != "" && v != "false" && v != "0"
}

// strings returns the scalar items of a sequence node.
func stringList(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "the scalar " + strconv.Quote(n.Value)
	}
	return "an alias"
}
