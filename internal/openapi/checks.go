package openapi

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Version is the dialect of a loaded document, before conversion.
type Version string

// The dialects harness reads.
const (
	V20 Version = "2.0"
	V30 Version = "3.0"
	V31 Version = "3.1"
)

var (
	v3Pattern = regexp.MustCompile(`^3\.([01])\.\d+$`)
	methods   = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
)

// version reads `openapi:` or `swagger:` from the root.
func version(file string, root *yaml.Node) (Version, error) {
	if v, k := child(root, "openapi"); v != nil {
		if v.Kind == yaml.ScalarNode {
			if m := v3Pattern.FindStringSubmatch(v.Value); m != nil {
				return Version("3." + m[1]), nil
			}
		}
		return "", &Error{File: file, Line: k.Line, Pointer: "openapi", Msg: fmt.Sprintf("unsupported OpenAPI version %q; harness reads 3.0.x, 3.1.x and Swagger 2.0", v.Value)}
	}
	if v, k := child(root, "swagger"); v != nil {
		if v.Kind == yaml.ScalarNode && v.Value == "2.0" {
			return V20, nil
		}
		return "", &Error{File: file, Line: k.Line, Pointer: "swagger", Msg: fmt.Sprintf("unsupported Swagger version %q; only 2.0 exists", v.Value)}
	}
	return "", &Error{File: file, Line: root.Line, Msg: "no `openapi:` version (3.0.x or 3.1.x) nor `swagger: \"2.0\"`; is this an OpenAPI document?"}
}

// precheck finds, with exact lines, the mistakes that kin-openapi reports
// without a location: missing info, duplicate operationIds, unresolvable
// $refs, invalid schema types.
func precheck(file string, root *yaml.Node, v Version) Errors {
	var errs Errors
	add := func(n *yaml.Node, ptr, format string, args ...any) {
		line := root.Line
		if n != nil {
			line = n.Line
		}
		errs = append(errs, &Error{File: file, Line: line, Pointer: ptr, Msg: fmt.Sprintf(format, args...)})
	}
	info, _ := child(root, "info")
	switch {
	case info == nil:
		add(root, "info", "missing: every OpenAPI document needs `info:` with a title and a version")
	case info.Kind != yaml.MappingNode:
		add(info, "info", "must be a mapping with a title and a version, not a %s", kindName(info))
	}
	paths, pk := child(root, "paths")
	if paths != nil && paths.Kind != yaml.MappingNode {
		add(pk, "paths", "must be a mapping of path templates, not a %s", kindName(paths))
	}
	seen := map[string]string{}
	pairs(paths, func(pk, item *yaml.Node) {
		for _, m := range methods {
			op, _ := child(item, m)
			id, ik := child(op, "operationId")
			if id == nil || id.Value == "" {
				continue
			}
			ptr := joinPointer("paths", pk.Value, m, "operationId")
			if first, dup := seen[id.Value]; dup {
				add(ik, ptr, "duplicate operationId %q (first used at %s)", id.Value, first)
				continue
			}
			seen[id.Value] = fmt.Sprintf("line %d", ik.Line)
		}
	})
	errs = append(errs, checkOperations(file, paths, v)...)
	errs = append(errs, checkRefs(file, root, "")...)
	errs = append(errs, checkSchemaTypes(file, root, v)...)
	return errs
}

// checkRefs verifies that every $ref points at something: local pointers in
// this document, relative files (and pointers inside them) on disk.
func checkRefs(file string, root *yaml.Node, _ string) Errors {
	var errs Errors
	cache := map[string]*yaml.Node{}
	var walk func(n *yaml.Node, ptr string)
	walk = func(n *yaml.Node, ptr string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if k.Value == "$ref" && v.Kind == yaml.ScalarNode {
					if msg := refProblem(file, root, v.Value, cache); msg != "" {
						errs = append(errs, &Error{File: file, Line: v.Line, Pointer: joinPointer(ptr, "$ref"), Msg: msg})
					}
					continue
				}
				walk(v, joinPointer(ptr, k.Value))
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, joinPointer(ptr, fmt.Sprint(i)))
			}
		}
	}
	walk(root, "")
	return errs
}

// selfContained reports whether every $ref of the tree points inside it.
func selfContained(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			if !selfContained(c) {
				return false
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == "$ref" && v.Kind == yaml.ScalarNode && !strings.HasPrefix(v.Value, "#") {
				return false
			}
			if !selfContained(v) {
				return false
			}
		}
	}
	return true
}

func refProblem(file string, root *yaml.Node, ref string, cache map[string]*yaml.Node) string {
	target, frag, _ := strings.Cut(ref, "#")
	doc := root
	if target != "" {
		u, err := url.Parse(target)
		if err != nil {
			return fmt.Sprintf("$ref %q is not a valid reference: %v", ref, err)
		}
		if u.Scheme != "" || u.Host != "" {
			return fmt.Sprintf("$ref %q points outside the local files; harness resolves only local and relative-file references", ref)
		}
		p := filepath.Join(filepath.Dir(file), filepath.FromSlash(u.Path))
		doc = cache[p]
		if doc == nil {
			data, err := os.ReadFile(p)
			if err != nil {
				return fmt.Sprintf("$ref %q: cannot read %s: %v", ref, p, unwrapPathErr(err))
			}
			n, err := parseYAMLAny(p, data)
			if err != nil {
				return fmt.Sprintf("$ref %q: %v", ref, err)
			}
			cache[p] = n
			doc = n
		}
	}
	if frag == "" {
		return ""
	}
	if resolveLocal(doc, frag) == nil {
		where := "this document"
		if target != "" {
			where = target
		}
		return fmt.Sprintf("$ref %q does not resolve: nothing at %s in %s", ref, frag, where)
	}
	return ""
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// parseYAMLAny parses a referenced file, which may be any YAML value.
func parseYAMLAny(file string, data []byte) (*yaml.Node, error) {
	if err := checkFlowDepth(file, data); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(file, data, err)
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: file, Line: 1, Msg: "the file is empty"}
	}
	if err := checkDepth(file, doc.Content[0]); err != nil {
		return nil, err
	}
	return doc.Content[0], nil
}

var schemaTypes = map[string]bool{"string": true, "number": true, "integer": true, "boolean": true, "array": true, "object": true, "null": true, "file": true}

// checkSchemaTypes checks `type`, `required`, `properties` and `items` of
// every schema, which kin-openapi otherwise rejects as an unlocated
// decoding error.
func checkSchemaTypes(file string, root *yaml.Node, v Version) Errors {
	var errs Errors
	add := func(n *yaml.Node, ptr, format string, args ...any) {
		errs = append(errs, &Error{File: file, Line: n.Line, Pointer: ptr, Msg: fmt.Sprintf(format, args...)})
	}
	walkSchemas(root, func(n *yaml.Node, ptr string) {
		if t, k := child(n, "type"); t != nil {
			var names []*yaml.Node
			switch {
			case t.Kind == yaml.ScalarNode:
				names = []*yaml.Node{t}
			case t.Kind == yaml.SequenceNode && v == V31:
				names = t.Content
			default:
				add(k, joinPointer(ptr, "type"), "must be one of %s, not a %s", typeList(v), kindName(t))
			}
			for _, nm := range names {
				if nm.Kind != yaml.ScalarNode || !schemaTypes[nm.Value] || (nm.Value == "null" && v != V31) || (nm.Value == "file" && v != V20) {
					add(nm, joinPointer(ptr, "type"), "invalid type %q; must be one of %s", nm.Value, typeList(v))
				}
			}
		}
		if r, k := child(n, "required"); r != nil && r.Kind != yaml.SequenceNode {
			add(k, joinPointer(ptr, "required"), "must be a list of property names, not a %s", kindName(r))
		}
		if p, k := child(n, "properties"); p != nil && p.Kind != yaml.MappingNode {
			add(k, joinPointer(ptr, "properties"), "must be a mapping of property schemas, not a %s", kindName(p))
		}
		for _, key := range []string{"allOf", "oneOf", "anyOf"} {
			if c, k := child(n, key); c != nil && c.Kind != yaml.SequenceNode {
				add(k, joinPointer(ptr, key), "must be a list of schemas, not a %s", kindName(c))
			}
		}
	})
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
	return errs
}

// schemaWarnings finds, at their lines, the schema mistakes harness
// generates past (see tolerable): an array without items before 3.1, a
// boolean exclusiveMinimum or exclusiveMaximum in a 3.1 document.
func schemaWarnings(file string, root *yaml.Node, v Version) Errors {
	var warns Errors
	walkSchemas(root, func(n *yaml.Node, ptr string) {
		if t, k := child(n, "type"); t != nil && v != V31 && hasType(t, "array") { // 3.1 (JSON Schema) makes items optional
			if items, _ := child(n, "items"); items == nil {
				warns = append(warns, &Error{File: file, Line: k.Line, Pointer: ptr,
					Msg: "an array without items; its items may be any JSON value"})
			}
		}
		if v != V31 {
			return
		}
		for _, key := range []string{"exclusiveMinimum", "exclusiveMaximum"} {
			if x, k := child(n, key); x != nil && x.Kind == yaml.ScalarNode && (x.Value == "true" || x.Value == "false") {
				bound := strings.Replace(strings.TrimPrefix(key, "exclusive"), "M", "m", 1)
				warns = append(warns, &Error{File: file, Line: k.Line, Pointer: joinPointer(ptr, key),
					Msg: fmt.Sprintf("a boolean %s is OpenAPI 3.0's; in 3.1 it is a number; read as 3.0's flag on %s", key, bound)})
			}
		}
	})
	sort.SliceStable(warns, func(i, j int) bool { return warns[i].Line < warns[j].Line })
	return warns
}

func hasType(t *yaml.Node, name string) bool {
	if t.Kind == yaml.ScalarNode {
		return t.Value == name
	}
	for _, c := range t.Content {
		if c.Kind == yaml.ScalarNode && c.Value == name {
			return true
		}
	}
	return false
}

// walkSchemas calls fn for every schema of the places that hold schemas
// (components, definitions, parameters, bodies, responses, and the
// schemas inside those), with its dotted key path. $refs are not followed.
func walkSchemas(root *yaml.Node, fn func(n *yaml.Node, ptr string)) {
	var schema func(n *yaml.Node, ptr string)
	schema = func(n *yaml.Node, ptr string) {
		if n == nil || n.Kind != yaml.MappingNode {
			return
		}
		if _, ok := child(n, "$ref"); ok != nil {
			return
		}
		fn(n, ptr)
		if p, _ := child(n, "properties"); p != nil {
			pairs(p, func(pk, pv *yaml.Node) { schema(pv, joinPointer(ptr, "properties", pk.Value)) })
		}
		for _, key := range []string{"items", "additionalProperties", "not"} {
			c, _ := child(n, key)
			schema(c, joinPointer(ptr, key))
		}
		for _, key := range []string{"allOf", "oneOf", "anyOf"} {
			if c, _ := child(n, key); c != nil && c.Kind == yaml.SequenceNode {
				for i, s := range c.Content {
					schema(s, joinPointer(ptr, key, fmt.Sprint(i)))
				}
			}
		}
	}
	content := func(n *yaml.Node, ptr string) {
		c, _ := child(n, "content")
		pairs(c, func(mk, mv *yaml.Node) {
			s, _ := child(mv, "schema")
			schema(s, joinPointer(ptr, "content", mk.Value, "schema"))
		})
		s, _ := child(n, "schema") // parameters, headers, Swagger 2.0 bodies and responses
		schema(s, joinPointer(ptr, "schema"))
	}
	params := func(n *yaml.Node, ptr string) {
		ps, _ := child(n, "parameters")
		if ps == nil || ps.Kind != yaml.SequenceNode {
			return
		}
		for i, p := range ps.Content {
			content(p, joinPointer(ptr, "parameters", fmt.Sprint(i)))
		}
	}
	comps, _ := child(root, "components")
	sch, _ := child(comps, "schemas")
	pairs(sch, func(k, s *yaml.Node) { schema(s, joinPointer("components.schemas", k.Value)) })
	defs, _ := child(root, "definitions")
	pairs(defs, func(k, s *yaml.Node) { schema(s, joinPointer("definitions", k.Value)) })
	paths, _ := child(root, "paths")
	pairs(paths, func(pk, item *yaml.Node) {
		base := joinPointer("paths", pk.Value)
		params(item, base)
		for _, m := range methods {
			op, _ := child(item, m)
			if op == nil {
				continue
			}
			ptr := joinPointer(base, m)
			params(op, ptr)
			rb, _ := child(op, "requestBody")
			content(rb, joinPointer(ptr, "requestBody"))
			rs, _ := child(op, "responses")
			pairs(rs, func(rk, rv *yaml.Node) { content(rv, joinPointer(ptr, "responses", rk.Value)) })
		}
	})
}

func typeList(v Version) string {
	switch v {
	case V31:
		return "string, number, integer, boolean, array, object, null"
	case V20:
		return "string, number, integer, boolean, array, object, file"
	}
	return "string, number, integer, boolean, array, object"
}

var responseCode = regexp.MustCompile(`^([1-5]([0-9][0-9]|XX)|default)$`)

// checkOperations places, at the key that is wrong, what kin-openapi
// reports at the operation holding it or without a line: a path without its
// leading slash, a response keyed by no status code, a requestBody that is
// not a mapping, a parameter with neither schema nor content.
func checkOperations(file string, paths *yaml.Node, v Version) Errors {
	var errs Errors
	add := func(n *yaml.Node, ptr, format string, args ...any) {
		errs = append(errs, &Error{File: file, Line: n.Line, Pointer: ptr, Msg: fmt.Sprintf(format, args...)})
	}
	params := func(list *yaml.Node, ptr string) {
		if list == nil || list.Kind != yaml.SequenceNode || v == V20 {
			return
		}
		for i, p := range list.Content {
			if p.Kind != yaml.MappingNode {
				continue
			}
			if r, _ := child(p, "$ref"); r != nil {
				continue
			}
			sch, _ := child(p, "schema")
			cont, _ := child(p, "content")
			if sch == nil && cont == nil {
				add(p, joinPointer(ptr, "parameters", strconv.Itoa(i)), "a parameter needs a schema (or content), e.g. `schema: {type: string}`")
			}
		}
	}
	pairs(paths, func(pk, item *yaml.Node) {
		if !strings.HasPrefix(pk.Value, "/") && !strings.HasPrefix(pk.Value, "x-") {
			add(pk, joinPointer("paths", pk.Value), "a path starts with a slash (/%s)", pk.Value)
		}
		list, _ := child(item, "parameters")
		params(list, joinPointer("paths", pk.Value))
		for _, m := range methods {
			op, _ := child(item, m)
			if op == nil || op.Kind != yaml.MappingNode {
				continue
			}
			ptr := joinPointer("paths", pk.Value, m)
			list, _ := child(op, "parameters")
			params(list, ptr)
			if body, bk := child(op, "requestBody"); body != nil && body.Kind != yaml.MappingNode {
				add(bk, joinPointer(ptr, "requestBody"), "must be a mapping (one body with its content), not a %s", kindName(body))
			}
			resp, _ := child(op, "responses")
			pairs(resp, func(rk, _ *yaml.Node) {
				if !responseCode.MatchString(rk.Value) && !strings.HasPrefix(rk.Value, "x-") {
					add(rk, joinPointer(ptr, "responses", rk.Value), "not an HTTP status code: use 200, 2XX or default")
				}
			})
		}
	})
	return errs
}
