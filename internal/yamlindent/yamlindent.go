// Package yamlindent finds the line a YAML indentation mistake is on.
// yaml.v3 reports "did not find expected key" (and a few other block
// errors) at the line where the enclosing mapping starts, often line 1,
// while the mistake is a key indented off its siblings many lines below:
// the line users of Helm values files ask about most.
package yamlindent

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/harness-sh/harness/runtime/values"
)

// Place moves the values parser's "did not find expected key", which
// yaml.v3 reports where the enclosing mapping starts, to the line of data
// indented off its siblings, when there is one.
func Place(err error, data []byte) error {
	var errs values.Errors
	if !errors.As(err, &errs) {
		return err
	}
	for _, e := range errs {
		if !strings.Contains(e.Msg, "did not find expected key") {
			continue
		}
		if line := Misindented(data); line > 0 && line != e.Line {
			e.Msg = fmt.Sprintf("this line's indentation matches none of the keys above it (%s at line %d)", e.Msg, e.Line)
			e.Line = line
		}
	}
	return err
}

// Misindented returns the 1-based line of the first block-mapping line
// whose indentation matches no open block (dedented to a column no parent
// used, or indented under a line that opens nothing), or 0 when it finds
// none. It reads lines only, so it is a guide for an error message, not a
// parser: flow collections and multi-line scalars end its look.
func Misindented(data []byte) int {
	var stack []int // indentation of the open blocks, innermost last
	opener := false // the previous line opens a block (key:, - or a block scalar)
	scalar := -1    // inside a block scalar (|, >) deeper than this indentation
	for i, raw := range bytes.Split(data, []byte("\n")) {
		line := strings.TrimRight(string(raw), " \r")
		text := strings.TrimLeft(line, " ")
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		ind := len(line) - len(text)
		if scalar >= 0 {
			if ind > scalar {
				continue
			}
			scalar = -1
		}
		if strings.HasPrefix(text, "---") || strings.HasPrefix(text, "\t") || strings.ContainsAny(text[:1], "[{") {
			return 0
		}
		switch {
		case len(stack) == 0:
			stack = append(stack, ind)
		case ind > stack[len(stack)-1]:
			if !opener {
				return i + 1
			}
			stack = append(stack, ind)
		default:
			for len(stack) > 0 && stack[len(stack)-1] > ind {
				stack = stack[:len(stack)-1]
			}
			if len(stack) == 0 || stack[len(stack)-1] != ind {
				return i + 1
			}
		}
		// A list item's content sits two columns in: "- key: v" opens
		// that column for the item's next keys.
		if strings.HasPrefix(text, "- ") || text == "-" {
			rest := strings.TrimLeft(text[1:], " ")
			if rest != "" && !strings.HasPrefix(rest, "#") {
				stack = append(stack, ind+len(text)-len(rest))
			}
		}
		body := stripComment(text)
		if strings.Count(body, "[")+strings.Count(body, "{") != strings.Count(body, "]")+strings.Count(body, "}") {
			return 0 // a flow collection goes on over lines
		}
		opener = strings.HasSuffix(body, ":") || body == "-"
		if strings.HasSuffix(body, "|") || strings.HasSuffix(body, ">") || blockScalar(body) {
			scalar = ind
			opener = false
		}
	}
	return 0
}

// blockScalar matches a line ending in a block scalar header such as |- or >+2.
func blockScalar(s string) bool {
	i := strings.LastIndexAny(s, "|>")
	if i < 0 || i == len(s)-1 {
		return false
	}
	return strings.Trim(s[i+1:], "+-0123456789") == "" && (i == 0 || s[i-1] == ' ')
}

// stripComment drops a trailing " # comment" outside quotes.
func stripComment(s string) string {
	inSingle, inDouble := false, false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			if !inDouble {
				inSingle = !inSingle
			}
		case '"':
			if !inSingle {
				inDouble = !inDouble
			}
		case '#':
			if !inSingle && !inDouble && i > 0 && s[i-1] == ' ' {
				return strings.TrimRight(s[:i], " ")
			}
		}
	}
	return s
}
