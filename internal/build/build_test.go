package build_test

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/harness-sh/harness/internal/build"
	"github.com/harness-sh/harness/internal/buildrecord"
	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/deploy"
	"github.com/harness-sh/harness/internal/freeport"
	"github.com/harness-sh/harness/internal/testenv"
)

// startRegistry serves an in-memory registry on 127.0.0.1; handler, when
// given, sees every request first and may answer it instead.
func startRegistry(t *testing.T, handler func(w http.ResponseWriter, r *http.Request) bool) string {
	t.Helper()
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if handler != nil && handler(w, r) {
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// scaffold makes a solution with harness-application, as a user would.
func scaffold(t *testing.T, apps map[string][]string) string {
	t.Helper()
	root := t.TempDir()
	scaffoldIn(t, root, apps)
	return root
}

func scaffoldIn(t *testing.T, root string, apps map[string][]string) {
	t.Helper()
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	for app, templates := range apps {
		args := []string{app, "--root", root}
		for _, tm := range templates {
			args = append(args, "-t", tm)
		}
		var out, errb bytes.Buffer
		if code := cli.Execute(cli.NewApplicationCmd(), args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errb}); code != 0 {
			t.Fatalf("harness-application %v: exit %d\n%s", args, code, errb.String())
		}
	}
}

func runBuild(t *testing.T, b *build.Build) (*build.Result, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	b.Out, b.Err = &out, &errb
	if b.Output == "" {
		b.Output = filepath.Join(b.Solution.Roots[0], "deployment")
	}
	res, err := b.Run(context.Background())
	t.Logf("stderr:\n%s", errb.String())
	return res, out.String(), err
}

// chartImage is the image harness-deployment names for app.
func chartImage(t *testing.T, root, registry, app string) string {
	t.Helper()
	d := &deploy.Deployment{Roots: []string{root}, Registry: registry, Output: filepath.Join(t.TempDir(), "out"), SkipLint: true}
	res, err := d.Run(context.Background())
	if err != nil {
		t.Fatalf("harness-deployment: %v", err)
	}
	apps := res.Values["apps"].(map[string]any)
	return apps[app].(map[string]any)["harness"].(map[string]any)["deployment"].(map[string]any)["image"].(string)
}

// TestGoImageRuns builds a scaffolded Go application into a registry, reads
// the image back as a registry client would, and runs the binary it holds:
// it answers HTTP with the configuration the image gives it.
func TestGoImageRuns(t *testing.T) {
	root := scaffold(t, map[string][]string{"api": {"go-server"}})
	host := startRegistry(t, nil)
	reg := host + "/shop"
	res, stdout, err := runBuild(t, &build.Build{Solution: deploy.Deployment{Roots: []string{root}, Registry: reg}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Images) != 1 {
		t.Fatalf("images: %+v", res.Images)
	}
	got := res.Images[0]
	if want := chartImage(t, root, reg, "api"); got.Ref != want {
		t.Errorf("built %s, the chart pulls %s", got.Ref, want)
	}
	if want := got.Ref + "@" + got.Digest + " built "; !strings.HasPrefix(stdout, want) || !strings.HasSuffix(stdout, " MB\n") || got.Size < 1e6 {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	rec, err := buildrecord.Read(filepath.Join(root, "deployment"))
	if err != nil || rec.Images[got.Ref] != got.Digest {
		t.Errorf("record: %v %v", rec, err)
	}

	ref, _ := name.ParseReference(got.Ref)
	img, err := remote.Image(ref)
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := img.Digest(); d.String() != got.Digest {
		t.Errorf("registry serves %s, build said %s", d, got.Digest)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	c := cf.Config
	if c.User != "65532:65532" || len(c.Entrypoint) != 1 || c.Entrypoint[0] != build.Entrypoint || cf.Architecture != "amd64" || cf.OS != "linux" {
		t.Errorf("config: user %q entrypoint %v platform %s/%s", c.User, c.Entrypoint, cf.OS, cf.Architecture)
	}
	if !contains(c.Env, "PORT=8080") || c.Labels["dev.harness.app"] != "api" || c.Labels["org.opencontainers.image.title"] != "api" {
		t.Errorf("env %v labels %v", c.Env, c.Labels)
	}
	files := extract(t, img)
	for _, f := range []string{"etc/passwd", "etc/ssl/certs/ca-certificates.crt", "server", "tmp/"} {
		if _, ok := files[f]; !ok {
			t.Errorf("image lacks %s; has %v", f, keys(files))
		}
	}
	if !strings.Contains(string(files["etc/passwd"]), ":65532:65532:") {
		t.Errorf("/etc/passwd: %s", files["etc/passwd"])
	}

	// The binary from the image serves.
	bin := filepath.Join(t.TempDir(), "server")
	if err := os.WriteFile(bin, files["server"], 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := freeport.Port()
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(p)
	cmd := exec.Command(bin)
	cmd.Env = []string{"PORT=" + port}
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	url := "http://127.0.0.1:" + port + "/api/ping"
	var resp *http.Response
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err = http.Get(url); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, logs.String())
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET %s: %d %s", url, resp.StatusCode, body)
	}
}

// TestNoOpAndChanges: an unchanged solution pushes nothing; a change to the
// application, or to a package of the module it imports, makes a new tag;
// a change elsewhere does not.
func TestNoOpAndChanges(t *testing.T) {
	root := scaffold(t, map[string][]string{"api": {"go-server"}, "web": {"go-server"}})
	var writes atomic.Int32
	host := startRegistry(t, func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPut || r.Method == http.MethodPost || r.Method == http.MethodPatch {
			writes.Add(1)
		}
		return false
	})
	b := func() *build.Build {
		return &build.Build{Solution: deploy.Deployment{Roots: []string{root}, Registry: host}}
	}
	first, _, err := runBuild(t, b())
	if err != nil {
		t.Fatal(err)
	}
	refs := map[string]string{}
	for _, img := range first.Images {
		refs[img.Name] = img.Ref
	}

	writes.Store(0)
	again, stdout, err := runBuild(t, b())
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range again.Images {
		if !img.Unchanged || img.Ref != refs[img.Name] {
			t.Errorf("second build: %+v", img)
		}
	}
	if n := writes.Load(); n != 0 || strings.Count(stdout, " unchanged\n") != 2 {
		t.Errorf("no-op build: %d writes, stdout %q", n, stdout)
	}

	// step builds after change and checks which images got a new tag.
	step := func(what string, change func(), changed ...string) {
		t.Helper()
		change()
		res, _, err := runBuild(t, b())
		if err != nil {
			t.Fatal(err)
		}
		for _, img := range res.Images {
			want := contains(changed, img.Name)
			if img.Unchanged == want || (img.Ref != refs[img.Name]) != want {
				t.Errorf("after %s: %s unchanged=%v (ref %s, was %s)", what, img.Name, img.Unchanged, img.Ref, refs[img.Name])
			}
			refs[img.Name] = img.Ref
		}
	}
	step("a file nothing imports", func() {
		writeFile(t, filepath.Join(root, "NOTES.md"), "notes")
	})
	step("an edit of api's service", func() {
		appendFile(t, filepath.Join(root, "applications", "api", "backend", "service", "service.go"), "\n// edited\n")
	}, "api")
	step("an edit of the runtime library both import", func() {
		appendFile(t, filepath.Join(root, "libraries", "harness-runtime", "config.go"), "\n// edited\n")
	}, "api", "web")

	// --add-tag tags what is there, built or not.
	tagged := b()
	tagged.AddTags = []string{"abc123", "main"}
	res0, _, err := runBuild(t, tagged)
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range res0.Images {
		for _, tag := range tagged.AddTags {
			r, _ := name.NewTag(host + "/" + img.Name + ":" + tag)
			d, err := remote.Head(r)
			if err != nil || d.Digest.String() != img.Digest {
				t.Errorf("--add-tag %s of %s: %v %v", tag, img.Name, d, err)
			}
		}
	}
	bad := b()
	bad.AddTags = []string{"no:colons"}
	if _, _, err := runBuild(t, bad); err == nil || !strings.Contains(err.Error(), `--add-tag "no:colons": not a tag`) {
		t.Errorf("--add-tag no:colons: %v", err)
	}

	// -t forces the tag, and always builds.
	forced := b()
	forced.Solution.Tag = "v1"
	res, _, err := runBuild(t, forced)
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range res.Images {
		if img.Unchanged || !strings.HasSuffix(img.Ref, ":v1") {
			t.Errorf("-t v1: %+v", img)
		}
	}
}

func TestSelectApps(t *testing.T) {
	root := scaffold(t, map[string][]string{"api": {"go-server"}, "web": {"go-server"}})
	host := startRegistry(t, nil)
	res, _, err := runBuild(t, &build.Build{Solution: deploy.Deployment{Roots: []string{root}, Registry: host}, Apps: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Images) != 1 || res.Images[0].Name != "web" {
		t.Errorf("-a web built %+v", res.Images)
	}
	_, _, err = runBuild(t, &build.Build{Solution: deploy.Deployment{Roots: []string{root}, Registry: host}, Apps: []string{"wbe"}})
	if err == nil || !strings.Contains(err.Error(), "-a wbe: ") || !strings.Contains(err.Error(), "did you mean web") {
		t.Errorf("-a wbe: %v", err)
	}
}

// TestOCILayoutMultiPlatform writes an index of two platforms into an OCI
// layout, each holding a binary for its own architecture.
func TestOCILayoutMultiPlatform(t *testing.T) {
	root := scaffold(t, map[string][]string{"api": {"go-server"}})
	dir := filepath.Join(t.TempDir(), "images")
	b := &build.Build{Solution: deploy.Deployment{Roots: []string{root}, Registry: ""}, OCILayout: dir, Platforms: []string{"linux/amd64,linux/arm64"}}
	res, _, err := runBuild(t, b)
	if err != nil {
		t.Fatal(err)
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	top, _ := p.ImageIndex()
	m, _ := top.IndexManifest()
	if len(m.Manifests) != 1 || m.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != res.Images[0].Ref || m.Manifests[0].Digest.String() != res.Images[0].Digest {
		t.Fatalf("layout index: %+v, built %+v", m.Manifests, res.Images)
	}
	idx, err := top.ImageIndex(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	im, _ := idx.IndexManifest()
	machines := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	if len(im.Manifests) != 2 {
		t.Fatalf("platforms: %+v", im.Manifests)
	}
	for _, d := range im.Manifests {
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		f, err := elf.NewFile(bytes.NewReader(extract(t, img)["server"]))
		if err != nil {
			t.Fatal(err)
		}
		if want := machines[d.Platform.Architecture]; f.Machine != want {
			t.Errorf("%s image holds a %s binary", d.Platform, f.Machine)
		}
	}
	// Again: unchanged, found in the layout.
	again, _, err := runBuild(t, &build.Build{Solution: b.Solution, OCILayout: dir, Platforms: b.Platforms})
	if err != nil || !again.Images[0].Unchanged {
		t.Errorf("second build into the layout: %+v %v", again, err)
	}
}

// TestReproducible: two builds of the same sources, in two folders, give
// the same digest.
func TestReproducible(t *testing.T) {
	var digests []string
	for range 2 {
		// The module path is the folder's name: both folders are "shop".
		root := filepath.Join(t.TempDir(), "shop")
		scaffoldIn(t, root, map[string][]string{"api": {"go-server"}})
		res, _, err := runBuild(t, &build.Build{Solution: deploy.Deployment{Roots: []string{root}}, OCILayout: filepath.Join(t.TempDir(), "l")})
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, res.Images[0].Ref+"@"+res.Images[0].Digest)
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds of the same sources: %s and %s", digests[0], digests[1])
	}
}

// TestRegistryFailures: a registry that refuses the push, one that fails
// with 503 and one nobody listens on give errors naming the reference, after
// a bounded number of tries, and nothing is recorded as pushed.
func TestRegistryFailures(t *testing.T) {
	root := scaffold(t, map[string][]string{"api": {"go-server"}})
	var tries atomic.Int32
	cases := []struct {
		name    string
		handler func(w http.ResponseWriter, r *http.Request) bool
		want    string
	}{
		{"refused", func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/") {
				tries.Add(1)
				http.Error(w, `{"errors":[{"code":"DENIED","message":"push refused"}]}`, http.StatusForbidden)
				return true
			}
			return false
		}, "push refused"},
		{"unavailable", func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method != http.MethodGet || r.URL.Path != "/v2/" {
				tries.Add(1)
				w.WriteHeader(http.StatusServiceUnavailable)
				return true
			}
			return false
		}, "503"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tries.Store(0)
			host := startRegistry(t, tc.handler)
			out := t.TempDir()
			res, stdout, err := runBuild(t, &build.Build{Solution: deploy.Deployment{Roots: []string{root}, Registry: host}, Output: out})
			if err == nil || !strings.Contains(err.Error(), host+"/api:") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v", err)
			}
			if stdout != "" || res != nil && len(res.Images) > 0 {
				t.Errorf("reported %q %+v", stdout, res)
			}
			if n := tries.Load(); n < 1 || n > 12 {
				t.Errorf("%d tries", n)
			}
			if _, err := os.Stat(filepath.Join(out, buildrecord.File)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a record was written: %v", err)
			}
		})
	}
	t.Run("unreachable", func(t *testing.T) {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := l.Addr().String()
		l.Close()
		start := time.Now()
		_, _, err := runBuild(t, &build.Build{Solution: deploy.Deployment{Roots: []string{root}, Registry: addr}, Output: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), "registry "+addr) {
			t.Errorf("error %v", err)
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("gave up after %s", d)
		}
	})
}

// TestNeedsEngine: a Dockerfile that is not a Go command's, with no engine
// on the machine, is an error naming it.
func TestNeedsEngine(t *testing.T) {
	root := scaffold(t, map[string][]string{"api": {"go-server"}})
	dir := filepath.Join(root, "applications", "static")
	writeFile(t, filepath.Join(dir, "Dockerfile"), "FROM nginx:1.27\nCOPY . /usr/share/nginx/html\nUSER 101\n")
	writeFile(t, filepath.Join(dir, "deploy", "values.yaml"), "harness:\n  deployment:\n    auto: true\n")
	b := &build.Build{Solution: deploy.Deployment{Roots: []string{root}}, OCILayout: t.TempDir(),
		LookPath: func(string) (string, error) { return "", exec.ErrNotFound }}
	_, _, err := runBuild(t, b)
	if err == nil || !strings.Contains(err.Error(), "no image build engine") || !strings.Contains(err.Error(), "static (applications/static/Dockerfile)") && !strings.Contains(err.Error(), "static ("+filepath.Join(dir, "Dockerfile")+")") {
		t.Errorf("error %v", err)
	}
}

func TestBadFlags(t *testing.T) {
	root := scaffold(t, map[string][]string{"api": {"go-server"}})
	for _, tc := range []struct {
		b    build.Build
		want string
	}{
		{build.Build{}, "nowhere to put the images"},
		{build.Build{Solution: deploy.Deployment{Registry: "a"}, OCILayout: "b"}, "give one of them"},
		{build.Build{Solution: deploy.Deployment{Registry: "UPPER CASE/x"}}, "-r UPPER CASE/x: not a registry"},
		{build.Build{OCILayout: "x", Platforms: []string{"windows/amd64"}}, "--platform windows/amd64"},
		{build.Build{OCILayout: "x", Platforms: []string{"linux/amd64,linux/amd64"}}, "given twice"},
		{build.Build{OCILayout: filepath.Join(root, "go.mod")}, "not a directory"},
		{build.Build{OCILayout: filepath.Join(root, "applications")}, "no OCI layout"},
	} {
		tc.b.Solution.Roots = []string{root}
		_, _, err := runBuild(t, &tc.b)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.b, err, tc.want)
		}
	}
}

func extract(t *testing.T, img v1.Image) map[string][]byte {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(tr)
			files[h.Name] = data
		}
		rc.Close()
	}
	return files
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(s)
	f.Close()
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEngineBuild builds, with Debian's buildah, a base image and an
// application from their Dockerfiles, and a Go application on that base,
// all through a registry on 127.0.0.1: the engine pulls the base harness
// pushed, and harness lays its binary on the base buildah pushed.
func TestEngineBuild(t *testing.T) {
	if _, err := exec.LookPath("buildah"); err != nil {
		testenv.Missing(t, "buildah is not installed (apt-get install buildah)")
	}
	store := t.TempDir()
	conf := filepath.Join(store, "storage.conf")
	writeFile(t, conf, fmt.Sprintf("[storage]\ndriver = \"vfs\"\nrunroot = %q\ngraphroot = %q\n", filepath.Join(store, "run"), filepath.Join(store, "root")))
	t.Setenv("CONTAINERS_STORAGE_CONF", conf)
	t.Setenv("BUILDAH_ISOLATION", "chroot")

	root := scaffold(t, map[string][]string{"api": {"go-server"}})
	writeFile(t, filepath.Join(root, "infrastructure/base-images/shop-base/Dockerfile"),
		"FROM scratch\nCOPY infrastructure/base-images/shop-base/motd /etc/shop-motd\n")
	writeFile(t, filepath.Join(root, "infrastructure/base-images/shop-base/motd"), "built by buildah\n")
	writeFile(t, filepath.Join(root, "applications/static/Dockerfile"),
		"ARG SHOP_BASE\nFROM ${SHOP_BASE}\nCOPY index.html /www/index.html\nUSER 65532\n")
	writeFile(t, filepath.Join(root, "applications/static/index.html"), "<p>static</p>\n")
	writeFile(t, filepath.Join(root, "applications/static/deploy/values.yaml"),
		"harness:\n  deployment:\n    auto: true\n  dependencies:\n    build: [shop-base]\n")
	// api's final stage on the solution's base instead of scratch.
	df := filepath.Join(root, "applications/api/Dockerfile")
	data, _ := os.ReadFile(df)
	writeFile(t, df, "ARG SHOP_BASE\n"+strings.Replace(string(data), "FROM scratch", "FROM ${SHOP_BASE}", 1))
	values := filepath.Join(root, "applications/api/deploy/values.yaml")
	data, _ = os.ReadFile(values)
	writeFile(t, values, strings.Replace(string(data), "    build: []\n", "    build: [shop-base]\n", 1))

	host := startRegistry(t, nil)
	b := &build.Build{Solution: deploy.Deployment{Roots: []string{root}, Registry: host}}
	res, _, err := runBuild(t, b)
	if err != nil {
		t.Fatal(err)
	}
	engines := map[string]string{}
	var order []string
	for _, img := range res.Images {
		engines[img.Name] = img.Engine
		order = append(order, img.Name)
	}
	if len(order) != 3 || order[0] != "shop-base" || engines["shop-base"] != "buildah" || engines["static"] != "buildah" || engines["api"] != "" {
		t.Fatalf("built %v with %v", order, engines)
	}
	pullFiles := func(name string) map[string][]byte {
		for _, img := range res.Images {
			if img.Name == name {
				ref, _ := name2ref(img.Ref)
				im, err := remote.Image(ref)
				if err != nil {
					t.Fatal(err)
				}
				return extract(t, im)
			}
		}
		t.Fatalf("no image %s", name)
		return nil
	}
	static := pullFiles("static")
	if string(static["etc/shop-motd"]) != "built by buildah\n" || string(static["www/index.html"]) != "<p>static</p>\n" {
		t.Errorf("static image files: %v", keys(static))
	}
	api := pullFiles("api")
	if string(api["etc/shop-motd"]) != "built by buildah\n" || len(api["server"]) == 0 {
		t.Errorf("api image files: %v", keys(api))
	}
	again, _, err := runBuild(t, &build.Build{Solution: b.Solution})
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range again.Images {
		if !img.Unchanged {
			t.Errorf("second build rebuilt %s", img.Name)
		}
	}
}

func name2ref(s string) (name.Reference, error) { return name.ParseReference(s) }

// TestPin: harness-deployment --pin names the image by the digest the last
// build pushed; without a record it refuses, naming the file.
func TestPin(t *testing.T) {
	root := scaffold(t, map[string][]string{"api": {"go-server"}})
	host := startRegistry(t, nil)
	out := filepath.Join(t.TempDir(), "deployment")
	d := deploy.Deployment{Roots: []string{root}, Registry: host, Output: out, SkipLint: true, Pin: true}
	if _, err := d.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "--pin: "+filepath.Join(out, "images.json")+" holds no digest of "+host+"/api:") {
		t.Errorf("--pin before any build: %v", err)
	}
	res, _, err := runBuild(t, &build.Build{Solution: deploy.Deployment{Roots: []string{root}, Registry: host}, Output: out})
	if err != nil {
		t.Fatal(err)
	}
	got, err := d.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	image := got.Values["apps"].(map[string]any)["api"].(map[string]any)["harness"].(map[string]any)["deployment"].(map[string]any)["image"]
	if want := res.Images[0].Ref + "@" + res.Images[0].Digest; image != want {
		t.Errorf("pinned image %v, want %s", image, want)
	}
}
