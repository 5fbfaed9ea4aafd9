// Package buildcmd is the `build` command: the solution's images, made
// without a Docker engine (package build). It is apart from package cli for
// the same reason as deploycmd: it links the registry client and the
// deployment's model, which harness-generate and harness-application do not
// need.
package buildcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/harness-sh/harness/internal/build"
	"github.com/harness-sh/harness/internal/deploy"
)

// New returns `build`.
func New() *cobra.Command {
	b := &build.Build{}
	var env, profile string
	cmd := &cobra.Command{
		Use:   "build [ROOT]...",
		Short: "Build the solution's images and push them, without a Docker engine",
		Long: `Builds the image of every application of the solution (default: the current
folder; later ROOTs win, as in harness-deployment), and the base and common images
they build on, in dependency order, then pushes them to REGISTRY (-r) or writes
them to an OCI layout (--oci-layout).

Each image is named and tagged exactly as harness-deployment names it in the
chart: the same registry, the content hash of its sources as the tag (or -t). An
image whose tag the registry already has is not rebuilt. Go applications are
compiled by the Go toolchain (CGO_ENABLED=0, -trimpath) and laid on the base of
their Dockerfile's final stage: FROM scratch gives harness's minimal base (CA
certificates and the non-root user 65532, nothing else). Other Dockerfiles are
built with buildah, podman or docker buildx, whichever is installed.

One line per image goes to stdout, REF@DIGEST and whether it was built; the
digests are recorded in OUTPUT/images.json, which harness-deployment --pin reads.
Registry credentials are those of docker login (~/.docker/config.json).`,
		Example: `  # every image of the solution, to a registry
  harness build -r registry.example.com/shop
  # one application and what it builds on, for two platforms
  harness build -a orders -r registry.example.com/shop --platform linux/amd64,linux/arm64
  # into an OCI layout on disk, no registry needed
  harness build --oci-layout ./images
  # then the chart, naming the images by the digests just pushed
  harness-deployment -r registry.example.com/shop --pin`,
		RunE: func(cmd *cobra.Command, args []string) error {
			b.Solution.Roots = args
			b.Solution.Envs = deploy.ParseEnvs(env)
			b.Out, b.Err = cmd.OutOrStdout(), cmd.ErrOrStderr()
			if profile != "" {
				p, err := deploy.LoadProfile(args, profile)
				if err != nil {
					return err
				}
				p.Apply(&b.Solution, func(flag string) bool { return cmd.Flags().Changed(flag) })
				fmt.Fprintf(b.Err, "-p %s (%s): registry %q, tag %q, environments %v, excluded %v\n",
					profile, p.File, b.Solution.Registry, b.Solution.Tag, b.Solution.Envs, b.Solution.Exclude)
			}
			_, err := b.Run(cmd.Context())
			return err
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&b.Apps, "app", "a", nil, "build only this application's images and what they build on (repeatable)")
	f.StringVarP(&b.Solution.Registry, "registry", "r", "", "registry to push to, as given to harness-deployment -r")
	f.StringVarP(&b.Solution.Tag, "tag", "t", "", "tag every image with this instead of its content hash (always rebuilt and pushed)")
	f.StringArrayVar(&b.AddTags, "add-tag", nil, "also tag every image with this, e.g. the commit (repeatable; the chart keeps the content hash)")
	f.StringVar(&b.OCILayout, "oci-layout", "", "write the images into this OCI image layout folder instead of pushing")
	f.StringSliceVar(&b.Platforms, "platform", nil, "platforms, comma-separated (default linux/amd64)")
	f.StringVarP(&env, "env", "e", "", "environment(s), as harness-deployment -e: loads values-ENV.yaml")
	f.StringArrayVar(&b.Solution.Exclude, "exclude", nil, "leave this application out (-ex, repeatable)")
	f.StringVarP(&profile, "profile", "p", "", "take the registry, tag, environments and exclusions not given from ROOT/"+deploy.ProfilesDir+"/PROFILE.yaml")
	f.StringVarP(&b.Output, "output", "o", "./deployment", "folder of images.json, the record of the digests built")
	return cmd
}
