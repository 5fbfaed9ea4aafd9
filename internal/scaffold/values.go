package scaffold

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/harness-sh/harness/internal/yamlindent"
	"github.com/harness-sh/harness/runtime/values"
)

// checkLayers checks each template's values files on their own, as
// harness-deployment will read them once merged: YAML syntax, duplicate
// keys, known keys of a wrong type are errors at the template's own file and
// line (the merged file's lines say nothing of where the mistake is). An
// unknown key inside harness: is a warning, as harness-deployment lets it
// through to the chart.
func checkLayers(tpls []Template, data Data) (warnings []string, err error) {
	for _, t := range tpls {
		err := fs.WalkDir(t.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return templateErr(t, p, err)
			}
			if d.IsDir() || !isValuesFile(renderedName(p, data)) {
				return nil
			}
			if info, err := d.Info(); err != nil || info.Size() > MaxTemplateFile {
				return err // Render reports the size
			}
			raw, err := fs.ReadFile(t.FS, p)
			if err != nil {
				return templateErr(t, p, err)
			}
			_, content, err := renderFile(p, raw, data)
			if err != nil {
				return nil // Render reports a template's error, with its name
			}
			opts := values.Options{File: templateFile(t, p), Unknown: func(u values.UnknownKey) {
				warnings = append(warnings, u.Error.Error()+": kept; harness-deployment passes it through to the chart")
			}}
			n, err := values.Parse(content, opts)
			err = yamlindent.Place(err, content)
			if err == nil {
				_, err = values.DecodeAppNode(n, opts)
			}
			if err != nil && (t.Origin == "" || t.Origin == "embedded") {
				return fmt.Errorf("template %s: %w", t.Name, err)
			}
			return err // a solution template's file is named in the error
		})
		if err != nil {
			return nil, err
		}
	}
	return warnings, nil
}

// templateFile names a template's file in messages: its path on disk for a
// solution's template, its path in the template for harness's own.
func templateFile(t Template, p string) string {
	if t.Origin != "" && t.Origin != "embedded" {
		return filepath.Join(t.Origin, filepath.FromSlash(p))
	}
	return p
}

// isValuesFile matches deploy/values.yaml and deploy/values-ENV.yaml.
func isValuesFile(p string) bool {
	env, ok := strings.CutPrefix(p, "deploy/values-")
	return p == "deploy/values.yaml" || (ok && strings.HasSuffix(env, ".yaml") && len(env) > len(".yaml"))
}
