// Package yamlmerge deep-merges YAML and JSON documents the way CloudHarness
// merges templates and values: maps merge key by key, everything else (lists
// included) is replaced by the later document. Merging works on yaml.v3 nodes
// so comments, key order and line numbers of the earlier document survive.
package yamlmerge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"
)

// Nodes merges src into dst and returns the result. Both are value nodes (not
// documents); dst may be modified in place and src's subtrees are shared.
//
// An alias merges as the node it names. A destination node other nodes may
// name (an anchor, or the target of an alias) is copied before it changes:
// `b: *a` keeps a's old value when a is merged into, as it does when the
// documents are decoded first and merged as maps.
func Nodes(dst, src *yaml.Node) *yaml.Node {
	dst, src = unwrap(dst), resolve(unwrap(src))
	if dst == nil || isNull(resolve(dst)) {
		return src
	}
	if src == nil {
		return dst
	}
	if resolve(dst).Kind != yaml.MappingNode || src.Kind != yaml.MappingNode {
		return src
	}
	if dst.Kind == yaml.AliasNode || dst.Anchor != "" {
		dst = copyNode(resolve(dst))
	}
	for i := 0; i+1 < len(src.Content); i += 2 {
		key, val := src.Content[i], src.Content[i+1]
		if j := find(dst, key); j >= 0 {
			dst.Content[j+1] = Nodes(dst.Content[j+1], val)
			continue
		}
		dst.Content = append(dst.Content, key, val)
	}
	return dst
}

func find(m *yaml.Node, key *yaml.Node) int {
	k := keyText(key)
	for i := 0; i+1 < len(m.Content); i += 2 {
		if keyText(m.Content[i]) == k {
			return i
		}
	}
	return -1
}

// keyText is a mapping key as the chart's values see it, the text of its
// value: ~ and null are one key, null and "" two, true and True one.
func keyText(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!str" || n.Tag == "" {
		return n.Value
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return n.Value
	}
	return fmt.Sprint(v)
}

func unwrap(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
	}
	if n != nil && n.Kind == 0 { // an empty input decodes to a zero node
		return nil
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// spellNulls writes out the empty nulls of flow collections (`{a: }`) and
// of keys (`? `), which yaml.v3 would encode as a quoted empty string and
// so turn into a string.
func spellNulls(n *yaml.Node, inFlow bool) {
	if n.Kind == yaml.ScalarNode && inFlow && n.Value == "" && n.Tag == "!!null" {
		n.Value = "null"
	}
	inFlow = inFlow || n.Style&yaml.FlowStyle != 0
	for i, c := range n.Content {
		spellNulls(c, inFlow || (n.Kind == yaml.MappingNode && i%2 == 0))
	}
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// copyNode copies a tree without its anchors; aliases inside stay aliases
// (pointing at the original nodes), so the copy is no larger than the tree.
func copyNode(n *yaml.Node) *yaml.Node {
	c := *n
	c.Anchor = ""
	if len(n.Content) > 0 {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, x := range n.Content {
			c.Content[i] = copyNode(x)
		}
	}
	return &c
}

// MaxExpanded bounds the nodes a document may stand for once its aliases are
// expanded: a few aliases can otherwise stand for billions.
const MaxExpanded = 1 << 20

// expand returns n with every alias replaced by a copy of the node it names,
// so that merging and encoding never leave an alias whose anchor is gone. A
// tree without aliases is returned as it is.
func expand(n *yaml.Node) (*yaml.Node, error) {
	if !hasAlias(n, map[*yaml.Node]bool{}) {
		return n, nil
	}
	budget := MaxExpanded
	var walk func(n *yaml.Node, depth int) (*yaml.Node, error)
	walk = func(n *yaml.Node, depth int) (*yaml.Node, error) {
		if budget--; budget < 0 {
			return nil, fmt.Errorf("aliases expand to more than %d nodes", MaxExpanded)
		}
		if depth > 10000 {
			return nil, fmt.Errorf("line %d: aliases nest too deeply", n.Line)
		}
		if n.Kind == yaml.AliasNode {
			if n.Alias == nil {
				return nil, fmt.Errorf("line %d: alias %q names no anchor", n.Line, n.Value)
			}
			return walk(n.Alias, depth+1)
		}
		c := *n
		c.Anchor = ""
		if len(n.Content) > 0 {
			c.Content = make([]*yaml.Node, len(n.Content))
			for i, x := range n.Content {
				var err error
				if c.Content[i], err = walk(x, depth+1); err != nil {
					return nil, err
				}
			}
		}
		return &c, nil
	}
	return walk(n, 0)
}

func hasAlias(n *yaml.Node, seen map[*yaml.Node]bool) bool {
	if n == nil || seen[n] {
		return false
	}
	seen[n] = true
	if n.Kind == yaml.AliasNode {
		return true
	}
	for _, c := range n.Content {
		if hasAlias(c, seen) {
			return true
		}
	}
	return false
}

// YAML merges two YAML documents, keeping the first one's comments and order.
// An empty document counts as an empty map.
func YAML(base, overlay []byte) ([]byte, error) {
	var a, b yaml.Node
	if err := yaml.Unmarshal(base, &a); err != nil {
		return nil, fmt.Errorf("base document: %w", err)
	}
	if err := yaml.Unmarshal(overlay, &b); err != nil {
		return nil, fmt.Errorf("overlay document: %w", err)
	}
	base2, err := expand(&a)
	if err != nil {
		return nil, fmt.Errorf("base document: %w", err)
	}
	overlay2, err := expand(&b)
	if err != nil {
		return nil, fmt.Errorf("overlay document: %w", err)
	}
	merged := Nodes(base2, overlay2)
	if merged == nil {
		return []byte{}, nil
	}
	spellNulls(merged, false)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(merged); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ForFile returns the merge for a file by its name's extension: YAML for
// .yaml and .yml, JSON for .json, nil for any other file, which replaces
// rather than merges.
func ForFile(name string) func(base, overlay []byte) ([]byte, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml":
		return YAML
	case ".json":
		return JSON
	}
	return nil
}

// JSON merges two JSON documents. Keys come out sorted, indented by two spaces.
func JSON(base, overlay []byte) ([]byte, error) {
	var a, b any
	if err := json.Unmarshal(base, &a); err != nil {
		return nil, fmt.Errorf("base document: %w", err)
	}
	if err := json.Unmarshal(overlay, &b); err != nil {
		return nil, fmt.Errorf("overlay document: %w", err)
	}
	out, err := json.MarshalIndent(mergeAny(a, b), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func mergeAny(dst, src any) any {
	dm, ok1 := dst.(map[string]any)
	sm, ok2 := src.(map[string]any)
	if !ok1 || !ok2 {
		return src
	}
	for k, v := range sm {
		if old, ok := dm[k]; ok {
			dm[k] = mergeAny(old, v)
		} else {
			dm[k] = v
		}
	}
	return dm
}
