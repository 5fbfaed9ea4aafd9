package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// A split document is the JSON of a self-contained OpenAPI file, with the
// place of each path item and each component schema (Swagger 2.0's
// definitions) in it: the parts that make up nearly all of a large spec.
//
// kin-openapi decodes every object twice, once into its type and once more
// into a map to find extensions, at every level of the document; and its
// Paths decodes all path items into maps and encodes them again before
// decoding them into PathItems. For a 500-operation spec that was most of
// the load, on one core. Decoding the parts one by one skips the two outer
// rounds and lets every core take a share.
type split struct {
	js       []byte // the whole document
	skeleton []byte // the document with paths and schemas emptied
	paths    []span // path items, and x- keys of paths
	schemas  []span
}

type span struct {
	key        string
	start, end int // of the value in js
}

// splitJSON writes the tree with a jsonWriter, noting the parts. It
// reports false where the writer does, or when the tree is not a mapping.
func splitJSON(root *yaml.Node, v Version) (*split, bool) {
	if root.Kind != yaml.MappingNode {
		return nil, false
	}
	swagger := v == V20 // its schemas are under definitions
	s := &split{}
	w := jsonWriter{b: make([]byte, 0, 1<<16)}
	var cuts [][2]int // the values of paths and schemas, in the order written
	// parts writes a mapping, noting where each of its values is.
	parts := func(m *yaml.Node, into *[]span) bool {
		start := len(w.b)
		ok := w.members(m, func(k string, v *yaml.Node) bool {
			at := len(w.b)
			if !w.node(v) {
				return false
			}
			*into = append(*into, span{key: k, start: at, end: len(w.b)})
			return true
		})
		cuts = append(cuts, [2]int{start, len(w.b)})
		return ok
	}
	ok := w.members(root, func(k string, v *yaml.Node) bool {
		switch {
		case k == "paths" && v.Kind == yaml.MappingNode:
			return parts(v, &s.paths)
		case k == "definitions" && v.Kind == yaml.MappingNode && swagger:
			return parts(v, &s.schemas)
		case k == "components" && v.Kind == yaml.MappingNode && !swagger:
			return w.members(v, func(k string, v *yaml.Node) bool {
				if k == "schemas" && v.Kind == yaml.MappingNode {
					return parts(v, &s.schemas)
				}
				return w.node(v)
			})
		}
		return w.node(v)
	})
	if !ok {
		return nil, false
	}
	s.js = w.b
	at := 0
	for _, c := range cuts {
		s.skeleton = append(append(s.skeleton, s.js[at:c[0]]...), "{}"...)
		at = c[1]
	}
	s.skeleton = append(s.skeleton, s.js[at:]...)
	return s, true
}

// decodeSplit decodes a split document into kin-openapi's types, the parts
// side by side. The document still has its $refs unresolved.
func decodeSplit(s *split) (*openapi3.T, error) {
	doc := &openapi3.T{}
	items := make([]*openapi3.PathItem, len(s.paths))
	extensions := make([]any, len(s.paths))
	schemas := make([]*openapi3.SchemaRef, len(s.schemas))
	err := s.decode(doc, func(i int, data []byte) error {
		if i >= len(s.paths) {
			schemas[i-len(s.paths)] = &openapi3.SchemaRef{}
			return schemas[i-len(s.paths)].UnmarshalJSON(data)
		}
		if strings.HasPrefix(s.paths[i].key, "x-") {
			return json.Unmarshal(data, &extensions[i])
		}
		items[i] = &openapi3.PathItem{}
		return items[i].UnmarshalJSON(data)
	})
	if err != nil {
		return nil, err
	}
	if len(s.paths) > 0 {
		if doc.Paths == nil {
			doc.Paths = openapi3.NewPaths()
		}
		for i, p := range s.paths {
			if items[i] != nil {
				doc.Paths.Set(p.key, items[i])
			} else {
				if doc.Paths.Extensions == nil {
					doc.Paths.Extensions = map[string]any{}
				}
				doc.Paths.Extensions[p.key] = extensions[i]
			}
		}
	}
	if len(s.schemas) > 0 {
		if doc.Components == nil {
			doc.Components = &openapi3.Components{}
		}
		if doc.Components.Schemas == nil {
			doc.Components.Schemas = make(openapi3.Schemas, len(s.schemas))
		}
		for i, p := range s.schemas {
			doc.Components.Schemas[p.key] = schemas[i]
		}
	}
	return doc, nil
}

// decodeSplitV2 is decodeSplit for a Swagger 2.0 document, whose paths
// and definitions are plain maps.
func decodeSplitV2(s *split) (*openapi2.T, error) {
	doc := &openapi2.T{}
	items := make([]*openapi2.PathItem, len(s.paths))
	schemas := make([]*openapi2.SchemaRef, len(s.schemas))
	err := s.decode(doc, func(i int, data []byte) error {
		if i >= len(s.paths) {
			schemas[i-len(s.paths)] = &openapi2.SchemaRef{}
			return json.Unmarshal(data, schemas[i-len(s.paths)])
		}
		items[i] = &openapi2.PathItem{}
		return json.Unmarshal(data, items[i])
	})
	if err != nil {
		return nil, err
	}
	if len(s.paths) > 0 {
		doc.Paths = make(map[string]*openapi2.PathItem, len(s.paths))
		for i, p := range s.paths {
			doc.Paths[p.key] = items[i]
		}
	}
	if len(s.schemas) > 0 {
		doc.Definitions = make(map[string]*openapi2.SchemaRef, len(s.schemas))
		for i, p := range s.schemas {
			doc.Definitions[p.key] = schemas[i]
		}
	}
	return doc, nil
}

// decode decodes the skeleton into doc and each part i (paths first, then
// schemas) with part, on every core.
func (s *split) decode(doc any, part func(i int, data []byte) error) error {
	var next atomic.Int64
	var mu sync.Mutex
	var errs []error
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	// A panic in kin-openapi on a worker would end the program: it
	// becomes an error, and load takes the slow way, which recovers.
	guard := func(f func()) func() {
		return func() {
			defer func() {
				if r := recover(); r != nil {
					fail(fmt.Errorf("the OpenAPI loader failed on this document: %v", r))
				}
			}()
			f()
		}
	}
	var wg sync.WaitGroup
	wg.Go(guard(func() {
		if err := json.Unmarshal(s.skeleton, doc); err != nil {
			fail(err)
		}
	}))
	n := len(s.paths) + len(s.schemas)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(guard(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				sp := s.paths
				j := i
				if j >= len(sp) {
					sp, j = s.schemas, j-len(sp)
				}
				if err := part(i, s.js[sp[j].start:sp[j].end]); err != nil {
					fail(err)
				}
			}
		}))
	}
	wg.Wait()
	return errors.Join(errs...)
}
