package webpage_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/harness-sh/harness/internal/build"
	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/deploy"
	"github.com/harness-sh/harness/internal/dockertest"
	"github.com/harness-sh/harness/internal/testenv"
)

// app is the application the tests scaffold.
const app = "shop"

// TestPage builds the scaffolded application both ways, serves each binary
// and drives the page in Chromium.
func TestPage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a solution and runs a browser")
	}
	browser := chromium(t)
	root := t.TempDir()
	var out, errb bytes.Buffer
	args := []string{app, "--root", root, "-t", "go-server", "-t", "webapp"}
	if code := cli.Execute(cli.NewApplicationCmd(), args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errb}); code != 0 {
		t.Fatalf("harness-application %v: exit %d\n%s", args, code, errb.String())
	}
	frontend := filepath.Join(root, "applications", app, "frontend")
	for _, b := range []struct {
		name  string
		build func(t *testing.T, root string) string
	}{
		{"harness build", harnessBuild},
		{"Dockerfile", dockerfileBuild},
	} {
		t.Run(b.name, func(t *testing.T) {
			url := serve(t, b.build(t, root))
			t.Run("http", func(t *testing.T) { checkServing(t, url, frontend) })
			t.Run("browser", func(t *testing.T) { drive(t, browser, url, "webapp-"+strings.ReplaceAll(b.name, " ", "-")) })
		})
	}
}

// chromium finds Debian's chromium. Under CI a missing browser fails the
// test; scripts/test.sh installs it.
func chromium(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("chromium")
	if err == nil {
		return p
	}
	testenv.Missing(t, "chromium is missing; install it with: bash scripts/packages.sh chromium (%v)", err)
	return ""
}

// harnessBuild runs harness build into an OCI layout and returns the
// binary of the image it made. The image holds no frontend file: the page
// must come from the binary.
func harnessBuild(t *testing.T, root string) string {
	dir := filepath.Join(t.TempDir(), "images")
	b := &build.Build{Solution: deploy.Deployment{Roots: []string{root}}, OCILayout: dir, Output: t.TempDir()}
	res, err := b.Run(context.Background())
	if err != nil {
		t.Fatalf("harness build: %v", err)
	}
	if len(res.Images) != 1 {
		t.Fatalf("harness build made %+v, want one image", res.Images)
	}
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil || len(m.Manifests) != 1 {
		t.Fatalf("layout index %+v: %v", m, err)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "server")
	found := false
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
			switch name := strings.TrimPrefix(h.Name, "/"); {
			case name == strings.TrimPrefix(build.Entrypoint, "/"):
				data, err := io.ReadAll(tr)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(bin, data, 0o755); err != nil {
					t.Fatal(err)
				}
				found = true
			case strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".js"):
				t.Errorf("the image holds %s beside the binary", name)
			}
		}
		rc.Close()
	}
	if !found {
		t.Fatalf("the image has no %s", build.Entrypoint)
	}
	return bin
}

// dockerfileBuild builds the binary as the application's Dockerfile does,
// without a Docker engine (dockertest): a file the page needs that the
// Dockerfile forgets fails the build or the page.
func dockerfileBuild(t *testing.T, root string) string {
	return dockertest.Build(t, root, filepath.Join("applications", app, "Dockerfile"))
}

// serve starts the server binary on a free port of 127.0.0.1, waits until
// it is live and returns its URL; the server is killed when the test ends.
func serve(t *testing.T, bin string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin)
	// No harness values: the server takes its port from PORT.
	cmd.Env = []string{fmt.Sprintf("PORT=%d", port), "LOG_LEVEL=warn"}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		res, err := http.Get(url + "/live")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server at %s is not live after 15 s: %v\n%s", url, err, logs.String())
		}
	}
}

// checkServing: the frontend's files are served at their paths with their
// types and headers, revalidated by ETag; everything else is still the
// API's.
func checkServing(t *testing.T, url, frontend string) {
	index, err := os.ReadFile(filepath.Join(frontend, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, method, path, etagOf string
		status                     int
		typ                        string // Content-Type's media type
		body                       []byte // nil: not checked
	}{
		{name: "page", method: "GET", path: "/", status: 200, typ: "text/html", body: index},
		{name: "script", method: "GET", path: "/app.js", status: 200, typ: "text/javascript"},
		{name: "style", method: "GET", path: "/style.css", status: 200, typ: "text/css"},
		{name: "head", method: "HEAD", path: "/", status: 200, typ: "text/html"},
		{name: "unchanged", method: "GET", path: "/app.js", etagOf: "/app.js", status: 304},
		{name: "index redirects", method: "GET", path: "/index.html", status: 301},
		{name: "unknown path", method: "GET", path: "/nothing.html", status: 404, typ: "application/problem+json"},
		{name: "post to the page", method: "POST", path: "/", status: 404, typ: "application/problem+json"},
		{name: "API", method: "GET", path: "/api/items", status: 200, typ: "application/json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, url+tc.path, nil)
			if tc.etagOf != "" {
				res, err := http.Get(url + tc.etagOf)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				req.Header.Set("If-None-Match", res.Header.Get("ETag"))
			}
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Fatalf("%s %s: %d, want %d\n%s", tc.method, tc.path, res.StatusCode, tc.status, body)
			}
			if typ, _, _ := strings.Cut(res.Header.Get("Content-Type"), ";"); tc.typ != "" && typ != tc.typ {
				t.Errorf("%s %s: Content-Type %q, want %s", tc.method, tc.path, typ, tc.typ)
			}
			if tc.body != nil && !bytes.Equal(body, tc.body) {
				t.Errorf("%s %s: the body is not frontend/index.html:\n%s", tc.method, tc.path, body)
			}
			if tc.status == 200 && tc.typ != "application/json" {
				if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
					t.Errorf("%s %s: Content-Security-Policy %q", tc.method, tc.path, csp)
				}
				if res.Header.Get("ETag") == "" {
					t.Errorf("%s %s: no ETag", tc.method, tc.path)
				}
			}
		})
	}
}

// drive loads the page in headless Chromium and uses it as a person would:
// the list shows what the API holds, the form creates an item, and invalid
// input shows the API's field errors beside the fields. The screenshot of
// the last state is saved as name.png.
func drive(t *testing.T, browser, url, name string) {
	seeded := postItem(t, url, `{"name":"seeded","tags":["from-api"]}`)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(900, 900),
		chromedp.Flag("disable-gpu", true),
		// The page talks to 127.0.0.1 and nothing else: no proxy, and
		// every other host name fails to resolve.
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium's sandbox refuses root
	}
	// The whole browser lives at most this long, whatever hangs.
	life, stop := context.WithTimeout(context.Background(), 2*time.Minute)
	defer stop()
	alloc, cancelAlloc := chromedp.NewExecAllocator(life, opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()

	var mu sync.Mutex
	var jsErrors []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			jsErrors = append(jsErrors, (&chromedp.ExceptionError{ExceptionDetails: e.ExceptionDetails}).Error())
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				jsErrors = append(jsErrors, fmt.Sprintf("console.error %d arguments", len(e.Args)))
			}
		}
	}); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, e := range jsErrors {
			t.Errorf("the page's script failed: %s", e)
		}
	}()
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, done := context.WithTimeout(ctx, 20*time.Second)
		defer done()
		if err := chromedp.Do(c, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// wait polls a JavaScript condition until it holds.
	wait := func(what, cond string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](cond)(ctx, tg)
			if err != nil {
				text, _ := chromedp.Evaluate[string](`document.querySelector("main").innerText`)(ctx, tg)
				return fmt.Errorf("waiting for %s: %w; the page shows:\n%s", what, err, text)
			}
			return nil
		})
	}
	// fill sets an input's value as typing would leave it.
	fill := func(id, value string) chromedp.Action[chromedp.Void] {
		return chromedp.Evaluate[chromedp.Void](`document.getElementById(` + jsString(id) + `).value = ` + jsString(value))
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+jsString(sel)+`).textContent`))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}

	step("load the page", chromedp.Navigate(url+"/"),
		wait("the list", `document.querySelectorAll("#items li").length === 1 && document.getElementById("status").textContent === "1 item"`))
	if got := text("#items li"); !strings.Contains(got, "seeded") || !strings.Contains(got, "from-api") {
		t.Errorf("the list shows %q, want item %d: seeded from-api", got, seeded)
	}

	step("create an item", fill("name", "from the page"),
		fill("tags", "web, e2e"),
		chromedp.Click(chromedp.CSS("#new-item button")),
		wait("the new item", `document.querySelectorAll("#items li").length === 2`))
	if got := text("#items li:last-child"); !strings.Contains(got, "from the page") || !strings.Contains(got, "e2e") {
		t.Errorf("the new item shows %q", got)
	}
	if page := listItems(t, url); page.Total != 2 || page.Items[1].Name != "from the page" || strings.Join(page.Items[1].Tags, ",") != "web,e2e" {
		t.Errorf("the API holds %+v after the form's create", page)
	}
	if got := text("#form-error") + text("#name-error") + text("#tags-error"); got != "" {
		t.Errorf("errors shown after a valid create: %q", got)
	}

	step("submit invalid input", fill("name", ""),
		fill("tags", "ok, Not Valid"),
		chromedp.Click(chromedp.CSS("#new-item button")),
		wait("the validation errors", `document.getElementById("name-error").textContent !== "" && document.getElementById("tags-error").textContent !== ""`))
	for _, tc := range []struct{ sel, want string }{
		{"#name-error", "at least 1"},
		{"#tags-error", "“Not Valid”: must match the pattern ^[a-z0-9-]+$"},
		{"#form-error", "Not created"},
	} {
		if got := text(tc.sel); !strings.Contains(got, tc.want) {
			t.Errorf("%s shows %q, want %q", tc.sel, got, tc.want)
		}
	}
	invalid, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`["name", "tags"].map((id) => document.getElementById(id).getAttribute("aria-invalid") || "")`))
	if err != nil || strings.Join(invalid, ",") != "true,true" {
		t.Errorf("aria-invalid of name, tags: %q %v", invalid, err)
	}
	if page := listItems(t, url); page.Total != 2 {
		t.Errorf("the invalid item was created: %+v", page)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#items li").length`)); err != nil || n != 2 {
		t.Errorf("the list has %d items after the invalid submit (%v), want 2", n, err)
	}

	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if img, err := png.Decode(bytes.NewReader(shot)); err != nil || img.Bounds().Dx() < 100 {
		t.Fatalf("the screenshot is not a PNG of the page: %v", err)
	}
	dir := os.Getenv("HARNESS_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

type item struct {
	ID   int64    `json:"id"`
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

type itemPage struct {
	Items []item `json:"items"`
	Total int64  `json:"total"`
}

func postItem(t *testing.T, url, body string) int64 {
	t.Helper()
	res, err := http.Post(url+"/api/items", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var it item
	if err := json.NewDecoder(res.Body).Decode(&it); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/items %s: %d %v", body, res.StatusCode, err)
	}
	return it.ID
}

func listItems(t *testing.T, url string) itemPage {
	t.Helper()
	res, err := http.Get(url + "/api/items")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p itemPage
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatalf("GET /api/items: %v", err)
	}
	return p
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
