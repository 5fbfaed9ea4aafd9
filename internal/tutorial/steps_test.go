package tutorial

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// md turns a readable test document into markdown: three single quotes
// stand for the three backquotes of a fence, which a raw string cannot hold.
func md(s string) []byte { return []byte(strings.ReplaceAll(s, "'''", "```")) }

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []Step
		err  string // the error's text holds this; "" for none
	}{
		{
			name: "sh blocks run, other blocks illustrate, the editors' note is nothing",
			doc: `<!--
a note for editors, where '''sh is only text
<!-- test: skip -->
-->
'''sh
mkdir a && cd a
'''
'''go
package main
'''
'''sh
ls
'''`,
			want: []Step{{Kind: Run, Line: 5, Text: "mkdir a && cd a\n"}, {Kind: Run, Line: 11, Text: "ls\n"}},
		},
		{
			name: "markers",
			doc: `'''sh
make
'''

<!-- test: output -->

'''text
made
'''
<!-- test: file a/b.go -->
'''go
package b
'''
<!-- test: insert api.yaml after "  schemas:" -->
~~~yaml
    X: {}
~~~
<!-- test: skip -->
'''sh
helm install
'''
<!-- test: background -->
'''sh
serve
'''
<!-- test: output -->
'''
ready
'''
<!-- test: interrupt -->
<!-- test: owners app -->
| path | owner | what |
| --- | --- | --- |
| ` + "`gen/`" + ` | harness | generated |
| main.go | you | yours |`,
			want: []Step{
				{Kind: Run, Line: 1, Text: "make\n"},
				{Kind: Output, Line: 7, Text: "made\n"},
				{Kind: File, Line: 11, Path: "a/b.go", Text: "package b\n"},
				{Kind: Insert, Line: 15, Path: "api.yaml", After: "  schemas:", Text: "    X: {}\n"},
				{Kind: Background, Line: 23, Text: "serve\n"},
				{Kind: Output, Line: 27, Text: "ready\n"},
				{Kind: Interrupt, Line: 30},
				{Kind: Owners, Line: 32, Path: "app", Rows: []Row{{Line: 34, Path: "gen/", Owner: "harness"}, {Line: 35, Path: "main.go", Owner: "you"}}},
			},
		},
		{
			name: "an indented block loses its indentation",
			doc:  "1. run:\n\n   '''sh\n   go build\n     # more\n   '''\n",
			want: []Step{{Kind: Run, Line: 3, Text: "go build\n  # more\n"}},
		},
		{name: "unknown marker", doc: "<!-- test: outptu -->\n'''\nx\n'''", err: `doc.md:1: test: "outptu": no such marker`},
		{name: "text between marker and block", doc: "<!-- test: file x -->\nsome words\n'''\nx\n'''", err: "doc.md:1: test: file: the next line (2) is not its block"},
		{name: "marker at the end", doc: "'''sh\nx\n'''\n<!-- test: output -->\n", err: "doc.md:4: test: output: no block follows"},
		{name: "two markers", doc: "<!-- test: skip -->\n<!-- test: background -->\n'''sh\nx\n'''", err: "doc.md:1: test: skip: followed by another marker"},
		{name: "output of nothing", doc: "<!-- test: output -->\n'''\nx\n'''", err: "doc.md:1: test: output: the block before is no command"},
		{name: "output after a file", doc: "<!-- test: file a -->\n'''\nx\n'''\n<!-- test: output -->\n'''\nx\n'''", err: "the block before is no command"},
		{name: "background never ready", doc: "<!-- test: background -->\n'''sh\nserve\n'''\n'''sh\ncurl\n'''", err: "doc.md:2: background block not followed by the output block"},
		{name: "background never interrupted", doc: "<!-- test: background -->\n'''sh\nserve\n'''\n<!-- test: output -->\n'''\nup\n'''", err: "doc.md:2: background block never interrupted"},
		{name: "interrupt of nothing", doc: "<!-- test: interrupt -->\n", err: "doc.md:1: test: interrupt: no background block is running"},
		{name: "background of go", doc: "<!-- test: background -->\n'''go\nx\n'''", err: `test: background: the block is "go", not sh`},
		{name: "insert without a line", doc: "<!-- test: insert a.yaml -->\n'''\nx\n'''", err: `test: insert takes PATH after "LINE"`},
		{name: "file without a path", doc: "<!-- test: file -->\n'''\nx\n'''", err: "test: file takes one path"},
		{name: "output with arguments", doc: "<!-- test: output loose -->\n'''\nx\n'''", err: "test: output takes no arguments"},
		{name: "owners of a block", doc: "<!-- test: owners a -->\n'''\nx\n'''", err: "test: owners: wants a table, not a block"},
		{name: "unknown owner", doc: "<!-- test: owners a -->\n| p | o |\n| - | - |\n| x | me |", err: `doc.md:4: owner "me": harness or you`},
		{name: "block never closed", doc: "'''sh\nx\n", err: "doc.md:1: the block opened here is never closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse("doc.md", md(tt.doc))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one holding %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("steps\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	got := "building passengers with go build\n" +
		"postgres    postgres://postgres:9f1c@127.0.0.1:46375/postgres\n" +
		"passengers | {\"msg\":\"listening\"}\n" +
		"passengers  http://127.0.0.1:8000\n" +
		"ok  \tairline/backend/service\t0.011s\n"
	tests := []struct {
		name, want, err string
	}{
		{name: "lines in order, others between", want: "building passengers with go build\npassengers  http://127.0.0.1:8000\n"},
		{name: "spaces and tabs are one space", want: "passengers http://127.0.0.1:8000\nok airline/backend/service ..."},
		{name: "... stands for any text", want: "postgres postgres://postgres:...@127.0.0.1:.../postgres\n...\npassengers | ...listening..."},
		{name: "a line of ... and empty lines stand for nothing", want: "...\n\nbuilding passengers with go build\n...\n"},
		{name: "nothing wanted", want: ""},
		{name: "a line is whole, not a part", want: "building passengers", err: `no line reads "building passengers"`},
		{name: "order matters", want: "passengers http://127.0.0.1:8000\nbuilding passengers with go build", err: `no line reads "building passengers with go build" after "passengers http://127.0.0.1:8000"`},
		{name: "a line is matched once", want: "ok ...\nok ...", err: `no line reads "ok ..." after "ok airline/backend/service 0.011s"`},
		{name: "regular expression characters are text", want: "passengers | {\"msg\":\"listening\".+", err: "no line reads"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Match(tt.want, got)
			if tt.err == "" && err != nil {
				t.Fatal(err)
			}
			if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("error %v, want one holding %q", err, tt.err)
			}
		})
	}
}

func TestInsertAfter(t *testing.T) {
	spec := "openapi: 3.0.3\npaths:\n  /ping: {}\ncomponents:\n  schemas:  \n    A: {}\n"
	tests := []struct {
		name, content, after, text, want, err string
	}{
		{name: "after a top-level key", content: spec, after: "paths:", text: "  /new: {}\n",
			want: "openapi: 3.0.3\npaths:\n  /new: {}\n  /ping: {}\ncomponents:\n  schemas:  \n    A: {}\n"},
		{name: "trailing spaces of the line aside, indentation counts; a newline added", content: spec, after: "  schemas:", text: "    B: {}",
			want: "openapi: 3.0.3\npaths:\n  /ping: {}\ncomponents:\n  schemas:  \n    B: {}\n    A: {}\n"},
		{name: "the last line without newline", content: "a:", after: "a:", text: "  b: 1\n", want: "a:\n  b: 1\n"},
		{name: "no such line", content: spec, after: "schemas:", text: "x", err: `0 lines read "schemas:", not one`},
		{name: "two such lines", content: "a:\na:\n", after: "a:", text: "x", err: `2 lines read "a:", not one`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := InsertAfter([]byte(tt.content), tt.after, tt.text)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestOwnerOf(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"gen/.harness-generated": "# Files harness-generate wrote in this folder\napi_gen.go\nopenapi.json\n",
		"gen/api_gen.go":         "// Code generated by harness-generate. DO NOT EDIT.\n\npackage gen\n",
		"gen/openapi.json":       "{}\n",
		"gen/notes.go":           "package gen\n",
		"main.go":                "// Scaffolded by harness; yours to edit.\n\npackage main\n",
		"other/enum_string.go":   "// Code generated by \"stringer\"; DO NOT EDIT.\n\npackage other\n",
		"other/main_test.go":     "package other\n\n// Code generated by nobody. DO NOT EDIT.\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ path, want string }{
		{"gen", "harness"},
		{"gen/api_gen.go", "harness"},
		{"gen/openapi.json", "harness"}, // listed, though no Go file
		{"gen/notes.go", "you"},         // beside generated files, not listed
		{"main.go", "you"},
		{"other", "you"},
		{"other/enum_string.go", "harness"}, // another generator's header
		{"other/main_test.go", "you"},       // the header only counts first
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := OwnerOf(filepath.Join(dir, tt.path))
			if err != nil || got != tt.want {
				t.Errorf("OwnerOf: %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := OwnerOf(filepath.Join(dir, "absent.go")); !os.IsNotExist(err) {
		t.Errorf("absent file: %v, want not exist", err)
	}
}
