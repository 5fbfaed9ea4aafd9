package deploy

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/harness-sh/harness/internal/fixtures"
)

// privEnvJob is a per-app template written for CloudHarness: it lists the
// variables with deploy_utils.env and deploy_utils.privenv.
const privEnvJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: privenv-job
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: job
          image: busybox
          env:
            {{- include "deploy_utils.env" . | nindent 12 }}
            {{- include "deploy_utils.privenv" . | nindent 12 }}
`

// TestAccountsClientSecret checks that the accounts client secret lives in a
// Secret only: no ConfigMap holds it (cloudharness-env nor the all-values one,
// where client.secret is blanked), and every Deployment's container and the
// per-app templates calling deploy_utils.privenv read CH_ACCOUNTS_CLIENT_SECRET
// from the deployment-secrets Secret, whose data holds the value.
func TestAccountsClientSecret(t *testing.T) {
	const clientSecret = "s3cr3t-client-7f1c"
	const webSecret = "s3cr3t-web-2b9a"
	small := map[string]string{
		"applications/accounts/Dockerfile": dockerfile,
		"applications/accounts/deploy/values.yaml": "harness:\n  subdomain: accounts\n  deployment:\n    auto: true\n  service:\n    auto: true\n" +
			"client:\n  id: rest-client\n  secret: " + clientSecret + "\nwebclient:\n  id: web-client\n  secret: " + webSecret + "\n",
		"applications/web/Dockerfile":                dockerfile,
		"applications/web/deploy/values.yaml":        "harness:\n  subdomain: web\n  secured: true\n  deployment:\n    auto: true\n  service:\n    auto: true\n",
		"applications/web/deploy/templates/job.yaml": privEnvJob,
	}
	t.Run("small solution", func(t *testing.T) {
		res, err := run(t, &Deployment{Roots: []string{writeTree(t, small)}, Tag: "1", Domain: "x.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		objs := decodeAll(t, res)
		checkClientSecret(t, objs, clientSecret, webSecret, nil)
		// Per-app templates get the same variables as before, the secret by
		// secretKeyRef rather than inline.
		job, ok := objs["Job/privenv-job"].(*batchv1.Job)
		if !ok {
			t.Fatal("no Job/privenv-job")
		}
		checkContainer(t, "Job/privenv-job", &job.Spec.Template.Spec.Containers[0], objs, clientSecret)
		for _, e := range job.Spec.Template.Spec.Containers[0].Env {
			if e.Name == "CH_ACCOUNTS_CLIENT_ID" && e.Value != "rest-client" {
				t.Errorf("Job/privenv-job CH_ACCOUNTS_CLIENT_ID = %q", e.Value)
			}
		}
	})
	t.Run("CloudHarness", func(t *testing.T) {
		ch := fixtures.CloudHarness(t)
		res, err := run(t, &Deployment{Roots: []string{ch}, Registry: "reg", Tag: "1", Domain: "cloudharness.metacell.us"})
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint(lookup(t, res.Values, "apps.accounts.client.secret"))
		web := fmt.Sprint(lookup(t, res.Values, "apps.accounts.webclient.secret"))
		if want == "" || web == "" {
			t.Fatal("CloudHarness's accounts values have no client secrets")
		}
		// CloudHarness's own files write the secrets into two ConfigMaps: the
		// Keycloak realm import (accounts' harness.resources realm.json) and
		// jupyterhub's hub template. They are the solution's, not the chart's.
		own := map[string]bool{"ConfigMap/accounts-realm-config": true, "ConfigMap/hub": true}
		checkClientSecret(t, decodeAll(t, res), want, web, own)
	})
}

// checkClientSecret asserts the client secrets appear in no ConfigMap and that
// every harness Deployment reads CH_ACCOUNTS_CLIENT_SECRET from a Secret;
// skip names ConfigMaps the solution's own templates write.
func checkClientSecret(t *testing.T, objs map[string]runtime.Object, clientSecret, webSecret string, skip map[string]bool) {
	t.Helper()
	deployments := 0
	for key, obj := range objs {
		switch o := obj.(type) {
		case *corev1.ConfigMap:
			if skip[key] {
				continue
			}
			b, err := json.Marshal(o)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{clientSecret, webSecret} {
				if strings.Contains(string(b), s) {
					t.Errorf("%s holds a client secret", key)
				}
			}
		case *appsv1.Deployment:
			if _, ok := o.Spec.Template.Annotations["checksum/env"]; !ok {
				continue // not auto-deployments.yaml's: gatekeepers, databases, subcharts
			}
			for i := range o.Spec.Template.Spec.Containers {
				deployments++
				checkContainer(t, key, &o.Spec.Template.Spec.Containers[i], objs, clientSecret)
			}
		}
	}
	if deployments == 0 {
		t.Error("no harness Deployment rendered")
	}
	env, ok := objs["ConfigMap/cloudharness-env"].(*corev1.ConfigMap)
	if !ok {
		t.Fatal("no ConfigMap/cloudharness-env")
	}
	if _, ok := env.Data["CH_ACCOUNTS_CLIENT_SECRET"]; ok {
		t.Error("cloudharness-env has CH_ACCOUNTS_CLIENT_SECRET")
	}
	if env.Data["CH_ACCOUNTS_CLIENT_ID"] == "" {
		t.Error("cloudharness-env lost CH_ACCOUNTS_CLIENT_ID")
	}
	all, ok := objs["ConfigMap/cloudharness-allvalues"].(*corev1.ConfigMap)
	if !ok {
		t.Fatal("no ConfigMap/cloudharness-allvalues")
	}
	var values map[string]any
	if err := json.Unmarshal([]byte(all.Data["allvalues.yaml"]), &values); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"apps.accounts.client.secret", "apps.accounts.webclient.secret"} {
		if got := lookup(t, values, path); got != "" {
			t.Errorf("all-values %s = %v, want blank", path, got)
		}
	}
	if got := lookup(t, values, "apps.accounts.client.id"); got == "" {
		t.Error("all-values apps.accounts.client.id is blank")
	}
}

// checkContainer asserts c gets CH_ACCOUNTS_CLIENT_SECRET once, from a Secret
// whose data holds want.
func checkContainer(t *testing.T, where string, c *corev1.Container, objs map[string]runtime.Object, want string) {
	t.Helper()
	var refs []*corev1.SecretKeySelector
	for _, e := range c.Env {
		if e.Name != "CH_ACCOUNTS_CLIENT_SECRET" {
			continue
		}
		if e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
			t.Errorf("%s: CH_ACCOUNTS_CLIENT_SECRET is not from a Secret: %+v", where, e)
			continue
		}
		refs = append(refs, e.ValueFrom.SecretKeyRef)
	}
	if len(refs) != 1 {
		t.Errorf("%s: CH_ACCOUNTS_CLIENT_SECRET set %d times, want once", where, len(refs))
		return
	}
	s, ok := objs["Secret/"+refs[0].Name].(*corev1.Secret)
	if !ok {
		t.Errorf("%s: no Secret/%s", where, refs[0].Name)
		return
	}
	if got := string(s.Data[refs[0].Key]); got != want {
		t.Errorf("%s: Secret/%s %s = %q, want %q", where, refs[0].Name, refs[0].Key, got, want)
	}
}

// TestAdminPassBlanked: the identity provider's admin password that
// CloudHarness's accounts values carry (admin.pass) stays in the values the
// templates see, but not in the all-values ConfigMap every pod reads.
func TestAdminPassBlanked(t *testing.T) {
	const pass = "hunter2-admin-91c"
	tree := map[string]string{
		"applications/accounts/Dockerfile": dockerfile,
		"applications/accounts/deploy/values.yaml": "harness:\n  subdomain: accounts\n  deployment:\n    auto: true\n  service:\n    auto: true\n" +
			"admin:\n  user: admin\n  pass: " + pass + "\n  role: administrator\n",
	}
	res, err := run(t, &Deployment{Roots: []string{writeTree(t, tree)}, Tag: "1", Domain: "x.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(lookup(t, res.Values, "apps.accounts.admin.pass")); got != pass {
		t.Fatalf("values: admin.pass = %q, want it kept for the templates", got)
	}
	cm, ok := decodeAll(t, res)["ConfigMap/cloudharness-allvalues"].(*corev1.ConfigMap)
	if !ok {
		t.Fatal("no ConfigMap/cloudharness-allvalues")
	}
	var all struct {
		Apps map[string]struct {
			Admin map[string]string `json:"admin"`
		} `json:"apps"`
	}
	if err := json.Unmarshal([]byte(cm.Data["allvalues.yaml"]), &all); err != nil {
		t.Fatal(err)
	}
	if a := all.Apps["accounts"].Admin; a["pass"] != "" || a["user"] != "admin" {
		t.Errorf("all-values admin = %v, want the password blanked and the rest kept", a)
	}
	if strings.Contains(cm.Data["allvalues.yaml"], pass) {
		t.Error("the admin password is in the all-values ConfigMap")
	}
}
