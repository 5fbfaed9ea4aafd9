package kubetest_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/harness-sh/harness/internal/kubetest"
)

// TestCluster proves what the other cluster tests rely on: the API server
// answers with the token, kubectl reaches it through the kubeconfig,
// server-side apply validates fields strictly, and Pod Security admission
// enforces "restricted" in a labelled namespace.
func TestCluster(t *testing.T) {
	c := kubetest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const ns = "restricted"
	c.RestrictedNamespace(t, ns)
	cs, warnings := c.WarningClient(t)

	t.Run("kubectl", func(t *testing.T) {
		cmd := exec.CommandContext(ctx, c.BinDir+"/kubectl", "get", "namespace", ns,
			"-o", "jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}")
		cmd.Env = c.Env(t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("kubectl: %v\n%s", err, out)
		}
		if got := string(out); got != "restricted" {
			t.Errorf("kubectl read enforce label %q, want restricted", got)
		}
	})

	t.Run("server-side field validation", func(t *testing.T) {
		const (
			known = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":%q},"data":{"k":"v"}}`
			typo  = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":%q},"dataa":{"k":"v"}}`
		)
		tests := []struct {
			name       string
			apply      bool // server-side apply, else create
			body       string
			validation string
			wantErr    string // empty: stored
			wantWarn   string // empty: no warning
		}{
			{name: "create-known", body: known, validation: metav1.FieldValidationStrict},
			{name: "create-typo-strict", body: typo, validation: metav1.FieldValidationStrict, wantErr: `unknown field "dataa"`},
			// What a client that asks for nothing gets: the field dropped
			// with a warning, which is why the tests ask for Strict.
			{name: "create-typo-warn", body: typo, validation: metav1.FieldValidationWarn, wantWarn: `unknown field "dataa"`},
			{name: "apply-known", apply: true, body: known, validation: metav1.FieldValidationStrict},
			{name: "apply-typo-strict", apply: true, body: typo, validation: metav1.FieldValidationStrict, wantErr: ".dataa: field not declared in schema"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				body := fmt.Appendf(nil, tt.body, tt.name)
				req := cs.CoreV1().RESTClient().Post().Namespace(ns).Resource("configmaps").
					SetHeader("Content-Type", "application/json")
				if tt.apply {
					req = cs.CoreV1().RESTClient().Patch(types.ApplyPatchType).
						Namespace(ns).Resource("configmaps").Name(tt.name).
						Param("fieldManager", "kubetest")
				}
				warnings.Take()
				err := req.Param("fieldValidation", tt.validation).Body(body).Do(ctx).Error()
				warns := strings.Join(warnings.Take(), "\n")
				switch {
				case tt.wantErr == "" && err != nil:
					t.Fatalf("request: %v", err)
				case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				if (tt.wantWarn == "") != (warns == "") || !strings.Contains(warns, tt.wantWarn) {
					t.Errorf("warnings %q, want %q", warns, tt.wantWarn)
				}
				_, err = cs.CoreV1().ConfigMaps(ns).Get(ctx, tt.name, metav1.GetOptions{})
				if stored := err == nil; stored != (tt.wantErr == "") {
					t.Errorf("stored %v (%v), want %v", stored, err, tt.wantErr == "")
				}
			})
		}
	})

	t.Run("pod security", func(t *testing.T) {
		tests := []struct {
			name  string
			spec  corev1.PodSpec
			admit bool
		}{
			{
				name:  "restricted",
				spec:  restrictedSpec(),
				admit: true,
			},
			{
				name: "no security context",
				spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "app:1"}}},
			},
			{
				name: "privileged",
				spec: func() corev1.PodSpec {
					s := restrictedSpec()
					s.Containers[0].SecurityContext.Privileged = ptr.To(true)
					// Privileged with no escalation is invalid before admission.
					s.Containers[0].SecurityContext.AllowPrivilegeEscalation = nil
					return s
				}(),
			},
			{
				name: "runs as root",
				spec: func() corev1.PodSpec {
					s := restrictedSpec()
					s.SecurityContext.RunAsNonRoot = ptr.To(false)
					return s
				}(),
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				pod := kubetest.PodFromTemplate(ns, strings.ReplaceAll(tt.name, " ", "-"),
					corev1.PodTemplateSpec{Spec: tt.spec})
				warns, err := kubetest.AdmitPod(ctx, cs, warnings, pod)
				if tt.admit {
					if err != nil {
						t.Fatalf("compliant pod refused: %v", err)
					}
					if len(warns) > 0 {
						t.Errorf("compliant pod drew warnings: %q", warns)
					}
					return
				}
				if err == nil {
					t.Fatalf("non-compliant pod admitted (warnings %q)", warns)
				}
				if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `violates PodSecurity "restricted`) {
					t.Errorf("refusal %v, want Pod Security's Forbidden", err)
				}
			})
		}
		// Warn mode judges workloads: a Deployment is stored (enforce judges
		// Pods only) but its non-compliant template draws a warning, which is
		// what the end-to-end test's "no warnings" relies on.
		t.Run("workload warning", func(t *testing.T) {
			dep := &appsv1.Deployment{
				ObjectMeta: metav1.ObjectMeta{Name: "root", Namespace: ns},
				Spec: appsv1.DeploymentSpec{
					Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "root"}},
					Template: corev1.PodTemplateSpec{
						ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "root"}},
						Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "app:1"}}},
					},
				},
			}
			warnings.Take()
			if _, err := cs.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
				t.Fatalf("deployment refused: %v", err)
			}
			if w := strings.Join(warnings.Take(), "\n"); !strings.Contains(w, `would violate PodSecurity "restricted`) {
				t.Errorf("warnings %q, want Pod Security's", w)
			}
		})
		// A dry run stores nothing: no kubelet exists, but no Pod may exist either.
		pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatalf("list pods: %v", err)
		}
		if len(pods.Items) != 0 {
			t.Errorf("dry runs stored %d pods", len(pods.Items))
		}
	})
}

// restrictedSpec is the least a Pod needs to meet the restricted standard.
func restrictedSpec() corev1.PodSpec {
	return corev1.PodSpec{
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr.To(true),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers: []corev1.Container{{
			Name:  "app",
			Image: "app:1",
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr.To(false),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
		}},
	}
}
