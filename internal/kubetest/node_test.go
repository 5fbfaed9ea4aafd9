package kubetest_test

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/harness-sh/harness/internal/kubetest"
)

// helloSource is the server the test runs: it logs helloLog and answers
// /healthz and /.
//
//go:embed testdata/hello/main.go
var helloSource []byte

const (
	helloLog = "hello: listening on :8080 as uid 65532"
	// podReadyBound bounds kubectl apply to Pod Ready: about 1.5 s on an idle
	// machine, the image pull included.
	podReadyBound = 2 * time.Minute
)

// TestNode proves the node: an image the test builds and pushes to the
// cluster's registry runs as a Deployment's Pod in a namespace that enforces
// the restricted Pod Security Standard, turns Ready through its readiness
// probe, logs through the API (pods/log, from kubelet), and answers on its
// Pod IP and on a Service's ClusterIP (kube-proxy) inside the node's network.
func TestNode(t *testing.T) {
	begin := time.Now()
	c := kubetest.StartNode(t)
	t.Logf("time to Node Ready: %v", time.Since(begin).Round(100*time.Millisecond))

	image := c.Push(t, "kubetest/hello:1", kubetest.GoImage(t, helloSource, "65532:65532"))
	const ns = "hello"
	c.RestrictedNamespace(t, ns)
	cs, warnings := c.WarningClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*podReadyBound)
	defer cancel()

	created := time.Now()
	dep := helloDeployment(ns, image)
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{FieldValidation: metav1.FieldValidationStrict}); err != nil {
		t.Fatalf("create deployment: %v", err)
	}
	if w := warnings.Take(); len(w) > 0 {
		t.Errorf("the restricted Deployment drew warnings: %q", w)
	}
	pod := waitPodReady(ctx, t, cs, ns, "app=hello", podReadyBound)
	t.Logf("time to Pod Ready: %v (Deployment created to Ready condition)", time.Since(created).Round(100*time.Millisecond))

	t.Run("log", func(t *testing.T) {
		out, err := cs.CoreV1().Pods(ns).GetLogs(pod.Name, &corev1.PodLogOptions{}).DoRaw(ctx)
		if err != nil {
			t.Fatalf("pods/log: %v", err)
		}
		if !strings.Contains(string(out), helloLog) {
			t.Errorf("log %q, want a line with %q", out, helloLog)
		}
	})

	t.Run("pod IP", func(t *testing.T) {
		got := get(ctx, t, c, "http://"+net.JoinHostPort(pod.Status.PodIP, "8080")+"/")
		if want := "hello from uid 65532\n"; got != want {
			t.Errorf("GET / = %q, want %q", got, want)
		}
	})

	t.Run("service", func(t *testing.T) {
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: "hello", Namespace: ns},
			Spec: corev1.ServiceSpec{
				Selector: map[string]string{"app": "hello"},
				Ports:    []corev1.ServicePort{{Name: "http", Port: 80, TargetPort: intstr.FromString("http")}},
			},
		}
		svc, err := cs.CoreV1().Services(ns).Create(ctx, svc, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create service: %v", err)
		}
		url := "http://" + net.JoinHostPort(svc.Spec.ClusterIP, "80") + "/"
		// kube-proxy writes the Service's rules a moment after it exists.
		var last error
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			var body string
			body, last = tryGet(ctx, c, url)
			if last == nil {
				if want := "hello from uid 65532\n"; body != want {
					t.Errorf("GET %s = %q, want %q", url, body, want)
				}
				break
			}
		}
		if last != nil {
			t.Fatalf("GET %s: %v", url, last)
		}

		// The node's CoreDNS, which Pods ask (clusterDNS), names the
		// Service; a name outside the cluster gets no answer.
		resolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return c.DialContext(ctx, network, kubetest.NodeDNS)
		}}
		var addrs []string
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			if addrs, last = resolver.LookupHost(ctx, "hello."+ns+".svc.cluster.local"); last == nil {
				break
			}
		}
		if last != nil || len(addrs) != 1 || addrs[0] != svc.Spec.ClusterIP {
			t.Errorf("hello.%s.svc.cluster.local: %v %v, want %s", ns, addrs, last, svc.Spec.ClusterIP)
		}
		if addrs, err := resolver.LookupHost(ctx, "example.com"); err == nil {
			t.Errorf("example.com resolved to %v inside the node", addrs)
		}
	})
}

// helloDeployment runs image with a readiness probe and the least that the
// restricted standard asks for; the image's user is 65532.
func helloDeployment(ns, image string) *appsv1.Deployment {
	labels := map[string]string{"app": "hello"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "hello", Namespace: ns},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1),
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					SecurityContext: &corev1.PodSecurityContext{
						RunAsNonRoot:   ptr.To(true),
						SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
					},
					// It would be killed with the default 30 s at the end.
					TerminationGracePeriodSeconds: ptr.To[int64](1),
					Containers: []corev1.Container{{
						Name:  "hello",
						Image: image,
						Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
						ReadinessProbe: &corev1.Probe{
							ProbeHandler: corev1.ProbeHandler{
								HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString("http")},
							},
							PeriodSeconds: 1,
						},
						SecurityContext: &corev1.SecurityContext{
							AllowPrivilegeEscalation: ptr.To(false),
							Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
							ReadOnlyRootFilesystem:   ptr.To(true),
						},
					}},
				},
			},
		},
	}
}

// waitPodReady waits up to bound for a Pod matching selector to be Ready and
// returns it; on failure it reports the Pods' states and the namespace's
// events.
func waitPodReady(ctx context.Context, t *testing.T, cs *kubernetes.Clientset, ns, selector string, bound time.Duration) *corev1.Pod {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, bound)
	defer cancel()
	var state string
	for {
		pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err == nil {
			state = ""
			for i := range pods.Items {
				p := &pods.Items[i]
				if ready(p) {
					return p
				}
				state += fmt.Sprintf("\n%s: %s %v", p.Name, p.Status.Phase, p.Status.ContainerStatuses)
			}
		}
		select {
		case <-ctx.Done():
			events, _ := cs.CoreV1().Events(ns).List(context.Background(), metav1.ListOptions{})
			var ev strings.Builder
			if events != nil {
				for _, e := range events.Items {
					fmt.Fprintf(&ev, "\n%s %s: %s", e.InvolvedObject.Name, e.Reason, e.Message)
				}
			}
			t.Fatalf("no Pod %s Ready within %v: %v%s\nevents:%s", selector, bound, ctx.Err(), state, ev.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func ready(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

func get(ctx context.Context, t *testing.T, c *kubetest.Cluster, url string) string {
	t.Helper()
	body, err := tryGet(ctx, c, url)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// tryGet requests url from inside the node's network.
func tryGet(ctx context.Context, c *kubetest.Cluster, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := c.HTTPClient().Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s %s", url, resp.Status, b)
	}
	return string(b), nil
}
