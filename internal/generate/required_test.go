package generate

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"text/template"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/harness-sh/harness/internal/codegen"
	"github.com/harness-sh/harness/internal/names"
	"github.com/harness-sh/harness/internal/openapi"
)

// The zero-answer test: for every JSON response of every operation of a
// set of specs, the generated server is sent a valid request (the
// differential test's baseline) and answers with the response type's zero
// value. Every required property of the response schema must be in the
// body, at every depth the zero value reaches, and a required list or
// object must not be null: a client reading the spec counts on them.

// zeroCase is one request and the response variant the service answers.
type zeroCase struct {
	diffCase
	Answer string              `json:"answer"` // the Go response type
	schema *openapi3.Schema    // of the answer's body
	op     *openapi3.Operation // for messages
}

// zeroRunner serves each case through the app's generated handler with a
// service answering the zero value of the case's response type, and
// writes each case's status and body to $ZERO_OUT.
var zeroRunner = template.Must(template.New("zerotest").Parse(`package zerotest

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

// answer is the response type the services answer with, set per case.
var answer string
{{range $a := .}}
type zero{{.Ident}} struct{ {{.Pkg}}.Unimplemented{{.Ident}} }
{{range .Ops}}
func (zero{{$a.Ident}}) {{.Name}}(context.Context, {{$a.Pkg}}.{{.Request}}) ({{$a.Pkg}}.{{.Response}}, error) {
	switch answer { {{range .Answers}}
	case {{printf "%q" .}}:
		return &{{$a.Pkg}}.{{.}}{}, nil{{end}}
	}
	return nil, {{$a.Pkg}}.ErrNotImplemented
}
{{end}}{{end}}
type zeroCase struct {
	ID     string            ` + "`json:\"id\"`" + `
	App    string            ` + "`json:\"app\"`" + `
	Method string            ` + "`json:\"method\"`" + `
	URL    string            ` + "`json:\"url\"`" + `
	Header map[string]string ` + "`json:\"header\"`" + `
	Body   *string           ` + "`json:\"body\"`" + `
	Answer string            ` + "`json:\"answer\"`" + `
}

type result struct {
	Status int    ` + "`json:\"status\"`" + `
	Body   string ` + "`json:\"body\"`" + `
}

func TestZeroAnswers(t *testing.T) {
	out := os.Getenv("ZERO_OUT")
	if out == "" {
		t.Skip("run by the harness zero-answer test")
	}
	data, err := os.ReadFile("cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []zeroCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	handlers := map[string]http.Handler{ {{range .}}
		"{{.App}}": {{.Pkg}}.NewHandler(&zero{{.Ident}}{}, {{.Pkg}}.Options{Logger: quiet, Authenticate: func(ctx context.Context, _ {{.Pkg}}.Credentials) (context.Context, error) { return ctx, nil }}),{{end}}
	}
	results := map[string]result{}
	for _, c := range cases {
		var body io.Reader
		if c.Body != nil {
			body = strings.NewReader(*c.Body)
		}
		req := httptest.NewRequest(c.Method, c.URL, body)
		for k, v := range c.Header {
			req.Header.Set(k, v)
		}
		answer = c.Answer
		rec := httptest.NewRecorder()
		handlers[c.App].ServeHTTP(rec, req)
		results[c.ID] = result{rec.Code, rec.Body.String()}
	}
	data, err = json.Marshal(results)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
`))

type zeroTest struct {
	cases []zeroCase
	out   string
}

// prepareZeroAnswers writes the cases of apps and the runner in
// root/zerotest; check, called after the solution's go test, reads the
// answers.
func prepareZeroAnswers(t *testing.T, root string, apps []string) *zeroTest {
	t.Helper()
	z := &zeroTest{out: filepath.Join(t.TempDir(), "answers.json")}
	type zop struct {
		Name, Request, Response string
		Answers                 []string
	}
	type imp struct {
		App, Pkg, Ident string
		Ops             []zop
	}
	var imps []imp
	for _, app := range apps {
		spec, err := openapi.Load(context.Background(), filepath.Join(root, "applications", app, "api", "openapi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		pkg := names.GoPackage(app)
		m, err := codegen.Build(spec, app, "example.com/solution/applications/"+app+"/backend/"+pkg)
		if err != nil {
			t.Fatal(err)
		}
		g := newDiffGen(app, spec)
		g.operations()
		valid := map[string]diffCase{} // by method and path
		for _, c := range g.cases {
			if c.What == "valid" && c.KinOK && c.skipped == "" {
				valid[c.Method+" "+c.Path] = c
			}
		}
		im := imp{App: app, Pkg: pkg, Ident: names.GoIdent(app)}
		for _, op := range m.Ops {
			base, ok := valid[op.Method+" "+op.Path]
			if !ok {
				continue
			}
			sop := spec.Doc.Paths.Value(op.Path).GetOperation(op.Method)
			o := zop{Name: op.Name, Request: op.Request(), Response: op.Response()}
			for _, r := range op.Responses {
				if r.Kind != "json" {
					continue
				}
				rr := sop.Responses.Value(r.Status)
				if rr == nil || rr.Value == nil || rr.Value.Content[r.ContentType] == nil || rr.Value.Content[r.ContentType].Schema == nil {
					continue
				}
				c := zeroCase{diffCase: base, Answer: r.Type, schema: rr.Value.Content[r.ContentType].Schema.Value, op: sop}
				c.ID = fmt.Sprintf("%s/%d", app, len(z.cases))
				z.cases = append(z.cases, c)
				o.Answers = append(o.Answers, r.Type)
			}
			if len(o.Answers) > 0 {
				im.Ops = append(im.Ops, o)
			}
		}
		imps = append(imps, im)
	}
	writeRunner(t, filepath.Join(root, "zerotest"), "zero_test.go", z.cases, zeroRunner, imps)
	return z
}

func (z *zeroTest) check(t *testing.T) {
	t.Helper()
	var results map[string]struct {
		Status int
		Body   string
	}
	readResults(t, z.out, "zero-answer", &results)
	required, apps := 0, map[string]bool{}
	for _, c := range z.cases {
		r, ok := results[c.ID]
		if !ok {
			t.Errorf("%s: no answer", c.ID)
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
			t.Errorf("%s %s answering %s: status %d, body is not JSON: %v\n%s", c.App, c.Op, c.Answer, r.Status, err, r.Body)
			continue
		}
		apps[c.App] = true
		n, problems := checkRequired(c.schema, v, "body", 0)
		required += n
		for _, p := range problems {
			t.Errorf("%s %s answering the zero %s: %s\n  %s", c.App, c.Op, c.Answer, p, r.Body)
		}
	}
	t.Logf("zero answers: %d responses of %d apps, %d required properties checked", len(z.cases), len(apps), required)
	if len(z.cases) < 50 || required < 50 {
		t.Errorf("too few cases to prove anything: %d responses, %d required properties", len(z.cases), required)
	}
}

// checkRequired reports the required properties missing from v, and the
// non-nullable lists and objects that are null, wherever s describes v;
// n counts the required properties checked.
func checkRequired(s *openapi3.Schema, v any, path string, depth int) (n int, problems []string) {
	if s == nil || depth > 12 || len(s.OneOf)+len(s.AnyOf) > 0 {
		return 0, nil // a union's zero value is null: which variant is unknown
	}
	for _, sub := range s.AllOf {
		if sub.Value != nil {
			k, ps := checkRequired(sub.Value, v, path, depth+1)
			n, problems = n+k, append(problems, ps...)
		}
	}
	if v == nil {
		if (s.Type.Is("array") || s.Type.Is("object")) && !s.Nullable {
			problems = append(problems, path+" is null, want "+s.Type.Slice()[0])
		}
		return n, problems
	}
	switch x := v.(type) {
	case map[string]any:
		for _, r := range s.Required {
			if p := s.Properties[r]; p != nil && p.Value != nil && p.Value.WriteOnly {
				continue
			}
			n++
			if _, ok := x[r]; !ok {
				problems = append(problems, path+"."+r+" is required but missing")
			}
		}
		for k, p := range s.Properties {
			if e, ok := x[k]; ok && p.Value != nil {
				cn, ps := checkRequired(p.Value, e, path+"."+k, depth+1)
				n, problems = n+cn, append(problems, ps...)
			}
		}
	case []any:
		if s.Items != nil && s.Items.Value != nil {
			for i, e := range x {
				cn, ps := checkRequired(s.Items.Value, e, fmt.Sprintf("%s[%d]", path, i), depth+1)
				n, problems = n+cn, append(problems, ps...)
			}
		}
	}
	return n, problems
}
