// Package openapi loads an application's API description for the generator:
// OpenAPI 3.0 and 3.1 as they are, Swagger 2.0 converted to 3.0, with local
// and relative-file $refs and circular schemas. kin-openapi does the loading
// and validation; this package puts a file and line on every problem by
// reading the same file with yaml.v3, so a user sees
// `api/openapi.yaml:42: paths./pets/{id}.get: ...` and not a bare message.
package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

// Spec is a loaded, validated document.
type Spec struct {
	File    string      // the path given to Load
	Version Version     // the dialect of the file (2.0 is converted to 3.0 in Doc)
	Doc     *openapi3.T // the resolved document
	Root    *yaml.Node  // the file's YAML tree, for locating later problems
	Source  []byte      // the file's bytes
	// JSON is the file's document as JSON when the file is the whole
	// document (OpenAPI 3, no $ref to another file); nil otherwise.
	JSON []byte
	// Warnings are the spec's mistakes that harness reads past because
	// their meaning is plain (see tolerable), each located like an error.
	Warnings Errors
	external bool // a $ref points into another file
	loader   *openapi3.Loader
}

// Bundled returns the document to serve: self-contained, with what $refs
// to other files point at moved into its components. It loads the files
// again, so Doc, which the generator reads, stays as it is.
func (s *Spec) Bundled(ctx context.Context) (*openapi3.T, error) {
	if !s.external {
		return s.Doc, nil
	}
	abs, err := filepath.Abs(s.File)
	if err != nil {
		return nil, err
	}
	loader := newLoader(ctx, false)
	var doc *openapi3.T
	if s.Version == V20 {
		doc, err = loadV2(loader, s.Root, &url.URL{Path: filepath.ToSlash(abs)})
	} else {
		doc, err = loader.LoadFromFile(abs)
	}
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", s.File, err)
	}
	doc.InternalizeRefs(ctx, nil)
	return doc, nil
}

// Locate returns an error at the line of a dotted key path in the spec's file.
func (s *Spec) Locate(pointer, format string, args ...any) *Error {
	return &Error{File: s.File, Line: lineOf(s.Root, splitPointer(pointer)), Pointer: pointer, Msg: fmt.Sprintf(format, args...)}
}

// Load reads, resolves and validates the spec at path. Every problem is an
// *Error or Errors naming file, line and key.
func Load(ctx context.Context, path string) (*Spec, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Msg: "cannot read: " + err.Error()}
	}
	return load(ctx, path, data)
}

func load(ctx context.Context, path string, data []byte) (spec *Spec, err error) {
	root, err := parseYAML(path, data)
	if err != nil {
		return nil, err
	}
	v, err := version(path, root)
	if err != nil {
		return nil, err
	}
	// harness's own checks of the tree run beside kin-openapi's load, which
	// reads the same tree; their errors, which point at lines, win over
	// anything the load says.
	prechecked := make(chan Errors, 1)
	go func() { prechecked <- precheck(path, root, v) }()
	defer func() {
		if errs := <-prechecked; len(errs) > 0 {
			spec, err = nil, errs
		}
	}()
	s := &Spec{File: path, Version: v, Root: root, Source: data, external: !selfContained(root)}
	// kin-openapi is a large library fed untrusted input; a panic in it must
	// become an error here, not a crash of the generator.
	defer func() {
		if r := recover(); r != nil {
			spec, err = nil, &Error{File: path, Line: 1, Msg: fmt.Sprintf("the OpenAPI loader failed on this document: %v", r)}
		}
	}()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	loc := &url.URL{Path: filepath.ToSlash(abs)}
	// A valid spec, the usual case, is decoded from JSON made of the tree
	// parsed above: kin-openapi then skips its own YAML parse and the
	// origins it records for error lines. Only when that load or the
	// validation fails is the file loaded again the slow way, with
	// origins, so every error is located exactly as before.
	if v != V20 {
		if doc, js, ok := quickLoad(ctx, root, v, loc, s.external); ok {
			s.Doc = doc
			if !s.external {
				s.JSON = js
			}
			return s, nil
		}
	}
	loader := newLoader(ctx, true)
	s.loader = loader
	if v == V20 {
		s.Doc, err = loadV2(loader, root, loc)
	} else {
		s.Doc, err = loader.LoadFromDataWithPath(data, loc)
	}
	if err != nil {
		return nil, s.locateLoadError(err)
	}
	if err := s.Doc.Validate(ctx, validateOptions...); err != nil {
		located := s.locateValidationError(err)
		warnings, fatal := s.splitTolerable(located)
		if len(fatal) > 0 {
			return nil, fatal
		}
		s.Warnings = append(schemaWarnings(path, root, v), warnings...)
	}
	return s, nil
}

// schemaTolerable are the tolerable complaints that schemaWarnings finds
// itself, at the line of the key (kin-openapi stops at a schema's first
// problem and names it once per place the schema is used).
var schemaTolerable = []string{"schema 'items' must be non-null", "a boolean exclusiveMinimum is for", "a boolean exclusiveMaximum is for"}

// tolerable are kin-openapi's complaints about specs that are invalid but
// unambiguous, which the generators users know accept: harness generates
// them too, with a warning at the line, and refuses only what it cannot
// turn into code. Each is paired with what harness does instead.
var tolerable = []struct{ match, then string }{
	{"value of version must be a non-empty string", "generated anyway"},
	{"a boolean exclusiveMinimum is for OpenAPI <3.1", "read as the OpenAPI 3.0 flag on minimum"},
	{"a boolean exclusiveMaximum is for OpenAPI <3.1", "read as the OpenAPI 3.0 flag on maximum"},
	{"refers to undefined security scheme", "no credentials can satisfy it, so the requirement always fails (401)"},
	{"schema 'items' must be non-null", "its items may be any JSON value"},
	{"conflicting paths", "both are served; requests both match go to the first"},
}

// splitTolerable sorts located validation errors into warnings (tolerable
// ones, with what harness does about them) and errors.
func (s *Spec) splitTolerable(err error) (warnings, fatal Errors) {
	es := AsErrors(err)
	if es == nil {
		return nil, Errors{{File: s.File, Line: 1, Msg: err.Error()}}
	}
next:
	for _, e := range es {
		for _, m := range schemaTolerable {
			if strings.Contains(e.Msg, m) {
				continue next // schemaWarnings says it at its line
			}
		}
		for _, t := range tolerable {
			if strings.Contains(e.Msg, t.match) {
				w := *e
				w.Msg += "; " + t.then
				warnings = append(warnings, &w)
				continue next
			}
		}
		fatal = append(fatal, e)
	}
	return warnings, fatal
}

var validateOptions = []openapi3.ValidationOption{
	openapi3.EnableMultiError(),
	openapi3.DisableExamplesValidation(),
	openapi3.DisableSchemaDefaultsValidation(),
	openapi3.AllowExtraSiblingFields("description", "example", "summary", "title", "nullable", "readOnly", "writeOnly", "deprecated", "default"),
}

func newLoader(ctx context.Context, origins bool) *openapi3.Loader {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.IncludeOrigin = origins
	loader.Context = ctx
	loader.ReadFromURIFunc = localOnly
	return loader
}

// quickLoad loads and validates an OpenAPI 3 document from JSON made of
// its tree, which skips kin-openapi's own YAML parse and the origins it
// records for error lines; a self-contained document is decoded in parts,
// side by side. It reports false, and load takes the slow way, when
// anything fails.
func quickLoad(ctx context.Context, root *yaml.Node, v Version, loc *url.URL, external bool) (*openapi3.T, []byte, bool) {
	sp, parts := splitJSON(root, v)
	if !parts {
		js, err := decodedJSON(root)
		if err != nil {
			return nil, nil, false
		}
		sp = &split{js: js}
	}
	doc, err := validated(ctx, newLoader(ctx, false), func(l *openapi3.Loader) (*openapi3.T, error) {
		if !parts || external {
			// Whole, so that kin-openapi follows $refs to other files from loc.
			return l.LoadFromDataWithPath(sp.js, loc)
		}
		doc, err := decodeSplit(sp)
		if err != nil {
			return nil, err
		}
		return doc, l.ResolveRefsIn(doc, loc)
	})
	return doc, sp.js, err == nil
}

// validated loads with load and validates; any failure is only a signal to
// take the slow path, so it is not located.
func validated(ctx context.Context, loader *openapi3.Loader, load func(*openapi3.Loader) (*openapi3.T, error)) (*openapi3.T, error) {
	doc, err := load(loader)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(ctx, validateOptions...); err != nil {
		return nil, err
	}
	return doc, nil
}

// decodedJSON is the tree decoded the way kin-openapi reads YAML
// (timestamps stay strings, mapping keys become strings) and marshalled.
func decodedJSON(root *yaml.Node) ([]byte, error) {
	var raw any
	if err := root.Decode(&raw); err != nil {
		return nil, err
	}
	return json.Marshal(jsonable(raw))
}

// localOnly reads referenced files from disk and nothing else: a spec must
// not make the generator fetch URLs.
func localOnly(loader *openapi3.Loader, location *url.URL) ([]byte, error) {
	if location.Scheme != "" && location.Scheme != "file" || location.Host != "" {
		return nil, fmt.Errorf("reference to %s: only local files are read", location)
	}
	return os.ReadFile(filepath.FromSlash(location.Path))
}

func loadV2(loader *openapi3.Loader, root *yaml.Node, loc *url.URL) (*openapi3.T, error) {
	doc2 := &openapi2.T{}
	if sp, ok := splitJSON(root, V20); ok {
		var err error
		if doc2, err = decodeSplitV2(sp); err != nil {
			return nil, err
		}
	} else {
		js, err := decodedJSON(root)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(js, doc2); err != nil {
			return nil, err
		}
	}
	return openapi2conv.ToV3WithLoader(doc2, loader, loc)
}

// jsonable turns YAML's map[string]any/map[any]any into JSON-marshalable values.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
	}
	return v
}

func splitPointer(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(p, ".")
}

// locateLoadError places a loader error. kin-openapi's loading errors are
// strings; the precheck caught the common ones, so this is the rest.
func (s *Spec) locateLoadError(err error) error {
	msg := err.Error()
	if es := AsErrors(err); es != nil {
		return err
	}
	// A decoding error names the Go field: "... field Schema.required of type ...".
	return &Error{File: s.File, Line: 1, Msg: "cannot load: " + msg}
}

// locateValidationError turns kin-openapi's typed validation errors into
// located ones: context wrappers give the key path, origins give the line.
func (s *Spec) locateValidationError(err error) error {
	var collect func(e error, keys []string, origin *openapi3.Origin)
	var out Errors
	collect = func(e error, keys []string, origin *openapi3.Origin) {
		for e != nil {
			if me, ok := e.(openapi3.MultiError); ok {
				for _, c := range me {
					collect(c, append([]string(nil), keys...), origin)
				}
				return
			}
			keys = append(keys, contextKeys(e)...)
			if o := originOf(e); o != nil && o.Key != nil && o.Key.Line > 0 {
				origin = o
			}
			next := errors.Unwrap(e)
			if next == nil {
				if j, ok := e.(interface{ Unwrap() []error }); ok {
					for _, c := range j.Unwrap() {
						collect(c, append([]string(nil), keys...), origin)
					}
					return
				}
				out = append(out, s.located(e, keys, origin))
				return
			}
			e = next
		}
	}
	collect(err, nil, nil)
	if len(out) == 0 {
		return &Error{File: s.File, Line: 1, Msg: err.Error()}
	}
	return out
}

func (s *Spec) located(leaf error, keys []string, origin *openapi3.Origin) *Error {
	e := &Error{File: s.File, Pointer: strings.Join(keys, "."), Msg: leaf.Error()}
	n, line, complete := findNode(s.Root, keys)
	if complete {
		e.Line = line
		if more, l := narrow(n, e.Msg); more != nil {
			e.Pointer, e.Line = strings.Join(append(keys, more...), "."), l
		}
		return e
	}
	if origin != nil && origin.Key != nil && origin.Key.Line > 0 {
		e.Line = origin.Key.Line
		if f := origin.Key.File; f != "" {
			if abs, _ := filepath.Abs(s.File); f != abs && f != s.File {
				e.File = f
			}
		}
		return e
	}
	e.Line = line
	return e
}

// contextKeys maps kin-openapi's context wrappers to document keys.
func contextKeys(e error) []string {
	switch x := e.(type) {
	case *openapi3.SectionValidationError:
		return []string{x.Section}
	case *openapi3.PathValidationError:
		return []string{x.Path}
	case *openapi3.OperationValidationError:
		return []string{strings.ToLower(x.Method)}
	case *openapi3.ComponentValidationError:
		return []string{componentSection(x.Section), x.Name}
	case *openapi3.PathParametersError:
		return []string{x.Path, strings.ToLower(x.Method)}
	case *openapi3.WebhookValidationError:
		return []string{x.Name}
	case *openapi3.TagValidationError:
		return []string{x.Name}
	}
	return nil
}

// componentSection maps kin-openapi's singular section names to the keys
// under components.
func componentSection(s string) string {
	switch s {
	case "schema":
		return "schemas"
	case "parameter":
		return "parameters"
	case "request body":
		return "requestBodies"
	case "response":
		return "responses"
	case "header":
		return "headers"
	case "security scheme":
		return "securitySchemes"
	case "example":
		return "examples"
	case "link":
		return "links"
	case "callback":
		return "callbacks"
	}
	return s
}

var originType = reflect.TypeFor[*openapi3.Origin]()

// originOf reads an Origin field from a typed kin-openapi error, if it has one.
func originOf(e error) *openapi3.Origin {
	v := reflect.ValueOf(e)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil
	}
	f := v.FieldByName("Origin")
	if !f.IsValid() || f.Type() != originType || f.IsNil() {
		return nil
	}
	return f.Interface().(*openapi3.Origin)
}
