package kubetest_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

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

	t.Run("strict server-side apply", func(t *testing.T) {
		tests := []struct {
			name    string
			object  string
			body    string
			wantErr string
		}{
			{
				name:   "known fields",
				object: "ok",
				body:   `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ok"},"data":{"k":"v"}}`,
			},
			{
				name:    "misspelt field",
				object:  "typo",
				body:    `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"typo"},"dataa":{"k":"v"}}`,
				wantErr: `unknown field "dataa"`,
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := cs.CoreV1().RESTClient().Patch(types.ApplyPatchType).
					Namespace(ns).Resource("configmaps").Name(tt.object).
					Param("fieldManager", "kubetest").
					Param("fieldValidation", metav1.FieldValidationStrict).
					Body([]byte(tt.body)).Do(ctx).Error()
				switch {
				case tt.wantErr == "" && err != nil:
					t.Fatalf("apply: %v", err)
				case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
					t.Fatalf("apply error %v, want one containing %q", err, tt.wantErr)
				}
				if tt.wantErr != "" {
					return
				}
				got, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, tt.object, metav1.GetOptions{})
				if err != nil {
					t.Fatalf("read back: %v", err)
				}
				if got.Data["k"] != "v" {
					t.Errorf("applied data %v, want k=v", got.Data)
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
