package build

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/harness-sh/harness/internal/deploy"
)

// engine builds the images harness does not compile itself, from their
// Dockerfiles: buildah, podman, or docker with buildx, whichever the machine
// has first.
type engine struct {
	name string
	path string
}

// engines in the order they are looked for: the two that need no daemon
// first.
var engines = []string{"buildah", "podman", "docker"}

func findEngine(lookPath func(string) (string, error), plan []deploy.Image, apps []string) (*engine, error) {
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	for _, n := range engines {
		if p, err := lookPath(n); err == nil {
			return &engine{name: n, path: p}, nil
		}
	}
	var need []string
	for _, img := range plan {
		if img.GoMain == "" {
			need = append(need, fmt.Sprintf("%s (%s)", img.Name, relPath(img.Dockerfile)))
		}
	}
	return nil, fmt.Errorf("no image build engine on this machine (%s): these images are built from their Dockerfiles, not compiled by harness:\n  %s",
		strings.Join(engines, ", "), strings.Join(need, "\n  "))
}

// buildArg is the build argument CloudHarness passes an image's base as:
// cloudharness-base is CLOUDHARNESS_BASE.
func buildArg(image string) string {
	return strings.ToUpper(strings.ReplaceAll(image, "-", "_"))
}

// build builds img from its Dockerfile, its bases passed as build
// arguments, and pushes it to dest; it returns the digest dest then holds.
func (e *engine) build(ctx context.Context, img deploy.Image, built map[string]string, dest destination, log io.Writer) (string, error) {
	tmp, err := os.MkdirTemp("", "harness-engine-*")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	digestFile := filepath.Join(tmp, "digest")
	var args []string
	for _, dep := range img.Deps {
		args = append(args, "--build-arg", buildArg(dep)+"="+built[dep])
	}
	args = append(args, "-f", img.Dockerfile, "-t", img.Ref)
	insecure := false
	if r, err := name.ParseReference(img.Ref); err == nil {
		insecure = r.Context().Registry.Scheme() == "http"
	}
	target := dest.engineTarget(img.Ref)
	if e.name == "docker" {
		if strings.HasPrefix(target, "oci:") {
			return "", fmt.Errorf("%s: docker cannot write into an OCI layout: push to a registry with -r, or use buildah or podman", img.Name)
		}
		return e.buildx(ctx, img, args, tmp, dest, log)
	}
	// buildah and podman take the same arguments.
	verb := "bud"
	if e.name == "podman" {
		verb = "build"
	}
	push := []string{"push", "--digestfile", digestFile}
	if insecure {
		// The bases come from the same registry as the image goes to.
		args = append(args, "--tls-verify=false")
		push = append(push, "--tls-verify=false")
	}
	steps := [][]string{
		append(append([]string{verb}, args...), img.Context),
		append(push, img.Ref, target),
	}
	for _, s := range steps {
		if err := e.run(ctx, img, log, s); err != nil {
			return "", err
		}
	}
	data, err := os.ReadFile(digestFile)
	if err != nil {
		return "", fmt.Errorf("%s: %s push left no digest: %w", img.Name, e.name, err)
	}
	return e.verify(ctx, img, strings.TrimSpace(string(data)), dest)
}

// buildx builds and pushes img with docker buildx, which reports the
// pushed digest in its metadata file rather than a digest file.
func (e *engine) buildx(ctx context.Context, img deploy.Image, args []string, tmp string, dest destination, log io.Writer) (string, error) {
	meta := filepath.Join(tmp, "metadata.json")
	if err := e.run(ctx, img, log, append(append([]string{"buildx", "build", "--push", "--metadata-file", meta}, args...), img.Context)); err != nil {
		return "", err
	}
	data, err := os.ReadFile(meta)
	if err != nil {
		return "", fmt.Errorf("%s: docker buildx left no metadata: %w", img.Name, err)
	}
	var m struct {
		Digest string `json:"containerimage.digest"`
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Digest == "" {
		return "", fmt.Errorf("%s: docker buildx's metadata names no digest", img.Name)
	}
	return e.verify(ctx, img, m.Digest, dest)
}

// verify checks that dest serves digest under img's reference: an engine's
// word alone does not make an image pushed.
func (e *engine) verify(ctx context.Context, img deploy.Image, digest string, dest destination) (string, error) {
	got, found, err := dest.find(ctx, img.Ref)
	if err != nil {
		return "", err
	}
	if !found {
		return "", fmt.Errorf("%s: %s reported a push, but %s is not there", img.Name, e.name, img.Ref)
	}
	if got != digest {
		return "", fmt.Errorf("%s: %s pushed %s, but %s is %s", img.Name, e.name, digest, img.Ref, got)
	}
	return got, nil
}

// run runs the engine, its output going to log, and quotes the end of it
// in the error when it fails.
func (e *engine) run(ctx context.Context, img deploy.Image, log io.Writer, args []string) error {
	cmd := exec.CommandContext(ctx, e.path, args...)
	var tail bytes.Buffer
	cmd.Stdout = io.MultiWriter(log, &tail)
	cmd.Stderr = io.MultiWriter(log, &tail)
	if err := cmd.Run(); err != nil {
		out := tail.String()
		if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) > 15 {
			out = strings.Join(lines[len(lines)-15:], "\n")
		}
		return fmt.Errorf("%s: %s %s: %v\n%s", img.Name, e.name, args[0], err, strings.TrimSpace(out))
	}
	return nil
}
