package deploy

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"

	"github.com/harness-sh/harness/runtime"
	"github.com/harness-sh/harness/runtime/values"
)

// The compose output, under OUT.
const (
	ComposeFile = "docker-compose.yaml" // the compose file
	ComposeDir  = "compose"             // what it mounts: values, secrets, env files, addresses
)

// LocalPortBase is the first host port on which applications are published
// outside Kubernetes: the Nth application with a Service, in name order, is
// on LocalPortBase+N-1 (by the compose file, and by harness run unless told
// otherwise).
const LocalPortBase = 8000

// addressesPath is where the addresses file is mounted, beside the values.
var addressesPath = path.Join(path.Dir(runtime.DefaultValuesPath), "addresses.yaml")

// composeProject is the part of the Compose specification harness writes.
type composeProject struct {
	Name     string                     `yaml:"name"`
	Services map[string]*composeService `yaml:"services"`
	Volumes  map[string]struct{}        `yaml:"volumes,omitempty"`
}

type composeService struct {
	Image       string                       `yaml:"image"`
	Build       *composeBuild                `yaml:"build,omitempty"`
	Entrypoint  []string                     `yaml:"entrypoint,omitempty"`
	Command     []string                     `yaml:"command,omitempty"`
	WorkingDir  string                       `yaml:"working_dir,omitempty"`
	User        string                       `yaml:"user,omitempty"`
	ReadOnly    bool                         `yaml:"read_only,omitempty"`
	CapDrop     []string                     `yaml:"cap_drop,omitempty"`
	SecurityOpt []string                     `yaml:"security_opt,omitempty"`
	Environment map[string]string            `yaml:"environment,omitempty"`
	EnvFile     []string                     `yaml:"env_file,omitempty"`
	Expose      []string                     `yaml:"expose,omitempty"`
	Ports       []string                     `yaml:"ports,omitempty"`
	Volumes     []composeMount               `yaml:"volumes,omitempty"`
	NetworkMode string                       `yaml:"network_mode,omitempty"`
	Networks    map[string]composeNetwork    `yaml:"networks,omitempty"`
	DependsOn   map[string]composeDependency `yaml:"depends_on,omitempty"`
	Healthcheck *composeHealthcheck          `yaml:"healthcheck,omitempty"`
	Restart     string                       `yaml:"restart"`
	Labels      map[string]string            `yaml:"labels,omitempty"`
	secretEnv   map[string]string            // written to the env file
	allEnv      map[string]string            // what the container must get
}

type composeBuild struct {
	Context    string `yaml:"context"`
	Dockerfile string `yaml:"dockerfile"`
}

type composeMount struct {
	Type     string `yaml:"type"`
	Source   string `yaml:"source,omitempty"`
	Target   string `yaml:"target"`
	ReadOnly bool   `yaml:"read_only,omitempty"`
}

type composeNetwork struct {
	Aliases []string `yaml:"aliases,omitempty"`
}

type composeDependency struct {
	Condition string `yaml:"condition"`
	Required  *bool  `yaml:"required,omitempty"`
}

type composeHealthcheck struct {
	Test        []string `yaml:"test"`
	Interval    string   `yaml:"interval"`
	Timeout     string   `yaml:"timeout"`
	Retries     int      `yaml:"retries"`
	StartPeriod string   `yaml:"start_period"`
}

// composeOutput is the compose file and the files it mounts, by path
// relative to OUT, before they are written.
type composeOutput struct {
	project *composeProject
	files   map[string]composeFile
	urls    []string // "APP URL" of each published application
}

type composeFile struct {
	data   []byte
	secret bool // 0600 (env files) or under the private secrets folder
}

// compose builds the compose project of l, to be written to the folder
// output.
func compose(l *Local, output string) (*composeOutput, error) {
	out := &composeOutput{files: map[string]composeFile{}}
	p := &composeProject{Name: loader.NormalizeProjectName(l.Namespace), Services: map[string]*composeService{}, Volumes: map[string]struct{}{}}
	if p.Name == "" {
		p.Name = "harness"
	}
	out.project = p

	// Host ports of the applications, and the addresses the runtime gives.
	hostPort := map[string]int{}
	addrs := map[string]runtime.Addresses{}
	next := LocalPortBase
	for _, a := range l.Apps {
		var ad runtime.Addresses
		if a.Workload != "" && a.Service != "" {
			hostPort[a.Workload] = next
			ad.Service = "http://" + a.Service + ":" + strconv.Itoa(a.Port)
			if a.Public {
				ad.Public = "http://localhost:" + strconv.Itoa(next)
			}
			out.urls = append(out.urls, fmt.Sprintf("%s http://localhost:%d", a.Name, next))
			next++
		}
		if a.Database != nil {
			ad.Database = a.Database.URL(a.Database.Workload, a.Database.Port)
		}
		if ad != (runtime.Addresses{}) {
			addrs[a.Name] = ad
		}
	}
	data, err := marshalYAML("# Where each application is reached inside the compose project (runtime.Addresses).\n", runtime.AddressesFile{Apps: addrs})
	if err != nil {
		return nil, err
	}
	out.files[ComposeDir+"/addresses.yaml"] = composeFile{data: data}
	// Every Secret of the chart, mounted or not: the state that the next
	// run keeps the generated values of.
	for name, data := range l.Secrets {
		for k, v := range data {
			if fileName(k) && !strings.Contains(k, "/") {
				out.files[ComposeDir+"/secrets/"+name+"/"+k] = composeFile{data: v, secret: true}
			}
		}
	}

	var errs []error
	databases, hooks, servers := []string{}, []string{}, []string{}
	for _, w := range l.Workloads {
		switch {
		case w.Role == RoleDatabase && w.Pod == "":
			databases = append(databases, w.Name)
		case w.Role == RoleHook && w.Pod == "":
			hooks = append(hooks, w.Name)
		case w.Role == RoleServer && w.Pod == "":
			servers = append(servers, w.Name)
		}
	}
	for _, w := range l.Workloads {
		svc, err := composeServiceOf(l, w, out)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if port, ok := hostPort[w.Name]; ok && w.Pod == "" {
			if app := l.App(w.App); app != nil {
				svc.Ports = append(svc.Ports, fmt.Sprintf("127.0.0.1:%d:%d", port, app.Port))
			}
		}
		// Helm runs pre-install hooks (migrations) before the release's
		// objects; here they wait for the databases, and the rest for them.
		switch {
		case w.Init:
		case w.Role == RoleHook:
			for _, db := range databases {
				svc.dependOn(db, healthy(l.Workload(db)))
			}
		case w.Role == RolePostHook:
			for _, s := range servers {
				svc.dependOn(s, "service_started")
			}
		case w.Role != RoleDatabase:
			for _, h := range hooks {
				svc.dependOn(h, "service_completed_successfully")
			}
		}
		if w.Role == RoleServer && w.Pod == "" {
			a := l.App(w.App)
			b, err := composeBuildOf(a, output)
			if err != nil {
				errs = append(errs, err)
			}
			if b == nil && a.Build != nil {
				l.Notes = append(l.Notes, fmt.Sprintf("%s: its image builds on the solution's images (%s): build them first, with harness build", a.Name, strings.Join(a.Build.Deps, ", ")))
			}
			svc.Build = b
			if a.Database != nil {
				svc.dependOn(a.Database.Workload, healthy(l.Workload(a.Database.Workload)))
			}
			for _, d := range a.Hard {
				if dw := l.App(d).Workload; dw != "" {
					svc.dependOn(dw, "service_started")
				}
			}
			for _, d := range a.Soft {
				if dw := l.App(d).Workload; dw != "" {
					svc.dependOn(dw, "service_started")
					svc.DependsOn[dw] = composeDependency{Condition: "service_started", Required: new(bool)} // soft: not required
				}
			}
		}
		p.Services[w.Name] = svc
	}
	// An init container runs before its pod's containers; a further
	// container shares its pod's network.
	for _, w := range l.Workloads {
		if w.Pod == "" {
			continue
		}
		if w.Init {
			p.Services[w.Pod].dependOn(w.Name, "service_completed_successfully")
		} else {
			p.Services[w.Name].dependOn(w.Pod, "service_started")
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(p.Volumes) == 0 {
		p.Volumes = nil
	}
	return out, nil
}

// composeBuildOf lets docker compose build an application's image from
// its Dockerfile when the image builds on nothing else of the solution. A
// Go application's Dockerfile is built with its module's folder as
// context, as harness-application writes it; any other with its own
// folder, as CloudHarness builds it.
func composeBuildOf(a *LocalApp, output string) (*composeBuild, error) {
	img := a.Build
	if img == nil || len(img.Deps) > 0 {
		return nil, nil
	}
	context := img.Context
	if a.GoMain != "" {
		for dir := a.GoMain; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				context = dir
				break
			}
			if dir == filepath.Dir(dir) {
				break
			}
		}
	}
	rel := func(base, p string) (string, error) {
		ab, err := filepath.Abs(base)
		if err != nil {
			return "", err
		}
		ap, err := filepath.Abs(p)
		if err != nil {
			return "", err
		}
		r, err := filepath.Rel(ab, ap)
		return filepath.ToSlash(r), err
	}
	ctx, err := rel(output, context)
	if err != nil {
		return nil, fmt.Errorf("%s: build context: %w", a.Name, err)
	}
	df, err := rel(context, img.Dockerfile)
	if err != nil {
		return nil, fmt.Errorf("%s: Dockerfile: %w", a.Name, err)
	}
	return &composeBuild{Context: ctx, Dockerfile: df}, nil
}

// healthy is the condition to wait for a workload: healthy when it has a
// health check, started otherwise.
func healthy(w *Workload) string {
	if w != nil && (w.Probe != nil || w.Role == RoleDatabase) {
		return "service_healthy"
	}
	return "service_started"
}

func (s *composeService) dependOn(name, condition string) {
	if s.DependsOn == nil {
		s.DependsOn = map[string]composeDependency{}
	}
	if _, ok := s.DependsOn[name]; !ok {
		s.DependsOn[name] = composeDependency{Condition: condition}
	}
}

// composeServiceOf translates a workload, adding the files it mounts to out.
func composeServiceOf(l *Local, w *Workload, out *composeOutput) (*composeService, error) {
	if w.Image == "" {
		if a := l.App(w.App); a != nil && w.Role == RoleServer {
			return nil, fmt.Errorf("application %s: no image: it has no Dockerfile and harness.deployment.image is empty", a.Name)
		}
		return nil, fmt.Errorf("%s %s: no image", w.Kind, w.Name)
	}
	svc := &composeService{
		Image:      w.Image,
		Entrypoint: escapeAll(w.Command),
		Command:    escapeAll(w.Args),
		WorkingDir: w.WorkingDir,
		Restart:    "unless-stopped",
		Labels:     map[string]string{"harness.role": string(w.Role)},
		allEnv:     map[string]string{},
	}
	if w.App != "" {
		svc.Labels["harness.application"] = w.App
	}
	if w.Role == RoleHook || w.Role == RolePostHook || w.Role == RoleJob || w.Init {
		svc.Restart = "no"
	}
	// A database image's entrypoint starts as root to give its fresh volume
	// to its own user, then drops to it: Kubernetes's fsGroup has no compose
	// counterpart. Everything else runs as the chart says.
	if w.Role != RoleDatabase {
		if w.User != nil {
			svc.User = strconv.FormatInt(*w.User, 10)
			if w.Group != nil {
				svc.User += ":" + strconv.FormatInt(*w.Group, 10)
			}
		}
		svc.ReadOnly = w.ReadOnlyRoot
		if w.DropAll {
			svc.CapDrop = []string{"ALL"}
		}
	}
	if w.NoNewPrivileges {
		svc.SecurityOpt = []string{"no-new-privileges:true"}
	}
	env := slices.Clone(w.Env)
	usesRuntime := false
	for _, m := range w.Mounts {
		if m.Path == runtime.DefaultValuesPath {
			usesRuntime = true
		}
	}
	if usesRuntime {
		env = append(env, EnvVar{Name: runtime.EnvAddressesPath, Value: addressesPath})
	}
	for _, e := range env {
		svc.allEnv[e.Name] = e.Value
		if e.Secret {
			if svc.secretEnv == nil {
				svc.secretEnv = map[string]string{}
			}
			svc.secretEnv[e.Name] = e.Value
			delete(svc.Environment, e.Name)
			continue
		}
		if svc.Environment == nil {
			svc.Environment = map[string]string{}
		}
		svc.Environment[e.Name] = escape(e.Value)
		delete(svc.secretEnv, e.Name)
	}
	if len(svc.secretEnv) > 0 {
		name := ComposeDir + "/env/" + w.Name + ".env"
		data, err := envFile(svc.secretEnv)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", w.Name, err)
		}
		out.files[name] = composeFile{data: data, secret: true}
		svc.EnvFile = []string{name}
	}
	for _, p := range w.Ports {
		svc.Expose = append(svc.Expose, strconv.Itoa(p))
	}
	for _, port := range slices.Sorted(maps.Keys(w.Publish)) {
		svc.Ports = append(svc.Ports, fmt.Sprintf("127.0.0.1:%d:%d", port, w.Publish[port]))
	}
	mounts := slices.Clone(w.Mounts)
	if usesRuntime {
		mounts = append(mounts, Mount{Path: addressesPath, ReadOnly: true, Files: &FileSet{Name: "addresses"}})
	}
	for _, m := range mounts {
		cm, err := composeMountOf(m, out)
		if err != nil {
			return nil, fmt.Errorf("%s: volume mounted at %s: %w", w.Name, m.Path, err)
		}
		if m.Volume != "" {
			out.project.Volumes[m.Volume] = struct{}{}
		}
		svc.Volumes = append(svc.Volumes, cm)
	}
	if w.Pod != "" && !w.Init {
		// Its ports are its pod's: the first container's service has them.
		svc.NetworkMode = "service:" + w.Pod
		svc.Expose, svc.Ports = nil, nil
	} else {
		var aliases []string
		for _, a := range w.Aliases {
			for _, n := range []string{a, a + "." + l.Namespace, a + "." + l.Namespace + ".svc", a + "." + l.Namespace + ".svc.cluster.local"} {
				if n != w.Name && !slices.Contains(aliases, n) {
					aliases = append(aliases, n)
				}
			}
		}
		if len(aliases) > 0 {
			svc.Networks = map[string]composeNetwork{"default": {Aliases: aliases}}
		}
	}
	if w.Role == RoleDatabase && w.Pod == "" {
		svc.Healthcheck = databaseHealthcheck(l, w)
	} else if w.Probe != nil {
		svc.Healthcheck = &composeHealthcheck{Test: append([]string{"CMD"}, escapeAll(w.Probe)...)}
	}
	if svc.Healthcheck != nil {
		svc.Healthcheck.Interval, svc.Healthcheck.Timeout, svc.Healthcheck.Retries, svc.Healthcheck.StartPeriod = "5s", "5s", 30, "10s"
	}
	return svc, nil
}

// composeMountOf places a mount's files under OUT/compose: a whole Secret
// at compose/secrets/NAME, a whole ConfigMap at compose/configmaps/NAME,
// other sets (items, projected volumes) at compose/{secrets,configmaps}/_WORKLOAD/VOLUME.
func composeMountOf(m Mount, out *composeOutput) (composeMount, error) {
	switch {
	case m.Tmpfs:
		return composeMount{Type: "tmpfs", Target: m.Path}, nil
	case m.Volume != "":
		if m.SubPath != "" {
			return composeMount{}, fmt.Errorf("subPath %s of volume %s: compose mounts whole volumes", m.SubPath, m.Volume)
		}
		return composeMount{Type: "volume", Source: m.Volume, Target: m.Path, ReadOnly: m.ReadOnly}, nil
	}
	fs := m.Files
	var dir string
	switch kind, name, _ := strings.Cut(fs.Name, "/"); {
	case fs.Name == "addresses":
		return composeMount{Type: "bind", Source: "./" + ComposeDir + "/addresses.yaml", Target: m.Path, ReadOnly: true}, nil
	case kind == "secret":
		dir = ComposeDir + "/secrets/" + name
	case kind == "configmap":
		dir = ComposeDir + "/configmaps/" + name
	case fs.Secret:
		dir = ComposeDir + "/secrets/_" + fs.Name
	default:
		dir = ComposeDir + "/configmaps/_" + fs.Name
	}
	for rel, data := range fs.Files {
		if !fileName(rel) {
			return composeMount{}, fmt.Errorf("%s: not a relative file path", rel)
		}
		out.files[dir+"/"+rel] = composeFile{data: data, secret: fs.Secret}
	}
	src := dir
	if m.SubPath != "" {
		sub := path.Clean(m.SubPath)
		if !fileName(sub) {
			return composeMount{}, fmt.Errorf("subPath %s: not a relative path", m.SubPath)
		}
		if _, ok := fs.Files[sub]; !ok && !hasPrefixDir(fs.Files, sub) {
			return composeMount{}, fmt.Errorf("subPath %s: no such file in %s", m.SubPath, fs.Name)
		}
		src += "/" + sub
	}
	if len(fs.Files) == 0 {
		out.files[dir+"/.keep"] = composeFile{secret: fs.Secret}
	}
	return composeMount{Type: "bind", Source: "./" + src, Target: m.Path, ReadOnly: true}, nil
}

func fileName(rel string) bool {
	return rel != "" && !path.IsAbs(rel) && path.Clean(rel) == rel && rel != "." && !strings.HasPrefix(rel, "../")
}

func hasPrefixDir(files map[string][]byte, dir string) bool {
	for k := range files {
		if strings.HasPrefix(k, dir+"/") {
			return true
		}
	}
	return false
}

// databaseHealthcheck asks the database itself whether it takes clients.
// postgres is asked over TCP: during its first start it listens on its
// socket alone, while its init scripts run.
func databaseHealthcheck(l *Local, w *Workload) *composeHealthcheck {
	var db *LocalDatabase
	for _, a := range l.Apps {
		if a.Database != nil && a.Database.Workload == w.Name {
			db = a.Database
		}
	}
	if db == nil {
		return nil
	}
	port := strconv.Itoa(db.Port)
	switch db.Type {
	case values.Postgres:
		return &composeHealthcheck{Test: []string{"CMD", "pg_isready", "-h", "127.0.0.1", "-p", port, "-U", escape(db.User), "-d", escape(db.Name)}}
	case values.Mongo:
		ping := `--quiet --eval 'db.adminCommand("ping")'`
		return &composeHealthcheck{Test: []string{"CMD-SHELL", "mongosh " + ping + " || mongo " + ping}}
	case values.Neo4j:
		return &composeHealthcheck{Test: []string{"CMD-SHELL", escape(`cypher-shell -a bolt://127.0.0.1:` + port + ` -u ` + shellQuote(db.User) + ` -p "$DB_PASSWORD" 'RETURN 1'`)}}
	}
	return nil
}

// escape keeps compose from interpolating a value: $ is written $$.
func escape(s string) string { return strings.ReplaceAll(s, "$", "$$") }

func escapeAll(list []string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = escape(s)
	}
	return out
}
