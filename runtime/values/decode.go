package values

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Mode says how strictly keys are checked.
type Mode int

const (
	// Strict rejects unknown keys inside `harness:` (the CLI reading a user's files).
	Strict Mode = iota
	// Lenient accepts unknown keys everywhere (the runtime reading the all-values
	// file the CLI has already checked, perhaps written by a newer harness).
	Lenient
)

// DefaultMaxBytes caps the size of a values file. A ConfigMap holds at most
// 1 MiB, so real values files are far smaller; the cap makes junk fail fast
// with bounded memory.
const DefaultMaxBytes = 4 << 20

// maxErrors bounds the diagnostics gathered from one tree.
const maxErrors = 50

// Options configures decoding.
type Options struct {
	// Mode is Strict (the zero value) or Lenient.
	Mode Mode
	// File names the input in error messages.
	File string
	// Sources, when set, names the file of each node of a tree merged from
	// several files; nodes it does not know are reported against File.
	Sources *Sources
	// MaxBytes caps the input's size; zero means DefaultMaxBytes.
	MaxBytes int
	// Unknown, when set, is told of each key inside `harness:` that the
	// model does not know, in Strict mode, and the key is kept rather than
	// rejected: the caller decides what it is worth (harness-deployment
	// warns, and fails with --strict). Real solutions carry keys of other
	// CloudHarness versions and keys their own templates read.
	Unknown func(UnknownKey)
}

// UnknownKey is a key inside `harness:` that the model does not know.
type UnknownKey struct {
	// Error places it: file, line, key path and "unknown key", with a
	// suggestion when a known key is close.
	*Error
	// In is the struct type it was found in and Name the key, so a caller
	// can let the key through the chart's schema where that type is.
	In   reflect.Type
	Name string
}

func (o Options) maxBytes() int {
	if o.MaxBytes > 0 {
		return o.MaxBytes
	}
	return DefaultMaxBytes
}

func (o Options) fileOf(n *yaml.Node) string {
	if o.Sources != nil {
		if f := o.Sources.File(n); f != "" {
			return f
		}
	}
	return o.File
}

// Error is one problem in a values file.
type Error struct {
	// File is the file holding the problem (empty when unknown).
	File string
	// Line is the 1-based line of the problem (0 when unknown).
	Line int
	// Key is the dotted path of the key, e.g. `harness.deployment.port` or
	// `harness.uri_role_mapping[0].uri` (empty for the whole document).
	Key string
	// Msg says what is wrong.
	Msg string
}

// Error formats the problem as `file:line: key: msg`.
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one input, in line order. errors.As finds
// each *Error in it.
type Errors []*Error

// Error prints one problem per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems as errors.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Sources remembers which file each node of a merged tree came from, so that
// errors in a tree merged from several files name the right file. Add each
// file's tree before merging (merging shares the nodes).
type Sources struct {
	files map[*yaml.Node]string
}

// Add records every node of root as coming from file.
func (s *Sources) Add(file string, root *yaml.Node) {
	if s.files == nil {
		s.files = map[*yaml.Node]string{}
	}
	var visit func(n *yaml.Node)
	visit = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if _, seen := s.files[n]; seen {
			return
		}
		s.files[n] = file
		for _, c := range n.Content {
			visit(c)
		}
	}
	visit(root)
}

// File returns the file a node came from, or "".
func (s *Sources) File(n *yaml.Node) string {
	if s == nil {
		return ""
	}
	return s.files[n]
}

// Parse reads one YAML document into a node tree, for callers that merge
// trees before decoding them. It returns the document's top node, or nil for
// an empty document. Input larger than the cap, syntax errors and more than
// one document are errors naming opts.File and the line.
func Parse(data []byte, opts Options) (*yaml.Node, error) {
	if max := opts.maxBytes(); len(data) > max {
		return nil, Errors{{File: opts.File, Msg: fmt.Sprintf("values file is %d bytes, more than the limit of %d bytes", len(data), max)}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, tabErrors(yamlErrors(err, opts.File), data)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, Errors{{File: opts.File, Line: extra.Line, Msg: "more than one YAML document; a values file holds one"}}
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlErrors(err, opts.File)
	}
	n := &doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil, nil
		}
		n = n.Content[0]
	}
	if errs := checkTree(n, opts.File); len(errs) > 0 {
		return nil, errs
	}
	return n, nil
}

// maxExpanded bounds the nodes a document may stand for once its aliases
// are expanded: a few aliases can otherwise stand for billions ("billion
// laughs"), which every later step would walk.
const maxExpanded = 1 << 20

// checkTree reports what yaml.v3 accepts in a node tree but a values file
// must not hold: a key given twice in one mapping (YAML forbids it, and the
// later would silently win), and aliases that expand beyond maxExpanded.
func checkTree(root *yaml.Node, file string) Errors {
	var errs Errors
	size := map[*yaml.Node]int{}
	var walk func(n *yaml.Node, path string) int
	walk = func(n *yaml.Node, path string) int {
		if n == nil {
			return 0
		}
		if v, ok := size[n]; ok {
			return v
		}
		size[n] = 1 // an alias cycle counts once
		total := 1
		switch n.Kind {
		case yaml.AliasNode:
			total += walk(n.Alias, path)
		case yaml.MappingNode:
			first := map[string]int{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				key := joinKey(path, k.Value)
				if k.Kind == yaml.ScalarNode && k.Value != "<<" {
					if line, dup := first[k.Value]; dup {
						errs = append(errs, &Error{File: file, Line: k.Line, Key: key, Msg: fmt.Sprintf("duplicate key (first set at line %d)", line)})
					} else {
						first[k.Value] = k.Line
					}
				}
				total += 1 + walk(n.Content[i+1], key)
			}
		default:
			for _, c := range n.Content {
				total += walk(c, path)
			}
		}
		if total > maxExpanded {
			total = maxExpanded + 1
		}
		size[n] = total
		return total
	}
	if walk(root, "") > maxExpanded {
		line := 0
		for n, v := range size {
			if n.Kind == yaml.AliasNode && v > maxExpanded/64 && (line == 0 || n.Line < line) {
				line = n.Line
			}
		}
		errs = append(errs, &Error{File: file, Line: line, Msg: fmt.Sprintf("aliases expand to more than %d nodes", maxExpanded)})
	}
	return errs
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// tabErrors says "tab" where yaml.v3 says a character cannot start a token
// on a line indented with one: YAML indents with spaces only.
func tabErrors(err error, data []byte) error {
	var errs Errors
	if !errors.As(err, &errs) {
		return err
	}
	lines := bytes.Split(data, []byte("\n"))
	for _, e := range errs {
		if e.Line < 1 || e.Line > len(lines) || !strings.Contains(e.Msg, "cannot start any token") {
			continue
		}
		l := lines[e.Line-1]
		if i := bytes.IndexByte(l, '\t'); i >= 0 && len(bytes.TrimLeft(l[:i], " ")) == 0 {
			e.Msg = fmt.Sprintf("a tab indents this line (column %d): YAML indents with spaces only", i+1)
		}
	}
	return errs
}

// ReadFile reads a file of at most opts.MaxBytes (without reading more than
// that from a larger one) and parses it; opts.File defaults to path.
func ReadFile(path string, opts Options) (*yaml.Node, error) {
	if opts.File == "" {
		opts.File = path
	}
	data, err := readCapped(path, opts.maxBytes())
	if err != nil {
		return nil, err
	}
	return Parse(data, opts)
}

func readCapped(path string, max int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read values: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("read values %s: %w", path, err)
	}
	if len(data) > max {
		return nil, Errors{{File: path, Msg: fmt.Sprintf("values file is larger than the limit of %d bytes", max)}}
	}
	return data, nil
}

// DecodeApp decodes an application's values file (or a merge of them).
func DecodeApp(data []byte, opts Options) (*App, error) {
	n, err := Parse(data, opts)
	if err != nil {
		return nil, err
	}
	return DecodeAppNode(n, opts)
}

// DecodeRoot decodes root values: the chart's values.yaml, a
// deployment-configuration overlay, or an all-values file.
func DecodeRoot(data []byte, opts Options) (*Values, error) {
	n, err := Parse(data, opts)
	if err != nil {
		return nil, err
	}
	return DecodeRootNode(n, opts)
}

// ReadApp reads and decodes an application's values file.
func ReadApp(path string, opts Options) (*App, error) {
	if opts.File == "" {
		opts.File = path
	}
	n, err := ReadFile(path, opts)
	if err != nil {
		return nil, err
	}
	return DecodeAppNode(n, opts)
}

// ReadRoot reads and decodes a root values file.
func ReadRoot(path string, opts Options) (*Values, error) {
	if opts.File == "" {
		opts.File = path
	}
	n, err := ReadFile(path, opts)
	if err != nil {
		return nil, err
	}
	return DecodeRootNode(n, opts)
}

// DecodeAppNode decodes an application's values from a node tree (a
// document node, its top node, or nil for empty values).
func DecodeAppNode(n *yaml.Node, opts Options) (*App, error) {
	var app App
	if err := DecodeNode(n, &app, opts); err != nil {
		return nil, err
	}
	return &app, nil
}

// DecodeRootNode decodes root values from a node tree.
func DecodeRootNode(n *yaml.Node, opts Options) (*Values, error) {
	var v Values
	if err := DecodeNode(n, &v, opts); err != nil {
		return nil, err
	}
	return &v, nil
}

// DecodeNode checks a node tree against out's type (a pointer to one of this
// package's structs, or any struct following the same tag rules) and decodes
// it. Nothing is decoded when a check fails. The error is Errors.
func DecodeNode(n *yaml.Node, out any, opts Options) error {
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("decode values: need a non-nil pointer, got %T", out)
	}
	for n != nil && n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			n = nil
			break
		}
		n = n.Content[0]
	}
	if n == nil || n.Kind == 0 || isNull(resolve(n)) {
		return nil
	}
	top := resolve(n)
	if top.Kind != yaml.MappingNode {
		return Errors{{File: opts.fileOf(top), Line: top.Line, Msg: "values must be a mapping, got " + describe(top)}}
	}
	w := &walker{opts: opts, seen: map[aliasKey]bool{}, infos: map[reflect.Type]*structInfo{}}
	w.walk(n, rv.Elem().Type(), "", false)
	if len(w.errs) > 0 {
		return w.result()
	}
	if err := n.Decode(out); err != nil {
		return yamlErrors(err, opts.File)
	}
	return nil
}

var harnessType = reflect.TypeOf(Harness{})

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

type aliasKey struct {
	n         *yaml.Node
	t         reflect.Type
	inHarness bool
}

type field struct {
	name string
	typ  reflect.Type
}

type structInfo struct {
	fields map[string]field
	names  []string
}

type walker struct {
	opts  Options
	errs  Errors
	seen  map[aliasKey]bool
	infos map[reflect.Type]*structInfo
}

func (w *walker) result() error {
	sort.SliceStable(w.errs, func(i, j int) bool {
		if w.errs[i].File != w.errs[j].File {
			return w.errs[i].File < w.errs[j].File
		}
		return w.errs[i].Line < w.errs[j].Line
	})
	return w.errs
}

func (w *walker) fail(n *yaml.Node, key, msg string) {
	w.failAt(w.opts.fileOf(n), n.Line, key, msg)
}

func (w *walker) failAt(file string, line int, key, msg string) {
	if len(w.errs) == maxErrors {
		w.errs = append(w.errs, &Error{File: file, Line: line, Msg: "too many errors; stopping here"})
	}
	if len(w.errs) > maxErrors {
		return
	}
	w.errs = append(w.errs, &Error{File: file, Line: line, Key: key, Msg: msg})
}

// walk checks n against t; path is the dotted key path of n and inHarness
// tells whether n lies inside a `harness:` section.
func (w *walker) walk(n *yaml.Node, t reflect.Type, path string, inHarness bool) {
	if len(w.errs) > maxErrors {
		return
	}
	if n.Kind == yaml.AliasNode {
		// Each anchored node is checked once per type: aliases cannot make
		// the walk exponential (yaml.v3 bounds the decode itself).
		k := aliasKey{n.Alias, t, inHarness}
		if w.seen[k] {
			return
		}
		w.seen[k] = true
		n = resolve(n)
		if n == nil {
			return
		}
	}
	if isNull(n) {
		return
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		w.custom(n, t, path)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		w.walk(n, t.Elem(), path, inHarness)
	case reflect.Struct:
		w.walkStruct(n, t, path, inHarness)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			w.fail(n, path, "expected a mapping, got "+describe(n))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := resolve(n.Content[i]), n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				w.fail(k, path, "expected a string key, got "+describe(k))
				continue
			}
			if isMerge(k) {
				w.walk(v, t, path, inHarness)
				continue
			}
			w.walk(v, t.Elem(), join(path, k.Value), inHarness)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			w.fail(n, path, "expected a list, got "+describe(n))
			return
		}
		for i, item := range n.Content {
			w.walk(item, t.Elem(), path+"["+strconv.Itoa(i)+"]", inHarness)
		}
	case reflect.Interface:
		// free values: anything goes
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			w.fail(n, path, "expected a string, got "+describe(n))
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Decode(new(bool)) != nil {
			w.fail(n, path, "expected a boolean, got "+describe(n))
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			w.fail(n, path, "expected an integer, got "+describe(n))
		} else if n.Decode(reflect.New(t).Interface()) != nil {
			w.fail(n, path, "integer out of range: "+n.Value)
		}
	case reflect.Float32, reflect.Float64:
		if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") || n.Decode(reflect.New(t).Interface()) != nil {
			w.fail(n, path, "expected a number, got "+describe(n))
		}
	default:
		w.fail(n, path, "cannot hold values of Go type "+t.String())
	}
}

func (w *walker) walkStruct(n *yaml.Node, t reflect.Type, path string, inHarness bool) {
	if n.Kind != yaml.MappingNode {
		w.fail(n, path, "expected a mapping, got "+describe(n))
		return
	}
	inHarness = InHarness(t, inHarness)
	info := w.info(t)
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			w.fail(k, path, "expected a string key, got "+describe(k))
			continue
		}
		if isMerge(k) {
			w.walkMerge(v, t, path, inHarness)
			continue
		}
		key := join(path, k.Value)
		if line, dup := first[k.Value]; dup {
			w.fail(k, key, fmt.Sprintf("duplicate key (first set at line %d)", line))
			continue
		}
		first[k.Value] = k.Line
		f, ok := info.fields[k.Value]
		if !ok {
			if w.opts.Mode == Strict && Closed(t, inHarness) {
				msg := "unknown key"
				if s := Suggest(k.Value, info.names); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				if w.opts.Unknown == nil {
					w.fail(k, key, msg)
				} else {
					w.opts.Unknown(UnknownKey{Error: &Error{File: w.opts.fileOf(k), Line: k.Line, Key: key, Msg: msg}, In: t, Name: k.Value})
				}
			}
			continue
		}
		w.walk(v, f.typ, key, inHarness)
	}
}

// walkMerge checks the value of a `<<` merge key: a mapping or a list of them.
func (w *walker) walkMerge(v *yaml.Node, t reflect.Type, path string, inHarness bool) {
	r := resolve(v)
	if r != nil && r.Kind == yaml.SequenceNode {
		for _, item := range r.Content {
			w.walk(item, t, path, inHarness)
		}
		return
	}
	w.walk(v, t, path, inHarness)
}

// custom checks a type with its own UnmarshalYAML by running it.
func (w *walker) custom(n *yaml.Node, t reflect.Type, path string) {
	err := n.Decode(reflect.New(t).Interface())
	if err == nil {
		return
	}
	var e *Error
	if errors.As(err, &e) {
		line := e.Line
		if line == 0 {
			line = n.Line
		}
		key := path
		if e.Key != "" {
			if strings.HasPrefix(e.Key, "[") {
				key += e.Key
			} else {
				key = join(path, e.Key)
			}
		}
		w.failAt(w.opts.fileOf(n), line, key, e.Msg)
		return
	}
	w.fail(n, path, strings.TrimPrefix(err.Error(), "yaml: "))
}

func (w *walker) info(t reflect.Type) *structInfo {
	if info, ok := w.infos[t]; ok {
		return info
	}
	info := &structInfo{fields: map[string]field{}}
	for _, k := range Keys(t) {
		info.fields[k.Name] = field{name: k.Name, typ: k.Type}
		info.names = append(info.names, k.Name)
	}
	w.infos[t] = info
	return info
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge"
}

// describe names what a node holds, for "expected X, got Y".
func describe(n *yaml.Node) string {
	n = resolve(n)
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.DocumentNode:
		return "a document"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:37] + "..."
	}
	switch n.ShortTag() {
	case "!!str":
		return "string " + strconv.Quote(v)
	case "!!int":
		return "integer " + v
	case "!!float":
		return "number " + v
	case "!!bool":
		return "boolean " + v
	case "!!null":
		return "null"
	}
	return n.ShortTag() + " " + strconv.Quote(v)
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlErrors turns yaml.v3's errors into Errors with file and line.
func yamlErrors(err error, file string) error {
	var lines []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		lines = te.Errors
	} else {
		lines = []string{err.Error()}
	}
	var out Errors
	for _, l := range lines {
		e := &Error{File: file, Msg: strings.TrimPrefix(l, "yaml: ")}
		if m := yamlLine.FindStringSubmatch(l); m != nil {
			e.Line, _ = strconv.Atoi(m[1])
			e.Msg = m[2]
		}
		out = append(out, e)
	}
	return out
}
