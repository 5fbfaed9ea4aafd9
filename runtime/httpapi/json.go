package httpapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DecodeJSON decodes data, one JSON value and nothing after it, into the
// wire value v. Integer fields accept numbers written with a zero fraction
// or an exponent (1.0, 2e3), as JSON Schema does: encoding/json would not.
func DecodeJSON(data []byte, v any) error {
	data = integralNumbers(data)
	// A generated wire type reads its object itself (ReadObject): once the
	// text is known to be one valid value, it is given the value directly,
	// without encoding/json's set-up around the call. Anything else, and
	// every invalid text (for encoding/json's error), takes json.Unmarshal.
	if u, ok := v.(json.Unmarshaler); ok && json.Valid(data) {
		return u.UnmarshalJSON(trimSpace(data))
	}
	return json.Unmarshal(data, v)
}

// trimSpace cuts the JSON whitespace around a value, as encoding/json does
// before it calls an UnmarshalJSON.
func trimSpace(b []byte) []byte {
	i, j := skipSpace(b, 0), len(b)
	for j > i && (b[j-1] == ' ' || b[j-1] == '\t' || b[j-1] == '\n' || b[j-1] == '\r') {
		j--
	}
	return b[i:j]
}

// integralNumbers rewrites the numbers of a JSON text that have a fraction
// or an exponent but an integer value as integers; floats read them the same
// either way. It returns data itself when there is nothing to rewrite.
func integralNumbers(data []byte) []byte {
	if bytes.IndexAny(data, ".eE") < 0 {
		return data
	}
	var out []byte
	done := 0 // data[done:] is not in out yet
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case c == '-' || '0' <= c && c <= '9':
			j := i
			for j < len(data) && strings.IndexByte("+-.0123456789eE", data[j]) >= 0 {
				j++
			}
			if n, ok := integerText(data[i:j]); ok {
				out = append(append(out, data[done:i]...), n...)
				done = j
			}
			i = j - 1
		}
	}
	if out == nil {
		return data
	}
	return append(out, data[done:]...)
}

// integerText returns the integer a JSON number with a fraction or an
// exponent stands for, if it is one of at most 20 digits (larger ones fit
// no Go integer: they are left for decoding to refuse).
func integerText(num []byte) ([]byte, bool) {
	s := string(num)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, hasFrac := strings.Cut(mant, ".")
	if !hasFrac && !hasExp || !digitsOnly(whole) || len(whole) > 1 && whole[0] == '0' || hasFrac && !digitsOnly(frac) {
		return nil, false
	}
	shift := 0
	if hasExp {
		e := strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
		if !digitsOnly(e) || len(e) > 4 {
			return nil, false
		}
		shift, _ = strconv.Atoi(e)
		if strings.HasPrefix(exp, "-") {
			shift = -shift
		}
	}
	digits := whole + frac
	point := len(whole) + shift // the decimal point's place in digits
	if point < 0 {
		point = 0
	}
	if strings.Trim(digits[min(point, len(digits)):], "0") != "" {
		return nil, false // a fraction that is not zero
	}
	if point > len(digits) {
		digits += strings.Repeat("0", point-len(digits))
	}
	n := strings.TrimLeft(digits[:point], "0")
	if len(n) > 20 {
		return nil, false
	}
	if n == "" {
		return []byte("0"), true
	}
	if neg {
		n = "-" + n
	}
	return []byte(n), true
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Object reads the members of a JSON object by their exact keys, for the
// UnmarshalJSON methods of generated wire types: encoding/json matches
// struct fields regardless of case, and {"NAME": 1} is not {"name": 1}.
type Object struct {
	members []member // in document order
	nulls   []string // the members that were null but may not be
	err     error
}

// member is one key and value of an object; key is the key's text between
// its quotes when it has no escapes (compared without allocating), else
// the key unescaped.
type member struct {
	key  []byte
	raw  json.RawMessage
	read bool
}

// ReadObject splits an object into its members. b is one JSON value that
// encoding/json has already checked (it checks the whole input before it
// calls an UnmarshalJSON), so the scan trusts its syntax; anything but an
// object takes encoding/json's own path for its error.
func ReadObject(b []byte) (*Object, error) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		return &Object{}, nil
	}
	// The object and room for its first members, in one allocation.
	ob := &struct {
		Object
		room [8]member
	}{}
	o := &ob.Object
	o.members = ob.room[:0]
	for i = skipSpace(b, i+1); i < len(b) && b[i] != '}'; i = skipSpace(b, i) {
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		end := skipValue(b, i) // the key, a string
		key := b[i+1 : end-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			var s string
			if err := json.Unmarshal(b[i:end], &s); err != nil {
				return nil, err
			}
			key = []byte(s)
		}
		i = skipSpace(b, end)
		i = skipSpace(b, i+1) // the colon
		end = skipValue(b, i)
		o.members = append(o.members, member{key: key, raw: b[i:end]})
		i = end
	}
	return o, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the (valid) JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i // the end of the object holding a scalar
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

// Field decodes the member key, if present, into dst (the last one when a
// key repeats, as encoding/json does). A null that the property does not
// allow (!nullOK) is noted in Nulls, not decoded. The first decoding error
// is kept for Err; later fields are then skipped.
func (o *Object) Field(key string, dst any, nullOK bool) {
	var raw json.RawMessage
	for i := range o.members {
		if m := &o.members[i]; string(m.key) == key {
			m.read, raw = true, m.raw
		}
	}
	if raw == nil || o.err != nil {
		return
	}
	if !nullOK && string(raw) == "null" {
		o.nulls = append(o.nulls, key)
		return
	}
	if decodeScalar(raw, dst) {
		return
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		if e, ok := err.(*json.UnmarshalTypeError); ok {
			if e.Field == "" {
				e.Field = key
			} else {
				e.Field = key + "." + e.Field
			}
		}
		o.err = err
	}
}

// Nulls are the keys whose null Field refused.
//
//go:noinline
func (o *Object) Nulls() []string { return o.nulls }

// Len is the number of the object's members, for minProperties and
// maxProperties.
func (o *Object) Len() int { return len(o.members) }

// Err is the first error of Field.
//
//go:noinline
func (o *Object) Err() error { return o.err }

// Rest returns the members no Field read, by key.
func (o *Object) Rest() map[string]json.RawMessage {
	m := make(map[string]json.RawMessage)
	for _, x := range o.members {
		if !x.read {
			m[string(x.key)] = x.raw
		}
	}
	return m
}

// decodeScalar decodes the commonest members, plain strings and numbers
// into pointer fields, as encoding/json would, without its set-up for each
// call; it reports false for anything else (escapes, invalid UTF-8, null,
// other types, numbers out of range), which json.Unmarshal then decodes or
// explains.
func decodeScalar(raw []byte, dst any) bool {
	switch d := dst.(type) {
	case **string:
		if len(raw) < 2 || raw[0] != '"' || bytes.IndexByte(raw, '\\') >= 0 || !utf8.Valid(raw) {
			return false
		}
		v := string(raw[1 : len(raw)-1])
		*d = &v
	case **int64:
		v, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			return false
		}
		*d = &v
	case **int32:
		v, err := strconv.ParseInt(string(raw), 10, 32)
		if err != nil {
			return false
		}
		v32 := int32(v)
		*d = &v32
	case **float64:
		// raw is a valid JSON value: one starting so is a number, which
		// ParseFloat reads as encoding/json does.
		if raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
			return false
		}
		v, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return false
		}
		*d = &v
	case *[]string:
		return decodeStrings(raw, d)
	case **bool:
		switch string(raw) {
		case "true", "false":
			v := raw[0] == 't'
			*d = &v
		default:
			return false
		}
	default:
		return false
	}
	return true
}

// decodeStrings decodes an array of plain strings (no escapes, valid
// UTF-8), as encoding/json would into a []string; anything else reports
// false.
func decodeStrings(raw []byte, d *[]string) bool {
	if len(raw) < 2 || raw[0] != '[' || bytes.IndexByte(raw, '\\') >= 0 || !utf8.Valid(raw) {
		return false
	}
	out := []string{}
	for i := skipSpace(raw, 1); i < len(raw) && raw[i] != ']'; i = skipSpace(raw, i) {
		if raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
		if raw[i] != '"' {
			return false
		}
		end := skipValue(raw, i)
		out = append(out, string(raw[i+1:end-1]))
		i = end
	}
	*d = out
	return true
}

// Discriminator returns the string member key of a JSON object, or "".
func Discriminator(b []byte, key string) string {
	var members map[string]json.RawMessage
	var s string
	if json.Unmarshal(b, &members) != nil || json.Unmarshal(members[key], &s) != nil {
		return ""
	}
	return s
}

// Unmarshal is json.Unmarshal, kept out of line for generated code (see the
// package documentation): encoding/json's Unmarshal inlines its option
// set-up into every caller.
//
//go:noinline
func Unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// Marshal is json.Marshal, kept out of line for generated code.
//
//go:noinline
func Marshal(v any) ([]byte, error) { return json.Marshal(v) }
