package codegen

import (
	"strconv"
	"strings"
	"unicode"
)

// initialisms are written in capitals, as Go does (ID, URL).
var initialisms = map[string]string{
	"id": "ID", "url": "URL", "uri": "URI", "http": "HTTP", "https": "HTTPS", "json": "JSON",
	"api": "API", "uuid": "UUID", "ip": "IP", "html": "HTML", "xml": "XML", "sql": "SQL",
	"ttl": "TTL", "tls": "TLS", "cpu": "CPU", "ids": "IDs", "urls": "URLs",
}

// goName turns any string (schema name, property, operationId, path) into an
// exported Go identifier: words split at non-alphanumerics and case changes,
// each capitalised; a name that cannot start an exported identifier (a
// digit, an uncased letter) gets an X in front; an empty result is "X".
func goName(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		if up, ok := initialisms[strings.ToLower(w)]; ok {
			b.WriteString(up)
			continue
		}
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	out := b.String()
	if out == "" {
		return "X"
	}
	if r := []rune(out)[0]; !unicode.IsUpper(r) {
		out = "X" + out
	}
	return out
}

// words splits s at every rune that cannot be in an identifier and before an
// upper-case rune that follows a lower-case one (sampleresourceId: sampleresource, Id).
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range s {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) && len(cur) > 0:
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return out
}

// lowerName is goName with a lower-case first letter, for unexported names.
func lowerName(s string) string {
	n := goName(s)
	r := []rune(n)
	// Lower the leading initialism as a whole (ID -> id, URLPath -> urlPath).
	i := 0
	for i < len(r) && unicode.IsUpper(r[i]) {
		i++
	}
	switch {
	case i == len(r):
		return strings.ToLower(n)
	case i > 1:
		i--
	}
	if i == 0 {
		i = 1
	}
	return strings.ToLower(string(r[:i])) + string(r[i:])
}

// registry hands out unique names: the first taker keeps a name, later ones
// get a numeric suffix. Callers take names in a deterministic order.
type registry struct{ taken map[string]bool }

func newRegistry(reserved ...string) *registry {
	r := &registry{taken: map[string]bool{}}
	for _, n := range reserved {
		r.taken[n] = true
	}
	return r
}

func (r *registry) take(name string) string {
	if !r.taken[name] {
		r.taken[name] = true
		return name
	}
	for i := 2; ; i++ {
		n := name + strconv.Itoa(i)
		if !r.taken[n] {
			r.taken[n] = true
			return n
		}
	}
}
