package deploy

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	chartloader "helm.sh/helm/v3/pkg/chart/loader"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/harness-sh/harness/internal/helmcheck"
	"github.com/harness-sh/harness/runtime"
	"github.com/harness-sh/harness/runtime/values"
)

// Local is the solution's rendered chart as it runs without Kubernetes: its
// workloads with their environment, files and volumes resolved from the
// chart's ConfigMaps and Secrets. Both the compose file of --docker-compose
// and harness run are made from it, so that they give each process what
// its pod gets.
type Local struct {
	Namespace string
	Domain    string
	// Apps are the deployed applications, sorted by name.
	Apps []LocalApp
	// Workloads are the chart's Deployments, StatefulSets, DaemonSets and
	// Jobs, sorted by name.
	Workloads []*Workload
	// Secrets are the chart's Secrets: name → key → value.
	Secrets map[string]map[string][]byte
	// Notes say what of the chart has no local counterpart.
	Notes []string
}

// LocalApp is a deployed application as a local run needs it.
type LocalApp struct {
	Name string
	Dir  string // its folder in the last root that has it
	// GoMain is the folder of its Go command when harness builds it.
	GoMain string
	// Build is the image the solution builds for it; nil when
	// harness.deployment.image names one.
	Build *Image
	// Workload is the name of its Deployment; "" without harness.deployment.auto.
	Workload string
	Image    string
	// Port is the port its server listens on (harness.deployment.port).
	Port int
	// Service is its Service's name, "" without harness.service.auto.
	Service string
	// Public tells whether it has a public address (a subdomain or domain).
	Public bool
	// Ready is the path of its readiness probe, "" for none.
	Ready string
	// Database is its automatic database, nil for none.
	Database *LocalDatabase
	// Hard and Soft are its dependencies that are deployed.
	Hard, Soft []string
}

// LocalDatabase is an application's automatic database.
type LocalDatabase struct {
	Type     values.DatabaseType
	Workload string // the database's Deployment, also its Service's name
	Port     int    // the client port
	User     string
	Name     string // postgres: the initial database
	Password string // as the chart's credentials Secret holds it
}

// URL is how a client reaches the database at host:port, without
// credentials (the runtime takes them from the values and secrets).
func (db *LocalDatabase) URL(host string, port int) string {
	scheme := map[values.DatabaseType]string{values.Postgres: "postgres", values.Mongo: "mongodb", values.Neo4j: "bolt"}[db.Type]
	return scheme + "://" + host + ":" + strconv.Itoa(port)
}

// Role is what a workload is to the solution.
type Role string

const (
	RoleServer   Role = "server"   // an application's Deployment
	RoleDatabase Role = "database" // an application's automatic database
	RoleHook     Role = "hook"     // a pre-install or pre-upgrade hook Job: migrations
	RolePostHook Role = "posthook" // a post-install or post-upgrade hook Job
	RoleJob      Role = "job"      // any other Job: runs once
	RoleOther    Role = "other"    // any other long-running workload
)

// Workload is one container of the chart's pods, with what it needs
// resolved.
type Workload struct {
	Name string // the workload's name; NAME-CONTAINER for further containers of its pod
	Kind string // Deployment, StatefulSet, DaemonSet, Job
	Role Role
	App  string // the application it belongs to; "" for none
	// Pod is the name of the first container's workload when this is an
	// init or further container of the same pod; "" otherwise.
	Pod string
	// Init tells an init container, which must end before the pod's
	// containers start.
	Init bool

	Image      string
	Command    []string
	Args       []string
	WorkingDir string
	Env        []EnvVar
	Ports      []int
	Mounts     []Mount
	// User and Group are the IDs it runs as (nil: the image's).
	User, Group *int64
	// ReadOnlyRoot, DropAll and NoNewPrivileges are its container's
	// security settings.
	ReadOnlyRoot, DropAll, NoNewPrivileges bool
	// Aliases are the names of the Services that select its pod.
	Aliases []string
	// Publish are ports its Services expose outside the cluster
	// (LoadBalancer, NodePort): Service port → container port.
	Publish map[int]int
	// Probe is an exec readiness probe's command; nil for none.
	Probe []string

	labels map[string]string // its pod's, which Services select
}

// EnvVar is an environment variable of a workload, its value resolved.
type EnvVar struct {
	Name, Value string
	// Secret tells a value that comes from a Secret (or is made with one).
	Secret bool
}

// Mount is a volume mounted into a workload.
type Mount struct {
	Path     string // in the container
	SubPath  string // the file or folder of the volume mounted there; "" for all
	ReadOnly bool
	// One of:
	Volume string   // a named volume (a PersistentVolumeClaim's name)
	Tmpfs  bool     // an emptyDir
	Files  *FileSet // files of ConfigMaps and Secrets
}

// FileSet is the content of a configMap, secret or projected volume.
type FileSet struct {
	// Name identifies the set: "secret/NAME" or "configmap/NAME" for a
	// whole object, "WORKLOAD/VOLUME" otherwise.
	Name   string
	Secret bool              // holds some Secret's data
	Files  map[string][]byte // by slash-separated path
}

// Workload returns the workload called name, nil if none.
func (l *Local) Workload(name string) *Workload {
	i, ok := slices.BinarySearchFunc(l.Workloads, name, func(w *Workload, n string) int { return strings.Compare(w.Name, n) })
	if !ok {
		return nil
	}
	return l.Workloads[i]
}

// App returns the application called name, nil if none.
func (l *Local) App(name string) *LocalApp {
	for i := range l.Apps {
		if l.Apps[i].Name == name {
			return &l.Apps[i]
		}
	}
	return nil
}

// manifests are the objects of a rendered chart that a local run reads.
type manifests struct {
	configMaps map[string]map[string][]byte
	secrets    map[string]map[string][]byte
	services   []corev1.Service
	pods       []podOf // workloads, in the order of the rendered templates
	skipped    map[string][]string
	notes      []string
}

// podOf is a workload's pod template.
type podOf struct {
	kind, name string
	hook       string // the helm.sh/hook annotation
	template   string
	spec       corev1.PodSpec
	labels     map[string]string
}

// readManifests decodes the rendered chart's objects (template path →
// text) that a local run uses, and lists the kinds it leaves out.
func readManifests(rendered map[string]string) (*manifests, error) {
	m := &manifests{configMaps: map[string]map[string][]byte{}, secrets: map[string]map[string][]byte{}, skipped: map[string][]string{}}
	for _, tpl := range slices.Sorted(maps.Keys(rendered)) {
		if ext := path.Ext(tpl); ext != ".yaml" && ext != ".yml" && ext != ".json" {
			continue
		}
		r := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(rendered[tpl])))
		for {
			doc, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", tpl, err)
			}
			if err := m.add(tpl, doc); err != nil {
				return nil, fmt.Errorf("%s: %w", tpl, err)
			}
		}
	}
	return m, nil
}

func (m *manifests) add(tpl string, doc []byte) error {
	var head struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name        string            `json:"name"`
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
	}
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return err
	}
	if head.Kind == "" {
		return nil // an empty document
	}
	hook := head.Metadata.Annotations["helm.sh/hook"]
	if strings.Contains(hook, "test") {
		m.skipped["helm test hook"] = append(m.skipped["helm test hook"], head.Kind+"/"+head.Metadata.Name)
		return nil
	}
	decode := func(v any) error { return yaml.Unmarshal(doc, v) }
	switch head.Kind {
	case "ConfigMap":
		var cm corev1.ConfigMap
		if err := decode(&cm); err != nil {
			return err
		}
		data := map[string][]byte{}
		for k, v := range cm.Data {
			data[k] = []byte(v)
		}
		maps.Copy(data, cm.BinaryData)
		m.configMaps[cm.Name] = data
	case "Secret":
		var s corev1.Secret
		if err := decode(&s); err != nil {
			return err
		}
		data := maps.Clone(s.Data)
		if data == nil {
			data = map[string][]byte{}
		}
		for k, v := range s.StringData {
			data[k] = []byte(v)
		}
		m.secrets[s.Name] = data
	case "Service":
		var s corev1.Service
		if err := decode(&s); err != nil {
			return err
		}
		m.services = append(m.services, s)
	case "Deployment":
		var o appsv1.Deployment
		if err := decode(&o); err != nil {
			return err
		}
		m.pods = append(m.pods, podOf{head.Kind, o.Name, hook, tpl, o.Spec.Template.Spec, o.Spec.Template.Labels})
		if sp := o.Spec.Template.Spec; len(sp.TopologySpreadConstraints) > 0 || sp.Affinity != nil && sp.Affinity.PodAntiAffinity != nil {
			m.skipped[spreading] = append(m.skipped[spreading], o.Name)
		}
	case "StatefulSet":
		var o appsv1.StatefulSet
		if err := decode(&o); err != nil {
			return err
		}
		m.pods = append(m.pods, podOf{head.Kind, o.Name, hook, tpl, o.Spec.Template.Spec, o.Spec.Template.Labels})
	case "DaemonSet":
		var o appsv1.DaemonSet
		if err := decode(&o); err != nil {
			return err
		}
		m.pods = append(m.pods, podOf{head.Kind, o.Name, hook, tpl, o.Spec.Template.Spec, o.Spec.Template.Labels})
	case "Job":
		var o batchv1.Job
		if err := decode(&o); err != nil {
			return err
		}
		m.pods = append(m.pods, podOf{head.Kind, o.Name, hook, tpl, o.Spec.Template.Spec, o.Spec.Template.Labels})
	case "CronJob", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Certificate", "Issuer", "ClusterIssuer":
		m.skipped[head.Kind] = append(m.skipped[head.Kind], head.Metadata.Name)
	}
	return nil
}

// localInput is what the translation needs of the solution beside the
// rendered chart.
type localInput struct {
	namespace, domain string
	values            map[string]any // the chart's values
	dirs, goMains     map[string]string
	builds            map[string]*Image
}

// RenderLocal renders the chart of the solution, without checking or writing it,
// and translates it for running without Kubernetes (harness run).
func (d *Deployment) RenderLocal(ctx context.Context) (*Local, error) {
	s, err := d.collectRoots(ctx)
	if err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp("", "harness-local-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	if _, err := s.writeChart(stage); err != nil {
		return nil, err
	}
	rendered, err := renderChart(stage, s.namespace, d.release(s))
	if err != nil {
		return nil, err
	}
	l, err := buildLocal(s.localInput(), rendered, nil)
	if err != nil {
		return nil, err
	}
	l.Notes = append(slices.Clone(s.warnings), l.Notes...)
	return l, nil
}

// renderChart renders the chart in dir as helm install would, without a
// cluster.
func renderChart(dir, namespace, release string) (map[string]string, error) {
	ch, err := chartloader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	c, err := helmcheck.New(namespace, release)
	if err != nil {
		return nil, err
	}
	return c.Render(ch)
}

// localInput is what the translation needs of the solution.
func (s *solution) localInput() localInput {
	in := localInput{namespace: s.namespace, domain: s.domain, values: s.values, dirs: map[string]string{}, goMains: map[string]string{}, builds: map[string]*Image{}}
	for _, name := range s.included {
		a := s.apps[name]
		in.dirs[name] = a.dirs[len(a.dirs)-1]
		if img := s.built[a.image]; a.build && a.image != "" && img != nil {
			in.goMains[name] = img.GoMain
			in.builds[name] = img
		}
	}
	return in
}

// buildLocal translates a rendered chart. keep, when given, may change the
// chart's Secrets first (the compose file keeps the generated ones).
func buildLocal(in localInput, rendered map[string]string, keep func(secrets map[string]map[string][]byte) error) (*Local, error) {
	m, err := readManifests(rendered)
	if err != nil {
		return nil, err
	}
	if keep != nil {
		if err := keep(m.secrets); err != nil {
			return nil, err
		}
	}
	l := &Local{Namespace: in.namespace, Domain: in.domain, Secrets: m.secrets}
	if err := l.readApps(in, m); err != nil {
		return nil, err
	}
	owners := map[string]string{} // workload → application
	images := map[string]string{} // image → application
	for _, a := range l.Apps {
		if a.Workload != "" {
			owners[a.Workload] = a.Name
			if a.Image != "" {
				images[a.Image] = a.Name
			}
		}
		if a.Database != nil {
			owners[a.Database.Workload] = a.Name
		}
	}
	var errs []error
	for _, p := range m.pods {
		ws, err := m.workloads(p, in.namespace)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %s/%s: %w", p.template, p.kind, p.name, err))
			continue
		}
		main := ws[0]
		main.App = owners[p.name]
		if main.App == "" {
			main.App = images[main.Image]
		}
		switch {
		case p.kind == "Job" && (strings.Contains(p.hook, "pre-install") || strings.Contains(p.hook, "pre-upgrade")):
			main.Role = RoleHook
		case p.kind == "Job" && p.hook != "":
			main.Role = RolePostHook
		case p.kind == "Job":
			main.Role = RoleJob
		case owners[p.name] != "" && l.App(main.App).Workload == p.name:
			main.Role = RoleServer
		case owners[p.name] != "":
			main.Role = RoleDatabase
		default:
			main.Role = RoleOther
		}
		for _, w := range ws[1:] {
			w.App, w.Role = main.App, main.Role
			if w.Init {
				w.Role = RoleJob
			}
		}
		l.Workloads = append(l.Workloads, ws...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	sort.Slice(l.Workloads, func(i, j int) bool { return l.Workloads[i].Name < l.Workloads[j].Name })
	for i := 1; i < len(l.Workloads); i++ {
		if l.Workloads[i].Name == l.Workloads[i-1].Name {
			return nil, fmt.Errorf("two workloads are called %s", l.Workloads[i].Name)
		}
	}
	for _, s := range m.services {
		l.addService(s)
	}
	for _, a := range l.Apps {
		if a.Workload != "" && l.Workload(a.Workload) == nil {
			return nil, fmt.Errorf("application %s: the chart has no Deployment %s", a.Name, a.Workload)
		}
		if a.Database != nil && l.Workload(a.Database.Workload) == nil {
			return nil, fmt.Errorf("application %s: the chart has no database Deployment %s", a.Name, a.Database.Workload)
		}
	}
	l.Notes = append(l.Notes, m.notes...)
	for _, kind := range slices.Sorted(maps.Keys(m.skipped)) {
		l.Notes = append(l.Notes, fmt.Sprintf("%s left out (%s): %s", kind, noLocalCounterpart(kind), summarize(m.skipped[kind], 4)))
	}
	return l, nil
}

// spreading names the scheduling rules that place replicas apart.
const spreading = "pod anti-affinity and topology spread"

func noLocalCounterpart(kind string) string {
	switch kind {
	case spreading:
		return "one machine runs every container"
	case "Ingress":
		return "applications are published on local ports instead"
	case "CronJob":
		return "no scheduler runs outside Kubernetes"
	case "helm test hook":
		return "run with helm test"
	}
	return "no local counterpart"
}

// readApps reads the deployed applications from the chart's values,
// through the runtime so that names and ports agree with what the
// services compute.
func (l *Local) readApps(in localInput, m *manifests) error {
	// The runtime reads a generated database password from the secret's
	// file: a stand-in lets Database() answer the rest, and the password is
	// taken from the chart's credentials Secret.
	data, err := json.Marshal(withDatabasePasswords(in.values))
	if err != nil {
		return fmt.Errorf("values: %w", err)
	}
	cfg, err := runtime.Parse(data, "values", runtime.Options{Location: runtime.InCluster, Getenv: func(string) string { return "" }})
	if err != nil {
		return err
	}
	deployed := map[string]bool{}
	for _, a := range cfg.Apps() {
		deployed[a.Name()] = true
	}
	for _, a := range cfg.Apps() {
		h := a.Harness()
		la := LocalApp{Name: a.Name(), Dir: in.dirs[a.Name()], GoMain: in.goMains[a.Name()], Build: in.builds[a.Name()], Port: a.DeploymentPort(), Public: a.PublicAddress() != ""}
		if a.IsAutoDeployment() {
			la.Workload, la.Image = h.Deployment.Name, a.ImageName()
			if la.Workload == "" {
				la.Workload = a.Name()
			}
		}
		if a.IsAutoService() {
			la.Service = a.ServiceName()
		}
		if h.ReadinessProbe != nil && h.ReadinessProbe.Path != "" {
			la.Ready = h.ReadinessProbe.Path
		}
		for _, d := range h.Dependencies.Hard {
			if deployed[d] && d != a.Name() && !slices.Contains(la.Hard, d) {
				la.Hard = append(la.Hard, d)
			}
		}
		for _, d := range h.Dependencies.Soft {
			if deployed[d] && d != a.Name() && !slices.Contains(la.Hard, d) && !slices.Contains(la.Soft, d) {
				la.Soft = append(la.Soft, d)
			}
		}
		if a.IsAutoDB() {
			db, err := a.Database()
			if err != nil {
				return err
			}
			d := &LocalDatabase{Type: db.Type, Workload: a.DatabaseService(), Port: db.Port, User: db.User, Name: db.Name, Password: h.Database.Pass}
			if creds, ok := m.secrets[d.Workload+"-credentials"]; ok {
				d.Password = string(creds["password"])
			}
			la.Database = d
		}
		l.Apps = append(l.Apps, la)
	}
	sort.Slice(l.Apps, func(i, j int) bool { return l.Apps[i].Name < l.Apps[j].Name })
	return nil
}

// withDatabasePasswords returns the values with a stand-in password for
// every automatic database that has none, sharing what it does not change.
func withDatabasePasswords(v map[string]any) map[string]any {
	apps, _ := v["apps"].(map[string]any)
	out := maps.Clone(v)
	outApps := maps.Clone(apps)
	for key, a := range apps {
		app, _ := a.(map[string]any)
		h, _ := app["harness"].(map[string]any)
		db, _ := h["database"].(map[string]any)
		if db == nil || db["pass"] != nil && db["pass"] != "" {
			continue
		}
		db = maps.Clone(db)
		db["pass"] = "-"
		h = maps.Clone(h)
		h["database"] = db
		app = maps.Clone(app)
		app["harness"] = h
		outApps[key] = app
	}
	out["apps"] = outApps
	return out
}
