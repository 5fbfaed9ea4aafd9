package kubetest

import (
	"archive/tar"
	"compress/gzip"
	"context"
	_ "embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// PostgresRootEnv names the root folder scripts/postgres-image.sh assembles;
// when unset, PostgresImage runs the script (cached: seconds when warm).
const PostgresRootEnv = "HARNESS_POSTGRES_ROOT"

// postgresUser is the image's user, the chart's database uid
// (harness.database.postgres.uid).
const postgresUser = "999:999"

// postgresEntrypointSource initializes the database from the chart's
// environment and runs the server.
//
//go:embed images/postgres/main.go
var postgresEntrypointSource []byte

// PostgresImage returns a PostgreSQL 15 image made of Debian's packages,
// unpacked offline by scripts/postgres-image.sh, and an entrypoint that
// honours the environment of the official image the chart gives its database
// container (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, PGDATA): initdb on
// a first start, then the server on every address, port 5432, as user 999.
// Its root filesystem may be read-only when /tmp, /var/run/postgresql and
// PGDATA are writable.
func PostgresImage(t testing.TB) v1.Image {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	root, err := postgresRoot(ctx)
	if err != nil {
		t.Fatalf("postgres image: %v", err)
	}
	img, err := postgresImage(ctx, root)
	if err != nil {
		t.Fatalf("postgres image: %v", err)
	}
	t.Logf("kubetest: postgres image from %s in %v", root, time.Since(start).Round(100*time.Millisecond))
	return img
}

// postgresRoot is PostgresRootEnv, or what the script prints.
func postgresRoot(ctx context.Context) (string, error) {
	if root := os.Getenv(PostgresRootEnv); root != "" {
		return root, nil
	}
	_, file, _, ok := goruntime.Caller(0)
	if !ok {
		return "", fmt.Errorf("cannot find scripts/postgres-image.sh (set %s)", PostgresRootEnv)
	}
	script := filepath.Join(filepath.Dir(file), "..", "..", "scripts", "postgres-image.sh")
	cmd := exec.CommandContext(ctx, "bash", script)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s: %v\n%s", script, err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

func postgresImage(ctx context.Context, root string) (v1.Image, error) {
	img, err := goImage(ctx, postgresEntrypointSource, "entrypoint", postgresUser)
	if err != nil {
		return nil, fmt.Errorf("entrypoint: %w", err)
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return dirTar(root) },
		tarball.WithCompressionLevel(gzip.BestSpeed))
	if err != nil {
		return nil, fmt.Errorf("layer of %s: %w", root, err)
	}
	if img, err = mutate.AppendLayers(img, layer); err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.Config.Env = append(cfg.Config.Env, "PATH=/usr/lib/postgresql/15/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"PGDATA=/var/lib/postgresql/data")
	cfg.Config.ExposedPorts = map[string]struct{}{"5432/tcp": {}}
	return mutate.ConfigFile(img, cfg)
}

// dirTar streams dir as an uncompressed tar, owned by root, with fixed times.
func dirTar(dir string) (io.ReadCloser, error) {
	r, w := io.Pipe()
	go func() {
		tw := tar.NewWriter(w)
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || path == dir {
				return err
			}
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			link := ""
			if info.Mode()&fs.ModeSymlink != 0 {
				if link, err = os.Readlink(path); err != nil {
					return err
				}
			}
			hdr, err := tar.FileInfoHeader(info, link)
			if err != nil {
				return err
			}
			hdr.Name = filepath.ToSlash(rel)
			if d.IsDir() {
				hdr.Name += "/"
			}
			hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
			hdr.ModTime, hdr.AccessTime, hdr.ChangeTime = time.Unix(0, 0), time.Time{}, time.Time{}
			hdr.Format = tar.FormatPAX
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			if !info.Mode().IsRegular() {
				return nil
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(tw, f)
			return err
		})
		if err == nil {
			err = tw.Close()
		}
		w.CloseWithError(err)
	}()
	return r, nil
}
