package httpapi

import (
	"strconv"
	"unicode/utf8"
)

// appendProblem appends p as encoding/json's Encoder writes it (HTML
// characters escaped, a newline at the end), without reflection: every
// error answer is one, rejecting requests is on the hot path, and the
// type is fixed. TestProblemJSON holds it to encoding/json's output.
func appendProblem(b []byte, p *Problem) []byte {
	b = append(b, '{')
	comma := false
	field := func(name, v string, always bool) {
		if v == "" && !always {
			return
		}
		if comma {
			b = append(b, ',')
		}
		comma = true
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		b = appendString(b, v)
	}
	field("type", p.Type, false)
	field("title", p.Title, false)
	if comma {
		b = append(b, ',')
	}
	comma = true
	b = append(b, `"status":`...)
	b = strconv.AppendInt(b, int64(p.Status), 10)
	field("detail", p.Detail, false)
	field("instance", p.Instance, false)
	if len(p.Errors) > 0 {
		b = append(b, `,"errors":[`...)
		for i, e := range p.Errors {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			comma = false
			field("in", e.In, true)
			field("field", e.Field, false)
			field("pointer", e.Pointer, false)
			field("detail", e.Detail, true)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}', '\n')
}

// appendString appends s as a JSON string, escaped as encoding/json
// escapes it by default: quotes, backslashes and control characters, the
// HTML characters <, > and &, U+2028 and U+2029. Invalid UTF-8 becomes
// U+FFFD, written as itself as Go 1.27's encoding/json writes it (1.26's
// wrote the escape \ufffd: the same string).
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			switch r {
			case utf8.RuneError:
				b = append(b, "\uFFFD"...)
			case '\u2028':
				b = append(b, `\u2028`...)
			default:
				b = append(b, `\u2029`...)
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
