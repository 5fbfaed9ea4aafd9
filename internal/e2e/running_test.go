package e2e_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/harness-sh/harness/internal/build"
	"github.com/harness-sh/harness/internal/cli"
	"github.com/harness-sh/harness/internal/deploy"
	"github.com/harness-sh/harness/internal/kubetest"
)

// The running solution: three scaffolded go-server applications whose
// user-owned services the test edits as a user would.
const (
	runAPI    = "api"   // answers ping
	runFront  = "front" // its ping calls api's through the generated client and the runtime's address
	runVault  = "vault" // its ping answers a secret read through the runtime
	runNS     = "shop"
	runSecret = "s3cr3t-from-values"
)

// TestSolutionRuns is harness's promise end to end on a real node: a
// scaffolded solution built by harness build, charted by
// harness-deployment --pin, installed with the real helm into a namespace
// enforcing the restricted Pod Security Standard, turns Ready through its
// readiness probes; front reaches api through the Service address the
// runtime gives, vault reads its secret through the runtime; helm upgrade to
// a new image rolls out without a failed request, helm rollback returns.
func TestSolutionRuns(t *testing.T) {
	helm := helmBinary(t)
	c := kubetest.StartNode(t)
	root := runningSolution(t)
	out := filepath.Join(root, "deployment")

	build1 := buildImages(t, root, c.Registry, out)
	chart(t, root, c.Registry, out)
	e := newEnv(t, c, helm)
	c.RestrictedNamespace(t, runNS)

	start := time.Now()
	e.helm(t, "install", runNS, filepath.Join(out, "helm"), "-n", runNS, "--wait", "--timeout", "5m")
	t.Logf("helm install --wait to every Pod Ready: %v", time.Since(start).Round(100*time.Millisecond))
	pods := readyPods(t, e, 3)

	client := c.HTTPClient()
	get := func(app, path string) (int, string, error) {
		resp, err := client.Get("http://" + podIP(t, pods, app) + ":8080" + path)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), err
	}
	// A Pod's readiness does not wait for the Service routes and the DNS
	// names of the others: kube-proxy and CoreDNS program them in their own
	// time. So front's call to api may fail for a few seconds after every
	// Pod is Ready, as it would in any cluster; each answer is awaited, for
	// up to 30 s.
	for _, tc := range []struct{ app, want string }{
		{runAPI, `"pong"`},
		{runFront, `"front→api: pong"`},
		{runVault, `"` + runSecret + `"`},
	} {
		start := time.Now()
		for {
			code, body, err := get(tc.app, "/api/ping")
			if err == nil && code == 200 && strings.TrimSpace(body) == tc.want {
				if d := time.Since(start); d > time.Second {
					t.Logf("GET %s /api/ping: as wanted after %s", tc.app, d.Round(100*time.Millisecond))
				}
				break
			}
			if time.Since(start) > 30*time.Second {
				t.Errorf("GET %s /api/ping for 30 s: last %d %q %v, want %s\n%s's log:\n%s", tc.app, code, body, err, tc.want,
					tc.app, podLogs(t, e, pods[tc.app]))
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	logs := podLogs(t, e, pods[runAPI])
	if !strings.Contains(logs, `"msg":"listening"`) {
		t.Errorf("api's log lacks the server's line:\n%s", logs)
	}

	// A new api image, rolled out while front is asked without pause.
	appendLine(t, filepath.Join(root, "applications", runAPI, "backend", "service", "service.go"), "\n// v2\n")
	build2 := buildImages(t, root, c.Registry, out)
	if build2[runAPI] == build1[runAPI] || build2[runFront] != build1[runFront] {
		t.Fatalf("rebuild: api %s -> %s, front %s -> %s", build1[runAPI], build2[runAPI], build1[runFront], build2[runFront])
	}
	chart(t, root, c.Registry, out)
	var failed, served atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	frontIP := podIP(t, pods, runFront)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get("http://" + frontIP + ":8080/api/ping")
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != 200 {
					failed.Add(1)
				} else {
					served.Add(1)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	e.helm(t, "upgrade", runNS, filepath.Join(out, "helm"), "-n", runNS, "--wait", "--timeout", "5m")
	close(stop)
	wg.Wait()
	if failed.Load() > 0 || served.Load() == 0 {
		t.Errorf("during the upgrade: %d requests failed, %d served", failed.Load(), served.Load())
	}
	if got := deployedImage(t, e, runAPI); !strings.HasSuffix(got, build2[runAPI]) {
		t.Errorf("after upgrade api runs %s, want %s", got, build2[runAPI])
	}
	e.helm(t, "rollback", runNS, "1", "-n", runNS, "--wait", "--timeout", "5m")
	if got := deployedImage(t, e, runAPI); !strings.HasSuffix(got, build1[runAPI]) {
		t.Errorf("after rollback api runs %s, want %s", got, build1[runAPI])
	}
	readyPods(t, e, 3)
}

// runningSolution scaffolds the solution and edits its user-owned files.
func runningSolution(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, app := range []string{runAPI, runFront, runVault} {
		run(t, cli.NewApplicationCmd(), app, "--root", root, "-t", "go-server")
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	module := strings.TrimSpace(strings.TrimPrefix(first, "module"))

	editPing(t, root, runFront, `	cfg, err := runtime.Default()
	if err != nil {
		return nil, err
	}
	target, err := cfg.App("`+runAPI+`")
	if err != nil {
		return nil, err
	}
	resp, err := apiclient.New(target.ServiceAddress()).Ping(ctx, apiapi.PingRequest{})
	if err != nil {
		return nil, err
	}
	pong, ok := resp.(*apiapi.Ping200JSONResponse)
	if !ok {
		return nil, fmt.Errorf("api answered %T", resp)
	}
	return &PKG.Ping200JSONResponse{Body: "front→api: " + pong.Body}, nil`,
		`"fmt"`, `"github.com/harness-sh/harness/runtime"`,
		`apiapi "`+module+`/applications/api/backend/api"`, `apiclient "`+module+`/applications/api/backend/api/client"`)
	editPing(t, root, runVault, `	cfg, err := runtime.Default()
	if err != nil {
		return nil, err
	}
	app, err := cfg.Current()
	if err != nil {
		return nil, err
	}
	secret, err := app.Secret("static-key")
	if err != nil {
		return nil, err
	}
	return &PKG.Ping200JSONResponse{Body: secret}, nil`, `"github.com/harness-sh/harness/runtime"`)
	editValues(t, root, runVault, func(v map[string]any) {
		harness(t, v)["secrets"] = map[string]any{"static-key": runSecret}
	})
	return root
}

// editPing replaces the body of the Ping method of app's service; PKG in
// body is the app's API package.
func editPing(t *testing.T, root, app, body string, imports ...string) {
	t.Helper()
	path := filepath.Join(root, "applications", app, "backend", "service", "service.go")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	old := "\treturn &" + app + ".Ping200JSONResponse{Body: \"pong\"}, nil"
	if !strings.Contains(src, old) {
		t.Fatalf("%s: the scaffolded Ping changed; update the test", path)
	}
	src = strings.Replace(src, old, strings.ReplaceAll(body, "PKG.", app+"."), 1)
	src = strings.Replace(src, "import (\n", "import (\n\t"+strings.Join(imports, "\n\t")+"\n", 1)
	writeFile(t, path, src)
}

func appendLine(t *testing.T, path, s string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(data)+s)
}

// buildImages runs harness build and returns each image's ref@digest by app.
func buildImages(t *testing.T, root, registry, out string) map[string]string {
	t.Helper()
	start := time.Now()
	b := &build.Build{Solution: deploy.Deployment{Roots: []string{root}, Registry: registry}, Output: out, Err: testWriter{t}}
	res, err := b.Run(context.Background())
	if err != nil {
		t.Fatalf("harness build: %v", err)
	}
	t.Logf("harness build: %v", time.Since(start).Round(100*time.Millisecond))
	refs := map[string]string{}
	for _, img := range res.Images {
		refs[img.Name] = img.Ref + "@" + img.Digest
	}
	return refs
}

// chart runs harness-deployment --pin for the node's registry.
func chart(t *testing.T, root, registry, out string) {
	t.Helper()
	d := &deploy.Deployment{Roots: []string{root}, Registry: registry, Namespace: runNS, Domain: domain, Output: out, Pin: true, NoTLS: true}
	if _, err := d.Run(context.Background()); err != nil {
		t.Fatalf("harness-deployment: %v", err)
	}
}

// readyPods waits for want Running, Ready Pods in the namespace, one per
// application, and returns them by app.
func readyPods(t *testing.T, e *env, want int) map[string]corev1.Pod {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		list, err := e.cs.CoreV1().Pods(runNS).List(e.ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		pods := map[string]corev1.Pod{}
		for _, p := range list.Items {
			if p.DeletionTimestamp != nil || p.Status.Phase != corev1.PodRunning || !podReady(p) {
				continue
			}
			pods[p.Labels["app"]] = p
		}
		if len(pods) == want && len(list.Items) == want {
			return pods
		}
		if time.Now().After(deadline) {
			var states []string
			for _, p := range list.Items {
				states = append(states, fmt.Sprintf("%s %s ready=%v %v", p.Name, p.Status.Phase, podReady(p), p.Labels))
			}
			t.Fatalf("Pods of %s not all Ready: %v", runNS, states)
		}
		time.Sleep(time.Second)
	}
}

func podReady(p corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func podIP(t *testing.T, pods map[string]corev1.Pod, app string) string {
	t.Helper()
	p, ok := pods[app]
	if !ok || p.Status.PodIP == "" {
		t.Fatalf("no Ready Pod of %s with an IP", app)
	}
	return p.Status.PodIP
}

func podLogs(t *testing.T, e *env, p corev1.Pod) string {
	t.Helper()
	data, err := e.cs.CoreV1().Pods(p.Namespace).GetLogs(p.Name, &corev1.PodLogOptions{}).DoRaw(e.ctx)
	if err != nil {
		t.Fatalf("logs of %s: %v", p.Name, err)
	}
	return string(data)
}

func deployedImage(t *testing.T, e *env, app string) string {
	t.Helper()
	d, err := e.cs.AppsV1().Deployments(runNS).Get(e.ctx, app, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return d.Spec.Template.Spec.Containers[0].Image
}

// testWriter sends harness build's progress to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
