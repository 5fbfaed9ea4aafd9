package codegen

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/harness-sh/harness/internal/names"
	"github.com/harness-sh/harness/internal/openapi"
)

// Model is everything the templates print, computed from a spec: named
// types and operations with deterministic Go names.
type Model struct {
	App, Package, Ident string
	ImportPath          string // of the generated package
	Title, Version      string
	BasePath            string
	Types               []*Type
	Ops                 []*Op
	Schemes             []*Scheme
	Patterns            []Var         // the package-level regexps: name and source
	Rules               []Var         // the package-level httpapi.Rules (Checks.Rule)
	Groups              []*RouteGroup // operations ServeMux cannot route apart, dispatched by generated code
	GroupedOps          []*Op         // their operations, by GroupIndex
	SpecJSON, SpecYAML  []byte
	// Warnings are what the spec gets wrong that the code was generated
	// past: the loader's (openapi.Spec.Warnings) and the builder's own.
	Warnings openapi.Errors
}

// Var is a package-level variable: its name and its Go expression.
type Var struct{ Name, Value string }

// Op is an operation.
type Op struct {
	Name, ID       string
	Method, Path   string
	Route          string // the ServeMux pattern
	Summary        string
	Unit           string // what its code is rendered with: see Type.Unit
	Params         []*Param
	Body           *Body
	Responses      []*Response
	Security       [][]Requirement // alternatives, each the schemes that must all pass
	SegmentPattern string          // regexp for paths ServeMux cannot express, or ""
	SegmentParams  []string        // the capture groups' parameter keys, in order
	Grouped        bool            // routed by its RouteGroup's dispatcher, not by its own Route
	GroupIndex     int             // its handler's index in the handler's grouped table
	routeSegs      []string        // Route's path segments after the base path
	reSegs         []string        // the regexp of each of those segments
	pathRE         string          // the regexp of the whole path, and its parameters
	pathREParams   []string
}

// Requirement is a scheme of a security alternative, with the scopes the
// spec lists for it.
type Requirement struct {
	Scheme string
	Scopes []string
}

// SecurityLiteral is the Go literal of the operation's security
// alternatives, for httpapi.Server.Authenticate.
func (o *Op) SecurityLiteral() string {
	alts := make([]string, len(o.Security))
	for i, alt := range o.Security {
		reqs := make([]string, len(alt))
		for j, req := range alt {
			reqs[j] = "{Scheme: " + strconv.Quote(req.Scheme)
			if len(req.Scopes) > 0 {
				scopes := make([]string, len(req.Scopes))
				for k, sc := range req.Scopes {
					scopes[k] = strconv.Quote(sc)
				}
				reqs[j] += ", Scopes: []string{" + strings.Join(scopes, ", ") + "}"
			}
			reqs[j] += "}"
		}
		alts[i] = "{" + strings.Join(reqs, ", ") + "}"
	}
	return "[][]httpapi.Requirement{" + strings.Join(alts, ", ") + "}"
}

// Request is the name of the operation's request type.
func (o *Op) Request() string { return o.Name + "Request" }

// Response is the name of the operation's response interface.
func (o *Op) Response() string { return o.Name + "Response" }

// Param is a path, query, header or cookie parameter.
type Param struct {
	Name     string // Go field
	Key      string // as in the spec
	In       string
	Ref      *Ref // primitive or array of primitives
	Required bool
	Explode  bool   // a query or cookie array comes as one value per item
	Sep      string // what separates an array's items in one value (see Split)
	Prefix   string // what starts a label (".") or matrix (";key=") path parameter
	Wildcard string // ServeMux wildcard for path parameters: the spec's name, made an identifier
	Deep     bool   // a deepObject query parameter: key[prop]=value fields into a struct
	// Default is the Go literal of the spec's default for an optional
	// parameter, which the request starts with (see Op.HasDefaults); ""
	// when there is none that fits the type.
	Default string
	// ClientDefault is Default as the client package writes it (an enum's
	// constant qualified by the server package).
	ClientDefault string
}

// FormKinds is the Go map literal telling formJSON how to read the fields of
// a deepObject parameter's struct.
func (p *Param) FormKinds() string { return formKinds(p.Ref.Named) }

// InPath, InQuery, InHeader and InCookie tell where the parameter is, for
// templates.
func (p *Param) InPath() bool   { return p.In == "path" }
func (p *Param) InQuery() bool  { return p.In == "query" }
func (p *Param) InHeader() bool { return p.In == "header" }
func (p *Param) InCookie() bool { return p.In == "cookie" }

// Split reports whether an array's items come in one value, separated by
// Sep: path and header arrays whatever explode says (simple, label and
// matrix styles), query and cookie ones when not exploded.
func (p *Param) Split() bool { return !p.Explode || p.In == "path" || p.In == "header" }

// Pointer reports whether the request field is a pointer: an optional
// scalar without a default.
func (p *Param) Pointer() bool { return !p.Required && p.Ref.Kind != KArray && p.Default == "" }

// HasDefaults reports whether a parameter has a default: the request type
// then has a constructor, NewNameRequest, which the server starts from.
func (o *Op) HasDefaults() bool {
	for _, p := range o.Params {
		if p.Default != "" {
			return true
		}
	}
	return false
}

// DefaultFields are the fields of the request's constructor: each
// defaulted parameter and its default.
func (o *Op) DefaultFields() string {
	var parts []string
	for _, p := range o.Params {
		if p.Default != "" {
			parts = append(parts, p.Name+": "+p.Default)
		}
	}
	return strings.Join(parts, ", ")
}

// NewRequest is the name of the request's constructor.
func (o *Op) NewRequest() string { return "New" + o.Name + "Request" }

// StreamsResponse reports whether a response body is streamed (binary):
// the client hands it over open, not read.
func (o *Op) StreamsResponse() bool {
	for _, r := range o.Responses {
		if r.Kind == ContentBinary {
			return true
		}
	}
	return false
}

// ContentKind is how a body is read or written.
type ContentKind string

// The content kinds.
const (
	ContentJSON      ContentKind = "json"
	ContentText      ContentKind = "text"
	ContentBinary    ContentKind = "binary"
	ContentForm      ContentKind = "form"      // application/x-www-form-urlencoded
	ContentMultipart ContentKind = "multipart" // multipart/*
	ContentNone      ContentKind = "none"      // a response without a body
)

// IsJSON and the others tell the kind, for templates.
func (k ContentKind) IsJSON() bool      { return k == ContentJSON }
func (k ContentKind) IsText() bool      { return k == ContentText }
func (k ContentKind) IsBinary() bool    { return k == ContentBinary }
func (k ContentKind) IsForm() bool      { return k == ContentForm }
func (k ContentKind) IsMultipart() bool { return k == ContentMultipart }
func (k ContentKind) IsNone() bool      { return k == ContentNone }

// Body is a request body.
type Body struct {
	Kind        ContentKind
	ContentType string
	// ByType: another variant answers the same status, so the client
	// tells them apart by Content-Type (all but the status's last variant).
	ByType   bool
	Ref      *Ref // json; a typed form or checked multipart; a checked text
	Required bool
}

// CheckedText reports whether a text body has a string schema whose
// checks apply to it.
func (b *Body) CheckedText() bool { return b.Kind == ContentText && b.Ref != nil }

// SendType is the Content-Type a client sends: the declared one, or for a
// range such as */* a type within it that matches how the body is written.
func (b *Body) SendType() string {
	if !isMediaRange(b.ContentType) {
		return b.ContentType
	}
	switch b.Kind {
	case ContentJSON:
		return "application/json"
	case ContentText:
		return "text/plain"
	}
	return "application/octet-stream"
}

// Go is the request field's type.
func (b *Body) Go() string {
	switch {
	case b.Kind == ContentJSON || b.Typed():
		if !b.Required && b.Ref.Kind != KArray && b.Ref.Kind != KMap && b.Ref.Kind != KAny && !b.Ref.Nullable {
			return "*" + b.Ref.Go()
		}
		return b.Ref.Go()
	case b.Kind == ContentText:
		return "string"
	case b.Kind == ContentForm:
		return "url.Values"
	case b.Kind == ContentMultipart:
		return "*multipart.Form"
	}
	// Binary: read as it comes (the server's is bounded by the body limit).
	return "io.Reader"
}

// Checked reports whether a multipart body is validated against its schema.
func (b *Body) Checked() bool { return b.Kind == ContentMultipart && b.Ref != nil }

// Typed reports whether a form body is decoded into its schema's struct.
func (b *Body) Typed() bool { return b.Kind == ContentForm && b.Ref != nil }

// FormKinds is a Go map literal: each form field of a typed form and how
// its text is read (integer, number, boolean, string; "array:" before the
// item's kind for repeated fields).
func (b *Body) FormKinds() string { return formKinds(b.Ref.Named) }

// formKinds is a Go map literal: each field of a struct read from form
// fields and how its text is read (integer, number, boolean, string;
// "array:" before the item's kind for repeated fields).
func formKinds(t *Type) string {
	kind := func(r *Ref) string {
		switch {
		case r.Kind == KNamed && r.Named.Kind == TEnum:
			return map[string]string{"string": "string", "int64": "integer", "float64": "number"}[r.Named.EnumBase]
		case r.Kind == KNamed && r.Named.Kind == TAlias:
			r = r.Named.Alias
		}
		if r.Kind != KPrim {
			return "string"
		}
		switch r.Prim {
		case "int32", "int64":
			return "integer"
		case "float32", "float64":
			return "number"
		case "bool":
			return "boolean"
		}
		return "string"
	}
	var parts []string
	for _, f := range t.Fields {
		k := kind(f.Ref)
		if f.Ref.Kind == KArray {
			k = "array:" + kind(f.Ref.Elem)
		}
		parts = append(parts, strconv.Quote(f.JSON)+": "+strconv.Quote(k))
	}
	return "map[string]string{" + strings.Join(parts, ", ") + "}"
}

// Pointer reports whether the body field is a pointer to the model.
func (b *Body) Pointer() bool {
	return (b.Kind == ContentJSON || b.Typed()) && strings.HasPrefix(b.Go(), "*") && !b.Ref.Nullable
}

// Response is one variant of an operation's response.
type Response struct {
	Type        string      // Go type name
	Status      string      // as in the spec: 200, 4XX, default
	Code        int         // 0 for ranges and default
	Kind        ContentKind // json text binary none
	ContentType string
	// ByType: another variant answers the same status, so the client
	// tells them apart by Content-Type (all but the status's last variant).
	ByType bool
	Ref    *Ref // json
	Doc    string
}

// IsDefault reports the default response.
func (r *Response) IsDefault() bool { return r.Status == "default" }

// StatusExpr is the Go expression of the status the response sends: its
// code, or for a range or default the StatusCode set (else the range's
// first code, or 500).
func (r *Response) StatusExpr() string {
	if r.Code != 0 {
		return strconv.Itoa(r.Code)
	}
	def := 500
	if len(r.Status) == 3 && strings.HasSuffix(strings.ToUpper(r.Status), "XX") {
		def = int(r.Status[0]-'0') * 100
	}
	return "httpapi.StatusOr(v.StatusCode, " + strconv.Itoa(def) + ")"
}

// ClientMatch is the condition by which the client picks this response,
// or "" for the default one.
func (r *Response) ClientMatch() string {
	var conds []string
	switch {
	case r.Code != 0:
		conds = append(conds, "res.StatusCode == "+strconv.Itoa(r.Code))
	case !r.IsDefault():
		conds = append(conds, "res.StatusCode/100 == "+r.Status[:1])
	}
	if r.ByType {
		conds = append(conds, "strings.HasPrefix(res.Header.Get(\"Content-Type\"), "+strconv.Quote(r.ContentType)+")")
	}
	return strings.Join(conds, " && ")
}

// HasDefault reports whether the operation declares a default response.
func (o *Op) HasDefault() bool {
	for _, r := range o.Responses {
		if r.IsDefault() {
			return true
		}
	}
	return false
}

// Go is the response body's type.
func (r *Response) Go() string {
	switch r.Kind {
	case ContentJSON:
		return r.Ref.Go()
	case ContentText:
		return "string"
	}
	// Binary: streamed; the server closes it after sending, a client's
	// caller when done reading.
	return "io.ReadCloser"
}

// Scheme is a security scheme.
type Scheme struct {
	Name, Key string // Go constant suffix, spec key
	Type      string // http, apiKey, oauth2, openIdConnect, mutualTLS
	HTTP      string // bearer or basic for type http
	In, Param string // apiKey
}

// Literal is the fields of the scheme's httpapi.SecurityScheme literal.
func (s *Scheme) Literal() string {
	parts := []string{"Name: " + strconv.Quote(s.Key), "Type: " + strconv.Quote(s.Type)}
	if s.HTTP != "" {
		parts = append(parts, "Scheme: "+strconv.Quote(s.HTTP))
	}
	if s.In != "" {
		parts = append(parts, "In: "+strconv.Quote(s.In), "Param: "+strconv.Quote(s.Param))
	}
	return strings.Join(parts, ", ")
}

type builder struct {
	spec     *openapi.Spec
	types    map[*openapi3.Schema]*Type
	named    []*Type
	typeReg  *registry
	patterns map[string]string
	rules    map[string]string // name → Go literal
	errs     openapi.Errors
	warns    openapi.Errors
	pkg      string // the generated package's name
}

// Build computes the model of a loaded spec.
func Build(spec *openapi.Spec, app, importPath string) (*Model, error) {
	b := &builder{
		spec:     spec,
		types:    map[*openapi3.Schema]*Type{},
		typeReg:  newRegistry(reservedNames...),
		patterns: map[string]string{},
		rules:    map[string]string{},
		pkg:      names.GoPackage(app),
	}
	doc := spec.Doc
	m := &Model{App: app, Package: names.GoPackage(app), Ident: names.GoIdent(app), ImportPath: importPath}
	if doc.Info != nil {
		m.Title, m.Version = doc.Info.Title, doc.Info.Version
	}
	m.BasePath = basePath(doc)
	if doc.Components != nil {
		// Schemas first, then components that are only a $ref to another
		// (Go aliases of the type they name).
		var declared []*Type
		for _, k := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
			if sr := doc.Components.Schemas[k]; sr != nil && sr.Value != nil && sr.Ref == "" {
				if _, dup := b.types[sr.Value]; dup {
					continue
				}
				declared = append(declared, b.declare(sr.Value, goName(k), "schema "+k, "components.schemas."+k))
			}
		}
		for _, t := range declared {
			b.fill(t, doc.Components.Schemas[strings.TrimPrefix(t.schemaKey, "components.schemas.")].Value)
		}
		for _, k := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
			if sr := doc.Components.Schemas[k]; sr != nil && sr.Value != nil && sr.Ref != "" {
				unit := "schema " + k
				target := b.ref(sr, goName(k), unit, "components.schemas."+k)
				if target.Kind == KNamed && target.Named.Name == goName(k) {
					continue
				}
				t := &Type{Name: b.typeReg.take(goName(k)), Unit: unit, Kind: TAlias, Alias: target, GoAlias: true}
				b.named = append(b.named, t)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(doc.Components.SecuritySchemes)) {
			s := doc.Components.SecuritySchemes[k]
			if s == nil || s.Value == nil {
				continue
			}
			m.Schemes = append(m.Schemes, &Scheme{Name: goName(k), Key: k, Type: s.Value.Type, HTTP: strings.ToLower(s.Value.Scheme), In: s.Value.In, Param: s.Value.Name})
		}
	}
	ops, err := b.operations(m)
	if err != nil {
		return nil, err
	}
	m.Ops = ops
	groups, errs, warns := groupRoutes(spec, m.BasePath, ops)
	m.Groups = groups
	for _, g := range groups {
		for _, op := range g.Ops {
			op.GroupIndex = len(m.GroupedOps)
			m.GroupedOps = append(m.GroupedOps, op)
		}
	}
	b.errs = append(b.errs, errs...)
	m.Warnings = append(append(append(m.Warnings, spec.Warnings...), b.warns...), warns...)
	sort.SliceStable(m.Warnings, func(i, j int) bool { return m.Warnings[i].Line < m.Warnings[j].Line })
	m.Types = b.named
	setPointers(m.Types)
	markDecoded(m.Ops)
	sort.Slice(m.Types, func(i, j int) bool { return m.Types[i].Name < m.Types[j].Name })
	m.Patterns, m.Rules = sortedVars(b.patterns), sortedVars(b.rules)
	if len(b.errs) > 0 {
		return nil, b.errs
	}
	return m, nil
}

// reservedNames are the generated package's own exported names.
var reservedNames = []string{"API", "Options", "Credentials", "Date", "ErrNotImplemented",
	"StatusError", "NewHandler", "SpecJSON", "SpecYAML", "BasePath", "Handler", "Operations", "RawResponse",
	"Raw", "ErrForbidden"}

func basePath(doc *openapi3.T) string {
	if len(doc.Servers) == 0 || doc.Servers[0] == nil {
		return ""
	}
	raw := doc.Servers[0].URL
	if strings.Contains(raw, "{") {
		// Server variables: take the default values.
		for name, v := range doc.Servers[0].Variables {
			if v != nil {
				raw = strings.ReplaceAll(raw, "{"+name+"}", v.Default)
			}
		}
	}
	u, err := url.Parse(raw)
	if err != nil || strings.Contains(u.Path, "{") {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

// namedType returns the named type for a schema, creating it (and the named
// types of its inline parts) on first sight. Schemas are identified by
// pointer, so $refs to one component share its type and cycles terminate.
func (b *builder) namedType(s *openapi3.Schema, name, unit, ptr string) *Type {
	if t, ok := b.types[s]; ok {
		return t
	}
	t := b.declare(s, name, unit, ptr)
	b.fill(t, s)
	return t
}

// declare registers the named type of a schema without filling it, so that
// references met while filling another type find it.
func (b *builder) declare(s *openapi3.Schema, name, unit, ptr string) *Type {
	t := &Type{Name: b.typeReg.take(name), Unit: unit, Doc: firstLine(s.Description, s.Title), schemaKey: ptr}
	b.types[s] = t
	b.named = append(b.named, t)
	return t
}

func (b *builder) fill(t *Type, s *openapi3.Schema) {
	unit, ptr := t.Unit, t.schemaKey
	typ, _, multi := schemaType(s)
	switch {
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		t.Kind = TUnion
		alts, one := s.OneOf, true
		if len(alts) == 0 {
			alts, one = s.AnyOf, false
		}
		t.OneOf = one
		if s.Discriminator != nil {
			t.Discriminator = s.Discriminator.PropertyName
		}
		vreg := newRegistry()
		for i, a := range alts {
			r := b.ref(a, t.Name+"OneOf"+strconv.Itoa(i+1), unit, fmt.Sprintf("%s.oneOf.%d", ptr, i))
			vname := variantName(r)
			v := &Variant{Name: vreg.take(vname), Ref: r}
			if t.Discriminator != "" && a.Ref != "" {
				v.Values = discriminatorValues(s.Discriminator, a.Ref)
			}
			t.Variants = append(t.Variants, v)
		}
	case len(s.AllOf) > 0 && allObjects(s):
		t.Kind = TStruct
		props, req := flatten(s, 0)
		b.fields(t, props, req, unit, ptr)
		b.extra(t, s, unit, ptr)
		t.Members = Checks{MinProps: nonZero(s.MinProps), MaxProps: s.MaxProps}
		b.rule(&t.Members)
	case len(s.Enum) > 0 && (typ == "string" || typ == "integer" || typ == "number") && !multi:
		t.Kind = TEnum
		t.EnumBase = map[string]string{"string": "string", "integer": "int64", "number": "float64"}[typ]
		t.Values = enumValues(t.Name, t.EnumBase, s.Enum)
	case typ == "object" && len(s.Properties) > 0:
		t.Kind = TStruct
		props, req := flatten(s, 0)
		b.fields(t, props, req, unit, ptr)
		b.extra(t, s, unit, ptr)
		t.Members = Checks{MinProps: nonZero(s.MinProps), MaxProps: s.MaxProps}
		b.rule(&t.Members)
	default:
		t.Kind = TAlias
		t.Alias = b.inline(s, t.Name, unit, ptr)
		t.Alias.Nullable = false
	}
}

func variantName(r *Ref) string {
	switch r.Kind {
	case KNamed:
		return r.Named.Name
	case KPrim:
		return goName(r.Prim)
	case KArray:
		return variantName(r.Elem) + "List"
	case KMap:
		return variantName(r.Elem) + "Map"
	}
	return "Any"
}

func discriminatorValues(d *openapi3.Discriminator, ref string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(d.Mapping)) {
		if d.Mapping[k].Ref == ref || strings.HasSuffix(ref, "/"+d.Mapping[k].Ref) || d.Mapping[k].Ref == lastSegment(ref) {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		out = append(out, lastSegment(ref))
	}
	return out
}

func lastSegment(ref string) string { return ref[strings.LastIndex(ref, "/")+1:] }

func allObjects(s *openapi3.Schema) bool {
	for _, a := range s.AllOf {
		if a.Value == nil {
			return false
		}
		typ, _, _ := schemaType(a.Value)
		if typ != "object" && typ != "" || len(a.Value.OneOf)+len(a.Value.AnyOf) > 0 || len(a.Value.AllOf) > 0 && !allObjects(a.Value) {
			return false
		}
	}
	return true
}

// flatten merges allOf members' properties and required lists into one.
func flatten(s *openapi3.Schema, depth int) (openapi3.Schemas, []string) {
	props := openapi3.Schemas{}
	var req []string
	if depth > 32 {
		return props, req
	}
	for _, a := range s.AllOf {
		if a.Value == nil {
			continue
		}
		p, r := flatten(a.Value, depth+1)
		for k, v := range p {
			props[k] = v
		}
		req = append(req, r...)
	}
	for k, v := range s.Properties {
		props[k] = v
	}
	return props, append(req, s.Required...)
}

func (b *builder) fields(t *Type, props openapi3.Schemas, required []string, unit, ptr string) {
	req := map[string]bool{}
	for _, r := range required {
		req[r] = true
	}
	freg := newRegistry()
	for _, k := range slices.Sorted(maps.Keys(props)) {
		p := props[k]
		if p == nil || p.Value == nil {
			continue
		}
		r := b.ref(p, t.Name+goName(k), unit, ptr+".properties."+k)
		f := &Field{Name: freg.take(goName(k)), JSON: k, Ref: r, Required: req[k], Doc: firstLine(p.Value.Description, p.Value.Title)}
		t.Fields = append(t.Fields, f)
	}
	// Go names of fields are unique; a property named like a method would
	// not clash because generated types have no exported methods on structs.
}

// extra reads a struct's additionalProperties: a schema (or true) keeps the
// other keys in a map field, false makes them errors. Absent, they are
// ignored, as JSON decoding does.
func (b *builder) extra(t *Type, s *openapi3.Schema, unit, ptr string) {
	ap := s.AdditionalProperties
	switch {
	case ap.Schema != nil:
		t.Extra = b.ref(ap.Schema, t.Name+"Value", unit, ptr+".additionalProperties")
	case ap.Has != nil && *ap.Has:
		t.Extra = &Ref{Kind: KAny}
	case ap.Has != nil:
		t.Closed = true
	}
	if t.Extra == nil {
		return
	}
	t.ExtraField = "AdditionalProperties"
	for _, f := range t.Fields {
		if f.Name == t.ExtraField {
			t.ExtraField = "AdditionalPropertiesMap"
		}
	}
}

// ref returns the use of a schema: a named type for $refs to components,
// inline enums, objects and unions; a primitive, array or map otherwise.
func (b *builder) ref(sr *openapi3.SchemaRef, hoist, unit, ptr string) *Ref {
	if sr == nil || sr.Value == nil {
		return &Ref{Kind: KAny, Nullable: true} // no schema: any JSON value, null too
	}
	s := sr.Value
	if t, ok := b.types[s]; ok {
		_, null, _ := schemaType(s)
		return &Ref{Kind: KNamed, Named: t, Nullable: null}
	}
	if sr.Ref != "" && strings.Contains(sr.Ref, "#/components/schemas/") && !strings.HasPrefix(sr.Ref, "#") {
		// A component of another file: named after its key.
		t := b.namedType(s, goName(lastSegment(sr.Ref)), unit, ptr)
		return &Ref{Kind: KNamed, Named: t}
	}
	if sr.Ref != "" && !strings.HasPrefix(sr.Ref, "#/components/schemas/") {
		// A schema in another file (schemas/tree.yaml#/Tree): a named type
		// after its last segment, so recursion through it terminates.
		t := b.namedType(s, goName(lastSegment(strings.TrimSuffix(sr.Ref, ".yaml"))), unit, ptr)
		return &Ref{Kind: KNamed, Named: t}
	}
	return b.inline(s, hoist, unit, ptr)
}

func (b *builder) inline(s *openapi3.Schema, hoist, unit, ptr string) *Ref {
	typ, null, multi := schemaType(s)
	hoisted := func() *Ref {
		return &Ref{Kind: KNamed, Named: b.namedType(s, hoist, unit, ptr), Nullable: null}
	}
	switch {
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		return hoisted()
	case len(s.AllOf) == 1 && len(s.Properties) == 0:
		r := b.ref(s.AllOf[0], hoist, unit, ptr+".allOf.0")
		r2 := *r
		r2.Nullable = r.Nullable || null
		return &r2
	case len(s.AllOf) > 0 && allObjects(s):
		return hoisted()
	case multi:
		return &Ref{Kind: KAny, Nullable: null}
	case len(s.Enum) > 0 && (typ == "string" || typ == "integer" || typ == "number"):
		return hoisted()
	}
	r := &Ref{Nullable: null}
	switch typ {
	case "object":
		if len(s.Properties) > 0 {
			return hoisted()
		}
		r.Kind = KMap
		if ap := s.AdditionalProperties.Schema; ap != nil {
			r.Elem = b.ref(ap, hoist+"Value", unit, ptr+".additionalProperties")
		} else {
			r.Elem = &Ref{Kind: KAny}
		}
		r.Checks.MinProps = nonZero(s.MinProps)
		r.Checks.MaxProps = s.MaxProps
		b.rule(&r.Checks)
		return r
	case "array":
		r.Kind = KArray
		r.Elem = b.ref(s.Items, hoist+"Item", unit, ptr+".items")
		r.Checks.MinItems = nonZero(s.MinItems)
		r.Checks.MaxItems = s.MaxItems
		r.Checks.Unique = s.UniqueItems
		b.rule(&r.Checks)
		return r
	case "string", "integer", "number", "boolean":
		r.Kind = KPrim
		r.Prim = primFor(typ, s.Format)
		b.checks(r, s)
		b.rule(&r.Checks)
		return r
	}
	return &Ref{Kind: KAny, Nullable: true} // no type: any JSON value, null too
}

func nonZero(u uint64) *uint64 {
	if u == 0 {
		return nil
	}
	return &u
}

func (b *builder) checks(r *Ref, s *openapi3.Schema) {
	c := &r.Checks
	switch r.Prim {
	case "string":
		c.MinLength = nonZero(s.MinLength)
		c.MaxLength = s.MaxLength
		if s.Pattern != "" {
			if _, err := regexp.Compile(s.Pattern); err == nil {
				c.Pattern = b.pattern(s.Pattern)
			}
		}
		switch s.Format {
		case "uuid", "email", "ipv4", "ipv6", "uri", "hostname":
			c.Format = s.Format
		}
	case "int32", "int64", "float32", "float64":
		c.Min, c.Max, c.MultipleOf = s.Min, s.Max, s.MultipleOf
		c.ExclMin, c.ExclMax = s.ExclusiveMin.IsTrue(), s.ExclusiveMax.IsTrue()
		if v := s.ExclusiveMin.Value; v != nil {
			c.Min, c.ExclMin = v, true
		}
		if v := s.ExclusiveMax.Value; v != nil {
			c.Max, c.ExclMax = v, true
		}
	}
}

// pattern names a package-level regexp; equal sources share one.
func (b *builder) pattern(src string) string { return intern(b.patterns, "pattern", src) }

// intern names the package-level variable of vars (name → value) holding
// value, adding one named prefix1, prefix2... when none does.
func intern(vars map[string]string, prefix, value string) string {
	for name, v := range vars {
		if v == value {
			return name
		}
	}
	name := prefix + strconv.Itoa(len(vars)+1)
	vars[name] = value
	return name
}

// sortedVars lists vars (name → value) by name.
func sortedVars(vars map[string]string) []Var {
	var out []Var
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		out = append(out, Var{Name: name, Value: vars[name]})
	}
	return out
}

// rule names the package-level httpapi.Rule that checks c, if c has any
// check a Rule holds (all but Unique); equal rules share one.
func (b *builder) rule(c *Checks) {
	lit := ruleLiteral(c)
	if lit != "" {
		c.Rule = intern(b.rules, "rule", lit)
	}
}

// ruleLiteral is the Go expression of the *httpapi.Rule holding c's
// bounds, pattern and format, or "" when it has none.
func ruleLiteral(c *Checks) string {
	var bounds, fields []string
	if c.Min != nil {
		bounds = append(bounds, "httpapi.HasMin")
		if c.ExclMin {
			bounds = append(bounds, "httpapi.ExclusiveMin")
		}
		fields = append(fields, "Min: "+Num(c.Min))
	}
	if c.Max != nil {
		bounds = append(bounds, "httpapi.HasMax")
		if c.ExclMax {
			bounds = append(bounds, "httpapi.ExclusiveMax")
		}
		fields = append(fields, "Max: "+Num(c.Max))
	}
	if c.MultipleOf != nil {
		fields = append(fields, "MultipleOf: "+Num(c.MultipleOf))
	}
	// Only one kind of length applies to a value: a string's, an array's
	// or an object's.
	if c.MinItems != nil || c.MaxItems != nil {
		fields = append(fields, "Counts: httpapi.Items")
	} else if c.MinProps != nil || c.MaxProps != nil {
		fields = append(fields, "Counts: httpapi.Properties")
	}
	if n := cmp.Or(c.MinLength, c.MinItems, c.MinProps); n != nil {
		bounds = append(bounds, "httpapi.HasMinLen")
		fields = append(fields, "MinLen: "+LitInt(n))
	}
	if n := cmp.Or(c.MaxLength, c.MaxItems, c.MaxProps); n != nil {
		bounds = append(bounds, "httpapi.HasMaxLen")
		fields = append(fields, "MaxLen: "+LitInt(n))
	}
	if c.Pattern != "" {
		fields = append(fields, "Pattern: "+c.Pattern)
	}
	if c.Format != "" {
		fields = append(fields, "Format: "+strconv.Quote(c.Format))
	}
	if len(fields) == 0 {
		return ""
	}
	if len(bounds) > 0 {
		fields = append([]string{"Bounds: " + strings.Join(bounds, " | ")}, fields...)
	}
	return "httpapi.NewRule(httpapi.Rule{" + strings.Join(fields, ", ") + "})"
}

func firstLine(ss ...string) string {
	for _, s := range ss {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[:i]
		}
		return strings.TrimSpace(s)
	}
	return ""
}

var statusOrder = map[string]int{"1XX": 199, "2XX": 299, "3XX": 399, "4XX": 499, "5XX": 599, "default": 1000}

func (b *builder) operations(m *Model) ([]*Op, error) {
	doc := b.spec.Doc
	opReg := newRegistry()
	var ops []*Op
	paths := doc.Paths.Map()
	for _, path := range slices.Sorted(maps.Keys(paths)) {
		item := paths[path]
		if item == nil {
			continue
		}
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodOptions, http.MethodHead, http.MethodPatch, http.MethodTrace} {
			o := item.GetOperation(method)
			if o == nil {
				continue
			}
			id := o.OperationID
			if id == "" {
				id = strings.ToLower(method) + " " + path
			}
			op := &Op{Name: b.opName(opReg, goName(id)), ID: o.OperationID, Method: method, Path: path, Summary: firstLine(o.Summary, o.Description)}
			ops = append(ops, op)
			ptr := "paths." + path + "." + strings.ToLower(method)
			op.Unit = "operation " + op.Name
			b.params(op, item.Parameters, o.Parameters, ptr)
			b.route(m, op)
			b.body(op, o.RequestBody, ptr)
			b.responses(op, o.Responses, ptr)
			sec := doc.Security
			if o.Security != nil {
				sec = *o.Security
			}
			for _, req := range sec {
				alt := []Requirement{}
				for _, k := range slices.Sorted(maps.Keys(req)) {
					alt = append(alt, Requirement{Scheme: k, Scopes: req[k]})
				}
				op.Security = append(op.Security, alt)
			}
		}
	}
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
	// Op type names share the type namespace; take them after the schemas.
	return ops, nil
}

// opName picks an operation name whose request and response type names
// are free too.
func (b *builder) opName(opReg *registry, name string) string {
	for i := 1; ; i++ {
		n := name
		if i > 1 {
			n += strconv.Itoa(i)
		}
		if opReg.taken[n] || b.typeReg.taken[n+"Request"] || b.typeReg.taken[n+"Response"] || b.typeReg.taken["New"+n+"Request"] {
			continue
		}
		opReg.take(n)
		b.typeReg.take(n + "Request")
		b.typeReg.take(n + "Response")
		b.typeReg.take("New" + n + "Request")
		return n
	}
}

func (b *builder) params(op *Op, pathLevel, opLevel openapi3.Parameters, ptr string) {
	byKey := map[string]*openapi3.Parameter{}
	var order []string
	for _, list := range []openapi3.Parameters{pathLevel, opLevel} {
		for _, pr := range list {
			if pr == nil || pr.Value == nil {
				continue
			}
			k := pr.Value.In + ":" + pr.Value.Name
			if _, ok := byKey[k]; !ok {
				order = append(order, k)
			}
			byKey[k] = pr.Value
		}
	}
	reg := newRegistry("Body", "Parts")
	for _, k := range order {
		p := byKey[k]
		var r *Ref
		if p.Schema != nil {
			r = b.ref(p.Schema, op.Name+goName(p.Name), op.Unit, ptr+".parameters")
		} else {
			r = &Ref{Kind: KPrim, Prim: "string"}
		}
		deep := p.In == "query" && p.Style == "deepObject" && r.Kind == KNamed && r.Named.Kind == TStruct
		if !deep && !paramRef(r) {
			r = &Ref{Kind: KPrim, Prim: "string"}
		}
		r.Nullable = false
		explode := p.In == "query" || p.In == "cookie"
		if p.Explode != nil {
			explode = *p.Explode
		}
		sep := ","
		switch p.Style {
		case "spaceDelimited":
			sep = " "
		case "pipeDelimited":
			sep = "|"
		}
		// Label and matrix path values start with a prefix and, exploded,
		// repeat it between items.
		prefix := ""
		if p.In == "path" {
			switch p.Style {
			case "label":
				prefix = "."
			case "matrix":
				prefix = ";" + p.Name + "="
			}
			if prefix != "" && explode {
				sep = prefix
			}
		}
		param := &Param{Name: reg.take(goName(p.Name)), Key: p.Name, In: p.In, Ref: r, Required: p.Required || p.In == "path", Explode: explode, Sep: sep, Prefix: prefix, Deep: deep}
		if !param.Required && p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Default != nil {
			param.Default = defaultLit(r, p.Schema.Value.Default)
			param.ClientDefault = param.Default
			if r.Kind == KNamed && r.Named.Kind == TEnum && param.Default != "" {
				param.ClientDefault = b.pkg + "." + param.Default
			}
		}
		op.Params = append(op.Params, param)
	}
}

// defaultLit is the Go literal of a parameter's default value, or "" when
// the value does not fit the parameter's type (or the type is not a plain
// string, number, boolean or enum), which then stays a pointer.
func defaultLit(r *Ref, v any) string {
	prim, named := "", ""
	switch {
	case r.Kind == KPrim:
		prim = r.Prim
	case r.Kind == KNamed && r.Named.Kind == TAlias && r.Named.Alias.Kind == KPrim:
		prim = r.Named.Alias.Prim
	case r.Kind == KNamed && r.Named.Kind == TEnum:
		prim, named = r.Named.EnumBase, r.Named.Name
	default:
		return ""
	}
	lit := ""
	switch x := v.(type) {
	case int:
		return defaultLit(r, float64(x))
	case int64:
		return defaultLit(r, float64(x))
	case string:
		if prim == "string" {
			lit = strconv.Quote(x)
		}
	case bool:
		if prim == "bool" {
			lit = strconv.FormatBool(x)
		}
	case float64:
		switch prim {
		case "int32", "int64":
			if x == float64(int64(x)) {
				lit = strconv.FormatInt(int64(x), 10)
			}
		case "float32", "float64":
			lit = strconv.FormatFloat(x, 'g', -1, 64)
			if !strings.ContainsAny(lit, ".e") {
				lit += ".0"
			}
		}
	}
	if lit == "" || named == "" {
		return lit
	}
	for _, ev := range r.Named.Values {
		if ev.Lit == strings.TrimSuffix(lit, ".0") || ev.Lit == lit {
			return ev.Name
		}
	}
	return "" // not one of the enum's values
}

// paramRef reports whether a parameter's type can be parsed from strings:
// primitives, enums of primitives, and arrays of those.
func paramRef(r *Ref) bool {
	switch r.Kind {
	case KPrim:
		return r.Prim != "bytes"
	case KNamed:
		return r.Named.Kind == TEnum || r.Named.Kind == TAlias && r.Named.Alias.Kind == KPrim && r.Named.Alias.Prim != "bytes"
	case KArray:
		return r.Elem.Kind != KArray && paramRef(r.Elem)
	}
	return false
}

var segWild = regexp.MustCompile(`\{([^}]+)\}`)

// route computes the ServeMux pattern. A segment that is exactly {name}
// becomes a wildcard named after the parameter, so that middleware reading
// r.PathValue or r.Pattern sees the spec's names; a segment mixing text and
// parameters ({name}.json) becomes a wildcard matched against a regexp in
// the handler. A parameter named twice in the path is read from its first
// place (a warning says so).
func (b *builder) route(m *Model, op *Op) {
	byKey := map[string]*Param{}
	for _, p := range op.Params {
		if p.In == "path" {
			byKey[p.Key] = p
		}
	}
	segs := strings.Split(strings.TrimPrefix(op.Path, "/"), "/")
	var out []string
	var re []string
	mixed := false
	wilds := newRegistry()
	for i, seg := range segs {
		if m := segWild.FindStringSubmatch(seg); m != nil && m[0] == seg {
			if p := byKey[m[1]]; p != nil {
				w := wilds.take(wildcardName(m[1]))
				if p.Wildcard == "" {
					p.Wildcard = w
				} else {
					b.warns = append(b.warns, b.spec.Locate("paths."+op.Path, "the path names the parameter %q twice; its first place is read, the others match any segment", m[1]))
				}
				out = append(out, "{"+w+"}")
				re = append(re, "([^/]+)")
				op.SegmentParams = append(op.SegmentParams, m[1])
				continue
			}
		}
		if strings.Contains(seg, "{") {
			mixed = true
			out = append(out, "{"+wilds.take("_s"+strconv.Itoa(i))+"}")
			var part strings.Builder
			last := 0
			for _, loc := range segWild.FindAllStringIndex(seg, -1) {
				part.WriteString(regexp.QuoteMeta(seg[last:loc[0]]) + "([^/]+?)")
				last = loc[1]
			}
			part.WriteString(regexp.QuoteMeta(seg[last:]))
			re = append(re, part.String())
			for _, mm := range segWild.FindAllStringSubmatch(seg, -1) {
				op.SegmentParams = append(op.SegmentParams, mm[1])
			}
			continue
		}
		out = append(out, escapeRoute(seg))
		re = append(re, regexp.QuoteMeta(seg))
	}
	route := m.BasePath + "/" + strings.Join(out, "/")
	if strings.HasSuffix(route, "/") {
		route += "{$}"
	}
	op.Route = op.Method + " " + route
	op.routeSegs, op.reSegs = out, re
	op.pathRE = "^" + regexp.QuoteMeta(m.BasePath) + "/" + strings.Join(re, "/") + "$"
	op.pathREParams = op.SegmentParams
	if mixed {
		op.SegmentPattern = op.pathRE
	} else {
		op.SegmentParams = nil
	}
}

// wildcardName is a path parameter's name as a ServeMux wildcard, which
// must be a Go identifier: other characters become _, and a leading digit
// gets one before it.
func wildcardName(key string) string {
	var sb strings.Builder
	for i, c := range key {
		switch {
		case c == '_' || unicode.IsLetter(c):
		case unicode.IsDigit(c):
			if i == 0 {
				sb.WriteByte('_')
			}
		default:
			c = '_'
		}
		sb.WriteRune(c)
	}
	if sb.Len() == 0 {
		return "_"
	}
	return sb.String()
}

// escapeRoute keeps literal braces and $ of a path out of ServeMux's syntax.
func escapeRoute(seg string) string {
	return strings.NewReplacer("{", "%7B", "}", "%7D").Replace(seg)
}

func (b *builder) body(op *Op, rb *openapi3.RequestBodyRef, ptr string) {
	if rb == nil || rb.Value == nil || len(rb.Value.Content) == 0 {
		return
	}
	ct, mt := pickContent(rb.Value.Content)
	body := &Body{ContentType: ct, Required: rb.Value.Required, Kind: contentKind(ct)}
	if isMediaRange(ct) && mt != nil && mt.Schema != nil && mt.Schema.Value != nil && !isBinaryString(mt.Schema.Value) {
		// "*/*" (or "application/*") with a schema, as Kubernetes declares
		// its bodies: any content type is accepted and read as JSON, which
		// is what kin-openapi's request validation does with a JSON request.
		body.Kind = ContentJSON
	}
	if (body.Kind == ContentForm || body.Kind == ContentMultipart) && mt != nil && mt.Schema != nil && mt.Schema.Value != nil && len(mt.Schema.Value.Properties) > 0 {
		// A form with a schema is decoded into its struct and validated
		// like a JSON body; the fields' kinds say how to read the text. A
		// multipart form is validated so (its files count as present) and
		// reaches the service as the form itself, files included.
		body.Ref = b.ref(mt.Schema, op.Name+"Body", op.Unit, ptr+".requestBody")
		if body.Ref.Kind != KNamed || body.Ref.Named.Kind != TStruct {
			body.Ref = nil
		}
	}
	if body.Kind == ContentJSON {
		body.Ref = b.ref(mt.Schema, op.Name+"Body", op.Unit, ptr+".requestBody")
	}
	if body.Kind == ContentText && mt != nil && mt.Schema != nil && plainString(mt.Schema.Value) {
		// A text body is the string its schema describes: its lengths,
		// pattern and format are checked as a string field's are.
		if r := b.inline(mt.Schema.Value, op.Name+"Body", op.Unit, ptr+".requestBody"); r.IsString() && r.Checks.Any() {
			body.Ref = r
		}
	}
	op.Body = body
}

// pickContent chooses the media type generated code handles: JSON first.
func pickContent(c openapi3.Content) (string, *openapi3.MediaType) {
	keys := slices.Sorted(maps.Keys(c))
	for _, k := range keys {
		if contentKind(k) == ContentJSON {
			return k, c[k]
		}
	}
	return keys[0], c[keys[0]]
}

// isMediaRange reports whether a content type is a range such as */* or
// application/*.
func isMediaRange(ct string) bool { return strings.HasSuffix(mediaType(ct), "/*") }

// mediaType is a content type without its parameters.
func mediaType(ct string) string {
	t, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(t)
}

// plainString reports whether a schema is a string alone: no enum, no
// composition.
func plainString(s *openapi3.Schema) bool {
	return s != nil && s.Type.Is("string") && len(s.Enum) == 0 && len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) == 0 && s.Not == nil
}

// isBinaryString reports whether a schema is raw bytes (format binary or
// byte), which a body carries as is.
func isBinaryString(s *openapi3.Schema) bool {
	return s.Type.Is("string") && (s.Format == "binary" || s.Format == "byte")
}

func contentKind(ct string) ContentKind {
	ct = strings.ToLower(mediaType(ct))
	switch {
	case ct == "application/json" || strings.HasSuffix(ct, "+json"):
		return ContentJSON
	case strings.HasPrefix(ct, "text/"):
		return ContentText
	case ct == "application/x-www-form-urlencoded":
		return ContentForm
	case strings.HasPrefix(ct, "multipart/"):
		return ContentMultipart
	}
	return ContentBinary
}

func (b *builder) responses(op *Op, rs *openapi3.Responses, ptr string) {
	if rs == nil {
		return
	}
	m := rs.Map()
	keys := slices.Sorted(maps.Keys(m))
	sort.SliceStable(keys, func(i, j int) bool { return statusRank(keys[i]) < statusRank(keys[j]) })
	for _, status := range keys {
		rr := m[status]
		if rr == nil || rr.Value == nil {
			continue
		}
		code, _ := strconv.Atoi(status)
		if code < 100 || code > 599 {
			code = 0
		}
		label := strings.ToUpper(status)
		if status == "default" {
			label = "Default"
		}
		doc := ""
		if rr.Value.Description != nil {
			doc = firstLine(*rr.Value.Description)
		}
		if len(rr.Value.Content) == 0 {
			op.Responses = append(op.Responses, &Response{Type: b.typeReg.take(op.Name + label + "Response"), Status: status, Code: code, Kind: ContentNone, Doc: doc})
			continue
		}
		kinds := map[ContentKind]bool{}
		first := len(op.Responses)
		for _, ct := range slices.Sorted(maps.Keys(rr.Value.Content)) {
			kind := contentKind(ct)
			if kinds[kind] {
				continue // one variant per kind: application/json and application/problem+json share one
			}
			kinds[kind] = true
			resp := &Response{Status: status, Code: code, Kind: kind, ContentType: ct, Doc: doc}
			resp.Type = b.typeReg.take(op.Name + label + goName(string(kind)) + "Response")
			if kind == ContentJSON {
				resp.Ref = b.ref(rr.Value.Content[ct].Schema, op.Name+label+"Body", op.Unit, ptr+".responses."+status)
			}
			op.Responses = append(op.Responses, resp)
		}
		for _, r := range op.Responses[first : len(op.Responses)-1] {
			r.ByType = true
		}
	}
}

func statusRank(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	if r, ok := statusOrder[strings.ToUpper(s)]; ok {
		return r
	}
	return statusOrder["default"]
}
