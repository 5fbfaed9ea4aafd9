package build

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/match"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// artifact is what a build makes: one image, or an index of one image per
// platform.
type artifact struct {
	image v1.Image
	index v1.ImageIndex
}

func (a artifact) digest() (v1.Hash, error) {
	if a.index != nil {
		return a.index.Digest()
	}
	return a.image.Digest()
}

// destination is where images go: a registry or an OCI layout.
type destination interface {
	// find reports whether ref is already there, and its digest.
	find(ctx context.Context, ref string) (digest string, found bool, err error)
	// write stores a under ref and returns its digest and size.
	write(ctx context.Context, ref string, a artifact) (digest string, size int64, err error)
	// image reads back an image this run made, for the platform given.
	image(ctx context.Context, ref string, p v1.Platform) (v1.Image, error)
	// engineTarget is where a build engine pushes ref: a docker:// or
	// oci: transport address.
	engineTarget(ref string) string
	// tag gives what ref names a further tag in the same repository.
	tag(ctx context.Context, ref, tag string) error
}

// retag is ref with its tag replaced.
func retag(ref, tag string) (name.Tag, error) {
	r, err := name.NewTag(ref)
	if err != nil {
		return name.Tag{}, err
	}
	return r.Context().Tag(tag), nil
}

func (b *Build) destination() (destination, error) {
	if b.OCILayout != "" {
		return openLayout(b.OCILayout)
	}
	if _, err := name.NewTag(strings.TrimSuffix(b.Solution.Registry, "/") + "/image:tag"); err != nil {
		return nil, fmt.Errorf("-r %s: not a registry: %w", b.Solution.Registry, err)
	}
	return &registry{b: b}, nil
}

// registry pushes to the registry of each reference (-r prefixes them all).
type registry struct{ b *Build }

func (r *registry) find(ctx context.Context, ref string) (string, bool, error) {
	tag, err := name.NewTag(ref)
	if err != nil {
		return "", false, fmt.Errorf("%s: %w", ref, err)
	}
	desc, err := remote.Head(tag, r.b.remoteOptions(ctx)...)
	var terr *transport.Error
	switch {
	case err == nil:
		return desc.Digest.String(), true, nil
	case errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound:
		return "", false, nil
	default:
		return "", false, fmt.Errorf("look up %s in registry %s: %w", ref, tag.RegistryStr(), err)
	}
}

func (r *registry) write(ctx context.Context, ref string, a artifact) (string, int64, error) {
	tag, err := name.NewTag(ref)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", ref, err)
	}
	want, err := a.digest()
	if err != nil {
		return "", 0, err
	}
	opts := r.b.remoteOptions(ctx)
	if a.index != nil {
		err = remote.WriteIndex(tag, a.index, opts...)
	} else {
		err = remote.Write(tag, a.image, opts...)
	}
	if err != nil {
		return "", 0, fmt.Errorf("push %s: %w", ref, err)
	}
	// What the registry now serves under the tag is what was pushed, or the
	// push is not reported as done.
	desc, err := remote.Head(tag, opts...)
	if err != nil {
		return "", 0, fmt.Errorf("push %s: read back: %w", ref, err)
	}
	if desc.Digest != want {
		return "", 0, fmt.Errorf("push %s: the registry serves %s, not the pushed %s", ref, desc.Digest, want)
	}
	size, err := artifactSize(a)
	return want.String(), size, err
}

func (r *registry) image(ctx context.Context, ref string, p v1.Platform) (v1.Image, error) {
	return pull(ctx, ref, p, r.b.remoteOptions(ctx))
}

func (r *registry) engineTarget(ref string) string { return "docker://" + ref }

func (r *registry) tag(ctx context.Context, ref, tag string) error {
	src, err := name.NewTag(ref)
	if err != nil {
		return err
	}
	dst, err := retag(ref, tag)
	if err != nil {
		return fmt.Errorf("--add-tag %s: %w", tag, err)
	}
	opts := r.b.remoteOptions(ctx)
	desc, err := remote.Get(src, opts...)
	if err != nil {
		return fmt.Errorf("tag %s as %s: %w", ref, dst, err)
	}
	if err := remote.Tag(dst, desc, opts...); err != nil {
		return fmt.Errorf("tag %s as %s: %w", ref, dst, err)
	}
	return nil
}

// pull reads ref for platform p from its registry.
func pull(ctx context.Context, ref string, p v1.Platform, opts []remote.Option) (v1.Image, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("base image %s: %w", ref, err)
	}
	img, err := remote.Image(r, append(opts, remote.WithPlatform(p))...)
	if err != nil {
		return nil, fmt.Errorf("pull base image %s for %s: %w", ref, p, err)
	}
	return img, nil
}

// refAnnotation names an image in an OCI layout's index, as the OCI image
// specification says.
const refAnnotation = "org.opencontainers.image.ref.name"

// ociLayout writes into an OCI image layout on disk.
type ociLayout struct{ path layout.Path }

func openLayout(dir string) (*ociLayout, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("--oci-layout %s: not a directory", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "index.json")); err == nil {
		p, err := layout.FromPath(dir)
		if err != nil {
			return nil, fmt.Errorf("--oci-layout %s: %w", dir, err)
		}
		return &ociLayout{path: p}, nil
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("--oci-layout %s: a folder holding files but no OCI layout (no index.json)", dir)
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return nil, fmt.Errorf("--oci-layout %s: %w", dir, err)
	}
	return &ociLayout{path: p}, nil
}

func (l *ociLayout) descriptor(ref string) (*v1.Descriptor, error) {
	idx, err := l.path.ImageIndex()
	if err != nil {
		return nil, err
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	for i := range m.Manifests {
		if m.Manifests[i].Annotations[refAnnotation] == ref {
			return &m.Manifests[i], nil
		}
	}
	return nil, nil
}

func (l *ociLayout) find(_ context.Context, ref string) (string, bool, error) {
	d, err := l.descriptor(ref)
	if err != nil || d == nil {
		return "", false, err
	}
	return d.Digest.String(), true, nil
}

func (l *ociLayout) write(_ context.Context, ref string, a artifact) (string, int64, error) {
	opt := layout.WithAnnotations(map[string]string{refAnnotation: ref})
	m := match.Annotation(refAnnotation, ref)
	var err error
	if a.index != nil {
		err = l.path.ReplaceIndex(a.index, m, opt)
	} else {
		err = l.path.ReplaceImage(a.image, m, opt)
	}
	if err != nil {
		return "", 0, fmt.Errorf("write %s to the OCI layout: %w", ref, err)
	}
	d, err := a.digest()
	if err != nil {
		return "", 0, err
	}
	size, err := artifactSize(a)
	return d.String(), size, err
}

func (l *ociLayout) image(_ context.Context, ref string, p v1.Platform) (v1.Image, error) {
	d, err := l.descriptor(ref)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, fmt.Errorf("%s: not in the OCI layout %s", ref, l.path)
	}
	if !d.MediaType.IsIndex() {
		return l.path.Image(d.Digest)
	}
	idx, err := l.path.ImageIndex()
	if err != nil {
		return nil, err
	}
	child, err := idx.ImageIndex(d.Digest)
	if err != nil {
		return nil, err
	}
	m, err := child.IndexManifest()
	if err != nil {
		return nil, err
	}
	for _, c := range m.Manifests {
		if c.Platform != nil && c.Platform.Satisfies(p) {
			return child.Image(c.Digest)
		}
	}
	return nil, fmt.Errorf("%s: no image for %s in the OCI layout", ref, p)
}

func (l *ociLayout) engineTarget(ref string) string { return "oci:" + string(l.path) + ":" + ref }

func (l *ociLayout) tag(_ context.Context, ref, tag string) error {
	dst, err := retag(ref, tag)
	if err != nil {
		return fmt.Errorf("--add-tag %s: %w", tag, err)
	}
	d, err := l.descriptor(ref)
	if err != nil {
		return err
	}
	if d == nil {
		return fmt.Errorf("%s: not in the OCI layout %s", ref, l.path)
	}
	if err := l.path.RemoveDescriptors(match.Annotation(refAnnotation, dst.String())); err != nil {
		return err
	}
	nd := *d
	nd.Annotations = map[string]string{refAnnotation: dst.String()}
	return l.path.AppendDescriptor(nd)
}

// artifactSize sums the compressed layers and configs of a's images.
func artifactSize(a artifact) (int64, error) {
	images := []v1.Image{a.image}
	if a.index != nil {
		m, err := a.index.IndexManifest()
		if err != nil {
			return 0, err
		}
		images = images[:0]
		for _, d := range m.Manifests {
			img, err := a.index.Image(d.Digest)
			if err != nil {
				return 0, err
			}
			images = append(images, img)
		}
	}
	var total int64
	for _, img := range images {
		layers, err := img.Layers()
		if err != nil {
			return 0, err
		}
		for _, l := range layers {
			n, err := l.Size()
			if err != nil {
				return 0, err
			}
			total += n
		}
		m, err := img.Manifest()
		if err != nil {
			return 0, err
		}
		total += m.Config.Size
	}
	return total, nil
}
