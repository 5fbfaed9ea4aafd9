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
func Nodes(dst, src *yaml.Node) *yaml.Node {
	dst, src = unwrap(dst), unwrap(src)
	if dst == nil || isNull(dst) {
		return src
	}
	if src == nil {
		return dst
	}
	if dst.Kind != yaml.MappingNode || src.Kind != yaml.MappingNode {
		return src
	}
	for i := 0; i+1 < len(src.Content); i += 2 {
		key, val := src.Content[i], src.Content[i+1]
		if j := find(dst, key.Value); j >= 0 {
			dst.Content[j+1] = Nodes(dst.Content[j+1], val)
			continue
		}
		dst.Content = append(dst.Content, key, val)
	}
	return dst
}

func find(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
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
	merged := Nodes(&a, &b)
	if merged == nil {
		return []byte{}, nil
	}
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
