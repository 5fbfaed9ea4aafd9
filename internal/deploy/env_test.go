package deploy

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// envJob is a per-app template written for CloudHarness: it lists the
// solution-wide variables inline with deploy_utils.env.
const envJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: env-job
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: job
          image: busybox
          env:
            {{- include "deploy_utils.env" . | nindent 12 }}
`

// TestSolutionEnvOnce checks that the solution-wide variables are written
// once, in the cloudharness-env ConfigMap, and loaded by every Deployment
// with envFrom: a Deployment does not grow with the number of apps, its pod
// template's checksum follows the variables, and per-app templates calling
// deploy_utils.env still get the same variables inline.
func TestSolutionEnvOnce(t *testing.T) {
	render := func(t *testing.T, apps int, domain string) map[string]any {
		t.Helper()
		files := map[string]string{
			"applications/app0/deploy/templates/job.yaml": envJob,
		}
		for i := range apps {
			files[fmt.Sprintf("applications/app%d/Dockerfile", i)] = dockerfile
			files[fmt.Sprintf("applications/app%d/deploy/values.yaml", i)] = fmt.Sprintf(
				"harness:\n  subdomain: s%d\n  deployment:\n    auto: true\n  service:\n    auto: true\n", i)
		}
		res, err := run(t, &Deployment{Roots: []string{writeTree(t, files)}, Tag: "1", Domain: domain})
		if err != nil {
			t.Fatal(err)
		}
		objs := decodeAll(t, res)
		out := map[string]any{}
		for k, v := range objs {
			out[k] = v
		}
		return out
	}
	small := render(t, 2, "x.example.com")
	large := render(t, 6, "x.example.com")
	other := render(t, 2, "y.example.com")

	envCM, ok := large["ConfigMap/cloudharness-env"].(*corev1.ConfigMap)
	if !ok {
		t.Fatal("the chart has no ConfigMap cloudharness-env")
	}
	for i := range 6 {
		key := fmt.Sprintf("CH_APP%d_SUBDOMAIN", i)
		if got := envCM.Data[key]; got != fmt.Sprintf("s%d", i) {
			t.Errorf("cloudharness-env %s = %q", key, got)
		}
	}
	if envCM.Data["CH_DOMAIN"] != "x.example.com" {
		t.Errorf("cloudharness-env CH_DOMAIN = %q", envCM.Data["CH_DOMAIN"])
	}

	checksum := func(objs map[string]any, name string) string {
		return objs["Deployment/"+name].(*appsv1.Deployment).Spec.Template.Annotations["checksum/env"]
	}
	for i := range 6 {
		name := fmt.Sprintf("app%d", i)
		d := large["Deployment/"+name].(*appsv1.Deployment)
		c := d.Spec.Template.Spec.Containers[0]
		if len(c.EnvFrom) != 1 || c.EnvFrom[0].ConfigMapRef == nil || c.EnvFrom[0].ConfigMapRef.Name != "cloudharness-env" {
			t.Errorf("%s: envFrom = %+v, want the cloudharness-env ConfigMap", name, c.EnvFrom)
		}
		for _, e := range c.Env {
			if strings.HasPrefix(e.Name, "CH_") && e.Name != "CH_CURRENT_APP_NAME" {
				t.Errorf("%s: solution-wide variable %s is inline", name, e.Name)
			}
		}
		if checksum(large, name) == "" || checksum(large, name) != checksum(large, "app0") {
			t.Errorf("%s: checksum/env %q, app0 has %q", name, checksum(large, name), checksum(large, "app0"))
		}
	}
	if checksum(small, "app0") == checksum(large, "app0") || checksum(small, "app0") == checksum(other, "app0") {
		t.Error("checksum/env does not change with the variables")
	}
	size := func(objs map[string]any) int {
		b, err := json.Marshal(objs["Deployment/app0"])
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	if size(small) != size(large) {
		t.Errorf("Deployment app0 is %d bytes with 2 apps, %d with 6: it grows with the solution", size(small), size(large))
	}

	job := large["Job/env-job"].(*batchv1.Job)
	inline := map[string]string{}
	for _, e := range job.Spec.Template.Spec.Containers[0].Env {
		inline[e.Name] = e.Value
	}
	if fmt.Sprint(inline) != fmt.Sprint(envCM.Data) {
		t.Errorf("deploy_utils.env gives\n%v\ncloudharness-env holds\n%v", inline, envCM.Data)
	}
}
