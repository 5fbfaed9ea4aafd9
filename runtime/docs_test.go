package runtime

import (
	"bytes"
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the examples in docs/runtime.md from example_test.go")

const runtimeDoc = "../docs/runtime.md"

// exampleBodies returns each Example function's body from example_test.go,
// dedented, as the docs show it.
func exampleBodies(t *testing.T) map[string]string {
	t.Helper()
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "example_test.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || !strings.HasPrefix(fn.Name.Name, "Example") {
			continue
		}
		body := string(src[fset.Position(fn.Body.Lbrace).Offset+1 : fset.Position(fn.Body.Rbrace).Offset])
		lines := strings.Split(strings.Trim(body, "\n"), "\n")
		for i, l := range lines {
			lines[i] = strings.TrimPrefix(l, "\t")
		}
		out[fn.Name.Name] = strings.Join(lines, "\n") + "\n"
	}
	return out
}

var exampleBlock = regexp.MustCompile("(?s)<!-- example (Example\\w*) -->\n```go\n(.*?)```\n")

// TestDocsExamples: every code block of docs/runtime.md is an Example
// function of example_test.go, which go test compiles and runs, and every
// example is in the docs.
func TestDocsExamples(t *testing.T) {
	doc, err := os.ReadFile(runtimeDoc)
	if err != nil {
		t.Fatal(err)
	}
	bodies := exampleBodies(t)
	shown := map[string]bool{}
	var stale []string
	out := exampleBlock.ReplaceAllFunc(doc, func(m []byte) []byte {
		sub := exampleBlock.FindSubmatch(m)
		name := string(sub[1])
		shown[name] = true
		body, ok := bodies[name]
		if !ok {
			t.Errorf("docs/runtime.md shows %s, which example_test.go does not define", name)
			return m
		}
		if string(sub[2]) != body {
			stale = append(stale, name)
		}
		return []byte("<!-- example " + name + " -->\n```go\n" + body + "```\n")
	})
	for name := range bodies {
		if !shown[name] {
			t.Errorf("%s is not shown in docs/runtime.md (add <!-- example %s --> and a go block)", name, name)
		}
	}
	if *update {
		if !bytes.Equal(out, doc) {
			if err := os.WriteFile(runtimeDoc, out, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	if len(stale) > 0 {
		t.Errorf("docs/runtime.md differs from example_test.go in %v: run go test ./runtime -run TestDocsExamples -update", stale)
	}
}
