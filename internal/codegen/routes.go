package codegen

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/harness-sh/harness/internal/openapi"
)

// checkRoutes registers every operation's route on a throwaway ServeMux, the
// way the generated server will, so that two paths ServeMux cannot tell apart
// (neither more specific than the other) fail at generation with the spec's
// file and line, not as a panic when the user's server starts.
func checkRoutes(spec *openapi.Spec, ops []*Op) openapi.Errors {
	var errs openapi.Errors
	mux := http.NewServeMux()
	owner := map[string]*Op{}
	noop := func(http.ResponseWriter, *http.Request) {}
	for _, op := range ops {
		if conflict := register(mux, op.Route, noop); conflict != "" {
			errs = append(errs, spec.Locate("paths."+op.Path+"."+strings.ToLower(op.Method), "%s", describeConflict(op, owner, conflict)))
			continue
		}
		owner[op.Route] = op
	}
	return errs
}

// register returns ServeMux's complaint about pattern, or "".
func register(mux *http.ServeMux, pattern string, h http.HandlerFunc) (conflict string) {
	defer func() {
		if r := recover(); r != nil {
			conflict = fmt.Sprint(r)
		}
	}()
	mux.HandleFunc(pattern, h)
	return ""
}

var (
	otherPattern = regexp.MustCompile(`conflicts with pattern "([^"]+)"`)
	examplePath  = regexp.MustCompile(`like "([^"]+)"`)
)

// describeConflict turns ServeMux's panic text into a message in the spec's
// terms: the two operations and a request path both would match.
func describeConflict(op *Op, owner map[string]*Op, conflict string) string {
	other := "another operation"
	if m := otherPattern.FindStringSubmatch(conflict); m != nil {
		if o, ok := owner[m[1]]; ok {
			other = o.Method + " " + o.Path
		}
	}
	msg := fmt.Sprintf("%s %s and %s cannot be routed apart (Go's ServeMux finds neither more specific)", op.Method, op.Path, other)
	if m := examplePath.FindStringSubmatch(conflict); m != nil {
		msg += fmt.Sprintf(": both match %s", m[1])
	} else {
		msg += ": they match the same requests"
	}
	return msg + "; rename a literal segment or merge the operations"
}
