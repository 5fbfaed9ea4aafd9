package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/harness-sh/harness/internal/names"
	"github.com/harness-sh/harness/internal/openapi"
)

// The differential test: for every operation of a set of specs it builds a
// valid request and many invalid ones (one constraint broken at a time),
// asks kin-openapi's openapi3filter.ValidateRequest for its verdict here,
// and the generated server for its own inside the generated solution's
// `go test` run (difftest package, see diffRunner). The two must agree on
// "400 or not" except for the documented differences below.

// diffCase is one request and kin-openapi's verdict on it.
type diffCase struct {
	ID      string            `json:"id"`
	App     string            `json:"app"`
	Op      string            `json:"op"`
	Path    string            `json:"-"`    // the operation's path in the spec
	What    string            `json:"what"` // the constraint broken, "valid" for the baseline
	Method  string            `json:"method"`
	URL     string            `json:"url"` // path and query, base path included
	Header  map[string]string `json:"header,omitempty"`
	Body    *string           `json:"body,omitempty"`
	KinOK   bool              `json:"-"`
	KinErr  string            `json:"-"`
	skipped string
}

// knownDifference is an intended disagreement between the generated
// validator and kin-openapi, matched on the case's "what".
type knownDifference struct {
	what   *regexp.Regexp
	reason string
}

// knownDifferences lists every intended difference and why. kin-openapi
// checks uuid, email, ipv4 and ipv6 only when validators are registered:
// prepareDifferential registers them (email as net/mail, like the
// generated code), so those formats are compared, not excused. Not
// compared at all (counted in the log as "not generated"): object and
// composed parameters, deepObject/label/matrix styles, non-JSON bodies,
// and invalid values inside oneOf/anyOf/allOf (only their valid values
// are sent).
var knownDifferences = []knownDifference{
	{regexp.MustCompile(`format (uri|hostname)`), "kin-openapi does not check uri/hostname formats (no validator is registered for them); the generated server does, as the spec asks"},
	{regexp.MustCompile(`format (byte)`), "kin-openapi checks base64 with a loose regexp; the generated server decodes []byte with encoding/json (standard base64 only)"},
	{regexp.MustCompile(`null \(optional, not nullable, with a default\)`), "kin-openapi is wrong here: when it sets defaults (openapi3filter's default, SkipSettingDefaults false) it replaces a property that is null, not only one that is absent, with its default, then validates the default; null is not a value of a non-nullable schema, and a default does not make it one"},
	{regexp.MustCompile(`^body: trailing data$`), "kin-openapi is wrong here: openapi3filter's JSON body decoder reads one value with json.Decoder.Decode and ignores what follows it, so {...}garbage passes; a body is one JSON text (RFC 8259), and the generated server refuses the rest"},
}

// rawBody is a request body sent as it is, not encoded as JSON: a body
// that no value encodes to (a value with data after it).
type rawBody string

func differenceFor(what string) string {
	for _, k := range knownDifferences {
		if k.what.MatchString(what) {
			return k.reason
		}
	}
	return ""
}

// diffSpecs builds the cases of one app.
type diffGen struct {
	app   string
	doc   *openapi3.T
	base  string
	cases []diffCase
	skips map[string]int // why operations or cases were not generated
}

func newDiffGen(app string, spec *openapi.Spec) *diffGen {
	g := &diffGen{app: app, doc: spec.Doc, skips: map[string]int{}}
	if len(spec.Doc.Servers) > 0 {
		if p, err := spec.Doc.Servers[0].BasePath(); err == nil { // variables at their defaults
			g.base = strings.TrimRight(p, "/")
		}
	}
	return g
}

// reqParts is a request under construction.
type reqParts struct {
	path   map[string]string
	query  url.Values
	header map[string]string
	cookie map[string]string
	body   any
	hasBod bool
	form   bool // the body goes as application/x-www-form-urlencoded
	text   bool // the body is a string sent as text/plain
}

func (g *diffGen) operations() {
	paths := g.doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, p := range paths {
		item := g.doc.Paths.Value(p)
		for _, method := range []string{"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"} {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			g.operation(p, method, item, op)
		}
	}
}

func (g *diffGen) operation(path, method string, item *openapi3.PathItem, op *openapi3.Operation) {
	params := map[string]*openapi3.Parameter{}
	var order []string
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range list {
			p := ref.Value
			k := p.In + ":" + p.Name
			if _, ok := params[k]; !ok {
				order = append(order, k)
			}
			params[k] = p
		}
	}
	base := reqParts{path: map[string]string{}, query: url.Values{}, header: map[string]string{}, cookie: map[string]string{}}
	for _, k := range order {
		p := params[k]
		if p.Schema == nil || p.Schema.Value == nil || p.Content != nil {
			g.skips["parameter without a schema or with content"]++
			return
		}
		s := p.Schema.Value
		deep := p.In == "query" && p.Style == "deepObject" && s.Type.Is("object") && len(s.Properties) > 0
		if !deep && (s.Type.Is("object") || len(s.OneOf)+len(s.AnyOf)+len(s.AllOf) > 0) {
			g.skips["object or composed parameter"]++
			return
		}
		if !p.Required && p.In != "path" {
			continue // optional parameters are sent only in their own mutation cases
		}
		v, ok := g.value(s, 0)
		if !ok {
			g.skips["parameter value not generated"]++
			return
		}
		if !setParam(&base, p, v) {
			g.skips["parameter style not serialised"]++
			return
		}
	}
	var body *openapi3.Schema
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		mt := rb.Value.Content.Get("application/json")
		if mt == nil {
			// A form with a schema is decoded and validated like JSON.
			if fm := rb.Value.Content.Get("application/x-www-form-urlencoded"); fm != nil && fm.Schema != nil && fm.Schema.Value != nil && len(fm.Schema.Value.Properties) > 0 {
				mt, base.form = fm, true
			} else if tm := rb.Value.Content.Get("text/plain"); tm != nil && tm.Schema != nil && tm.Schema.Value != nil && tm.Schema.Value.Type.Is("string") && !isBinaryFormat(tm.Schema.Value.Format) {
				// A text body is the string its schema describes.
				mt, base.text = tm, true
			}
		}
		if mt == nil {
			if rb.Value.Required {
				g.skips["required body that is not JSON"]++
				return
			}
		} else if mt.Schema != nil && mt.Schema.Value != nil {
			body = mt.Schema.Value
			v, ok := g.value(body, 0)
			if !ok {
				g.skips["body value not generated"]++
				return
			}
			base.body, base.hasBod = v, true
		}
	}
	g.auth(op, &base)
	opName := op.OperationID
	if opName == "" {
		opName = method + " " + path
	}
	add := func(what string, r reqParts) {
		c := g.build(path, method, op, opName, what, r)
		g.cases = append(g.cases, c)
	}
	add("valid", base)
	for _, k := range order {
		p := params[k]
		s := p.Schema.Value
		if p.Required {
			if p.In != "path" { // a path without its segment is another route
				r := clone(base)
				delete(r.query, p.Name)
				delete(r.header, p.Name)
				delete(r.cookie, p.Name)
				add(fmt.Sprintf("%s %s: missing required", p.In, p.Name), r)
			}
		} else if v, ok := g.value(s, 0); ok {
			r := clone(base)
			if setParam(&r, p, v) {
				add(fmt.Sprintf("%s %s: optional, valid", p.In, p.Name), r)
			}
		}
		var pv any // a deepObject's properties are mutated one by one from a valid object
		if p.Style == "deepObject" {
			pv, _ = g.value(s, 0)
		}
		for _, m := range g.mutations(s, pv, 0) {
			if m.value == nil {
				continue
			}
			r := clone(base)
			if !setParam(&r, p, m.value) {
				continue
			}
			add(fmt.Sprintf("%s %s: %s", p.In, p.Name, m.what), r)
		}
	}
	if body != nil {
		if op.RequestBody.Value.Required {
			r := clone(base)
			r.body, r.hasBod = nil, false
			add("body: missing required", r)
		}
		if !base.form && !base.text {
			r := clone(base)
			data, _ := json.Marshal(base.body)
			r.body = rawBody(string(data) + "garbage")
			add("body: trailing data", r)
		}
		for _, m := range g.mutations(body, base.body, 0) {
			if base.form && strings.ContainsAny(strings.TrimPrefix(m.path, "."), ".[") {
				continue // a form's fields are flat: nested values have no form encoding both sides share
			}
			if base.form && strings.HasPrefix(m.what, "integer with a zero fraction") {
				continue // a form's numbers are text: "1.0" is not the JSON number this case is about
			}
			if _, ok := m.value.(string); base.text && !ok {
				continue // text is a string whatever is sent: a value of another type has no text form
			}
			r := clone(base)
			r.body = m.value
			add("body"+m.path+": "+m.what, r)
		}
	}
}

func clone(r reqParts) reqParts {
	out := reqParts{path: map[string]string{}, query: url.Values{}, header: map[string]string{}, cookie: map[string]string{}, body: r.body, hasBod: r.hasBod, form: r.form, text: r.text}
	for k, v := range r.path {
		out.path[k] = v
	}
	for k, v := range r.query {
		out.query[k] = append([]string(nil), v...)
	}
	for k, v := range r.header {
		out.header[k] = v
	}
	for k, v := range r.cookie {
		out.cookie[k] = v
	}
	return out
}

// auth presents credentials for the first security alternative; both
// sides accept any credentials, so only their presence matters.
func (g *diffGen) auth(op *openapi3.Operation, r *reqParts) {
	sec := g.doc.Security
	if op.Security != nil {
		sec = *op.Security
	}
	if len(sec) == 0 || g.doc.Components == nil {
		return
	}
	for name := range sec[0] {
		ref := g.doc.Components.SecuritySchemes[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		s := ref.Value
		switch {
		case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
			r.header["Authorization"] = "Basic dTpw"
		case s.Type == "http" || s.Type == "oauth2" || s.Type == "openIdConnect":
			r.header["Authorization"] = "Bearer t0k"
		case s.Type == "apiKey" && s.In == "header":
			r.header[s.Name] = "k3y"
		case s.Type == "apiKey" && s.In == "query":
			r.query.Set(s.Name, "k3y")
		case s.Type == "apiKey" && s.In == "cookie":
			r.cookie[s.Name] = "k3y"
		}
	}
}

// setParam serialises v as the parameter's style says (only the styles
// whose serialisation both sides parse alike: form, simple).
func setParam(r *reqParts, p *openapi3.Parameter, v any) bool {
	explode := p.In == "query" || p.In == "cookie"
	if p.Explode != nil {
		explode = *p.Explode
	}
	if p.In == "query" && p.Style == "deepObject" {
		// key[prop]=value for each property of an object; other values
		// (a mutation that is not an object) have no deepObject form.
		obj, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for k := range r.query {
			if strings.HasPrefix(k, p.Name+"[") {
				r.query.Del(k)
			}
		}
		for k, x := range obj {
			if list, ok := x.([]any); ok {
				for i, e := range list { // arrays indexed, as kin-openapi reads them
					s, ok := scalar(e)
					if !ok {
						return false
					}
					r.query.Set(fmt.Sprintf("%s[%s][%d]", p.Name, k, i), s)
				}
				continue
			}
			s, ok := scalar(x)
			if !ok {
				return false
			}
			r.query.Set(p.Name+"["+k+"]", s)
		}
		return true
	}
	pathStyled := p.In == "path" && (p.Style == "label" || p.Style == "matrix")
	if p.Style != "" && p.Style != "form" && p.Style != "simple" && !pathStyled {
		return false
	}
	var items []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			s, ok := scalar(e)
			if !ok {
				return false
			}
			items = append(items, s)
		}
	default:
		s, ok := scalar(v)
		if !ok {
			return false
		}
		items = []string{s}
	}
	switch p.In {
	case "query":
		r.query.Del(p.Name)
		if _, isArr := v.([]any); isArr && explode {
			for _, s := range items {
				r.query.Add(p.Name, s)
			}
		} else {
			r.query.Set(p.Name, strings.Join(items, ","))
		}
	case "path":
		prefix, sep := "", ","
		switch p.Style {
		case "label":
			prefix = "."
		case "matrix":
			prefix = ";" + p.Name + "="
		}
		if prefix != "" && explode {
			sep = prefix
		}
		r.path[p.Name] = prefix + strings.Join(items, sep)
	case "header":
		r.header[p.Name] = strings.Join(items, ",")
	case "cookie":
		if _, isArr := v.([]any); isArr {
			return false
		}
		r.cookie[p.Name] = items[0]
	}
	return true
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func (g *diffGen) build(path, method string, op *openapi3.Operation, opName, what string, r reqParts) diffCase {
	p := path
	for k, v := range r.path {
		p = strings.ReplaceAll(p, "{"+k+"}", url.PathEscape(v))
	}
	u := g.base + p
	if q := r.query.Encode(); q != "" {
		u += "?" + q
	}
	c := diffCase{ID: fmt.Sprintf("%s/%d", g.app, len(g.cases)), App: g.app, Op: opName, Path: path, What: what, Method: method, URL: u, Header: map[string]string{}}
	for k, v := range r.header {
		c.Header[k] = v
	}
	var cookies []string
	for k, v := range r.cookie {
		cookies = append(cookies, k+"="+v)
	}
	sort.Strings(cookies)
	if len(cookies) > 0 {
		c.Header["Cookie"] = strings.Join(cookies, "; ")
	}
	if r.hasBod && r.form {
		s := formBody(r.body)
		c.Body = &s
		c.Header["Content-Type"] = "application/x-www-form-urlencoded"
	} else if r.hasBod && r.text {
		s := r.body.(string)
		c.Body = &s
		c.Header["Content-Type"] = "text/plain"
	} else if raw, ok := r.body.(rawBody); r.hasBod && ok {
		s := string(raw)
		c.Body = &s
		c.Header["Content-Type"] = "application/json"
	} else if r.hasBod {
		data, _ := json.Marshal(r.body)
		s := string(data)
		c.Body = &s
		c.Header["Content-Type"] = "application/json"
	}
	// kin-openapi's verdict, with the route given (no router: the route is known).
	var body *bytes.Reader
	if c.Body != nil {
		body = bytes.NewReader([]byte(*c.Body))
	} else {
		body = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, "http://localhost"+u, body)
	if err != nil {
		c.skipped = err.Error()
		return c
	}
	for k, v := range c.Header {
		req.Header.Set(k, v)
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: r.path,
		Route:      &routers.Route{Spec: g.doc, Path: path, PathItem: g.doc.Paths.Value(path), Method: method, Operation: op},
		// Defaults are not filled in: the generated server does not fill
		// a body's, and kin-openapi validates what it fills, so that
		// Kubernetes' `default: {}` on objects with required properties
		// would make it refuse a valid request leaving them out.
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, SkipSettingDefaults: true},
	}
	err = openapi3filter.ValidateRequest(context.Background(), in)
	c.KinOK = err == nil
	if err != nil {
		c.KinErr = err.Error()
	}
	return c
}

// value makes a value that satisfies s (false when it cannot).
func (g *diffGen) value(s *openapi3.Schema, depth int) (any, bool) {
	if depth > 6 {
		return nil, false
	}
	if len(s.Enum) > 0 {
		return s.Enum[0], true
	}
	if len(s.AllOf) > 0 {
		out := map[string]any{}
		for _, ref := range s.AllOf {
			v, ok := g.value(ref.Value, depth+1)
			m, isObj := v.(map[string]any)
			if !ok || !isObj {
				return nil, false
			}
			for k, x := range m {
				out[k] = x
			}
		}
		if len(s.Properties) > 0 {
			v, ok := g.object(s, depth)
			if !ok {
				return nil, false
			}
			for k, x := range v {
				out[k] = x
			}
		}
		return out, true
	}
	if len(s.OneOf) > 0 {
		return g.value(s.OneOf[0].Value, depth+1)
	}
	if len(s.AnyOf) > 0 {
		return g.value(s.AnyOf[0].Value, depth+1)
	}
	switch {
	case s.Type.Includes("string"):
		return stringValue(s)
	case s.Type.Includes("integer"):
		return numberValue(s, true)
	case s.Type.Includes("number"):
		return numberValue(s, false)
	case s.Type.Includes("boolean"):
		return true, true
	case s.Type.Includes("array"):
		if s.Items == nil || s.Items.Value == nil {
			return []any{}, true
		}
		n := int(s.MinItems)
		if n == 0 {
			n = 1
		}
		if s.MaxItems != nil && uint64(n) > *s.MaxItems {
			n = int(*s.MaxItems)
		}
		var out []any
		for i := 0; i < n; i++ {
			v, ok := g.value(s.Items.Value, depth+1)
			if !ok {
				return nil, false
			}
			if i > 0 && s.UniqueItems {
				return nil, false // distinct items are not generated
			}
			out = append(out, v)
		}
		if out == nil {
			out = []any{}
		}
		return out, true
	case s.Type.Includes("object") || len(s.Properties) > 0:
		v, ok := g.object(s, depth)
		return v, ok
	}
	return "x", true // untyped: anything goes
}

func (g *diffGen) object(s *openapi3.Schema, depth int) (map[string]any, bool) {
	out := map[string]any{}
	req := map[string]bool{}
	for _, r := range s.Required {
		req[r] = true
	}
	for name, ref := range s.Properties {
		if ref.Value == nil || ref.Value.ReadOnly || (!req[name] && depth > 2) {
			continue
		}
		v, ok := g.value(ref.Value, depth+1)
		if !ok {
			if req[name] {
				return nil, false
			}
			continue
		}
		out[name] = v
	}
	for _, r := range s.Required {
		if _, ok := out[r]; !ok && (s.Properties[r] == nil || !s.Properties[r].Value.ReadOnly) {
			return nil, false
		}
	}
	return out, true
}

var formatSamples = map[string]string{
	"date-time": "2020-01-02T03:04:05Z",
	"date":      "2020-01-02",
	"uuid":      "123e4567-e89b-12d3-a456-426614174000",
	"email":     "a@example.com",
	"ipv4":      "10.0.0.1",
	"ipv6":      "::1",
	"uri":       "https://example.com/x",
	"hostname":  "example.com",
	"byte":      "aGk=",
}

func stringValue(s *openapi3.Schema) (any, bool) {
	if v, ok := formatSamples[s.Format]; ok {
		return v, true
	}
	cands := []string{"abc", "a", "A", "1", "a1", "abc-def", "ABC", "a_b", "123", "abc123"}
	if s.Pattern == "" {
		n := int(s.MinLength)
		if n < 3 {
			n = 3
		}
		if s.MaxLength != nil && uint64(n) > *s.MaxLength {
			n = int(*s.MaxLength)
		}
		return strings.Repeat("a", n), true
	}
	re, err := regexp.Compile(s.Pattern)
	if err != nil {
		return nil, false
	}
	for _, c := range cands {
		if re.MatchString(c) && uint64(len(c)) >= s.MinLength && (s.MaxLength == nil || uint64(len(c)) <= *s.MaxLength) {
			return c, true
		}
	}
	return nil, false
}

func numberValue(s *openapi3.Schema, integer bool) (any, bool) {
	v := 1.0
	if s.Min != nil {
		v = *s.Min
		if s.ExclusiveMin.IsTrue() {
			v++
		}
	}
	if s.ExclusiveMin.Value != nil && v <= *s.ExclusiveMin.Value {
		v = *s.ExclusiveMin.Value + 1
	}
	if s.MultipleOf != nil && *s.MultipleOf > 0 {
		v = math.Ceil(v / *s.MultipleOf) * *s.MultipleOf
	}
	if s.Max != nil && v > *s.Max {
		return nil, false
	}
	if integer {
		v = math.Ceil(v)
	}
	return v, true
}

type mutation struct {
	path, what string
	value      any // the whole value (body) or the parameter value, with one constraint broken
}

// mutations breaks one constraint of s at a time; v is the valid value
// (nil for parameters: the valid value is generated).
func (g *diffGen) mutations(s *openapi3.Schema, v any, depth int) []mutation {
	if depth > 3 || s == nil {
		return nil
	}
	if v == nil {
		var ok bool
		if v, ok = g.value(s, depth); !ok {
			return nil
		}
	}
	var out []mutation
	add := func(what string, x any) { out = append(out, mutation{what: what, value: x}) }
	if len(s.OneOf)+len(s.AnyOf)+len(s.AllOf) > 0 {
		return nil // composed schemas: only their valid values are sent
	}
	switch {
	case len(s.Enum) > 0:
		if _, isStr := s.Enum[0].(string); isStr {
			add("enum", "zz-not-in-enum")
		}
	case s.Type.Includes("string"):
		if !s.Type.Includes("integer") && !s.Type.Includes("number") {
			// A string parameter accepts any text; wrong type only in bodies.
			add("type", 12)
		}
		if s.MaxLength != nil {
			add("maxLength", strings.Repeat("a", int(*s.MaxLength)+1))
		}
		if s.MinLength > 0 {
			add("minLength", strings.Repeat("a", int(s.MinLength)-1))
		}
		if s.Pattern != "" {
			if re, err := regexp.Compile(s.Pattern); err == nil {
				for _, c := range []string{"!!", " ", "~x~", "ZZZ"} {
					if !re.MatchString(c) {
						add("pattern", c)
						break
					}
				}
			}
		}
		if _, ok := formatSamples[s.Format]; ok {
			add("format "+s.Format, "not a "+s.Format+"!")
		}
	case s.Type.Includes("integer"), s.Type.Includes("number"):
		add("type", "x")
		if s.Type.Includes("integer") {
			add("type (fraction)", 1.5)
			// Not a broken constraint: an integer may be written with a
			// zero fraction, and both sides must accept it.
			if f, ok := v.(float64); ok {
				add("integer with a zero fraction (valid)", json.Number(strconv.FormatFloat(f, 'f', -1, 64)+".0"))
			}
		}
		if s.Min != nil {
			m := *s.Min - 1
			if s.ExclusiveMin.IsTrue() {
				m = *s.Min
			}
			add("minimum", m)
		}
		if s.Max != nil {
			m := *s.Max + 1
			if s.ExclusiveMax.IsTrue() {
				m = *s.Max
			}
			add("maximum", m)
		}
		if s.ExclusiveMin.Value != nil {
			add("exclusiveMinimum", *s.ExclusiveMin.Value)
		}
		if s.ExclusiveMax.Value != nil {
			add("exclusiveMaximum", *s.ExclusiveMax.Value)
		}
		if s.Format == "int32" {
			add("format int32", float64(math.MaxInt32)+1)
		}
	case s.Type.Includes("boolean"):
		add("type", "maybe")
	case s.Type.Includes("array"):
		arr, _ := v.([]any)
		add("type", map[string]any{})
		if s.MaxItems != nil && len(arr) > 0 {
			long := make([]any, *s.MaxItems+1)
			for i := range long {
				long[i] = arr[0]
			}
			if !s.UniqueItems {
				add("maxItems", long)
			}
		}
		if s.MinItems > 0 {
			add("minItems", arr[:s.MinItems-1])
		}
		if s.UniqueItems && len(arr) > 0 {
			add("uniqueItems", []any{arr[0], arr[0]})
		}
		if len(arr) > 0 && s.Items != nil && s.Items.Value != nil {
			for _, m := range g.mutations(s.Items.Value, arr[0], depth+1) {
				c := append([]any{}, arr...)
				c[0] = m.value
				out = append(out, mutation{path: "[0]" + m.path, what: m.what, value: c})
			}
		}
	case s.Type.Includes("object") || len(s.Properties) > 0:
		obj, _ := v.(map[string]any)
		add("type", []any{})
		names := make([]string, 0, len(s.Properties))
		for n := range s.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, r := range s.Required {
			if _, ok := obj[r]; ok {
				c := copyMap(obj)
				delete(c, r)
				out = append(out, mutation{path: "." + r, what: "missing required", value: c})
			}
		}
		for _, r := range s.Required {
			// Keys are case-sensitive: the property in capitals is another
			// key, and the required one is missing.
			other := strings.ToUpper(r)
			if other == r {
				other = strings.ToLower(r)
			}
			if x, ok := obj[r]; ok && other != r && s.Properties[other] == nil {
				c := copyMap(obj)
				delete(c, r)
				c[other] = x
				out = append(out, mutation{path: "." + r, what: "key in another case", value: c})
			}
		}
		for _, n := range names {
			ps := s.Properties[n].Value
			if _, ok := obj[n]; !ok || slices.Contains(s.Required, n) || ps.Nullable || ps.Type.Includes("null") || len(ps.OneOf)+len(ps.AnyOf) > 0 {
				continue
			}
			c := copyMap(obj)
			c[n] = nil
			what := "null (optional, not nullable)"
			if ps.Default != nil {
				what = "null (optional, not nullable, with a default)"
			}
			out = append(out, mutation{path: "." + n, what: what, value: c})
		}
		if ap := s.AdditionalProperties.Has; ap != nil && !*ap {
			c := copyMap(obj)
			c["zzUnknown"] = 1
			add("additionalProperties false", c)
		}
		for _, n := range names {
			ps := s.Properties[n].Value
			pv, ok := obj[n]
			if !ok || ps.ReadOnly {
				continue
			}
			for _, m := range g.mutations(ps, pv, depth+1) {
				c := copyMap(obj)
				c[n] = m.value
				out = append(out, mutation{path: "." + n + m.path, what: m.what, value: c})
			}
		}
	}
	if len(out) > 60 {
		out = out[:60]
	}
	return out
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// diffRunner is the test that runs inside the generated solution: it
// serves every case through the app's generated handler (the service is
// the Unimplemented type: 501 means the request passed validation) and
// writes each case's status to $DIFF_OUT.
var diffRunner = template.Must(template.New("difftest").Parse(`package difftest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
{{range .}}
	{{.Pkg}} "example.com/solution/applications/{{.App}}/backend/{{.Pkg}}"{{end}}
)

type diffCase struct {
	ID     string            ` + "`json:\"id\"`" + `
	App    string            ` + "`json:\"app\"`" + `
	Method string            ` + "`json:\"method\"`" + `
	URL    string            ` + "`json:\"url\"`" + `
	Header map[string]string ` + "`json:\"header\"`" + `
	Body   *string           ` + "`json:\"body\"`" + `
}

func TestDifferential(t *testing.T) {
	out := os.Getenv("DIFF_OUT")
	if out == "" {
		t.Skip("run by the harness differential test")
	}
	data, err := os.ReadFile("cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []diffCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	handlers := map[string]http.Handler{ {{range .}}
		"{{.App}}": {{.Pkg}}.NewHandler(&{{.Pkg}}.Unimplemented{{.Ident}}{}, {{.Pkg}}.Options{Logger: quiet, Authenticate: func(ctx context.Context, _ {{.Pkg}}.Credentials) (context.Context, error) { return ctx, nil }}),{{end}}
	}
	status := map[string]int{}
	for _, c := range cases {
		var body io.Reader
		if c.Body != nil {
			body = strings.NewReader(*c.Body)
		}
		req := httptest.NewRequest(c.Method, c.URL, body)
		for k, v := range c.Header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		handlers[c.App].ServeHTTP(rec, req)
		status[c.ID] = rec.Code
	}
	data, err = json.Marshal(status)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
`))

// differential prepares the cases of apps (spec paths inside root) and the
// runner in root/difftest; check, called after the solution's go test,
// compares the verdicts.
type differential struct {
	cases []diffCase
	out   string
}

func prepareDifferential(t *testing.T, root string, apps []string) *differential {
	t.Helper()
	// kin-openapi checks these formats only when told to; the generated
	// server always does. (Global state, but a test process's own.)
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC4122))
	openapi3.DefineStringFormatValidator("email", openapi3.NewCallbackValidator(func(s string) error {
		if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
			return fmt.Errorf("not an email address")
		}
		return nil
	}))
	openapi3.DefineIPv4Format()
	openapi3.DefineIPv6Format()
	d := &differential{out: filepath.Join(t.TempDir(), "status.json")}
	type imp struct{ App, Pkg, Ident string }
	var imps []imp
	skips := map[string]int{}
	for _, app := range apps {
		spec, err := openapi.Load(context.Background(), filepath.Join(root, "applications", app, "api", "openapi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		g := newDiffGen(app, spec)
		g.operations()
		for k, n := range g.skips {
			skips[app+": "+k] += n
		}
		for _, c := range g.cases {
			if c.skipped == "" {
				d.cases = append(d.cases, c)
			}
		}
		imps = append(imps, imp{app, names.GoPackage(app), names.GoIdent(app)})
	}
	t.Logf("differential: %d cases; not generated: %v", len(d.cases), skips)
	writeRunner(t, filepath.Join(root, "difftest"), "diff_test.go", d.cases, diffRunner, imps)
	return d
}

// writeRunner writes a test for the generated solution to run, in dir: its
// cases as cases.json and the test, file, rendered from tpl with imps.
func writeRunner(t *testing.T, dir, file string, cases any, tpl *template.Template, imps any) {
	t.Helper()
	data, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "cases.json"), data)
	var src bytes.Buffer
	if err := tpl.Execute(&src, imps); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, file), src.Bytes())
}

// readResults reads into v what the generated solution's test named what
// wrote to path.
func readResults(t *testing.T, path, what string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the generated solution's %s test wrote no result: %v", what, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func (d *differential) check(t *testing.T) {
	t.Helper()
	var status map[string]int
	readResults(t, d.out, "differential", &status)
	valid, invalid, known := 0, 0, map[string]int{}
	for _, c := range d.cases {
		code, ok := status[c.ID]
		if !ok {
			t.Errorf("%s: no status", c.ID)
			continue
		}
		if code != http.StatusBadRequest && code != http.StatusNotImplemented {
			t.Errorf("%s %s %s (%s): generated server answered %d, want 400 or 501", c.App, c.Op, c.What, c.URL, code)
			continue
		}
		if c.KinOK {
			valid++
		} else {
			invalid++
		}
		genOK := code == http.StatusNotImplemented
		if genOK == c.KinOK {
			continue
		}
		if reason := differenceFor(c.What); reason != "" {
			known[c.What]++
			continue
		}
		body := ""
		if c.Body != nil {
			body = *c.Body
		}
		t.Errorf("%s %s: %s: generated accepts=%v, kin-openapi accepts=%v (kin: %s)\n  %s %s %v %s", c.App, c.Op, c.What, genOK, c.KinOK, c.KinErr, c.Method, c.URL, c.Header, body)
	}
	t.Logf("differential: %d requests kin-openapi accepts, %d it rejects; known differences hit: %v", valid, invalid, known)
	if invalid < 50 || valid < 20 {
		t.Errorf("too few cases to prove anything: %d valid, %d invalid", valid, invalid)
	}
}

// formBody encodes a generated object as form fields, the way a browser
// would send it: scalars as text, arrays as repeated fields. Anything else
// (a mutation that is not an object) goes as one field holding its JSON.
func formBody(v any) string {
	text := func(x any) string {
		if s, ok := x.(string); ok {
			return s
		}
		b, _ := json.Marshal(x)
		return string(b)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return url.Values{"body": {text(v)}}.Encode()
	}
	vals := url.Values{}
	for k, x := range obj {
		if list, ok := x.([]any); ok {
			for _, e := range list {
				vals.Add(k, text(e))
			}
		} else if x != nil {
			vals.Set(k, text(x))
		}
	}
	return vals.Encode()
}

func isBinaryFormat(f string) bool { return f == "binary" || f == "byte" }
