package deploy

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/runtime/values"
	"k8s.io/apimachinery/pkg/api/resource"
)

func sha1hex(s string) string {
	h := sha1.Sum([]byte(s))
	return hex.EncodeToString(h[:])
}

// notMapping reports a value given where harness expects a mapping and
// would otherwise replace it silently with one (absent or null is fine).
func notMapping(n *yaml.Node) bool {
	return n != nil && n.Kind != yaml.MappingNode && n.Tag != "!!null"
}

// derive fills in what CloudHarness derives for an application: its name,
// the names of its deployment, service and database, its image and task
// images; and checks the values that would otherwise fail deep in the chart.
func (s *solution) derive(a *app) error {
	v := a.node
	if n := child(v, "harness"); notMapping(n) {
		return s.errAt(n, "harness", "a mapping of the application's settings, not %s", kindName(n))
	}
	// Derivation fills these in; a scalar there would be silently replaced.
	for _, k := range []string{"deployment", "service"} {
		if n := at(v, "harness", k); notMapping(n) {
			return s.errAt(n, "harness."+k, "expected a mapping, got %s", kindName(n))
		}
	}
	s.applyAliases(v, appAliases)
	h := ensure(v, "harness")
	if n := child(h, "name"); scalar(n) != "" && scalar(n) != a.name {
		s.warnf("%s: harness.name: ignored, the application's name is its folder's: %s", s.o.where(n), a.name)
	}
	set(h, "name", str(a.name))
	dep := ensure(h, "deployment")
	svc := ensure(h, "service")
	for _, m := range []*yaml.Node{dep, svc} {
		if scalar(child(m, "name")) == "" {
			set(m, "name", str(a.name))
		}
	}
	if err := s.deriveDatabase(a, h); err != nil {
		return err
	}
	if err := s.deriveImages(a, h, dep); err != nil {
		return err
	}
	// CloudHarness's templates and runtime read these legacy copies.
	set(v, "name", str(a.name))
	if img := child(dep, "image"); img != nil {
		set(v, "image", img)
	}
	if p := child(dep, "port"); scalar(p) != "" {
		set(v, "port", p)
	}
	if r := child(dep, "resources"); r != nil {
		set(v, "resources", r)
	}
	return nil
}

var dbTypes = map[string]bool{"postgres": true, "mongo": true, "neo4j": true}

func (s *solution) deriveDatabase(a *app, h *yaml.Node) error {
	db := child(h, "database")
	if db == nil || db.Kind != yaml.MappingNode {
		del(h, "database")
		return nil
	}
	typ := scalar(child(db, "type"))
	if typ == "" {
		if truthy(child(db, "auto")) {
			return s.errAt(child(db, "auto"), "harness.database.type", "an auto database needs a type: postgres, mongo or neo4j")
		}
		del(h, "database")
		return nil
	}
	if typ == string(values.SQLite3) {
		// A file beside the application, which the runtime library opens.
		if n := child(db, "auto"); truthy(n) {
			return s.errAt(n, "harness.database.auto", "sqlite3 is a file in the application's volume, not a server to deploy: set harness.database.auto: false and a harness.deployment.volume")
		}
		for t := range dbTypes {
			del(db, t)
		}
		return nil
	}
	if !dbTypes[typ] {
		return s.errAt(child(db, "type"), "harness.database.type", "unknown database type %q (one of postgres, mongo, neo4j, sqlite3)%s", typ, didYouMean(typ, []string{"postgres", "mongo", "neo4j", "sqlite3"}))
	}
	if scalar(child(db, "name")) == "" {
		set(db, "name", str(a.name+"-db"))
	}
	for t := range dbTypes {
		if t != typ {
			del(db, t)
		}
	}
	if spec := child(db, typ); notMapping(spec) {
		return s.errAt(spec, "harness.database."+typ, "expected a mapping, got %s", kindName(spec))
	}
	if spec := child(db, typ); spec == nil || spec.Kind != yaml.MappingNode || scalar(child(spec, "image")) == "" && scalar(child(db, "image_ref")) == "" {
		return s.errAt(child(db, "type"), "harness.database."+typ+".image", "no image for the %s database", typ)
	}
	return nil
}

func (s *solution) deriveImages(a *app, h, dep *yaml.Node) error {
	var buildDeps []string
	for _, n := range stringList(at(h, "dependencies", "build")) {
		buildDeps = append(buildDeps, scalar(n))
	}
	given := scalar(child(dep, "image")) != ""
	a.build = !given
	for _, dir := range a.dirs {
		dirs, err := dockerfileDirs(dir)
		if err != nil {
			return fmt.Errorf("find Dockerfiles of %s: %w", a.name, err)
		}
		appsDir := filepath.Dir(dir)
		var main []string
		for _, df := range dirs {
			rel, _ := filepath.Rel(appsDir, df)
			rel = filepath.ToSlash(rel)
			if strings.Contains(rel+"/", "/tasks/") {
				deps := append(buildArgsDeps(df), buildDeps...)
				img, err := s.image(Image{Name: imageName(rel), Context: df, Dockerfile: filepath.Join(df, "Dockerfile"), Deps: deps, App: a.name})
				if err != nil {
					return err
				}
				a.tasks[imageName(rel)] = img
				continue
			}
			if !strings.Contains(rel, "subapps") {
				main = append(main, df)
			}
		}
		if len(main) > 0 && !given {
			if len(main) > 1 {
				s.warnf("%s: several Dockerfiles, the image is built from %s", a.name, main[0])
			}
			rel, _ := filepath.Rel(appsDir, main[0])
			a.dockerfile = filepath.Join(main[0], "Dockerfile")
			goMain, err := goMainPackage(dir)
			if err != nil {
				return err
			}
			a.image = imageName(rel)
			// What the Dockerfile takes as build arguments is built first too,
			// and its tag is part of this image's.
			deps := slices.Clone(buildDeps)
			for _, d := range buildArgsDeps(main[0]) {
				if !slices.Contains(deps, d) {
					deps = append(deps, d)
				}
			}
			img := Image{Name: a.image, Context: dir, Dockerfile: a.dockerfile, Deps: deps, App: a.name, GoMain: goMain}
			if goMain != "" {
				if err := s.goBase(&img, dep); err != nil {
					return err
				}
			}
			ref, err := s.image(img)
			if err != nil {
				return err
			}
			set(dep, "image", str(ref))
		}
	}
	if scalar(child(dep, "image")) == "" {
		a.build = false
		if truthy(child(dep, "auto")) {
			a.err = s.errAt(child(dep, "auto"), "harness.deployment.image",
				"%s deploys automatically but has no Dockerfile and no harness.deployment.image", a.name)
		}
	}
	for _, b := range buildDeps {
		if img, ok := s.images[b]; ok {
			a.tasks[b] = img
		}
	}
	tasks := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, k := range slices.Sorted(maps.Keys(a.tasks)) {
		set(tasks, k, str(a.tasks[k]))
	}
	set(a.node, "task-images", tasks)
	set(a.node, "build", boolean(a.build))
	return nil
}

// goBase sets what harness build lays a Go application's binary on: the
// base of its Dockerfile's final stage. FROM scratch is harness's minimal
// base; FROM $NAME, a build argument without default, the solution's image
// of that name, which the application then builds on; anything else an
// image pulled from its registry. A base harness cannot tell (a build
// argument with a default) leaves the build to the Dockerfile.
func (s *solution) goBase(img *Image, dep *yaml.Node) error {
	df, err := s.readDockerfile(img.Dockerfile)
	if err != nil {
		return err
	}
	img.Port, _ = strconv.Atoi(scalar(child(dep, "port")))
	switch m := argImage.FindStringSubmatch(df.base); {
	case strings.EqualFold(df.base, "scratch"):
	case m == nil:
		img.Base = df.base
	case slices.Contains(df.args, m[1]):
		img.Base = imageOfArg(m[1])
		if !slices.Contains(img.Deps, img.Base) {
			img.Deps = append(img.Deps, img.Base)
		}
	default:
		img.GoMain = ""
	}
	return nil
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// check rejects values that Kubernetes or the templates cannot take, at the
// file and line that set them.
func (s *solution) check(a *app, h *yaml.Node) error {
	if n := at(h, "test", "unit", "coverage"); n != nil {
		if c, err := strconv.ParseFloat(n.Value, 64); err == nil && (c < 0 || c > 100) {
			return s.errAt(n, "harness.test.unit.coverage", "%s is no percentage: give 0 to 100", n.Value)
		}
	}
	hosts := []*yaml.Node{child(h, "subdomain")}
	hosts = append(hosts, stringList(child(h, "aliases"))...)
	for _, n := range hosts {
		v := scalar(n)
		if v == "" {
			continue
		}
		for _, label := range strings.Split(v, ".") {
			if len(label) > 63 || !dnsLabel.MatchString(label) {
				return s.errAt(n, "harness.subdomain", "%q is not a DNS name: lowercase letters, digits and '-' only", v)
			}
		}
	}
	for _, path := range [][]string{{"deployment", "port"}, {"service", "port"}} {
		if n := at(h, path...); scalar(n) != "" {
			p, err := strconv.Atoi(scalar(n))
			if err != nil || p < 1 || p > 65535 {
				return s.errAt(n, "harness."+strings.Join(path, "."), "%q is not a port number", scalar(n))
			}
		}
	}
	if n := at(h, "deployment", "replicas"); scalar(n) != "" {
		if r, err := strconv.Atoi(scalar(n)); err != nil || r < 0 {
			return s.errAt(n, "harness.deployment.replicas", "%q is not a number of replicas", scalar(n))
		}
	}
	if err := s.checkScaling(h); err != nil {
		return err
	}
	if err := s.checkScheduling(h); err != nil {
		return err
	}
	if err := s.checkNFS(h); err != nil {
		return err
	}
	for _, probe := range []string{"livenessProbe", "readinessProbe", "startupProbe"} {
		p := child(h, probe)
		for _, f := range []string{"periodSeconds", "failureThreshold", "initialDelaySeconds", "timeoutSeconds", "port"} {
			n := child(p, f)
			if scalar(n) == "" {
				continue
			}
			v, err := strconv.Atoi(scalar(n))
			if err != nil || v < 0 || v == 0 && f != "initialDelaySeconds" {
				return s.errAt(n, "harness."+probe+"."+f, "%q must be a positive whole number", scalar(n))
			}
		}
	}
	for _, base := range [][]string{{"deployment", "resources"}, {"database", "resources"}} {
		for _, kind := range []string{"requests", "limits"} {
			m := at(h, append(base, kind)...)
			if m == nil || m.Kind != yaml.MappingNode {
				continue
			}
			for i := 0; i+1 < len(m.Content); i += 2 {
				n := m.Content[i+1]
				if scalar(n) == "" {
					continue
				}
				if _, err := resource.ParseQuantity(scalar(n)); err != nil {
					return s.errAt(n, "harness."+strings.Join(append(base, kind, m.Content[i].Value), "."),
						"%q is not a Kubernetes quantity (like 500m, 1, 128Mi)", scalar(n))
				}
			}
		}
	}
	return nil
}

var percent = regexp.MustCompile(`^[0-9]+%$`)

// checkNFS: a volume with usenfs is claimed from the nfsserver
// application's storage class (auto-volumes.yaml reads
// apps.nfsserver.storageClass.name); without that application in the
// deployment the template stops on a nil pointer, as CloudHarness's does.
func (s *solution) checkNFS(h *yaml.Node) error {
	vol := at(h, "deployment", "volume")
	use := child(vol, "usenfs")
	if !truthy(use) || scalar(child(vol, "auto")) == "false" {
		return nil
	}
	const key = "harness.deployment.volume.usenfs"
	nfs, ok := s.apps["nfsserver"]
	if !ok || !slices.Contains(s.included, "nfsserver") {
		return s.errAt(use, key, "the volume is a share of the nfsserver application, which this deployment does not include: add CloudHarness's applications/nfsserver (and -i it), or set usenfs: false")
	}
	if scalar(at(nfs.node, "storageClass", "name")) == "" {
		return s.errAt(use, key, "the nfsserver application's values have no storageClass.name, the storage class of the volume's claim")
	}
	return nil
}

// checkScaling rejects autoscaling and disruption budgets Kubernetes would
// refuse, when they are enabled.
func (s *solution) checkScaling(h *yaml.Node) error {
	if as := at(h, "deployment", "autoscaling"); scalar(child(as, "enabled")) == "true" {
		num := func(f string, least int) (int, bool, error) {
			n := child(as, f)
			if scalar(n) == "" {
				return 0, false, nil
			}
			v, err := strconv.Atoi(scalar(n))
			if err != nil || v < least {
				return 0, false, s.errAt(n, "harness.deployment.autoscaling."+f, "%q must be a whole number of at least %d", scalar(n), least)
			}
			return v, true, nil
		}
		minR, hasMin, err := num("minReplicas", 1)
		if err != nil {
			return err
		}
		maxR, hasMax, err := num("maxReplicas", 1)
		if err != nil {
			return err
		}
		if !hasMax {
			return s.errAt(child(as, "enabled"), "harness.deployment.autoscaling.maxReplicas", "is required when autoscaling is enabled")
		}
		if hasMin && maxR < minR {
			return s.errAt(child(as, "maxReplicas"), "harness.deployment.autoscaling.maxReplicas", "%d is less than minReplicas %d", maxR, minR)
		}
		for _, f := range []string{"targetCPUUtilizationPercentage", "targetMemoryUtilizationPercentage"} {
			if _, _, err := num(f, 1); err != nil {
				return err
			}
		}
	}
	if pdb := at(h, "deployment", "pdb"); scalar(child(pdb, "enabled")) == "true" {
		minA, maxU := child(pdb, "minAvailable"), child(pdb, "maxUnavailable")
		if minA != nil && maxU != nil && minA.Tag != "!!null" && maxU.Tag != "!!null" {
			return s.errAt(maxU, "harness.deployment.pdb.maxUnavailable", "give minAvailable or maxUnavailable, not both")
		}
		for f, n := range map[string]*yaml.Node{"minAvailable": minA, "maxUnavailable": maxU} {
			if n == nil || n.Tag == "!!null" {
				continue
			}
			if v, err := strconv.Atoi(scalar(n)); (err != nil || v < 0) && !percent.MatchString(scalar(n)) {
				return s.errAt(n, "harness.deployment.pdb."+f, "%q is not a number of pods or a percentage like 50%%", scalar(n))
			}
		}
	}
	return nil
}
