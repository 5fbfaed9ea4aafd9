package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

// NewDeploymentCmd returns `deployment`. Placeholder until the chart builder lands.
func NewDeploymentCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "deployment [ROOT]...",
		Short: "Build one verified Helm chart for the whole solution",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("deployment: not implemented yet")
		},
	}
}
