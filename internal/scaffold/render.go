package scaffold

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"text/template"

	"github.com/harness-sh/harness/internal/fileset"
)

// Data is what templates see. Everything is computed in Go; templates only
// print it.
type Data struct {
	Name        string   // application name: my-app
	Package     string   // Go package of the generated code: myapp
	Ident       string   // exported Go identifier: MyApp
	ValuesKey   string   // key under .Values.apps: my_app
	Templates   []string // templates merged, base first
	Module      string   // Go module path of the solution
	ImportPath  string   // Go import path of the app's backend/ folder
	RuntimeDir  string   // runtime module folder, relative to the solution's go.mod
	GoVersion   string   // go directive of the solution
	HasGo       bool     // a template brings Go code
	HasAPI      bool     // a template brings api/openapi.yaml
	HasFrontend bool     // a template brings frontend/
	// Database is the engine (postgres, mongo, neo4j) of the database
	// template whose code the service is scaffolded with: set when a db-*
	// template joins a Go server of the template's own API (go-server), not
	// with --openapi, whose service harness cannot know how to store.
	Database string
}

// databasePrefix names the database templates: db-postgres, db-mongo,
// db-neo4j, or a solution's own db-*.
const databasePrefix = "db-"

func isDatabase(t Template) bool { return strings.HasPrefix(t.Name, databasePrefix) }

// otherDatabase reports whether t is a database template other than the
// one whose code the service is scaffolded with (Data.Database: the last
// one named, or none). Its code is left out, and so are its modules: with
// two database templates, the service is one database's code, not a mix of
// two drivers' files.
func otherDatabase(t Template, d Data) bool {
	return isDatabase(t) && strings.TrimPrefix(t.Name, databasePrefix) != d.Database
}

// moduleDir holds what a template adds to the solution's go.mod and go.sum
// (see module.go); it is not written into the application.
const moduleDir = ".module/"

// databaseCode is the part of a database template that is code for the
// service: left out unless it is Data.Database's (otherDatabase).
func databaseCode(p string) bool {
	return strings.HasPrefix(p, "backend/") || strings.HasPrefix(p, "deploy/templates/")
}

// renderOrder is tpls with the database templates last (in their order):
// their service code replaces go-server's whatever order the user named
// them in.
func renderOrder(tpls []Template) []Template {
	out := make([]Template, 0, len(tpls))
	for _, db := range []bool{false, true} {
		for _, t := range tpls {
			if isDatabase(t) == db {
				out = append(out, t)
			}
		}
	}
	return out
}

// MaxTemplateFile bounds a template file's size, so that a stray junk file
// fails at once instead of being parsed and merged.
const MaxTemplateFile = 4 << 20

// placeholder is CloudHarness's marker for the application name in template
// file names and contents.
const placeholder = "__APP_NAME__"

var funcs = template.FuncMap{"join": strings.Join}

// Render merges the templates' files, in order (database templates last),
// into one tree: YAML and JSON files deep-merge, other files are replaced by
// later templates. Files ending in .tmpl are rendered as Go text/templates;
// a file that renders to nothing but space is left out, and so is a database
// template's code unless it is Data.Database's.
func Render(tpls []Template, data Data) (*fileset.Set, error) {
	out := fileset.New()
	for _, t := range renderOrder(tpls) {
		err := fs.WalkDir(t.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return templateErr(t, p, err)
			}
			if d.IsDir() {
				return nil
			}
			if strings.HasPrefix(p, moduleDir) || (otherDatabase(t, data) && databaseCode(p)) {
				return nil
			}
			if info, err := d.Info(); err == nil && info.Size() > MaxTemplateFile {
				return fmt.Errorf("template %s: %s: %d bytes; template files are limited to %d", t.Name, p, info.Size(), MaxTemplateFile)
			}
			raw, err := fs.ReadFile(t.FS, p)
			if err != nil {
				return templateErr(t, p, err)
			}
			name, content, err := renderFile(p, raw, data)
			if err != nil {
				return templateErr(t, p, err)
			}
			if name == "" {
				return nil
			}
			mode := fs.FileMode(0o644)
			if info, err := d.Info(); err == nil && info.Mode()&0o111 != 0 {
				mode = 0o755
			}
			if err := out.Merge(name, content, mode); err != nil {
				return fmt.Errorf("template %s: %s: %w", t.Name, templateFile(t, p), err)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// goTemplateLine matches text/template's "template: NAME:LINE[:COL]: MSG".
var goTemplateLine = regexp.MustCompile(`^template: [^:]+:(\d+)(?::\d+)?: (.*)$`)

// templateErr places an error met in file p of template t: a solution's
// template by the file's path and, for a Go template's error, its line;
// harness's own by the template's name and the path inside it.
func templateErr(t Template, p string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = fmt.Errorf("cannot read: %w", pe.Err)
	}
	where := templateFile(t, p)
	if t.Origin == "" || t.Origin == "embedded" {
		where = fmt.Sprintf("template %s: %s", t.Name, p)
	}
	if m := goTemplateLine.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s:%s: %s", where, m[1], m[2])
	}
	return fmt.Errorf("%s: %w", where, err)
}

// renderedName is the path a template's file p is written to.
func renderedName(p string, data Data) string {
	return strings.TrimSuffix(strings.ReplaceAll(p, placeholder, data.Name), ".tmpl")
}

func renderFile(p string, raw []byte, data Data) (string, []byte, error) {
	name := renderedName(p, data)
	if !strings.HasSuffix(p, ".tmpl") {
		return name, bytes.ReplaceAll(raw, []byte(placeholder), []byte(data.Name)), nil
	}
	tpl, err := template.New(path.Base(p)).Funcs(funcs).Option("missingkey=error").Parse(string(raw))
	if err != nil {
		return "", nil, err
	}
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, data); err != nil {
		return "", nil, err
	}
	if len(bytes.TrimSpace(buf.Bytes())) == 0 {
		return "", nil, nil
	}
	if strings.HasSuffix(name, ".go") {
		// Imports sort by path, which the module's path decides: gofmt
		// the result rather than the template.
		src, err := format.Source(buf.Bytes())
		if err != nil {
			return "", nil, fmt.Errorf("rendered Go does not parse: %w", err)
		}
		return name, src, nil
	}
	return name, buf.Bytes(), nil
}

// has reports whether any template holds a file matching pred.
func has(tpls []Template, pred func(string) bool) bool {
	for _, t := range tpls {
		found := false
		_ = fs.WalkDir(t.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && pred(p) {
				found = true
				return fs.SkipAll
			}
			return nil
		})
		if found {
			return true
		}
	}
	return false
}
