package deploy

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/buildrecord"
	"github.com/harness-sh/harness/runtime/values"
)

func (s *solution) deps(a *app, kinds ...string) []*yaml.Node {
	var out []*yaml.Node
	for _, k := range kinds {
		out = append(out, stringList(at(a.node, "harness", "dependencies", k))...)
	}
	return out
}

func (s *solution) securedByGatekeeper(a *app) bool {
	return !s.d.Unsecured && truthy(at(a.node, "harness", "secured"))
}

// selectApps applies -i: the named applications and, transitively, their
// hard and soft dependencies (and accounts for secured ones), less -ex.
func (s *solution) selectApps() error {
	excluded := setOf(s.d.Exclude)
	if len(s.d.Include) == 0 {
		for _, name := range slices.Sorted(maps.Keys(s.invalid)) {
			return s.invalid[name]
		}
		s.included = slices.Sorted(maps.Keys(s.apps))
	} else {
		seen := map[string]bool{}
		queue := []string{}
		for _, name := range s.d.Include {
			if s.apps[name] == nil {
				if err := s.invalid[name]; err != nil {
					return err
				}
				if excluded[name] {
					return fmt.Errorf("-i %s: the application is also excluded (-ex)", name)
				}
				return fmt.Errorf("-i %s: no such application%s", name, didYouMean(name, slices.Sorted(maps.Keys(s.apps))))
			}
			queue = append(queue, name)
		}
		for len(queue) > 0 {
			name := queue[0]
			queue = queue[1:]
			if seen[name] || excluded[name] {
				continue
			}
			a := s.apps[name]
			if a == nil {
				continue // reported by validate
			}
			seen[name] = true
			for _, n := range s.deps(a, "hard", "soft") {
				queue = append(queue, scalar(n))
			}
			if s.securedByGatekeeper(a) {
				queue = append(queue, "accounts")
			}
		}
		// A sub-application goes with the application holding it.
		for name, a := range s.apps {
			if a.parent != "" && seen[a.parent] {
				seen[name] = true
			}
		}
		s.included = slices.Sorted(maps.Keys(seen))
	}
	// Images built for this deployment: the included apps' tasks and build
	// dependencies, and what those build on.
	want := map[string]bool{}
	for _, name := range s.included {
		a := s.apps[name]
		for k := range a.tasks {
			want[k] = true
		}
		for _, n := range s.deps(a, "build") {
			want[scalar(n)] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for img := range want {
			for _, dep := range s.buildDepsOf(img) {
				if !want[dep] {
					want[dep] = true
					changed = true
				}
			}
		}
	}
	for img := range want {
		if excluded[img] {
			continue
		}
		if ref, ok := s.images[img]; ok {
			s.taskImages[img] = ref
		}
		for _, a := range s.apps {
			if ref, ok := a.tasks[img]; ok {
				s.taskImages[img] = ref
			}
		}
	}
	return nil
}

// buildDepsOf is what an image builds on: an app's declared build
// dependencies, or the ARGs of a base or common image's Dockerfile.
func (s *solution) buildDepsOf(img string) []string {
	if a := s.apps[img]; a != nil {
		var out []string
		for _, n := range s.deps(a, "build") {
			out = append(out, scalar(n))
		}
		return out
	}
	for _, root := range s.roots {
		for _, kind := range []string{"base-images", "common-images"} {
			if deps := buildArgsDeps(root + "/infrastructure/" + kind + "/" + img); deps != nil {
				return deps
			}
		}
	}
	return nil
}

// validate checks the dependencies of the deployed applications: a hard
// dependency, a used service or a build dependency naming nothing is an
// error; a missing soft dependency a warning; a cycle of hard dependencies
// an error naming it. With backups on, their retention counts must be whole
// numbers, as the backup script counts with them.
func (s *solution) validate() error {
	deployed := setOf(s.included)
	all := slices.Sorted(maps.Keys(s.apps))
	images := append(slices.Sorted(maps.Keys(s.images)), all...)
	for _, x := range s.apps {
		images = append(images, slices.Sorted(maps.Keys(x.tasks))...)
	}
	known := setOf(images)
	var errs []string
	if truthy(at(s.top, "backup", "active")) {
		// The backup's shell script counts with them: a word fails every night.
		for _, k := range []string{"keep_days", "keep_weeks", "keep_months"} {
			n := at(s.top, "backup", k)
			if _, err := strconv.ParseUint(scalar(n), 10, 16); err != nil {
				errs = append(errs, s.errAt(n, "backup."+k, "%q is no number of backups to keep: a whole number, 0 or more", scalar(n)).Error())
			}
		}
	}
	for _, name := range s.included {
		a := s.apps[name]
		for _, n := range s.deps(a, "hard") {
			if d := scalar(n); !deployed[d] {
				errs = append(errs, s.errAt(n, "harness.dependencies.hard", "%s depends on %q, which is not deployed%s", name, d, s.why(d, all)).Error())
			}
		}
		for _, n := range s.deps(a, "soft") {
			if d := scalar(n); !deployed[d] {
				s.warnf("%s: harness.dependencies.soft: %q is not deployed%s", s.o.where(n), d, s.why(d, all))
			}
		}
		for _, n := range stringList(at(a.node, "harness", "use_services")) {
			nameNode := child(n, "name")
			if nameNode == nil && n.Kind == yaml.ScalarNode {
				nameNode = n
			}
			if d := scalar(nameNode); !deployed[d] {
				errs = append(errs, s.errAt(nameNode, "harness.use_services", "%s uses the service of %q, which is not deployed%s", name, d, s.why(d, all)).Error())
			}
		}
		for _, n := range s.deps(a, "build") {
			if d := scalar(n); !known[d] {
				errs = append(errs, s.errAt(n, "harness.dependencies.build", "%s builds on %q, which is no image of the solution%s", name, d, didYouMean(d, images)).Error())
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	if cycle := s.hardCycle(); cycle != nil {
		first := s.deps(s.apps[cycle[0]], "hard")
		var at *yaml.Node
		for _, n := range first {
			if scalar(n) == cycle[1] {
				at = n
			}
		}
		return s.errAt(at, "harness.dependencies.hard", "dependency cycle: %s", strings.Join(cycle, " → "))
	}
	return nil
}

func (s *solution) why(name string, all []string) string {
	if s.apps[name] != nil {
		if setOf(s.d.Exclude)[name] {
			return " (excluded with -ex)"
		}
		return ""
	}
	return didYouMean(name, all)
}

// hardCycle returns a cycle of hard dependencies among the deployed apps as
// a path whose last element repeats the first, or nil.
func (s *solution) hardCycle() []string {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var found []string
	var visit func(string) bool
	visit = func(n string) bool {
		state[n] = active
		stack = append(stack, n)
		if a := s.apps[n]; a != nil {
			for _, d := range s.deps(a, "hard") {
				dep := scalar(d)
				switch state[dep] {
				case active:
					for i, x := range stack {
						if x == dep {
							found = append(append([]string(nil), stack[i:]...), dep)
						}
					}
					return true
				case unseen:
					if s.apps[dep] != nil && visit(dep) {
						return true
					}
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		return false
	}
	for _, n := range s.included {
		if state[n] == unseen && visit(n) {
			return found
		}
	}
	return nil
}

// didYouMean suggests the closest known name, if one is close.
func didYouMean(name string, known []string) string {
	if best := values.Suggest(name, known); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// addEnv adds CloudHarness's CH_* variables to every container's env.
func (s *solution) addEnv() {
	env := child(s.top, "env")
	if env == nil || env.Kind != yaml.SequenceNode {
		env = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		set(s.top, "env", env)
	}
	add := func(name, value string) {
		item := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		set(item, "name", str(strings.ToUpper(name)))
		set(item, "value", str(value))
		env.Content = append(env.Content, item)
	}
	for _, name := range s.included {
		h := child(s.apps[name].node, "harness")
		prefix := "CH_" + strings.ReplaceAll(strings.ToUpper(name), "-", "_")
		for _, k := range []string{"name", "port", "subdomain"} {
			if n := child(h, k); n != nil {
				v := scalar(n)
				if v == "" {
					v = "None"
				}
				add(prefix+"_"+strings.ToUpper(k), v)
			}
		}
	}
	add("CH_DOMAIN", s.domain)
	add("CH_IMAGE_REGISTRY", scalar(at(s.top, "registry", "name")))
	add("CH_IMAGE_TAG", s.tag)
}

// finish assembles the chart's values.
func (s *solution) finish() error {
	if s.d.Pin {
		if err := s.pin(); err != nil {
			return err
		}
	}
	apps := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, name := range s.included {
		set(apps, s.apps[name].key, s.apps[name].node)
	}
	set(s.top, "apps", apps)
	tasks := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, k := range slices.Sorted(maps.Keys(s.taskImages)) {
		set(tasks, k, str(s.taskImages[k]))
	}
	set(s.top, "task-images", tasks)
	var v map[string]any
	if err := s.top.Decode(&v); err != nil {
		return fmt.Errorf("values: %w", err)
	}
	s.values = v
	return nil
}

// pin names every image the deployment builds by the digest the last
// harness build recorded (REF@sha256:...), so the chart runs exactly what
// was built and pushed. An image the record lacks is an error: a chart
// half pinned would run what it says it does not.
func (s *solution) pin() error {
	output := s.d.Output
	if output == "" {
		output = "deployment"
	}
	rec, err := buildrecord.Read(output)
	if err != nil {
		return fmt.Errorf("--pin: %w", err)
	}
	var missing []string
	pinned := func(n *yaml.Node) {
		if n == nil || n.Value == "" {
			return
		}
		if p, ok := rec.Pinned(n.Value); ok {
			n.Value = p
		} else if !slices.Contains(missing, n.Value) {
			missing = append(missing, n.Value)
		}
	}
	for _, name := range s.included {
		a := s.apps[name]
		if a.build {
			pinned(at(a.node, "harness", "deployment", "image"))
		}
		if tasks := child(a.node, "task-images"); tasks != nil {
			for i := 1; i < len(tasks.Content); i += 2 {
				pinned(tasks.Content[i])
			}
		}
	}
	for k, ref := range s.taskImages {
		if p, ok := rec.Pinned(ref); ok {
			s.taskImages[k] = p
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("--pin: %s holds no digest of %s: run harness build with the same roots, -r and -t first",
			filepath.Join(output, buildrecord.File), strings.Join(missing, ", "))
	}
	return nil
}
