package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewGenerateCmd returns `generate`. Placeholder until the generator lands.
func NewGenerateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "generate {servers|clients|all}",
		Short: "Regenerate Go servers and clients from each application's OpenAPI file",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("generate: not implemented yet")
		},
	}
}
