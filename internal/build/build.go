// Package build makes a solution's images without a Docker engine, the way
// ko does: each Go application is compiled by the Go toolchain and laid on a
// base image with go-containerregistry; a Dockerfile that is not a Go
// command's goes to a build engine found on the machine. Images are pushed
// to a registry or written to an OCI layout, named and tagged exactly as
// harness-deployment names them in the chart (deploy.Deployment.Plan is
// the one source of both), in the order of their build dependencies.
package build

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/harness-sh/harness/internal/buildrecord"
	"github.com/harness-sh/harness/internal/deploy"
	"github.com/harness-sh/harness/runtime/values"
)

// Build is one run of `harness build`; the fields are its flags.
type Build struct {
	// Solution names the images: roots, -e, -r (the registry pushed to),
	// -t (a forced tag instead of the content hash) and -ex, as
	// harness-deployment takes them.
	Solution  deploy.Deployment
	Apps      []string // -a: only these applications and what they build on; empty: all
	OCILayout string   // --oci-layout: write the images to this OCI layout instead of pushing
	Platforms []string // --platform; empty: linux/amd64
	AddTags   []string // --add-tag: further tags of every image, such as the commit's
	Output    string   // where images.json is recorded; default ./deployment

	// Keychain gives the registry credentials; nil: the Docker config's
	// (~/.docker/config.json and its credential helpers), as docker login
	// leaves them.
	Keychain authn.Keychain
	// Transport talks to the registry; nil: the default. Tests inject
	// failures here.
	Transport http.RoundTripper
	// LookPath finds a build engine's executable; nil: exec.LookPath.
	LookPath func(string) (string, error)

	Out, Err io.Writer // one line per image on Out; progress on Err
}

// Image is one image the run made or found unchanged.
type Image struct {
	Name      string
	Ref       string // as the chart names it
	Digest    string // of the manifest (or index, with several platforms)
	Size      int64  // compressed bytes of its layers and config, summed over platforms
	Unchanged bool   // already there under its content-hash tag: not rebuilt nor pushed
	Engine    string // the engine that built it from its Dockerfile; "" when harness did
}

// Result is what a run made, in build order.
type Result struct {
	Images   []Image
	Warnings []string
}

// Run builds, in dependency order, every image the selected applications
// need. An image is reported only once its push (or layout write) has
// succeeded; on the first failure Run stops and says which reference failed.
func (b *Build) Run(ctx context.Context) (*Result, error) {
	out, errw := b.Out, b.Err
	if out == nil {
		out = io.Discard
	}
	if errw == nil {
		errw = io.Discard
	}
	if b.OCILayout == "" && b.Solution.Registry == "" {
		return nil, fmt.Errorf("nowhere to put the images: give -r REGISTRY or --oci-layout DIR")
	}
	if b.OCILayout != "" && b.Solution.Registry != "" {
		return nil, fmt.Errorf("-r and --oci-layout: give one of them")
	}
	for _, t := range b.AddTags {
		if _, err := name.NewTag("image:" + t); err != nil || strings.Contains(t, ":") {
			return nil, fmt.Errorf("--add-tag %q: not a tag (letters, digits, _ . -, at most 128)", t)
		}
	}
	platforms, err := parsePlatforms(b.Platforms)
	if err != nil {
		return nil, err
	}
	sol := b.Solution
	sol.Out, sol.Err = io.Discard, io.Discard
	if b.Solution.Local {
		return nil, fmt.Errorf("-l: local deployments use untagged images; build without -l")
	}
	p, err := sol.Plan(ctx)
	if err != nil {
		return nil, err
	}
	plan, warnings := p.Images, p.Warnings
	for _, w := range warnings {
		fmt.Fprintf(errw, "warning: %s\n", w)
	}
	plan, err = selectImages(plan, b.Apps)
	if err != nil {
		return nil, err
	}
	dest, err := b.destination()
	if err != nil {
		return nil, err
	}
	res := &Result{Warnings: warnings}
	output := b.Output
	if output == "" {
		output = "deployment"
	}
	record, err := buildrecord.Read(output)
	if err != nil {
		return nil, err
	}
	var eng *engine
	built := map[string]string{} // image name → the reference its dependants build on
	for _, img := range plan {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		start := time.Now()
		r := Image{Name: img.Name, Ref: img.Ref}
		if b.Solution.Tag == "" {
			// A content-hash tag names one content: if it is there, it is this.
			digest, found, err := dest.find(ctx, img.Ref)
			if err != nil {
				return res, err
			}
			if found {
				r.Digest, r.Unchanged = digest, true
			}
		}
		if !r.Unchanged {
			if img.GoMain != "" {
				fmt.Fprintf(errw, "%s: compiling %s for %s\n", img.Name, relPath(img.GoMain), platformList(platforms))
				idx, err := b.goImage(ctx, img, platforms, built, dest)
				if err != nil {
					return res, err
				}
				if r.Digest, r.Size, err = dest.write(ctx, img.Ref, idx); err != nil {
					return res, err
				}
			} else {
				if eng == nil {
					if eng, err = findEngine(b.LookPath, plan, b.Apps); err != nil {
						return res, err
					}
				}
				fmt.Fprintf(errw, "%s: building %s with %s\n", img.Name, relPath(img.Dockerfile), eng.name)
				r.Engine = eng.name
				if r.Digest, err = eng.build(ctx, img, built, dest, errw); err != nil {
					return res, err
				}
			}
			fmt.Fprintf(errw, "%s: done in %.1fs\n", img.Name, time.Since(start).Seconds())
		}
		for _, t := range b.AddTags {
			if err := dest.tag(ctx, img.Ref, t); err != nil {
				return res, err
			}
		}
		built[img.Name] = img.Ref
		res.Images = append(res.Images, r)
		if r.Unchanged {
			fmt.Fprintf(out, "%s@%s unchanged\n", img.Ref, r.Digest)
		} else if r.Size > 0 {
			fmt.Fprintf(out, "%s@%s built %s\n", img.Ref, r.Digest, humanSize(r.Size))
		} else {
			fmt.Fprintf(out, "%s@%s built\n", img.Ref, r.Digest)
		}
		record.Images[img.Ref] = r.Digest
	}
	if err := record.Write(output); err != nil {
		return res, fmt.Errorf("record the digests: %w", err)
	}
	return res, nil
}

// selectImages keeps the images of the named applications and what they
// build on, in plan order.
func selectImages(plan []deploy.Image, apps []string) ([]deploy.Image, error) {
	if len(apps) == 0 {
		return plan, nil
	}
	byName := map[string]deploy.Image{}
	have := map[string]bool{}
	for _, img := range plan {
		byName[img.Name] = img
		if img.App != "" {
			have[img.App] = true
		}
	}
	want := map[string]bool{}
	var add func(name string)
	add = func(name string) {
		if want[name] {
			return
		}
		want[name] = true
		for _, d := range byName[name].Deps {
			add(d)
		}
	}
	for _, a := range apps {
		if !have[a] {
			msg := fmt.Sprintf("-a %s: no application of the solution builds an image of that name", a)
			if s := values.Suggest(a, slices.Sorted(maps.Keys(have))); s != "" {
				msg += " (did you mean " + s + "?)"
			}
			return nil, fmt.Errorf("%s", msg)
		}
		for _, img := range plan {
			if img.App == a {
				add(img.Name)
			}
		}
	}
	var out []deploy.Image
	for _, img := range plan {
		if want[img.Name] {
			out = append(out, img)
		}
	}
	return out, nil
}

func parsePlatforms(list []string) ([]v1.Platform, error) {
	if len(list) == 0 {
		return []v1.Platform{{OS: "linux", Architecture: "amd64"}}, nil
	}
	var out []v1.Platform
	for _, item := range list {
		for _, s := range strings.Split(item, ",") {
			s = strings.TrimSpace(s)
			p, err := v1.ParsePlatform(s)
			if err != nil || p.OS != "linux" || p.Architecture == "" {
				return nil, fmt.Errorf("--platform %s: want linux/ARCH[/VARIANT], such as linux/amd64 or linux/arm64", s)
			}
			if !goArchs[p.Architecture] {
				return nil, fmt.Errorf("--platform %s: the Go toolchain builds no %s binaries for Linux", s, p.Architecture)
			}
			if slices.ContainsFunc(out, func(q v1.Platform) bool { return q.Equals(*p) }) {
				return nil, fmt.Errorf("--platform %s: given twice", s)
			}
			out = append(out, *p)
		}
	}
	return out, nil
}

var goArchs = map[string]bool{"amd64": true, "arm64": true, "arm": true, "386": true, "ppc64le": true, "s390x": true, "riscv64": true, "loong64": true, "mips64le": true}

func platformList(ps []v1.Platform) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

// remoteOptions are the registry options of every request: credentials,
// the context, and bounded retries on what a registry answers while busy.
func (b *Build) remoteOptions(ctx context.Context) []remote.Option {
	kc := b.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	opts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(kc),
		remote.WithRetryBackoff(remote.Backoff{Duration: 500 * time.Millisecond, Factor: 2, Jitter: 0.1, Steps: 3}),
		remote.WithRetryStatusCodes(http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
			http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout),
	}
	if b.Transport != nil {
		opts = append(opts, remote.WithTransport(b.Transport))
	}
	return opts
}

// relPath is p relative to the working folder when it is below it.
func relPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// humanSize is n bytes in MB (10^6, as registries count) with one decimal.
func humanSize(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}
