package scaffold

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
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
}

// MaxTemplateFile bounds a template file's size, so that a stray junk file
// fails at once instead of being parsed and merged.
const MaxTemplateFile = 4 << 20

// placeholder is CloudHarness's marker for the application name in template
// file names and contents.
const placeholder = "__APP_NAME__"

var funcs = template.FuncMap{"join": strings.Join}

// Render merges the templates' files, in order, into one tree: YAML and JSON
// files deep-merge, other files are replaced by later templates. Files ending
// in .tmpl are rendered as Go text/templates; a file that renders to nothing
// but space is left out.
func Render(tpls []Template, data Data) (*fileset.Set, error) {
	out := fileset.New()
	for _, t := range tpls {
		err := fs.WalkDir(t.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if info, err := d.Info(); err == nil && info.Size() > MaxTemplateFile {
				return fmt.Errorf("template %s: %s: %d bytes; template files are limited to %d", t.Name, p, info.Size(), MaxTemplateFile)
			}
			raw, err := fs.ReadFile(t.FS, p)
			if err != nil {
				return err
			}
			name, content, err := renderFile(p, raw, data)
			if err != nil {
				return fmt.Errorf("template %s: %s: %w", t.Name, p, err)
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
