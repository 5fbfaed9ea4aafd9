package scaffold

import (
	"strings"

	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/runtime/values"
)

// checkValues decodes the merged values files strictly, so that a broken
// template fails here, naming file, line and key, instead of at deployment.
func checkValues(files *fileset.Set, app string) error {
	for _, p := range files.Paths() {
		if !isValuesFile(p) {
			continue
		}
		f, _ := files.Get(p)
		if _, err := values.DecodeApp(f.Data, values.Options{File: "applications/" + app + "/" + p}); err != nil {
			return err
		}
	}
	return nil
}

// isValuesFile matches deploy/values.yaml and deploy/values-ENV.yaml.
func isValuesFile(p string) bool {
	env, ok := strings.CutPrefix(p, "deploy/values-")
	return p == "deploy/values.yaml" || (ok && strings.HasSuffix(env, ".yaml") && len(env) > len(".yaml"))
}
