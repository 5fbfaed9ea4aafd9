package deploy

import (
	"encoding/json"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"

	"github.com/harness-sh/harness/runtime"
)

// TestRuntimeRoundTrip renders a solution's chart, plays a pod of each
// application (its environment, the all-values ConfigMap and the secrets
// mounted where the chart mounts them), loads the values with the runtime as
// a service would, and checks every answer against the rendered objects
// themselves: the runtime and the chart cannot drift apart unnoticed.
func TestRuntimeRoundTrip(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"deployment-configuration/values-template.yaml": "mainapp: web\n",
		"applications/web/Dockerfile":                   dockerfile,
		"applications/web/deploy/values.yaml": "harness:\n  subdomain: www\n  deployment:\n    auto: true\n    port: 9000\n" +
			"  service:\n    auto: true\n    port: 80\n  secrets:\n    api-key: given-key\n    token: \"\"\n" +
			"  env:\n    - name: CH_DOMAIN\n      value: own.example.com\n  envmap:\n    CH_IMAGE_TAG: mine\n",
		"applications/pg/Dockerfile":         dockerfile,
		"applications/pg/deploy/values.yaml": "harness:\n  subdomain: pg\n  deployment:\n    auto: true\n  service:\n    auto: true\n  database:\n    auto: true\n    type: postgres\n",
		"applications/mongo-app/Dockerfile":  dockerfile,
		"applications/mongo-app/deploy/values.yaml": "harness:\n  subdomain: mongo\n  deployment:\n    auto: true\n  service:\n    auto: true\n" +
			"  database:\n    auto: true\n    type: mongo\n    name: docs-db\n    user: docs\n    pass: fixed-pass\n",
		"applications/graph/Dockerfile":         dockerfile,
		"applications/graph/deploy/values.yaml": "harness:\n  subdomain: graph\n  deployment:\n    auto: true\n  service:\n    auto: true\n  database:\n    auto: true\n    type: neo4j\n",
	})
	res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1", Namespace: "shop", Domain: "shop.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	objs := decodeAll(t, res)
	get := func(t *testing.T, kind, name string) k8sruntime.Object {
		t.Helper()
		o := objs[kind+"/"+name]
		if o == nil {
			t.Fatalf("the chart has no %s/%s", kind, name)
		}
		return o
	}
	cm := get(t, "ConfigMap", "cloudharness-allvalues").(*corev1.ConfigMap)
	// The solution-wide variables as the values declare them (last wins, as
	// in a container's env list), read from the all-values ConfigMap.
	var all struct {
		Env []struct{ Name, Value string }
	}
	if err := json.Unmarshal([]byte(cm.Data["allvalues.yaml"]), &all); err != nil {
		t.Fatal(err)
	}
	solutionEnv := map[string]string{}
	for _, e := range all.Env {
		solutionEnv[e.Name] = e.Value
	}
	if solutionEnv["CH_DOMAIN"] != "shop.example.com" || solutionEnv["CH_GRAPH_NAME"] != "graph" {
		t.Fatalf("unexpected solution env %v", solutionEnv)
	}
	var ingress *networkingv1.Ingress
	for _, o := range objs {
		if i, ok := o.(*networkingv1.Ingress); ok {
			ingress = i
		}
	}
	if ingress == nil {
		t.Fatal("no Ingress")
	}

	for _, name := range []string{"web", "pg", "mongo-app", "graph"} {
		t.Run(name, func(t *testing.T) {
			dep := get(t, "Deployment", name).(*appsv1.Deployment)
			pod := &dep.Spec.Template.Spec
			c := container(t, pod, name)
			root := t.TempDir()
			env := podEnv(t, c, objs)
			env["KUBERNETES_SERVICE_HOST"] = "10.0.0.1"
			// Every solution-wide variable reaches the container, except
			// where the app's own env or envmap names it: that one wins.
			own := map[string]string{}
			if name == "web" {
				own = map[string]string{"CH_DOMAIN": "own.example.com", "CH_IMAGE_TAG": "mine"}
			}
			for k, want := range solutionEnv {
				if v, ok := own[k]; ok {
					want = v
				}
				if got, ok := env[k]; !ok || got != want {
					t.Errorf("env %s = %q (set %v), want %q", k, got, ok, want)
				}
			}
			if env["CH_WEB_SUBDOMAIN"] != "www" || env["CH_PG_SUBDOMAIN"] != "pg" {
				t.Errorf("the other apps' variables are missing: CH_WEB_SUBDOMAIN=%q CH_PG_SUBDOMAIN=%q", env["CH_WEB_SUBDOMAIN"], env["CH_PG_SUBDOMAIN"])
			}
			values := mount(t, root, pod, c, cm, objs)
			cfg, err := runtime.LoadWith(values, runtime.Options{
				SecretsPath: filepath.Join(root, runtime.DefaultSecretsPath),
				Getenv:      func(k string) string { return env[k] },
			})
			if err != nil {
				t.Fatal(err)
			}
			app, err := cfg.Current()
			if err != nil {
				t.Fatal(err)
			}
			if app.Name() != name {
				t.Errorf("current app = %s, want %s", app.Name(), name)
			}
			if got := c.Ports[0].ContainerPort; int(got) != app.DeploymentPort() {
				t.Errorf("DeploymentPort = %d, container listens on %d", app.DeploymentPort(), got)
			}

			svc := get(t, "Service", app.ServiceName()).(*corev1.Service)
			if p := svc.Spec.Ports[0]; int(p.Port) != app.ServicePort() || p.TargetPort.IntValue() != app.DeploymentPort() {
				t.Errorf("Service %s ports %d→%s, runtime says %d→%d", svc.Name, p.Port, p.TargetPort.String(), app.ServicePort(), app.DeploymentPort())
			}
			for k, v := range svc.Spec.Selector {
				if dep.Spec.Template.Labels[k] != v {
					t.Errorf("Service %s does not select the app's pods (%s=%s)", svc.Name, k, v)
				}
			}
			if want := "http://" + svc.Name + "." + svc.Namespace + ":" + strconv.Itoa(int(svc.Spec.Ports[0].Port)); app.ServiceAddress() != want {
				t.Errorf("ServiceAddress = %s, the Service is %s", app.ServiceAddress(), want)
			}

			pub, err := url.Parse(app.PublicAddress())
			if err != nil {
				t.Fatal(err)
			}
			if !routes(ingress, pub.Host, svc) {
				t.Errorf("PublicAddress %s: the Ingress has no rule for host %s to Service %s:%d", app.PublicAddress(), pub.Host, svc.Name, svc.Spec.Ports[0].Port)
			}
			wantScheme := "http"
			if len(ingress.Spec.TLS) > 0 {
				wantScheme = "https"
			}
			if pub.Scheme != wantScheme {
				t.Errorf("PublicAddress scheme %s, the Ingress serves %s", pub.Scheme, wantScheme)
			}

			if !app.IsAutoDB() {
				for _, key := range []string{"api-key", "token"} {
					s := get(t, "Secret", name).(*corev1.Secret)
					got, err := app.Secret(key)
					if err != nil || got != string(s.Data[key]) || got == "" {
						t.Errorf("Secret(%s) = %q, %v; the Secret holds %q", key, got, err, s.Data[key])
					}
				}
				if got, _ := app.Secret("api-key"); got != "given-key" {
					t.Errorf("given secret = %q", got)
				}
				return
			}
			db, err := app.Database()
			if err != nil {
				t.Fatal(err)
			}
			dbSvc := get(t, "Service", db.Host).(*corev1.Service)
			if !hasPort(dbSvc, db.Port) {
				t.Errorf("database Service %s has no port %d", dbSvc.Name, db.Port)
			}
			creds := get(t, "Secret", db.Host+"-credentials").(*corev1.Secret)
			if string(creds.Data["password"]) != db.Password || db.Password == "" {
				t.Errorf("database password %q, credentials Secret %q", db.Password, creds.Data["password"])
			}
			if string(creds.Data["username"]) != db.User {
				t.Errorf("database user %q, credentials Secret %q", db.User, creds.Data["username"])
			}
			dbPod := get(t, "Deployment", db.Host).(*appsv1.Deployment)
			for k, v := range dbSvc.Spec.Selector {
				if dbPod.Spec.Template.Labels[k] != v {
					t.Errorf("database Service does not select the database's pods (%s=%s)", k, v)
				}
			}
			u, err := url.Parse(db.ConnectionString())
			if err != nil {
				t.Fatal(err)
			}
			if host, port, _ := net.SplitHostPort(u.Host); host != dbSvc.Name || port != strconv.Itoa(db.Port) {
				t.Errorf("connection string %s does not reach Service %s:%d", db.ConnectionString(), dbSvc.Name, db.Port)
			}
		})
	}
}

// podEnv is the environment the kubelet gives container c: its envFrom
// sources in order, then its env entries, which override them.
func podEnv(t *testing.T, c *corev1.Container, objs map[string]k8sruntime.Object) map[string]string {
	t.Helper()
	configMap := func(name string) *corev1.ConfigMap {
		o, ok := objs["ConfigMap/"+name].(*corev1.ConfigMap)
		if !ok {
			t.Fatalf("container %s reads ConfigMap %s, which is not in the chart", c.Name, name)
		}
		return o
	}
	secret := func(name string) *corev1.Secret {
		o, ok := objs["Secret/"+name].(*corev1.Secret)
		if !ok {
			t.Fatalf("container %s reads Secret %s, which is not in the chart", c.Name, name)
		}
		return o
	}
	env := map[string]string{}
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			for k, v := range configMap(from.ConfigMapRef.Name).Data {
				env[from.Prefix+k] = v
			}
		case from.SecretRef != nil:
			for k, v := range secret(from.SecretRef.Name).Data {
				env[from.Prefix+k] = string(v)
			}
		}
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = e.Value
		case e.ValueFrom.ConfigMapKeyRef != nil:
			env[e.Name] = configMap(e.ValueFrom.ConfigMapKeyRef.Name).Data[e.ValueFrom.ConfigMapKeyRef.Key]
		case e.ValueFrom.SecretKeyRef != nil:
			env[e.Name] = string(secret(e.ValueFrom.SecretKeyRef.Name).Data[e.ValueFrom.SecretKeyRef.Key])
		}
	}
	return env
}

func container(t *testing.T, pod *corev1.PodSpec, name string) *corev1.Container {
	t.Helper()
	for i := range pod.Containers {
		if pod.Containers[i].Name == name {
			return &pod.Containers[i]
		}
	}
	t.Fatalf("no container %s", name)
	return nil
}

// mount writes under root what the pod's volume mounts put on the
// container's filesystem from ConfigMaps and Secrets, and returns the
// all-values file's path.
func mount(t *testing.T, root string, pod *corev1.PodSpec, c *corev1.Container, cm *corev1.ConfigMap, objs map[string]k8sruntime.Object) string {
	t.Helper()
	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Volumes {
		volumes[v.Name] = v
	}
	write := func(p string, data []byte) {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	secret := func(dst, name string, items []corev1.KeyToPath) {
		s, ok := objs["Secret/"+name].(*corev1.Secret)
		if !ok {
			t.Fatalf("mounted Secret %s is not in the chart", name)
		}
		if len(items) == 0 {
			for k, v := range s.Data {
				write(path.Join(dst, k), v)
			}
		}
		for _, it := range items {
			v, ok := s.Data[it.Key]
			if !ok {
				t.Fatalf("Secret %s has no key %s", name, it.Key)
			}
			write(path.Join(dst, it.Path), v)
		}
	}
	valuesPath := ""
	for _, m := range c.VolumeMounts {
		v := volumes[m.Name]
		switch {
		case v.ConfigMap != nil && v.ConfigMap.Name == cm.Name:
			for k, data := range cm.Data {
				if m.SubPath == "" || m.SubPath == k {
					dst := m.MountPath
					if m.SubPath == "" {
						dst = path.Join(dst, k)
					}
					write(dst, []byte(data))
					if dst == runtime.DefaultValuesPath {
						valuesPath = filepath.Join(root, dst)
					}
				}
			}
		case v.Secret != nil:
			secret(m.MountPath, v.Secret.SecretName, v.Secret.Items)
		case v.Projected != nil:
			for _, src := range v.Projected.Sources {
				if src.Secret != nil {
					secret(m.MountPath, src.Secret.Name, src.Secret.Items)
				}
			}
		}
	}
	if valuesPath == "" {
		t.Fatalf("container %s does not mount the all-values ConfigMap at %s", c.Name, runtime.DefaultValuesPath)
	}
	return valuesPath
}

// routes reports whether the Ingress sends every path of host to svc's first port.
func routes(ing *networkingv1.Ingress, host string, svc *corev1.Service) bool {
	for _, r := range ing.Spec.Rules {
		if r.Host != host || r.HTTP == nil {
			continue
		}
		for _, p := range r.HTTP.Paths {
			b := p.Backend.Service
			if b != nil && b.Name == svc.Name && (b.Port.Number == svc.Spec.Ports[0].Port || b.Port.Name != "" && b.Port.Name == svc.Spec.Ports[0].Name) && (p.Path == "/(.*)" || p.Path == "/") { // the catch-all path (nginx regex or plain)
				return true
			}
		}
	}
	return false
}

func hasPort(svc *corev1.Service, port int) bool {
	for _, p := range svc.Spec.Ports {
		if int(p.Port) == port {
			return true
		}
	}
	return false
}
