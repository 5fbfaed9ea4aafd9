package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewApplicationCmd returns `application`. Placeholder until scaffolding lands.
func NewApplicationCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "application NAME",
		Short: "Scaffold a new application from templates",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("application: not implemented yet")
		},
	}
}
