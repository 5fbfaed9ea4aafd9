package codegen

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/harness-sh/harness/internal/openapi"
)

// RouteGroup is a set of operations net/http's ServeMux cannot route apart
// (same method, each more specific than the other somewhere, as
// /issues/comments/{id} and /issues/{index}/labels). One pattern that
// covers them all is registered, and a generated dispatcher tries each
// operation's path regexp, the most literal first.
type RouteGroup struct {
	Name    string // the dispatcher method
	Pattern string // the ServeMux pattern covering the group
	Ops     []*Op  // most literal first
}

// OpList names the group's operations for the access log: A|B|C.
func (g *RouteGroup) OpList() string {
	names := make([]string, len(g.Ops))
	for i, op := range g.Ops {
		names[i] = op.Name
	}
	return strings.Join(names, "|")
}

// group is a set of operations being grouped, and the pattern covering them.
type group struct {
	ops     []*Op
	pattern string
}

// groupRoutes registers every operation's route on a throwaway ServeMux, the
// way the generated server will. Operations whose routes conflict are
// grouped under one covering pattern (which may in turn conflict and grow
// the group). Two routes that match exactly the same requests are grouped
// too, the second never reached, with a warning at its line: the spec is
// served as other generators serve it. Routes that cannot be grouped (of
// other methods or lengths) fail at generation with the spec's file and
// line, not as a panic when the user's server starts.
func groupRoutes(spec *openapi.Spec, base string, ops []*Op) ([]*RouteGroup, openapi.Errors, openapi.Errors) {
	groups := make([]*group, len(ops))
	for i, op := range ops {
		groups[i] = &group{ops: []*Op{op}, pattern: op.Route}
	}
	noop := func(http.ResponseWriter, *http.Request) {}
	var errs, warns openapi.Errors
	for merged := true; merged; {
		merged = false
		mux := http.NewServeMux()
		owner := map[string]*group{}
		for i, g := range groups {
			conflict := register(mux, g.pattern, noop)
			if conflict == "" {
				owner[g.pattern] = g
				continue
			}
			var other *group
			if m := otherPattern.FindStringSubmatch(conflict); m != nil {
				other = owner[m[1]]
			}
			if pattern, shadowed, ok := cover(base, other, g); ok {
				for _, op := range shadowed {
					warns = append(warns, spec.Locate("paths."+op.Path+"."+strings.ToLower(op.Method),
						"%s %s matches the same requests as another operation of the same method, which ServeMux cannot tell apart; the first in the dispatch order answers them", op.Method, op.Path))
				}
				other.ops = append(other.ops, g.ops...)
				other.pattern = pattern
				groups = append(groups[:i], groups[i+1:]...)
				merged = true
				break
			}
			op := g.ops[0]
			errs = append(errs, spec.Locate("paths."+op.Path+"."+strings.ToLower(op.Method), "%s", describeConflict(op, other, conflict)))
			groups = append(groups[:i], groups[i+1:]...)
			merged = len(errs) < 20 // report, then go on looking for more
			break
		}
	}
	var out []*RouteGroup
	for _, g := range groups {
		if len(g.ops) < 2 {
			continue
		}
		sort.SliceStable(g.ops, func(i, j int) bool { return moreLiteral(g.ops[i], g.ops[j]) })
		for _, op := range g.ops {
			op.Grouped = true
			op.SegmentPattern, op.SegmentParams = op.pathRE, op.pathREParams
		}
		out = append(out, &RouteGroup{Name: "dispatch" + g.ops[0].Name, Pattern: g.pattern, Ops: g.ops})
	}
	return out, errs, warns
}

// cover returns the pattern covering both groups' operations: their common
// literal segments, a wildcard where they differ, and the operations of b
// whose paths have the same regexp as another's (they match the same
// requests). Groups of different methods or lengths are not covered.
func cover(base string, a, b *group) (string, []*Op, bool) {
	if a == nil {
		return "", nil, false
	}
	all := append(append([]*Op{}, a.ops...), b.ops...)
	first := all[0]
	segs := append([]string{}, first.routeSegs...)
	shapes := map[string]bool{}
	var shadowed []*Op
	for i, op := range all {
		if op.Method != first.Method || len(op.routeSegs) != len(segs) || strings.HasSuffix(op.Route, "{$}") {
			return "", nil, false
		}
		for i, s := range op.routeSegs {
			if s != segs[i] {
				segs[i] = "{_g" + strconv.Itoa(i) + "}"
			}
		}
		key := strings.Join(op.reSegs, "/")
		if shapes[key] && i >= len(a.ops) {
			shadowed = append(shadowed, op)
		}
		shapes[key] = true
	}
	return first.Method + " " + base + "/" + strings.Join(segs, "/"), shadowed, true
}

// moreLiteral orders a group's operations: at the first segment where they
// differ in kind, a literal segment comes before one mixing text and
// parameters ({index}.{type}), which comes before a bare parameter.
func moreLiteral(a, b *Op) bool {
	for i := range a.routeSegs {
		if ka, kb := segKind(a, i), segKind(b, i); ka != kb {
			return ka > kb
		}
	}
	return false
}

func segKind(op *Op, i int) int {
	switch {
	case !strings.HasPrefix(op.routeSegs[i], "{"):
		return 2
	case op.reSegs[i] != "([^/]+)":
		return 1
	}
	return 0
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
func describeConflict(op *Op, owner *group, conflict string) string {
	other := "another operation"
	if owner != nil {
		o := owner.ops[0]
		other = o.Method + " " + o.Path
	}
	msg := fmt.Sprintf("%s %s and %s cannot be routed apart (Go's ServeMux finds neither more specific)", op.Method, op.Path, other)
	if m := examplePath.FindStringSubmatch(conflict); m != nil {
		msg += fmt.Sprintf(": both match %s", m[1])
	} else {
		msg += ": they match the same requests"
	}
	return msg + "; rename a literal segment or merge the operations"
}
