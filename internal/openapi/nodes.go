package openapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxDepth bounds the nesting of a spec. Real specs stay far below it; a
// deeper document is an attack or a generator gone wrong, and kin-openapi's
// recursive resolution would spend its time (or stack) on it.
const MaxDepth = 200

// MaxSize bounds a spec file's size.
const MaxSize = 64 << 20

// parseYAML parses data (YAML or JSON) into a document node, rejecting empty,
// binary and too-deep input with a located error.
func parseYAML(file string, data []byte) (*yaml.Node, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: file, Line: 1, Msg: "the file is empty; an OpenAPI document starts with `openapi: 3.x.y` (or `swagger: \"2.0\"`)"}
	}
	if len(data) > MaxSize {
		return nil, &Error{File: file, Line: 1, Msg: fmt.Sprintf("the file is %d bytes; at most %d are accepted", len(data), MaxSize)}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 || !utf8.Valid(data) {
		return nil, &Error{File: file, Line: lineAt(data, max(i, firstInvalidUTF8(data))), Msg: "not a text file (binary content); an OpenAPI document is YAML or JSON"}
	}
	if err := checkFlowDepth(file, data); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, yamlError(file, data, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &Error{File: file, Line: 1, Msg: "the file holds no YAML document"}
	}
	if err := checkDepth(file, doc.Content[0]); err != nil {
		return nil, err
	}
	// The loaders read the first document only: the rest would be
	// dropped without a word.
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, &Error{File: file, Line: documentLine(data, 2), Msg: "a second YAML document starts here (after `---`); an OpenAPI file holds one document"}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlError(file, data, err)
	}
	root := doc.Content[0]
	if errs := duplicateKeys(file, root); len(errs) > 0 {
		return nil, errs
	}
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: file, Line: root.Line, Msg: fmt.Sprintf("the document is a %s; an OpenAPI document is a mapping (`openapi: 3.x.y`, `info:`, `paths:`)", kindName(root))}
	}
	return root, nil
}

// checkFlowDepth rejects deep JSON-style nesting before the YAML parser
// recurses into it.
func checkFlowDepth(file string, data []byte) error {
	depth, line := 0, 1
	for _, c := range data {
		switch c {
		case '\n':
			line++
		case '[', '{':
			depth++
			if depth > MaxDepth {
				return &Error{File: file, Line: line, Msg: fmt.Sprintf("nesting deeper than %d levels", MaxDepth)}
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return nil
}

func checkDepth(file string, root *yaml.Node) error {
	type item struct {
		n *yaml.Node
		d int
	}
	stack := []item{{root, 1}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.d > MaxDepth {
			return &Error{File: file, Line: it.n.Line, Msg: fmt.Sprintf("nesting deeper than %d levels", MaxDepth)}
		}
		for _, c := range it.n.Content {
			stack = append(stack, item{c, it.d + 1})
		}
	}
	return nil
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

func yamlError(file string, data []byte, err error) error {
	msg := err.Error()
	if te, ok := err.(*yaml.TypeError); ok {
		msg = strings.Join(te.Errors, "; ")
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if tab := tabColumn(data, line); tab > 0 && strings.Contains(m[2], "cannot start any token") {
			return &Error{File: file, Line: line, Msg: fmt.Sprintf("a tab indents this line (column %d): YAML indents with spaces only", tab)}
		}
		return &Error{File: file, Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return &Error{File: file, Line: 1, Msg: "invalid YAML: " + msg}
}

// tabColumn is the 1-based column of a tab in line's indentation, or 0.
func tabColumn(data []byte, line int) int {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return 0
	}
	l := lines[line-1]
	if i := bytes.IndexByte(l, '\t'); i >= 0 && len(bytes.TrimLeft(l[:i], " ")) == 0 {
		return i + 1
	}
	return 0
}

// documentLine is the line of the `---` that starts the n-th document (n >
// 1), or 1 when there is none.
func documentLine(data []byte, n int) int {
	seen := 0
	for i, l := range bytes.Split(data, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("---")) {
			seen++
			if seen == n-1 || (i == 0 && seen == n) {
				if i > 0 || seen == n {
					return i + 1
				}
			}
		}
	}
	return 1
}

// duplicateKeys reports each key given twice in one mapping: YAML forbids
// it, and the loader would keep one of the two silently (or fail without a
// line).
func duplicateKeys(file string, root *yaml.Node) Errors {
	var errs Errors
	var walk func(n *yaml.Node, ptr string)
	walk = func(n *yaml.Node, ptr string) {
		switch n.Kind {
		case yaml.MappingNode:
			first := map[string]int{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				key := joinPointer(ptr, k.Value)
				if k.Kind == yaml.ScalarNode && k.Value != "<<" {
					if line, dup := first[k.Value]; dup {
						errs = append(errs, &Error{File: file, Line: k.Line, Pointer: key, Msg: fmt.Sprintf("duplicate key (first set at line %d)", line)})
					} else {
						first[k.Value] = k.Line
					}
				}
				walk(n.Content[i+1], key)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, joinPointer(ptr, strconv.Itoa(i)))
			}
		}
	}
	walk(root, "")
	return errs
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

func lineAt(data []byte, off int) int {
	if off < 0 {
		return 1
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.MappingNode:
		return "mapping"
	case yaml.AliasNode:
		return "alias"
	}
	return "document"
}

// child returns the value of key in a mapping node, and the key node.
func child(n *yaml.Node, key string) (val, k *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1], n.Content[i]
		}
	}
	return nil, nil
}

// pairs iterates a mapping's keys and values in document order.
func pairs(n *yaml.Node, fn func(k, v *yaml.Node)) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fn(n.Content[i], n.Content[i+1])
	}
}

// lineOf finds the line of the deepest node along a dotted-key path (keys
// may contain dots, e.g. paths, so each step tries the longest matching key
// first), falling back to the nearest ancestor that exists.
func lineOf(root *yaml.Node, keys []string) int {
	line, _ := findLine(root, keys)
	return line
}

// findLine is lineOf that also tells whether the whole path was found.
func findLine(root *yaml.Node, keys []string) (int, bool) {
	_, line, ok := findNode(root, keys)
	return line, ok
}

// findNode walks keys as findLine does and returns the node reached too.
func findNode(root *yaml.Node, keys []string) (*yaml.Node, int, bool) {
	n, line := root, root.Line
	for i := 0; i < len(keys); {
		if n.Kind == yaml.SequenceNode {
			idx, err := strconv.Atoi(keys[i])
			if err != nil || idx < 0 || idx >= len(n.Content) {
				return n, line, false
			}
			n = n.Content[idx]
			line = n.Line
			i++
			continue
		}
		found := false
		for j := len(keys); j > i; j-- {
			if v, k := child(n, strings.Join(keys[i:j], ".")); v != nil {
				n, line, i, found = v, k.Line, j, true
				break
			}
		}
		if !found {
			return n, line, false
		}
	}
	return n, line, true
}

var quotedValue = regexp.MustCompile(`"([^"]+)"`)
var quotedKey = regexp.MustCompile(`'([^']+)'`)

// narrow finds, under n, the key a validation message is about, when the
// message quotes its value ("in" value "body"): kin-openapi places such
// errors at the operation or schema holding them. It returns the keys below
// n and the line, or nil when the message names no single place.
func narrow(n *yaml.Node, msg string) ([]string, int) {
	var values []string
	for _, m := range quotedValue.FindAllStringSubmatch(msg, -1) {
		values = append(values, m[1])
	}
	if len(values) == 0 {
		return nil, 0
	}
	var keyNames []string
	for _, m := range quotedKey.FindAllStringSubmatch(msg, -1) {
		keyNames = append(keyNames, m[1])
	}
	type hit struct {
		path []string
		line int
		key  string
	}
	var hits []hit
	var walk func(n *yaml.Node, path []string)
	walk = func(n *yaml.Node, path []string) {
		switch n.Kind {
		case yaml.MappingNode:
			pairs(n, func(k, v *yaml.Node) {
				p := append(append([]string(nil), path...), k.Value)
				if v.Kind == yaml.ScalarNode && slices.Contains(values, v.Value) {
					hits = append(hits, hit{p, k.Line, k.Value})
				}
				walk(v, p)
			})
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, append(append([]string(nil), path...), strconv.Itoa(i)))
			}
		}
	}
	walk(n, nil)
	if len(keyNames) > 0 {
		var named []hit
		for _, h := range hits {
			if slices.Contains(keyNames, h.key) {
				named = append(named, h)
			}
		}
		if len(named) > 0 {
			hits = named
		}
	}
	if len(hits) != 1 {
		return nil, 0
	}
	return hits[0].path, hits[0].line
}

// resolveLocal follows a local JSON pointer (`#/a/b`) in root.
func resolveLocal(root *yaml.Node, ptr string) *yaml.Node {
	ptr = strings.TrimPrefix(ptr, "#")
	if ptr == "" {
		return root
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil
	}
	n := root
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch n.Kind {
		case yaml.MappingNode:
			v, _ := child(n, tok)
			if v == nil {
				return nil
			}
			n = v
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return n
}
