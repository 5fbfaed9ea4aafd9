package deploy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/deployment"
	"github.com/harness-sh/harness/internal/fileset"
	"github.com/harness-sh/harness/internal/names"
	"github.com/harness-sh/harness/runtime/values"
)

// app is one application of the solution, its values merged over the roots.
type app struct {
	name       string     // directory name, the application's name
	key        string     // its key under apps:
	node       *yaml.Node // merged values
	dirs       []string   // its directory in each root that has it, in root order
	build      bool       // its image is built from its Dockerfile
	dockerfile string     // the Dockerfile its image is built from
	image      string     // the name of its image, when built
	tasks      map[string]string
	err        error  // why it cannot be deployed, reported only if it is
	parent     string // the application whose values hold this sub-application
}

// solution is everything collected from the roots before the chart is built.
type solution struct {
	d           *Deployment
	fs          fileset.FS // what the chart is written through
	roots       []string
	o           *origins
	top         *yaml.Node
	apps        map[string]*app // every application found, by name
	included    []string        // the applications deployed, sorted
	namespace   string
	domain      string
	baseName    string
	tag         string
	images      map[string]string // base, common and task images by name
	taskImages  map[string]string // the images built for this deployment
	built       map[string]*Image // every image the solution can build, by name
	tagCache    map[string]string
	values      map[string]any
	invalid     map[string]error // folders under applications/ that are no valid app name
	warnings    []string
	notes       []string                     // what harness did differently from CloudHarness, and why
	passed      map[reflect.Type][]string    // unknown harness keys let through, by the struct holding them
	imageDirs   map[string]string            // base and common images: name → folder of its Dockerfile
	dockerfiles map[string]*parsedDockerfile // parsed once, by path
	baseline    map[string]bool              // objects held to the "baseline" Pod Security Standard
}

func (s *solution) appNames() []string { return s.included }

func (s *solution) warnf(format string, args ...any) {
	s.warnings = append(s.warnings, fmt.Sprintf(format, args...))
}

// unknown lets a key inside `harness:` that harness does not know through to
// the chart, as CloudHarness does, with a warning (once per file and line:
// a shared template's key reaches every app).
func (s *solution) unknown(u values.UnknownKey) {
	if s.passed == nil {
		s.passed = map[reflect.Type][]string{}
	}
	if !slices.Contains(s.passed[u.In], u.Name) {
		s.passed[u.In] = append(s.passed[u.In], u.Name)
	}
	if aliased(u.Key) {
		return
	}
	w := u.Error.Error() + ": passed through to the chart"
	if !slices.Contains(s.warnings, w) {
		s.warnings = append(s.warnings, w)
	}
}

func (s *solution) notef(format string, args ...any) {
	s.notes = append(s.notes, fmt.Sprintf(format, args...))
}

// valuesErr is a user error placed at a node: "file:line: key: message".
func (s *solution) errAt(n *yaml.Node, key, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s", s.o.where(n), key, fmt.Sprintf(format, args...))
}

// collect merges and derives the values of the solution.
func (d *Deployment) collect(ctx context.Context, roots []string) (*solution, error) {
	s := &solution{d: d, fs: fileset.FSOf(ctx), roots: roots, o: newOrigins(), apps: map[string]*app{},
		images: map[string]string{}, imageDirs: map[string]string{}, dockerfiles: map[string]*parsedDockerfile{}, baseline: map[string]bool{}, taskImages: map[string]string{}, built: map[string]*Image{}, tagCache: map[string]string{}, invalid: map[string]error{}}
	top, err := s.o.parse(deployment.DefaultsPath, deployment.Defaults())
	if err != nil {
		return nil, err
	}
	for _, root := range roots {
		conf := filepath.Join(root, "deployment-configuration")
		files := []string{filepath.Join(conf, "helm", "values.yaml"), filepath.Join(conf, "values-template.yaml")}
		for _, e := range d.Envs {
			files = append(files, filepath.Join(conf, "values-template-"+e+".yaml"))
		}
		for _, f := range files {
			n, err := s.o.load(f)
			if err != nil {
				return nil, err
			}
			top = merge(top, n)
		}
	}
	if _, err := values.DecodeRootNode(top, values.Options{Sources: s.o.src, File: "values"}); err != nil {
		return nil, err
	}
	s.top = top
	s.applyFlags()
	s.baseName = scalar(child(top, "name"))

	if err := s.collectImages(); err != nil {
		return nil, err
	}
	if err := s.collectApps(ctx); err != nil {
		return nil, err
	}
	if err := s.selectApps(); err != nil {
		return nil, err
	}
	// Only what is deployed must be deployable, as in CloudHarness.
	for _, name := range s.included {
		a := s.apps[name]
		if _, err := values.DecodeAppNode(a.node, values.Options{Sources: s.o.src, File: "values", Unknown: s.unknown}); err != nil {
			return nil, err
		}
		if a.err != nil {
			return nil, a.err
		}
		if err := s.check(a, child(a.node, "harness")); err != nil {
			return nil, err
		}
		s.checkPodSecurity(a, child(a.node, "harness"))
	}
	if err := s.validate(); err != nil {
		return nil, err
	}
	s.addEnv()
	return s, s.finish()
}

// applyFlags writes the command line's choices into the top-level values,
// where the templates read them.
func (s *solution) applyFlags() {
	d, top := s.d, s.top
	registry := d.Registry
	if registry != "" && !strings.HasSuffix(registry, "/") {
		registry += "/"
	}
	reg := ensure(top, "registry")
	set(reg, "name", str(registry))
	set(reg, "secret", str(d.RegistrySecret))
	s.tag = d.Tag
	set(top, "tag", str(d.Tag))
	if d.Namespace != "" {
		set(top, "namespace", str(d.Namespace))
	}
	if d.Domain != "" {
		set(top, "domain", str(d.Domain))
	}
	s.namespace = scalar(child(top, "namespace"))
	s.domain = scalar(child(top, "domain"))
	set(top, "secured_gatekeepers", boolean(!d.Unsecured))
	ing := ensure(top, "ingress")
	set(ing, "ssl_redirect", boolean(truthy(child(ing, "ssl_redirect")) && !d.NoTLS))
	set(top, "tls", boolean(!d.NoTLS))
	set(top, "local", boolean(d.Local))
	if d.Local {
		s.setLocalIP(top)
	}
}

// setLocalIP writes localIp, which the hostAliases of -l read: --local-ip,
// else a value the solution set, else the address localAddress finds.
func (s *solution) setLocalIP(top *yaml.Node) {
	if s.d.LocalIP != "" {
		set(top, "localIp", str(s.d.LocalIP))
		return
	}
	if scalar(child(top, "localIp")) != "" {
		return
	}
	ip, from := localAddress()
	if ip == "" {
		s.warnf("-l: no address found for the Pods' host aliases of the solution's hosts: pass --local-ip")
		return
	}
	set(top, "localIp", str(ip))
	s.notef("-l: Pods resolve the solution's hosts to %s (%s; --local-ip to choose)", ip, from)
}

// image names an image the solution builds from img.Context, records it for
// harness build's plan and returns the reference the chart pulls.
func (s *solution) image(img Image) (string, error) {
	name, context, deps := img.Name, img.Context, img.Deps
	ref := s.d.Registry
	if ref != "" && !strings.HasSuffix(ref, "/") {
		ref += "/"
	}
	if s.baseName != "" {
		ref += s.baseName + "/"
	}
	ref += name
	tag := s.tag
	if tag == "" && !s.d.Local {
		h, ok := s.tagCache[context]
		if !ok {
			var err error
			h, err = contentHash(context)
			if err != nil {
				return "", err
			}
			if img.GoMain != "" {
				// The binary is made of more than its folder: the packages
				// of the module it imports, and the module's pins.
				g, err := goInputsHash(img.GoMain)
				if err != nil {
					return "", err
				}
				h = sha1hex(h + g)
			}
			s.tagCache[context] = h
		}
		// A dependency's new content makes a new image of what builds on it.
		var deptags []string
		for _, dep := range deps {
			if img, ok := s.images[dep]; ok {
				if i := strings.LastIndex(img, ":"); i > 0 {
					deptags = append(deptags, img[i+1:])
				}
			}
		}
		tag = h
		if len(deptags) > 0 {
			tag = sha1hex(h + strings.Join(deptags, ""))
		}
	}
	if tag != "" {
		ref += ":" + tag
	}
	img.Ref = ref
	s.built[name] = &img
	return ref, nil
}

// collectImages names the base images (built with the root as context) and
// the common images (built in their own folder) of every root.
func (s *solution) collectImages() error {
	for _, root := range s.roots {
		for _, kind := range []string{"base-images", "common-images"} {
			dirs, err := dockerfileDirs(filepath.Join(root, "infrastructure", kind))
			if err != nil {
				return fmt.Errorf("find %s: %w", kind, err)
			}
			for _, dir := range dirs {
				name := filepath.Base(dir)
				context := dir
				if kind == "base-images" {
					context = root
				}
				img, err := s.image(Image{Name: name, Context: context, Dockerfile: filepath.Join(dir, "Dockerfile"), Deps: buildArgsDeps(dir)})
				if err != nil {
					return err
				}
				s.images[name] = img
				s.imageDirs[name] = dir
			}
		}
	}
	return nil
}

// collectApps merges every application's values, in CloudHarness's order:
// harness's app defaults; then for each root that has the app, the root's
// value-template.yaml, deploy/values.yaml and deploy/values-ENV.yaml.
func (s *solution) collectApps(ctx context.Context) error {
	appDefaults, err := s.o.parse(deployment.AppDefaultsPath, deployment.AppDefaults())
	if err != nil {
		return err
	}
	excluded := setOf(s.d.Exclude)
	var order []string
	for _, root := range s.roots {
		rootTemplate, err := s.o.load(filepath.Join(root, "deployment-configuration", "value-template.yaml"))
		if err != nil {
			return err
		}
		entries, err := os.ReadDir(filepath.Join(root, "applications"))
		if err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("list applications: %w", err)
		}
		for _, e := range entries {
			if err := ctx.Err(); err != nil {
				return err
			}
			if !e.IsDir() || strings.HasPrefix(e.Name(), ".") || excluded[e.Name()] {
				continue
			}
			name := e.Name()
			dir := filepath.Join(root, "applications", name)
			if err := names.ValidateApp(name); err != nil {
				// Only an error when it would be deployed: a solution may
				// keep such folders (CloudHarness's test resources do).
				if s.invalid[name] == nil {
					s.invalid[name] = fmt.Errorf("%s: application name: %w", dir, err)
				}
				continue
			}
			a := s.apps[name]
			if a == nil {
				a = &app{name: name, key: names.ValuesKey(name), node: s.o.clone(appDefaults), tasks: map[string]string{}}
				s.apps[name] = a
				order = append(order, name)
			}
			a.dirs = append(a.dirs, dir)
			a.node = merge(a.node, s.o.clone(rootTemplate))
			files := []string{filepath.Join(dir, "deploy", "values.yaml")}
			for _, env := range s.d.Envs {
				files = append(files, filepath.Join(dir, "deploy", "values-"+env+".yaml"))
			}
			for _, f := range files {
				n, err := s.o.load(f)
				if err != nil {
					return err
				}
				a.node = merge(a.node, n)
			}
		}
	}
	sort.Strings(order)
	for _, name := range order {
		subs, err := s.subApps(s.apps[name], appDefaults)
		if err != nil {
			return err
		}
		for _, sub := range subs {
			if excluded[sub.name] {
				continue
			}
			s.apps[sub.name] = sub
			order = append(order, sub.name)
		}
	}
	for _, name := range order {
		if err := s.derive(s.apps[name]); err != nil {
			return err
		}
	}
	return nil
}

func setOf(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, x := range list {
		m[x] = true
	}
	return m
}
