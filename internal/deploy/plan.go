package deploy

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Image is an image the solution builds, named as the chart pulls it. It is
// harness build's unit of work: the chart and the build take their tags from
// the same place, so what is built is what is deployed.
type Image struct {
	Name       string   // the image's name: an application's, a task's, a base or common image's
	Ref        string   // the reference the chart pulls: registry, name and content-hash tag
	Context    string   // the build context's folder
	Dockerfile string   // the Dockerfile it is built from
	Deps       []string // the names of the solution's images it builds on
	App        string   // the application it belongs to; "" for base and common images
	// GoMain is the folder of the Go command an application's image runs,
	// which harness build compiles itself; "" when the Dockerfile builds it.
	GoMain string
	// Base is what a Go command is laid on: "" for harness's minimal base,
	// the name of one of Deps, or an image reference to pull.
	Base string
	Port int // the port the application listens on, given to it as PORT
}

// Plan is what the build and the pipelines need of a solution: the
// applications that would be deployed and the images they need.
type Plan struct {
	Apps     []App   // the deployed applications, sorted by name
	Images   []Image // their images and what those build on, each after its dependencies
	Warnings []string
}

// App is a deployed application, as the pipelines see it.
type App struct {
	Name string
	Dir  string // its folder in the last root that has it
	// GoMain is the folder of its Go command when harness builds it; ""
	// otherwise.
	GoMain string
	// Coverage is harness.test.unit.coverage: the least statement
	// coverage of its Go tests, in percent; 0 for none.
	Coverage float64
}

// Plan collects the solution as a deployment would (after -i and -ex) and
// writes nothing.
func (d *Deployment) Plan(ctx context.Context) (*Plan, error) {
	s, err := d.collectRoots(ctx)
	if err != nil {
		return nil, err
	}
	p := &Plan{Warnings: s.warnings}
	var want []string
	for _, name := range s.included {
		a := s.apps[name]
		app := App{Name: name, Dir: a.dirs[len(a.dirs)-1]}
		if c, err := strconv.ParseFloat(scalar(at(a.node, "harness", "test", "unit", "coverage")), 64); err == nil {
			app.Coverage = c
		}
		if a.build && a.image != "" {
			want = append(want, a.image)
			app.GoMain = s.built[a.image].GoMain
		}
		p.Apps = append(p.Apps, app)
	}
	want = append(want, slices.Sorted(maps.Keys(s.taskImages))...)
	order, err := buildOrder(s.built, want)
	if err != nil {
		return nil, err
	}
	for _, name := range order {
		img := s.built[name]
		// An image is built from its Dockerfile or, for a Go command, on
		// the base it names: either way the file must parse.
		if _, err := s.readDockerfile(img.Dockerfile); err != nil {
			return nil, err
		}
		p.Images = append(p.Images, *img)
	}
	return p, nil
}

// buildOrder lists want and what it builds on, transitively, each image
// after its dependencies; ties keep want's order. A cycle is an error naming
// the Dockerfiles that make it, a dependency naming no image one naming the
// Dockerfile that needs it.
func buildOrder(images map[string]*Image, want []string) ([]string, error) {
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var order, path []string
	var visit func(name, from string) error
	visit = func(name, from string) error {
		switch state[name] {
		case done:
			return nil
		case visiting:
			i := slices.Index(path, name)
			var files []string
			for _, n := range append(path[i:], name) {
				files = append(files, fmt.Sprintf("%s (%s)", n, images[n].Dockerfile))
			}
			return fmt.Errorf("build dependency cycle: %s", strings.Join(files, " -> "))
		}
		img, ok := images[name]
		if !ok {
			return fmt.Errorf("%s: builds on image %q, which no Dockerfile of the solution makes", from, name)
		}
		state[name] = visiting
		path = append(path, name)
		for _, dep := range img.Deps {
			if err := visit(dep, img.Dockerfile); err != nil {
				return err
			}
		}
		path = path[:len(path)-1]
		state[name] = done
		order = append(order, name)
		return nil
	}
	for _, name := range want {
		if err := visit(name, "the selected applications"); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// collectRoots collects the solution of d's roots (default ".") without
// writing anything: what the build plan and the local rendering start from.
func (d *Deployment) collectRoots(ctx context.Context) (*solution, error) {
	roots := d.Roots
	if len(roots) == 0 {
		roots = []string{"."}
	}
	for _, r := range roots {
		if st, err := os.Stat(r); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("root %s: not a directory", r)
		}
	}
	return d.collect(ctx, roots)
}
