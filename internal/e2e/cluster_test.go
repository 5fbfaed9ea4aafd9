package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	k8syaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"

	"github.com/harness-sh/harness/internal/cli/deploycmd"
	"github.com/harness-sh/harness/internal/kubetest"
	"github.com/harness-sh/harness/internal/testenv"
)

// HelmEnv names the pinned helm binary (scripts/helm.sh prints it).
const HelmEnv = "HARNESS_HELM"

const tag = "0.1.0"

// TestSolutionOnAPIServer installs a scaffolded solution's chart into a real
// API server twice: with the helm binary (install, upgrade, rollback,
// uninstall) and with the Helm SDK of `harness-deployment --deploy`.
func TestSolutionOnAPIServer(t *testing.T) {
	c := kubetest.Start(t)
	helm := helmBinary(t)
	root := scaffold(t)
	// This cluster has no kubelet to run the database application's
	// migration Job, a pre-upgrade hook every upgrade would wait for:
	// TestDatabaseRuns runs it on a node.
	if err := os.Remove(filepath.Join(root, "applications", appDatabase, "deploy", "templates", "migrate.yaml")); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, c, helm)

	t.Run("helm binary", func(t *testing.T) {
		const ns, release = "harness-cli", "solution"
		c.RestrictedNamespace(t, ns)
		chart := filepath.Join(t.TempDir(), "out")
		run(t, deploycmd.New(), root, "-n", ns, "-d", domain, "-l", "-t", tag, "-o", chart)
		chart = filepath.Join(chart, "helm")

		e.helm(t, "install", release, chart, "-n", ns)
		installed := e.check(t, ns, release, chart)

		e.helm(t, "upgrade", release, chart, "-n", ns,
			"--set", "apps."+appServer+".harness.deployment.replicas=2",
			"--set", "apps."+appServer+".greeting=bye")
		upgraded := e.check(t, ns, release, chart)
		e.expectChange(t, ns, installed, upgraded, 2, "bye")

		e.helm(t, "rollback", release, "1", "-n", ns)
		rolledBack := e.check(t, ns, release, chart)
		e.expectChange(t, ns, installed, rolledBack, 1, "hello")

		objects := e.manifestObjects(t, ns, release) // of the release's last revision
		e.helm(t, "uninstall", release, "-n", ns)
		e.expectGone(t, ns, release, objects)
	})

	t.Run("harness-deployment --deploy", func(t *testing.T) {
		const ns = "harness-sdk"
		c.RestrictedNamespace(t, ns)
		// Any warning reaches client-go's process-wide handler.
		sdkEnv(t, c)
		warnings := &kubetest.Warnings{}
		rest.SetDefaultWarningHandler(warnings)
		t.Cleanup(func() { rest.SetDefaultWarningHandler(rest.WarningLogger{}) })

		deploy := func() string {
			out := filepath.Join(t.TempDir(), "out")
			run(t, deploycmd.New(), root, "-n", ns, "-d", domain, "-l", "-t", tag, "-o", out, "--deploy")
			if w := warnings.Take(); len(w) > 0 {
				t.Errorf("--deploy drew warnings from the API server:\n%s", strings.Join(w, "\n"))
			}
			return filepath.Join(out, "helm")
		}
		chart := deploy()
		release := e.releaseIn(t, ns)
		installed := e.check(t, ns, release, chart)

		// A second --deploy is an upgrade: nothing random may change.
		chart = deploy()
		again := e.check(t, ns, release, chart)
		e.expectChange(t, ns, installed, again, 1, "hello")
		if rev := e.revisions(t, ns, release); rev != 2 {
			t.Errorf("release %s has %d revisions after two --deploy, want 2", release, rev)
		}
	})

	// Last: it installs cert-manager's CRDs, which the steps above must not see.
	t.Run("TLS needs cert-manager", func(t *testing.T) { e.tlsNeedsCertManager(t, root) })
}

// sdkEnv points the Helm SDK of --deploy at the cluster: it reads it from
// the environment, as helm does.
func sdkEnv(t *testing.T, c *kubetest.Cluster) {
	for _, kv := range c.Env(t.TempDir()) {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "HELM_") || k == "KUBECONFIG" {
			t.Setenv(k, v)
		}
	}
}

// env holds what the steps share: clients of the cluster, the helm binary
// and its isolated home.
type env struct {
	c        *kubetest.Cluster
	helmBin  string
	helmEnv  []string
	cs       *kubernetes.Clientset
	warnings *kubetest.Warnings
	dyn      *dynamic.DynamicClient
	mapper   meta.RESTMapper
	ctx      context.Context
}

func newEnv(t *testing.T, c *kubetest.Cluster, helm string) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	cs, warnings := c.WarningClient(t)
	cfg := rest.CopyConfig(c.Config)
	cfg.WarningHandler = warnings
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	groups, err := restmapper.GetAPIGroupResources(cs.Discovery())
	if err != nil {
		t.Fatalf("discover API resources: %v", err)
	}
	return &env{
		c: c, helmBin: helm, helmEnv: c.Env(t.TempDir()),
		cs: cs, warnings: warnings, dyn: dyn,
		mapper: restmapper.NewDiscoveryRESTMapper(groups),
		ctx:    ctx,
	}
}

// helmBinary returns $HARNESS_HELM, skipping outside CI when it is unset.
func helmBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv(HelmEnv)
	if bin == "" {
		testenv.Missing(t, "%s is not set: run `export %s=\"$(bash scripts/helm.sh)\"` (or scripts/test.sh)", HelmEnv, HelmEnv)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s: %v", HelmEnv, err)
	}
	return bin
}

// apiWarning matches a warning of the API server as helm prints it: through
// client-go's handler into klog (`I1123 ... warnings.go:107] "Warning: ...`),
// or as a klog warning line.
var apiWarning = regexp.MustCompile(`(?m)^W\d{4} |warnings\.go:\d+\]|Warning: `)

// helm runs the helm binary and fails the test on an error or on any warning
// the API server sent (Pod Security in warn mode, unknown fields): helm
// prints them to stderr.
func (e *env) helm(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(e.ctx, e.helmBin, args...)
	cmd.Env = e.helmEnv
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("helm %s: %v\n%s%s", strings.Join(args, " "), err, &stdout, &stderr)
	}
	if apiWarning.Match(stderr.Bytes()) || strings.Contains(stderr.String(), "PodSecurity") {
		t.Errorf("helm %s: the API server warned:\n%s", strings.Join(args, " "), &stderr)
	}
	return stdout.String()
}

// manifestObjects returns the objects of the release's current revision, as
// helm recorded them.
func (e *env) manifestObjects(t *testing.T, ns, release string) []*unstructured.Unstructured {
	t.Helper()
	manifest := e.helm(t, "get", "manifest", release, "-n", ns)
	dec := k8syaml.NewYAMLOrJSONDecoder(strings.NewReader(manifest), 4096)
	var objs []*unstructured.Unstructured
	for {
		obj := &unstructured.Unstructured{}
		err := dec.Decode(&obj.Object)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("decode manifest of %s: %v", release, err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		if obj.GetNamespace() == "" {
			obj.SetNamespace(ns)
		}
		objs = append(objs, obj)
	}
	if len(objs) == 0 {
		t.Fatalf("release %s has no objects", release)
	}
	return objs
}

func (e *env) resource(t *testing.T, obj *unstructured.Unstructured) dynamic.ResourceInterface {
	t.Helper()
	gvk := obj.GroupVersionKind()
	m, err := e.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		t.Fatalf("%s %s: %v", gvk, obj.GetName(), err)
	}
	if m.Scope.Name() == meta.RESTScopeNameRoot {
		return e.dyn.Resource(m.Resource)
	}
	return e.dyn.Resource(m.Resource).Namespace(obj.GetNamespace())
}

// state is what one check saw: the values the chart was installed with and
// the data of every Secret whose content the chart generates.
type state struct {
	values  map[string]any
	secrets map[string]map[string][]byte // Secret name -> data
}

// check asserts what the chart promises on the objects the API server holds
// for the release's current revision, and returns what it saw.
func (e *env) check(t *testing.T, ns, release, chart string) state {
	t.Helper()
	objs := e.manifestObjects(t, ns, release)
	values := e.releaseValues(t, ns, release, chart)

	kinds := map[string]int{}
	for _, obj := range objs {
		kinds[obj.GetKind()]++
		if _, err := e.resource(t, obj).Get(e.ctx, obj.GetName(), metav1.GetOptions{}); err != nil {
			t.Errorf("%s %s of the manifest is not in the API server: %v", obj.GetKind(), obj.GetName(), err)
		}
	}
	for _, kind := range []string{"Deployment", "Service", "Ingress", "ConfigMap", "Secret", "PersistentVolumeClaim"} {
		if kinds[kind] == 0 {
			t.Errorf("release %s has no %s (kinds: %v)", release, kind, kinds)
		}
	}

	t.Logf("release %s in %s: %d objects %v", release, ns, len(objs), kinds)
	e.strictDryRunApply(t, objs)
	e.admitWorkloads(t, ns, objs)

	st := state{values: values, secrets: map[string]map[string][]byte{}}
	apps := mapAt(t, values, "apps")
	for _, key := range slices.Sorted(maps.Keys(apps)) {
		app := mapAt(t, apps, key)
		h := mapAt(t, app, "harness")
		if dig(h, "deployment", "auto") == true {
			name := stringAt(t, h, "deployment", "name")
			if _, err := e.cs.AppsV1().Deployments(ns).Get(e.ctx, name, metav1.GetOptions{}); err != nil {
				t.Errorf("app %s: deployment: %v", key, err)
			}
		}
		if dig(h, "service", "auto") == true {
			name := stringAt(t, h, "service", "name")
			if _, err := e.cs.CoreV1().Services(ns).Get(e.ctx, name, metav1.GetOptions{}); err != nil {
				t.Errorf("app %s: service: %v", key, err)
			}
		}
		if dig(h, "database", "auto") == true {
			e.checkDatabase(t, ns, key, stringAt(t, h, "database", "name"), st)
		}
		if secrets, _ := dig(h, "secrets").(map[string]any); len(secrets) > 0 {
			e.checkSecrets(t, ns, key, stringAt(t, h, "deployment", "name"), secrets, st)
		}
	}
	for _, app := range []string{appServer, appDatabase, appSecrets, appTemplates} {
		if _, ok := apps[app]; !ok {
			t.Errorf("chart values have no app %s (apps: %v)", app, slices.Sorted(maps.Keys(apps)))
		}
	}

	e.checkIngress(t, ns, apps)
	e.checkAllValues(t, ns, values)
	if _, ok := st.secrets[stringAt(t, apps, appSecrets, "harness", "deployment", "name")]; !ok {
		t.Errorf("no Secret of %s's harness.secrets", appSecrets)
	}
	tls, err := e.cs.CoreV1().Secrets(ns).Get(e.ctx, "tls-secret", metav1.GetOptions{})
	if err != nil {
		t.Errorf("local TLS secret (-l): %v", err)
	} else {
		st.secrets[tls.Name] = tls.Data
	}
	cm, err := e.cs.CoreV1().ConfigMaps(ns).Get(e.ctx, extrasConfig, metav1.GetOptions{})
	if err != nil {
		t.Errorf("per-app template of %s: %v", appTemplates, err)
	} else if want := dig(apps, appServer, "greeting"); cm.Data["greeting"] != want {
		t.Errorf("per-app template rendered greeting %q, want %q", cm.Data["greeting"], want)
	}
	return st
}

// releaseValues returns the values the release was rendered with: the chart's
// values.yaml overlaid with the release's user-supplied values.
func (e *env) releaseValues(t *testing.T, ns, release, chart string) map[string]any {
	t.Helper()
	out := e.helm(t, "get", "values", release, "-n", ns, "--all", "-o", "json")
	v := map[string]any{}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("helm get values %s: %v\n%s", release, err, out)
	}
	if _, err := os.Stat(filepath.Join(chart, "values.yaml")); err != nil {
		t.Fatalf("chart %s: %v", chart, err)
	}
	return v
}

func (e *env) checkDatabase(t *testing.T, ns, app, name string, st state) {
	t.Helper()
	dep, err := e.cs.AppsV1().Deployments(ns).Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Errorf("app %s: database deployment: %v", app, err)
		return
	}
	if _, err := e.cs.CoreV1().Services(ns).Get(e.ctx, name, metav1.GetOptions{}); err != nil {
		t.Errorf("app %s: database service: %v", app, err)
	}
	pvc, err := e.cs.CoreV1().PersistentVolumeClaims(ns).Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Errorf("app %s: database volume claim: %v", app, err)
	} else if !usesClaim(dep.Spec.Template.Spec, pvc.Name) {
		t.Errorf("app %s: database deployment %s does not mount claim %s", app, name, pvc.Name)
	}
	// The password Secret is the one the database container reads.
	found := false
	for _, c := range dep.Spec.Template.Spec.Containers {
		for _, ev := range c.Env {
			if ev.ValueFrom == nil || ev.ValueFrom.SecretKeyRef == nil || !strings.Contains(ev.Name, "PASSWORD") {
				continue
			}
			ref := ev.ValueFrom.SecretKeyRef
			sec, err := e.cs.CoreV1().Secrets(ns).Get(e.ctx, ref.Name, metav1.GetOptions{})
			if err != nil {
				t.Errorf("app %s: database password secret: %v", app, err)
				continue
			}
			if len(sec.Data[ref.Key]) < 8 {
				t.Errorf("app %s: database password %s/%s is %d bytes", app, ref.Name, ref.Key, len(sec.Data[ref.Key]))
			}
			st.secrets[sec.Name] = sec.Data
			found = true
		}
	}
	if !found {
		t.Errorf("app %s: database container reads no password from a Secret", app)
	}
}

func usesClaim(spec corev1.PodSpec, claim string) bool {
	for _, v := range spec.Volumes {
		if v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == claim {
			return true
		}
	}
	return false
}

func (e *env) checkSecrets(t *testing.T, ns, app, name string, declared map[string]any, st state) {
	t.Helper()
	sec, err := e.cs.CoreV1().Secrets(ns).Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Errorf("app %s: secrets: %v", app, err)
		return
	}
	for key, v := range declared {
		got, ok := sec.Data[key]
		switch {
		case !ok:
			t.Errorf("app %s: secret %s has no %s", app, name, key)
		case v != nil && v != "" && v != "?" && string(got) != fmt.Sprint(v):
			t.Errorf("app %s: secret %s/%s = %q, want the given %q", app, name, key, got, v)
		case len(got) == 0:
			t.Errorf("app %s: random secret %s/%s is empty", app, name, key)
		}
	}
	st.secrets[sec.Name] = sec.Data
}

func (e *env) checkIngress(t *testing.T, ns string, apps map[string]any) {
	t.Helper()
	list, err := e.cs.NetworkingV1().Ingresses(ns).List(e.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list ingresses: %v", err)
	}
	if len(list.Items) != 1 {
		t.Errorf("%d ingresses, want one for the solution", len(list.Items))
		return
	}
	hosts := map[string]bool{}
	for _, r := range list.Items[0].Spec.Rules {
		hosts[r.Host] = true
	}
	for _, app := range []string{appServer, appSecrets, appTemplates} {
		sub, _ := dig(apps, app, "harness", "subdomain").(string)
		if sub == "" {
			t.Errorf("app %s has no subdomain", app)
			continue
		}
		if host := sub + "." + domain; !hosts[host] {
			t.Errorf("ingress has no host %s (hosts %v)", host, slices.Sorted(maps.Keys(hosts)))
		}
	}
	if len(list.Items[0].Spec.TLS) == 0 {
		t.Errorf("ingress has no TLS with -l")
	}
}

// checkAllValues asserts the runtime's ConfigMap: every value, secrets blanked.
func (e *env) checkAllValues(t *testing.T, ns string, values map[string]any) {
	t.Helper()
	list, err := e.cs.CoreV1().ConfigMaps(ns).List(e.ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list configmaps: %v", err)
	}
	var all map[string]any
	for _, cm := range list.Items {
		if data, ok := cm.Data["allvalues.yaml"]; ok {
			if err := yaml.Unmarshal([]byte(data), &all); err != nil {
				t.Fatalf("configmap %s allvalues.yaml: %v", cm.Name, err)
			}
		}
	}
	if all == nil {
		t.Errorf("no ConfigMap holds allvalues.yaml")
		return
	}
	if got, want := dig(all, "apps", appServer, "greeting"), dig(values, "apps", appServer, "greeting"); got != want {
		t.Errorf("allvalues.yaml apps.%s.greeting = %v, want %v", appServer, got, want)
	}
	secrets, _ := dig(all, "apps", appSecrets, "harness", "secrets").(map[string]any)
	for k, v := range secrets {
		if v != nil && v != "" {
			t.Errorf("allvalues.yaml shows secret %s of %s", k, appSecrets)
		}
	}
}

// strictDryRunApply applies every object again with a server-side dry run and
// strict field validation: an unknown or misspelt field is an error, which
// helm's own requests would only have turned into a warning.
func (e *env) strictDryRunApply(t *testing.T, objs []*unstructured.Unstructured) {
	t.Helper()
	e.warnings.Take()
	for _, obj := range objs {
		data, err := json.Marshal(obj.Object)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.resource(t, obj).Patch(e.ctx, obj.GetName(), types.ApplyPatchType, data, metav1.PatchOptions{
			FieldManager:    "harness-e2e",
			Force:           ptrTo(true),
			DryRun:          []string{metav1.DryRunAll},
			FieldValidation: metav1.FieldValidationStrict,
		})
		if err != nil {
			t.Errorf("strict server-side apply of %s %s: %v", obj.GetKind(), obj.GetName(), err)
		}
	}
	if w := e.warnings.Take(); len(w) > 0 {
		t.Errorf("strict apply drew warnings:\n%s", strings.Join(w, "\n"))
	}
}

// admitWorkloads dry-run creates a Pod from every workload's stored pod
// template: enforce mode judges Pods only, and no controller makes them here.
func (e *env) admitWorkloads(t *testing.T, ns string, objs []*unstructured.Unstructured) {
	t.Helper()
	n := 0
	for _, obj := range objs {
		tmpl, ok := e.podTemplate(t, ns, obj)
		if !ok {
			continue
		}
		n++
		pod := kubetest.PodFromTemplate(ns, strings.ToLower(obj.GetKind())+"-"+obj.GetName(), tmpl)
		warns, err := kubetest.AdmitPod(e.ctx, e.cs, e.warnings, pod)
		if err != nil {
			t.Errorf("pod of %s %s: %v", obj.GetKind(), obj.GetName(), err)
		}
		if len(warns) > 0 {
			t.Errorf("pod of %s %s drew warnings:\n%s", obj.GetKind(), obj.GetName(), strings.Join(warns, "\n"))
		}
	}
	if n == 0 {
		t.Errorf("no workload in the release")
	}
}

// podTemplate reads a workload's pod template as the API server stored it
// (defaults applied), as its controller would.
func (e *env) podTemplate(t *testing.T, ns string, obj *unstructured.Unstructured) (corev1.PodTemplateSpec, bool) {
	t.Helper()
	apps, batch := e.cs.AppsV1(), e.cs.BatchV1()
	name, opts := obj.GetName(), metav1.GetOptions{}
	var tmpl corev1.PodTemplateSpec
	var err error
	switch obj.GroupVersionKind().GroupKind() {
	case schema.GroupKind{Group: "apps", Kind: "Deployment"}:
		var o *appsv1.Deployment
		if o, err = apps.Deployments(ns).Get(e.ctx, name, opts); err == nil {
			tmpl = o.Spec.Template
		}
	case schema.GroupKind{Group: "apps", Kind: "StatefulSet"}:
		var o *appsv1.StatefulSet
		if o, err = apps.StatefulSets(ns).Get(e.ctx, name, opts); err == nil {
			tmpl = o.Spec.Template
		}
	case schema.GroupKind{Group: "apps", Kind: "DaemonSet"}:
		var o *appsv1.DaemonSet
		if o, err = apps.DaemonSets(ns).Get(e.ctx, name, opts); err == nil {
			tmpl = o.Spec.Template
		}
	case schema.GroupKind{Group: "batch", Kind: "Job"}:
		var o *batchv1.Job
		if o, err = batch.Jobs(ns).Get(e.ctx, name, opts); err == nil {
			tmpl = o.Spec.Template
		}
	case schema.GroupKind{Group: "batch", Kind: "CronJob"}:
		var o *batchv1.CronJob
		if o, err = batch.CronJobs(ns).Get(e.ctx, name, opts); err == nil {
			tmpl = o.Spec.JobTemplate.Spec.Template
		}
	default:
		return tmpl, false
	}
	if err != nil {
		t.Errorf("%s %s: %v", obj.GetKind(), name, err)
		return tmpl, false
	}
	return tmpl, true
}

// expectChange asserts an upgrade or rollback from before to after: the
// server app's replicas and greeting are the wanted ones, and every generated
// secret is byte for byte what it was.
func (e *env) expectChange(t *testing.T, ns string, before, after state, replicas int32, greeting string) {
	t.Helper()
	name := stringAt(t, after.values, "apps", appServer, "harness", "deployment", "name")
	d, err := e.cs.AppsV1().Deployments(ns).Get(e.ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("deployment %s: %v", name, err)
	}
	if d.Spec.Replicas == nil || *d.Spec.Replicas != replicas {
		t.Errorf("deployment %s replicas = %v, want %d", name, d.Spec.Replicas, replicas)
	}
	if got := dig(after.values, "apps", appServer, "greeting"); got != greeting {
		t.Errorf("release value apps.%s.greeting = %v, want %s", appServer, got, greeting)
	}
	if len(before.secrets) == 0 {
		t.Fatalf("no generated secrets seen")
	}
	for name, data := range before.secrets {
		now, ok := after.secrets[name]
		if !ok {
			t.Errorf("secret %s is gone", name)
			continue
		}
		for k, v := range data {
			if !bytes.Equal(now[k], v) {
				t.Errorf("secret %s/%s changed", name, k)
			}
		}
	}
}

// expectGone asserts that nothing of the release remains: its objects are
// deleted (or, where a finalizer waits for a controller that does not run
// here, marked for deletion), and helm's own release records are gone.
func (e *env) expectGone(t *testing.T, ns, release string, objs []*unstructured.Unstructured) {
	t.Helper()
	for _, obj := range objs {
		got, err := e.resource(t, obj).Get(e.ctx, obj.GetName(), metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			t.Errorf("%s %s: %v", obj.GetKind(), obj.GetName(), err)
		case got.GetDeletionTimestamp() == nil:
			t.Errorf("%s %s survives helm uninstall", obj.GetKind(), obj.GetName())
		}
	}
	records, err := e.cs.CoreV1().Secrets(ns).List(e.ctx, metav1.ListOptions{LabelSelector: "owner=helm,name=" + release})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(records.Items); n > 0 {
		t.Errorf("%d helm release records of %s remain", n, release)
	}
}

// releaseIn returns the one release helm records in ns.
func (e *env) releaseIn(t *testing.T, ns string) string {
	t.Helper()
	records, err := e.cs.CoreV1().Secrets(ns).List(e.ctx, metav1.ListOptions{LabelSelector: "owner=helm"})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, r := range records.Items {
		names[r.Labels["name"]] = true
	}
	if len(names) != 1 {
		t.Fatalf("namespace %s holds releases %v, want one", ns, slices.Sorted(maps.Keys(names)))
	}
	for name := range names {
		return name
	}
	return ""
}

// revisions counts helm's records of release in ns.
func (e *env) revisions(t *testing.T, ns, release string) int {
	t.Helper()
	records, err := e.cs.CoreV1().Secrets(ns).List(e.ctx, metav1.ListOptions{LabelSelector: "owner=helm,name=" + release})
	if err != nil {
		t.Fatal(err)
	}
	return len(records.Items)
}

// dig walks nested maps; nil when a key is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func mapAt(t *testing.T, v any, keys ...string) map[string]any {
	t.Helper()
	m, ok := dig(v, keys...).(map[string]any)
	if !ok {
		t.Fatalf("values: %s is not a map", strings.Join(keys, "."))
	}
	return m
}

func stringAt(t *testing.T, v any, keys ...string) string {
	t.Helper()
	s, ok := dig(v, keys...).(string)
	if !ok || s == "" {
		t.Fatalf("values: %s is not a string", strings.Join(keys, "."))
	}
	return s
}

func ptrTo[T any](v T) *T { return &v }
