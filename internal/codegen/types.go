package codegen

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// RefKind is the shape of a use of a type.
type RefKind int

// The shapes of a Ref.
const (
	KPrim RefKind = iota
	KNamed
	KArray
	KMap
	KAny
)

// IsPrim, IsNamed, IsArray and IsMap tell a ref's shape, for templates.
func (r *Ref) IsPrim() bool  { return r.Kind == KPrim }
func (r *Ref) IsNamed() bool { return r.Kind == KNamed }
func (r *Ref) IsArray() bool { return r.Kind == KArray }
func (r *Ref) IsMap() bool   { return r.Kind == KMap }

// IsStruct reports a named struct, decoded in place by its decode function.
func (r *Ref) IsStruct() bool { return r.Kind == KNamed && r.Named.Kind == TStruct }

// IsEnum reports a named enum.
func (r *Ref) IsEnum() bool { return r.Kind == KNamed && r.Named.Kind == TEnum }

// IsTime and IsDate report the primitives parsed from strings on the wire.
func (r *Ref) IsTime() bool { return r.Kind == KPrim && r.Prim == "time" }
func (r *Ref) IsDate() bool { return r.Kind == KPrim && r.Prim == "date" }

// Ref is one use of a type: a field, an array element, a body, a parameter.
type Ref struct {
	Kind     RefKind
	Prim     string // string int int32 int64 float32 float64 bool time date bytes
	Named    *Type
	Elem     *Ref // arrays and maps
	Nullable bool
	Checks   Checks
}

// Checks are the constraints generated code enforces on a value.
type Checks struct {
	MinLength, MaxLength *uint64
	Pattern              string // the name of the package-level regexp
	Min, Max             *float64
	ExclMin, ExclMax     bool
	MultipleOf           *float64
	MinItems, MaxItems   *uint64
	Unique               bool
	MinProps, MaxProps   *uint64
	Format               string // uuid, email, ipv4, ipv6, uri, hostname (strings)

	// Rule names the package-level httpapi.Rule holding all of the above
	// but Unique, or is "" when none applies.
	Rule string
}

// Any reports whether any check applies.
func (c Checks) Any() bool {
	return c.MinLength != nil || c.MaxLength != nil || c.Pattern != "" || c.Min != nil || c.Max != nil ||
		c.MultipleOf != nil || c.MinItems != nil || c.MaxItems != nil || c.Unique || c.MinProps != nil || c.MaxProps != nil || c.Format != ""
}

// TypeKind is the kind of a named type.
type TypeKind string

// The kinds of named types.
const (
	TStruct TypeKind = "struct"
	TEnum   TypeKind = "enum"
	TAlias  TypeKind = "alias" // a named array, map or primitive
	TUnion  TypeKind = "union"
)

// IsStruct, IsEnum and IsUnion tell a named type's kind, for templates
// (else it is an alias).
func (t *Type) IsStruct() bool { return t.Kind == TStruct }
func (t *Type) IsEnum() bool   { return t.Kind == TEnum }
func (t *Type) IsUnion() bool  { return t.Kind == TUnion }

// Type is a named Go type.
type Type struct {
	Name          string
	Doc           string
	Unit          string // the operation or component schema it is rendered with
	Kind          TypeKind
	Fields        []*Field    // TStruct
	EnumBase      string      // TEnum: string, int64 or float64
	Values        []EnumValue // TEnum
	Alias         *Ref        // TAlias
	Variants      []*Variant  // TUnion
	OneOf         bool        // TUnion: exactly one variant must match (else at least one)
	Discriminator string      // TUnion: property naming the variant
	GoAlias       bool        // TAlias: `type A = B`, a component that is only a $ref
	Decoded       bool        // a request decodes it: it needs a wire twin and a decode function
	Extra         *Ref        // TStruct: the type of additionalProperties kept beside the properties
	ExtraField    string      // TStruct: the Go field holding them
	Closed        bool        // TStruct: additionalProperties: false, other keys are errors
	// Members bound a TStruct's number of members, declared or not
	// (minProperties, maxProperties): their Rule is "" when none applies.
	Members   Checks
	schemaKey string // the schema it came from, for de-duplication
}

// EnumValue is one constant of an enum.
type EnumValue struct{ Name, Lit string }

// Variant is one alternative of a union.
type Variant struct {
	Name   string // method suffix: AsName, FromName
	Ref    *Ref
	Values []string // discriminator values selecting it
}

// Field is a struct field.
type Field struct {
	Name, JSON, Doc string
	Ref             *Ref
	Required        bool
	Pointer         bool // the model field is *T (optional, nullable or recursive)
	// Nullable: an optional nullable property, httpapi.Nullable[T], which
	// tells absent from null (a PATCH clears with null, leaves alone by
	// absence). A recursive one stays a pointer, null and absent alike.
	Nullable bool
}

// KnownKeys is a Go array literal of the struct's JSON property names.
func (t *Type) KnownKeys() string {
	keys := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		keys[i] = strconv.Quote(f.JSON)
	}
	return "[...]string{" + strings.Join(keys, ", ") + "}"
}

// Open reports whether the struct reads keys beyond its properties: to keep
// them (Extra) or to reject them (Closed).
func (t *Type) Open() bool { return t.Extra != nil || t.Closed }

// WireName is the name of a struct type's decoding twin.
func (t *Type) WireName() string { return "wire" + t.Name }

// DecodeFunc is the function turning the wire value into the model value.
func (t *Type) DecodeFunc() string { return "decode" + t.Name }

// HasWire reports whether the type decodes through a distinct wire type.
func (t *Type) HasWire() bool {
	switch t.Kind {
	case TStruct, TUnion:
		return true
	case TAlias:
		return t.Alias.Go() != t.Alias.Wire()
	}
	return false
}

// Go is the model's Go type expression.
func (r *Ref) Go() string {
	s := r.base()
	if r.NullPointer() {
		return "*" + s
	}
	return s
}

// NullPointer reports whether the model holds a nullable value behind a
// pointer: nullable lists, maps and any values are nil instead.
func (r *Ref) NullPointer() bool {
	return r.Nullable && r.Kind != KArray && r.Kind != KMap && r.Kind != KAny
}

// Base is the model type without the nullable pointer.
func (r *Ref) Base() string { return r.base() }

func (r *Ref) base() string {
	switch r.Kind {
	case KPrim:
		switch r.Prim {
		case "time":
			return "time.Time"
		case "date":
			return "Date"
		case "bytes":
			return "[]byte"
		}
		return r.Prim
	case KNamed:
		return r.Named.Name
	case KArray:
		return "[]" + r.Elem.Go()
	case KMap:
		return "map[string]" + r.Elem.Go()
	}
	return "any"
}

// Wire is the type JSON is decoded into before conversion and validation.
func (r *Ref) Wire() string {
	s := r.WireBase()
	if r.NullPointer() {
		return "*" + s
	}
	return s
}

// WireBase is Wire without the nullable pointer.
func (r *Ref) WireBase() string {
	switch r.Kind {
	case KPrim:
		switch r.Prim {
		case "time", "date":
			return "string"
		case "bytes":
			return "[]byte"
		}
		return r.Prim
	case KNamed:
		switch r.Named.Kind {
		case TStruct:
			return r.Named.WireName()
		case TUnion:
			return "json.RawMessage"
		case TAlias:
			return r.Named.Alias.Wire()
		}
		return r.Named.Name
	case KArray:
		return "[]" + r.Elem.Wire()
	case KMap:
		return "map[string]" + r.Elem.Wire()
	}
	return "any"
}

// Comparable reports whether the model type supports ==, for uniqueItems.
func (r *Ref) Comparable() bool {
	if r.Nullable {
		return false
	}
	switch r.Kind {
	case KPrim:
		return r.Prim != "bytes" && r.Prim != "time" && r.Prim != "date"
	case KNamed:
		return r.Named.Kind == TEnum
	}
	return false
}

// IsString reports a string model value (for length, pattern and format checks).
func (r *Ref) IsString() bool { return r.Kind == KPrim && r.Prim == "string" }

// IsNumber reports a numeric model value.
func (r *Ref) IsNumber() bool {
	return r.Kind == KPrim && strings.HasPrefix(r.Prim, "int") || r.Kind == KPrim && strings.HasPrefix(r.Prim, "float")
}

// LitInt formats a count.
func LitInt(u *uint64) string { return strconv.FormatUint(*u, 10) }

// Num formats a bound as the Go constant of a Rule.
func Num(f *float64) string {
	// Whole numbers print whole (1000000, not 1e+06) while they are exact.
	if *f == math.Trunc(*f) && math.Abs(*f) < 1<<53 {
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	return strconv.FormatFloat(*f, 'g', -1, 64)
}

// primFor maps a schema's type and format to a primitive.
func primFor(typ, format string) string {
	switch typ {
	case "integer":
		switch format {
		case "int32":
			return "int32"
		case "int64":
			return "int64"
		}
		return "int64"
	case "number":
		switch format {
		case "float":
			return "float32"
		case "int32":
			return "int32"
		case "int64":
			return "int64"
		}
		return "float64"
	case "boolean":
		return "bool"
	case "string":
		switch format {
		case "date-time":
			return "time"
		case "date":
			return "date"
		case "byte":
			return "bytes"
		}
		return "string"
	}
	return ""
}

// schemaType returns the single non-null type of a schema, whether null is
// allowed, and whether several types were given.
func schemaType(s *openapi3.Schema) (typ string, null, multi bool) {
	if s.Type != nil {
		var ts []string
		for _, t := range s.Type.Slice() {
			if t == "null" {
				null = true
			} else {
				ts = append(ts, t)
			}
		}
		switch len(ts) {
		case 1:
			typ = ts[0]
		case 0:
		default:
			return "", null, true
		}
	}
	if s.Nullable {
		null = true
	}
	if typ == "" {
		switch {
		case len(s.Properties) > 0 || s.AdditionalProperties.Schema != nil:
			typ = "object"
		case s.Items != nil:
			typ = "array"
		case len(s.Enum) > 0:
			typ = enumType(s.Enum)
		}
	}
	return typ, null, false
}

func enumType(vals []any) string {
	kind := ""
	for _, v := range vals {
		k := "string"
		switch x := v.(type) {
		case float64:
			k = "number"
			if x == math.Trunc(x) {
				k = "integer"
			}
		case int, int64:
			k = "integer"
		case bool:
			k = "boolean"
		case nil:
			continue
		}
		if kind == "" || kind == k || kind == "integer" && k == "number" {
			if kind != "number" {
				kind = k
			}
			continue
		}
		if kind == "number" && k == "integer" {
			continue
		}
		return ""
	}
	return kind
}

// enumValues turns a schema's enum into constants named after their values.
func enumValues(typeName, base string, vals []any) []EnumValue {
	reg := newRegistry()
	var out []EnumValue
	seen := map[string]bool{}
	for _, v := range vals {
		if v == nil {
			continue
		}
		var lit, label string
		switch base {
		case "string":
			s := fmt.Sprint(v)
			lit, label = strconv.Quote(s), s
		case "int64":
			f, _ := toFloat(v)
			lit = strconv.FormatInt(int64(f), 10)
			label = lit
			if f < 0 {
				label = "Minus" + strconv.FormatInt(int64(-f), 10)
			}
		case "bool":
			lit = fmt.Sprint(v)
			label = lit
		default:
			f, _ := toFloat(v)
			lit = strconv.FormatFloat(f, 'g', -1, 64)
			label = strings.NewReplacer("-", "Minus", ".", "Dot", "+", "").Replace(lit)
		}
		if seen[lit] {
			continue
		}
		seen[lit] = true
		name := strings.TrimPrefix(goName("v "+label), "V")
		if label == "" {
			name = "Empty"
		}
		out = append(out, EnumValue{Name: reg.take(typeName + name), Lit: lit})
	}
	return out
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// NonNull is the ref without its nullable pointer.
func (r *Ref) NonNull() *Ref {
	c := *r
	c.Nullable = false
	return &c
}

// Trivial reports whether the wire value is the model value, unchecked.
func (r *Ref) Trivial() bool {
	if r.Checks.Any() {
		return false
	}
	switch r.Kind {
	case KPrim:
		return r.Prim != "time" && r.Prim != "date"
	case KNamed:
		return r.Named.Kind == TAlias && r.Named.Alias.Trivial()
	case KArray, KMap:
		return r.Elem.Trivial()
	}
	return true
}

// Direct reports whether an array or map is taken from the wire as it is:
// the same Go type, with nothing inside to convert or check.
func (r *Ref) Direct() bool {
	return (r.Kind == KArray || r.Kind == KMap) && r.Elem.Trivial() && r.WireBase() == r.Base()
}

// ParseFunc names the runtime's function parsing a parameter string into
// the value.
func (r *Ref) ParseFunc() string {
	switch r.Kind {
	case KNamed:
		switch r.Named.Kind {
		case TEnum:
			return "httpapi.Parse" + goName(r.Named.EnumBase)
		case TAlias:
			return r.Named.Alias.ParseFunc()
		}
	case KPrim:
		return "httpapi.Parse" + goName(r.Prim)
	}
	return "httpapi.ParseString"
}

// ParsesAsString reports whether a parameter's text is its value as is.
func (r *Ref) ParsesAsString() bool { return r.ParseFunc() == "httpapi.ParseString" }

// Slice reports a slice-like field (absent is nil).
func (r *Ref) Slice() bool { return r.Kind == KArray || r.Kind == KMap || r.Kind == KAny }

// GoField is the model struct field's type.
func (f *Field) GoField() string {
	if f.Nullable {
		return "httpapi.Nullable[" + f.Ref.Base() + "]"
	}
	if f.Ref.Slice() {
		return f.Ref.Go()
	}
	if f.Pointer {
		return "*" + f.Ref.Base()
	}
	return f.Ref.Base()
}

// Shared reports whether an optional field's wire pointer can become the
// model's as is: a primitive read by encoding/json into the model's own
// type. The wire value is dropped after decoding, so sharing is safe, and
// it saves an allocation and a copy per field.
func (f *Field) Shared() bool {
	return f.Pointer && f.Ref.Kind == KPrim && f.WireField() == f.GoField()
}

// WireField is the wire struct field's type: nil means absent. A required
// nullable field keeps its JSON, so that null and absent differ.
func (f *Field) WireField() string {
	if f.NullRequired() || f.Nullable {
		return "json.RawMessage"
	}
	if f.Ref.Slice() {
		return f.Ref.Wire()
	}
	return "*" + f.Ref.WireBase()
}

// Tag is the field's JSON tag. A required field is never left out: a
// nullable one is written as null when nil, a list or map as empty (see
// Empty).
func (f *Field) Tag() string {
	if f.Nullable {
		return f.JSON + ",omitzero"
	}
	if f.Required && !f.Pointer {
		return f.JSON
	}
	if f.NullRequired() {
		return f.JSON
	}
	if f.Pointer || f.Ref.Slice() {
		return f.JSON + ",omitempty"
	}
	return f.JSON
}

// Empty is the Go literal a required, non-nullable list, map or byte
// string is written as when it is nil ([] or {} or "", not null), or ""
// for the other fields.
func (f *Field) Empty() string {
	if !f.Required || f.Pointer || f.Ref.Nullable {
		return ""
	}
	return emptyLit(f.Ref)
}

// Empty is the literal a nil response body of this type is sent as.
func (r *Response) Empty() string {
	if r.Kind != ContentJSON || r.Ref.Nullable {
		return ""
	}
	return emptyLit(r.Ref)
}

func emptyLit(r *Ref) string {
	switch r.Kind {
	case KArray, KMap:
		return r.Base() + "{}"
	case KPrim:
		if r.Prim == "bytes" {
			return "[]byte{}"
		}
	case KNamed:
		if a := r.Named.Alias; r.Named.Kind == TAlias && !a.Nullable && emptyLit(a) != "" {
			return r.Named.Name + "{}"
		}
	}
	return ""
}

// Empties reports whether a struct has fields written by Empty.
func (t *Type) Empties() bool {
	for _, f := range t.Fields {
		if f.Empty() != "" {
			return true
		}
	}
	return false
}

// NullOK reports whether the wire decoding takes null for the field
// (as absent): a nullable field, a required one (absence is reported),
// a union (its variants decide). Otherwise null is an error.
func (f *Field) NullOK() bool {
	return f.Ref.Nullable || f.Required || f.Ref.Kind == KNamed && f.Ref.Named.Kind == TUnion
}

// CheckRequired reports whether absence (or null) is an error.
func (f *Field) CheckRequired() bool { return f.Required && !f.Ref.Nullable }

// NullRequired reports a required nullable field: absence is an error,
// null is not.
func (f *Field) NullRequired() bool { return f.Required && f.Ref.Nullable }

// setPointers decides which struct fields are pointers: optional and
// nullable ones, and required ones whose type contains the struct itself by
// value (a Go type cannot).
func setPointers(types []*Type) {
	for _, t := range types {
		for _, f := range t.Fields {
			f.Pointer = !f.Ref.Slice() && (!f.Required || f.Ref.Nullable)
		}
	}
	for _, t := range types {
		if t.Kind != TStruct {
			continue
		}
		for _, f := range t.Fields {
			if !f.Pointer && !f.Ref.Slice() && f.Ref.Kind == KNamed && reaches(f.Ref.Named, t, map[*Type]bool{}) {
				f.Pointer = true
			}
		}
	}
	// Optional nullable fields hold their value in an httpapi.Nullable,
	// unless it would contain the struct itself. Decided one by one, so
	// that reaches sees the Nullable fields (held by value) decided before.
	for _, t := range types {
		if t.Kind != TStruct {
			continue
		}
		for _, f := range t.Fields {
			if !f.Required && f.Ref.Nullable && !f.Ref.Slice() && !(f.Ref.Kind == KNamed && reaches(f.Ref.Named, t, map[*Type]bool{})) {
				f.Nullable, f.Pointer = true, false
			}
		}
	}
}

// markDecoded marks the types a request decodes, from the operations'
// bodies and parameters down. Types only ever answered (response bodies) are
// encoded with encoding/json alone, so they get no wire twin and no decode
// function: on a large API that is a good part of the package.
func markDecoded(ops []*Op) {
	var mark func(r *Ref)
	mark = func(r *Ref) {
		if r == nil {
			return
		}
		if r.Kind != KNamed {
			mark(r.Elem)
			return
		}
		t := r.Named
		if t.Decoded {
			return
		}
		t.Decoded = true
		for _, f := range t.Fields {
			mark(f.Ref)
		}
		for _, v := range t.Variants {
			mark(v.Ref)
		}
		mark(t.Alias)
		mark(t.Extra)
	}
	for _, op := range ops {
		for _, p := range op.Params {
			mark(p.Ref)
		}
		if op.Body != nil {
			mark(op.Body.Ref)
		}
	}
}

// reaches reports whether from contains to by value.
func reaches(from, to *Type, seen map[*Type]bool) bool {
	if from == to {
		return true
	}
	if seen[from] {
		return false
	}
	seen[from] = true
	if from.Kind == TAlias && from.Alias.Kind == KNamed && !from.Alias.Nullable {
		return reaches(from.Alias.Named, to, seen)
	}
	for _, f := range from.Fields {
		if !f.Pointer && !f.Ref.Slice() && f.Ref.Kind == KNamed && reaches(f.Ref.Named, to, seen) {
			return true
		}
	}
	return false
}
