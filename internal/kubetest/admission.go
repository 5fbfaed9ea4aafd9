package kubetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// RestrictedLabels are the labels that make Pod Security admission enforce,
// and warn about, the "restricted" standard in a namespace.
var RestrictedLabels = map[string]string{
	"pod-security.kubernetes.io/enforce": "restricted",
	"pod-security.kubernetes.io/warn":    "restricted",
}

// RestrictedNamespace creates a namespace with RestrictedLabels and deletes it,
// without waiting, when the test ends (without a node, no controller would
// ever finalize it).
func (c *Cluster) RestrictedNamespace(t testing.TB, name string) {
	t.Helper()
	cs := c.Clientset(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: RestrictedLabels}}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = cs.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{})
	})
}

// Warnings records the warnings the API server sends with its answers, such
// as Pod Security's "would violate PodSecurity" in warn mode.
type Warnings struct {
	mu   sync.Mutex
	msgs []string
}

// HandleWarningHeader implements rest.WarningHandler.
func (w *Warnings) HandleWarningHeader(code int, agent, text string) {
	if code != 299 || text == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, text)
}

// Take returns the warnings recorded since the last Take and forgets them.
func (w *Warnings) Take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	msgs := slices.Clone(w.msgs)
	w.msgs = nil
	return msgs
}

// WarningClient returns a client whose every answer's warnings go to the
// returned recorder instead of the log.
func (c *Cluster) WarningClient(t testing.TB) (*kubernetes.Clientset, *Warnings) {
	t.Helper()
	w := &Warnings{}
	cfg := rest.CopyConfig(c.Config)
	cfg.WarningHandler = w
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatalf("kubernetes client: %v", err)
	}
	return cs, w
}

// AdmitPod asks the API server to create pod with a server-side dry run, so
// that every admission plugin judges it (Pod Security's enforce mode judges
// Pods only, not the workloads that template them) and nothing is stored.
// It returns the server's warnings and its refusal, if any.
func AdmitPod(ctx context.Context, cs *kubernetes.Clientset, w *Warnings, pod *corev1.Pod) ([]string, error) {
	w.Take()
	_, err := cs.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{
		DryRun:          []string{metav1.DryRunAll},
		FieldValidation: metav1.FieldValidationStrict,
	})
	warnings := w.Take()
	if err != nil {
		return warnings, fmt.Errorf("dry-run create pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return warnings, nil
}

// PodFromTemplate is the Pod a controller would make from a workload's pod
// template, named after the workload.
func PodFromTemplate(namespace, name string, tmpl corev1.PodTemplateSpec) *corev1.Pod {
	meta := *tmpl.ObjectMeta.DeepCopy()
	meta.Name = name
	meta.Namespace = namespace
	return &corev1.Pod{ObjectMeta: meta, Spec: *tmpl.Spec.DeepCopy()}
}
