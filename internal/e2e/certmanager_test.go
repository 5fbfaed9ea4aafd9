package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/harness-sh/harness/internal/cli/deploycmd"
)

// certManagerModule pins the cert-manager whose CRDs the TLS path installs:
// the module's deploy/crds are the CRDs its releases ship.
const certManagerModule = "github.com/cert-manager/cert-manager@v1.21.2"

var (
	crdGVR    = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	issuerGVR = schema.GroupVersionResource{Group: "cert-manager.io", Version: "v1", Resource: "issuers"}
)

// tlsNeedsCertManager deploys with TLS on and no -l, as to a production
// cluster. On a bare cluster both helm and --deploy stop with a message
// saying what to install, and nothing is installed; with cert-manager's CRDs
// both install the chart and its Issuer.
func (e *env) tlsNeedsCertManager(t *testing.T, root string) {
	const ns, release = "harness-tls", "solution"
	e.c.RestrictedNamespace(t, ns)
	sdkEnv(t, e.c)
	out := filepath.Join(t.TempDir(), "out")
	run(t, deploycmd.New(), root, "-n", ns, "-d", domain, "-t", tag, "-o", out)
	chart := filepath.Join(out, "helm")
	const why = "no cert-manager"

	msg, err := e.helmErr("install", release, chart, "-n", ns)
	if err == nil || !strings.Contains(msg, why) || !strings.Contains(msg, "-dtls") {
		t.Errorf("helm install on a cluster without cert-manager: err %v, output:\n%s", err, msg)
	}
	code, stdout, stderr := execute(deploycmd.New(), root, "-n", ns, "-d", domain, "-t", tag, "-o", filepath.Join(t.TempDir(), "out"), "--deploy")
	if code == 0 || !strings.Contains(stderr, why) || !strings.Contains(stderr, "nothing was installed") {
		t.Errorf("--deploy on a cluster without cert-manager: exit %d, output:\n%s%s", code, stdout, stderr)
	}
	if records, err := e.cs.CoreV1().Secrets(ns).List(e.ctx, metav1.ListOptions{LabelSelector: "owner=helm"}); err != nil || len(records.Items) > 0 {
		t.Fatalf("a failed install left releases in %s: %v %v", ns, records, err)
	}

	e.installCRDs(t, filepath.Join(moduleDir(t, certManagerModule), "deploy", "crds"))
	e.helm(t, "install", release, chart, "-n", ns)
	e.expectIssuer(t, ns)
	// No --wait: without a controller manager, PVCs keep their finalizer.
	e.helm(t, "uninstall", release, "-n", ns)

	// Elsewhere: without a controller manager, the PVCs of the release just
	// uninstalled keep their finalizer, and their names.
	const sdkNS = "harness-tls-sdk"
	e.c.RestrictedNamespace(t, sdkNS)
	run(t, deploycmd.New(), root, "-n", sdkNS, "-d", domain, "-t", tag, "-o", filepath.Join(t.TempDir(), "out"), "--deploy")
	e.expectIssuer(t, sdkNS)
}

// helmErr runs the helm binary and returns its output and error, for the
// runs that are meant to fail.
func (e *env) helmErr(args ...string) (string, error) {
	cmd := exec.CommandContext(e.ctx, e.helmBin, args...)
	cmd.Env = e.helmEnv
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (e *env) expectIssuer(t *testing.T, ns string) {
	t.Helper()
	iss, err := e.dyn.Resource(issuerGVR).Namespace(ns).Get(e.ctx, "letsencrypt-"+ns, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("the chart's Issuer: %v", err)
	}
	if email, _, _ := unstructured.NestedString(iss.Object, "spec", "acme", "email"); email == "" {
		t.Errorf("Issuer has no ACME email: %v", iss.Object["spec"])
	}
}

// installCRDs creates every CRD of dir's YAML files and waits until the API
// server serves them.
func (e *env) installCRDs(t *testing.T, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no CRDs in %s: %v", dir, err)
	}
	var names []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := k8syaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
		for {
			obj := &unstructured.Unstructured{}
			if err := dec.Decode(&obj.Object); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if obj.GetKind() != "CustomResourceDefinition" {
				continue
			}
			if _, err := e.dyn.Resource(crdGVR).Create(e.ctx, obj, metav1.CreateOptions{}); err != nil {
				t.Fatalf("create CRD %s: %v", obj.GetName(), err)
			}
			names = append(names, obj.GetName())
		}
	}
	err = wait.PollUntilContextTimeout(e.ctx, 200*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		for _, name := range names {
			crd, err := e.dyn.Resource(crdGVR).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
			established := false
			for _, c := range conds {
				c, _ := c.(map[string]any)
				established = established || c["type"] == "Established" && c["status"] == "True"
			}
			if !established {
				return false, nil
			}
		}
		_, err := e.cs.Discovery().ServerResourcesForGroupVersion(issuerGVR.GroupVersion().String())
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("CRDs %v not served: %v", names, err)
	}
}

// moduleDir downloads a pinned module through the Go module proxy, as any
// dependency, and returns its folder in the module cache.
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Dir = t.TempDir() // outside this module: go.mod stays as it is
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); err != nil || jerr != nil || info.Dir == "" {
		t.Fatalf("go mod download %s: %v %s %s", module, err, info.Error, out)
	}
	return info.Dir
}
