package build

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/harness-sh/harness/internal/deploy"
)

// Entrypoint is where the binary goes in the image: where the scaffolded
// Dockerfile puts it, so a chart's command works with either build.
const Entrypoint = "/server"

// nonRoot is the user an image runs as when its base sets none: the
// restricted Pod Security Standard refuses root.
const nonRoot = "65532:65532"

// epoch is every timestamp in the images harness makes, so the same inputs
// give the same digest: SOURCE_DATE_EPOCH when set, else the Unix epoch.
func epoch() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%s: not a number of seconds", s)
	}
	return time.Unix(n, 0).UTC(), nil
}

// goImage compiles img's Go command for each platform and lays it on its
// base.
func (b *Build) goImage(ctx context.Context, img deploy.Image, platforms []v1.Platform, built map[string]string, dest destination) (artifact, error) {
	when, err := epoch()
	if err != nil {
		return artifact{}, err
	}
	tmp, err := os.MkdirTemp("", "harness-build-*")
	if err != nil {
		return artifact{}, err
	}
	defer os.RemoveAll(tmp)
	labels := sourceLabels(img)
	var images []v1.Image
	for _, p := range platforms {
		bin := filepath.Join(tmp, img.Name+"-"+strings.ReplaceAll(p.String(), "/", "-"))
		if err := compile(ctx, img.GoMain, bin, p); err != nil {
			return artifact{}, fmt.Errorf("%s: %w", img.Name, err)
		}
		base, err := b.base(ctx, img, p, built, dest)
		if err != nil {
			return artifact{}, fmt.Errorf("%s: %w", img.Name, err)
		}
		out, err := layOn(base, bin, img, p, labels, when)
		if err != nil {
			return artifact{}, fmt.Errorf("%s: %w", img.Name, err)
		}
		images = append(images, out)
	}
	if len(images) == 1 {
		return artifact{image: images[0]}, nil
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for i, im := range images {
		p := platforms[i]
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: im, Descriptor: v1.Descriptor{Platform: &p}})
	}
	return artifact{index: idx}, nil
}

// compile builds the command in dir for Linux on platform p: static
// (CGO_ENABLED=0), without paths of this machine (-trimpath) nor build IDs
// or VCS stamps, so that the same sources give the same binary anywhere.
// The module files are read-only: a build that rewrote go.mod or go.sum
// would change the content hash the chart names the image by.
func compile(ctx context.Context, dir, out string, p v1.Platform) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+p.Architecture, "GOFLAGS=-mod=readonly")
	if p.Architecture == "arm" && p.Variant != "" {
		cmd.Env = append(cmd.Env, "GOARM="+strings.TrimPrefix(p.Variant, "v"))
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build in %s for %s: %v\n%s", relPath(dir), p, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// base is the image img's binary is laid on, for platform p.
func (b *Build) base(ctx context.Context, img deploy.Image, p v1.Platform, built map[string]string, dest destination) (v1.Image, error) {
	switch ref, ok := built[img.Base]; {
	case img.Base == "":
		return minimalBase(p)
	case ok:
		return dest.image(ctx, ref, p)
	default:
		return pull(ctx, img.Base, p, b.remoteOptions(ctx))
	}
}

// layOn adds the binary as /server on base and sets what runs it.
func layOn(base v1.Image, bin string, img deploy.Image, p v1.Platform, labels map[string]string, when time.Time) (v1.Image, error) {
	data, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	layer, err := tarLayer(when, file{name: strings.TrimPrefix(Entrypoint, "/"), mode: 0o755, data: data})
	if err != nil {
		return nil, err
	}
	out, err := mutate.Append(base, mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History:   v1.History{Created: v1.Time{Time: when}, CreatedBy: "harness build: " + Entrypoint, Comment: img.App},
	})
	if err != nil {
		return nil, err
	}
	cf, err := out.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cfg := &cf.Config
	cfg.Entrypoint = []string{Entrypoint}
	cfg.Cmd = nil
	if cfg.User == "" {
		cfg.User = nonRoot
	}
	if cfg.WorkingDir == "" {
		cfg.WorkingDir = "/"
	}
	if img.Port > 0 {
		cfg.Env = setEnv(cfg.Env, "PORT", strconv.Itoa(img.Port))
		cfg.ExposedPorts = map[string]struct{}{strconv.Itoa(img.Port) + "/tcp": {}}
	}
	if !slices.ContainsFunc(cfg.Env, func(e string) bool { return strings.HasPrefix(e, "PATH=") }) {
		cfg.Env = setEnv(cfg.Env, "PATH", "/usr/local/bin:/usr/bin:/bin")
	}
	if cfg.Labels == nil {
		cfg.Labels = map[string]string{}
	}
	for k, v := range labels {
		cfg.Labels[k] = v
	}
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	cf.Created = v1.Time{Time: when}
	out, err = mutate.ConfigFile(out, cf)
	if err != nil {
		return nil, err
	}
	out = mutate.MediaType(out, types.OCIManifestSchema1)
	return mutate.ConfigMediaType(out, types.OCIConfigJSON), nil
}

func setEnv(env []string, key, value string) []string {
	out := slices.DeleteFunc(slices.Clone(env), func(e string) bool { return strings.HasPrefix(e, key+"=") })
	return append(out, key+"="+value)
}

// sourceLabels are the OCI labels saying what an image was built from: the
// application, and the repository and commit when the sources are in git.
func sourceLabels(img deploy.Image) map[string]string {
	l := map[string]string{
		"org.opencontainers.image.title": img.Name,
		"dev.harness.app":                img.App,
	}
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = img.GoMain
		out, err := cmd.Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	if rev := git("rev-parse", "HEAD"); rev != "" {
		l["org.opencontainers.image.revision"] = rev
	}
	if src := git("config", "--get", "remote.origin.url"); src != "" {
		l["org.opencontainers.image.source"] = src
	}
	return l
}

// file is one entry of a layer made in memory.
type file struct {
	name     string
	mode     int64
	data     []byte
	dir      bool
	uid, gid int
}

// tarLayer makes an OCI layer of files, in the order given, every entry
// stamped with when.
func tarLayer(when time.Time, files ...file) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), ModTime: when, Uid: f.uid, Gid: f.gid, Typeflag: tar.TypeReg}
		if f.dir {
			h.Typeflag, h.Size, h.Name = tar.TypeDir, 0, strings.TrimSuffix(f.name, "/")+"/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if !f.dir {
			if _, err := tw.Write(f.data); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return layerFromBytes(buf.Bytes())
}
