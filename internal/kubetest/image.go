package kubetest

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// GoImage compiles src, the source of a main package that imports only the
// standard library, into a static binary for linux (CGO_ENABLED=0) and
// returns an image that holds that binary alone, at /app, as its entrypoint,
// run as user ("65532", "65532:65532"; empty: root). No public base image is
// needed, and none could be pulled: the machines reach no registry. A
// "//go:build ignore" line, which keeps such a file out of the package
// beside it, is dropped.
func GoImage(t testing.TB, src []byte, user string) v1.Image {
	t.Helper()
	img, err := goImage(context.Background(), src, "app", user)
	if err != nil {
		t.Fatalf("build image: %v", err)
	}
	return img
}

// goImage is GoImage without the test, with the binary at /file.
func goImage(ctx context.Context, src []byte, file, user string) (v1.Image, error) {
	dir, err := os.MkdirTemp("", "kubetest-image-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	files := map[string][]byte{
		"go.mod":  []byte("module kubetest.local/app\n\ngo 1.22\n"),
		"main.go": bytes.Replace(src, []byte("//go:build ignore\n"), nil, 1),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			return nil, err
		}
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", file, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH,
		"GOWORK=off", "GOFLAGS=-buildvcs=false", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	bin, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return nil, err
	}
	layer, err := fileLayer(file, bin)
	if err != nil {
		return nil, err
	}
	img, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{
		Architecture: runtime.GOARCH,
		OS:           "linux",
		Config:       v1.Config{Entrypoint: []string{"/" + file}, User: user},
	})
	if err != nil {
		return nil, err
	}
	return mutate.AppendLayers(img, layer)
}

// fileLayer is a layer holding one executable file.
func fileLayer(file string, data []byte) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	hdr := &tar.Header{
		Name:     file,
		Mode:     0o755,
		Size:     int64(len(data)),
		Typeflag: tar.TypeReg,
		ModTime:  time.Unix(0, 0),
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	if _, err := tw.Write(data); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	})
}

// Push pushes img to the cluster's registry as repo:tag ("hello:1") and
// returns the reference a Pod names it by (127.0.0.1:PORT/hello:1), which the
// test's and the node's networks both resolve to the same registry.
func (c *Cluster) Push(t testing.TB, ref string, img v1.Image) string {
	t.Helper()
	if c.Registry == "" {
		t.Fatal("push: the cluster has no registry (StartNode starts one)")
	}
	full, err := push(context.Background(), c.Registry, ref, img)
	if err != nil {
		t.Fatal(err)
	}
	return full
}

func push(ctx context.Context, registry, ref string, img v1.Image) (string, error) {
	full := registry + "/" + ref
	r, err := name.ParseReference(full, name.Insecure)
	if err != nil {
		return "", fmt.Errorf("push %s: %w", full, err)
	}
	if err := remote.Write(r, img, remote.WithContext(ctx)); err != nil {
		return "", fmt.Errorf("push %s: %w", full, err)
	}
	return full, nil
}

// imageRegistry is an in-memory registry (go-containerregistry's) served on
// 127.0.0.1:PORT both in the test's network namespace and in the node's.
type imageRegistry struct {
	addr string
	srv  *http.Server
	done chan struct{}
}

// startRegistry serves a registry on host, a listener on 127.0.0.1:PORT in
// the test's namespace, and on the same port inside ns.
func startRegistry(host net.Listener, ns *netns) (*imageRegistry, error) {
	addr := host.Addr().String()
	inner, err := ns.listen(addr)
	if err != nil {
		return nil, fmt.Errorf("registry: listen inside the node's network: %w", err)
	}
	r := &imageRegistry{
		addr: addr,
		srv: &http.Server{
			Handler:           registry.New(registry.Logger(log.New(io.Discard, "", 0))),
			ReadHeaderTimeout: 10 * time.Second,
		},
		done: make(chan struct{}),
	}
	serving := make(chan struct{}, 2)
	for _, l := range []net.Listener{host, inner} {
		go func() {
			_ = r.srv.Serve(l)
			serving <- struct{}{}
		}()
	}
	go func() {
		<-serving
		<-serving
		close(r.done)
	}()
	return r, nil
}

func (r *imageRegistry) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := r.srv.Shutdown(ctx)
	if err != nil {
		err = r.srv.Close()
	}
	<-r.done
	return err
}
