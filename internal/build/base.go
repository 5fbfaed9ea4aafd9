package build

import (
	"bytes"
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// caBundle is where Debian, Ubuntu, Alpine and Arch keep the system's CA
// certificates, which the minimal base carries so that services reach TLS
// endpoints.
const caBundle = "/etc/ssl/certs/ca-certificates.crt"

// minimalBase is the base harness lays a Go binary on when the Dockerfile
// says FROM scratch: CA certificates, a root and a non-root user (65532, as
// distroless names it "nonroot") with its home, a /tmp, and nothing else: no
// shell, no package manager.
func minimalBase(p v1.Platform) (v1.Image, error) {
	when, err := epoch()
	if err != nil {
		return nil, err
	}
	certs, err := os.ReadFile(caBundle)
	if err != nil {
		return nil, fmt.Errorf("the minimal base needs this machine's CA certificates: %w (install the ca-certificates package)", err)
	}
	layer, err := tarLayer(when,
		file{name: "etc/", dir: true, mode: 0o755},
		file{name: "etc/passwd", mode: 0o644, data: []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")},
		file{name: "etc/group", mode: 0o644, data: []byte("root:x:0:\nnonroot:x:65532:\n")},
		file{name: "etc/ssl/", dir: true, mode: 0o755},
		file{name: "etc/ssl/certs/", dir: true, mode: 0o755},
		file{name: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: certs},
		file{name: "home/", dir: true, mode: 0o755},
		file{name: "home/nonroot/", dir: true, mode: 0o700, uid: 65532, gid: 65532},
		file{name: "tmp/", dir: true, mode: 0o1777},
	)
	if err != nil {
		return nil, err
	}
	img, err := mutate.Append(mutate.MediaType(empty.Image, types.OCIManifestSchema1), mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History:   v1.History{Created: v1.Time{Time: when}, CreatedBy: "harness build: minimal base"},
	})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Architecture, p.Variant
	cf.Created = v1.Time{Time: when}
	cf.Config.User = nonRoot
	cf.Config.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "SSL_CERT_FILE=" + caBundle}
	return mutate.ConfigFile(img, cf)
}

// layerFromBytes is an OCI layer of an uncompressed tar held in memory.
func layerFromBytes(tarData []byte) (v1.Layer, error) {
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(tarData)), nil
	}, tarball.WithMediaType(types.OCILayer))
}
