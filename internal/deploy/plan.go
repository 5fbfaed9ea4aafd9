package deploy

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
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

// Images is harness build's plan: the images of the applications that
// would be deployed (after -i and -ex), with every image they build on,
// each after its dependencies. Nothing is written. The warnings are those
// the deployment would print.
func (d *Deployment) Images(ctx context.Context) ([]Image, []string, error) {
	roots := d.Roots
	if len(roots) == 0 {
		roots = []string{"."}
	}
	for _, r := range roots {
		if st, err := os.Stat(r); err != nil || !st.IsDir() {
			return nil, nil, fmt.Errorf("root %s: not a directory", r)
		}
	}
	s, err := d.collect(ctx, roots)
	if err != nil {
		return nil, nil, err
	}
	var want []string
	for _, name := range s.included {
		if a := s.apps[name]; a.build && a.image != "" {
			want = append(want, a.image)
		}
	}
	want = append(want, slices.Sorted(maps.Keys(s.taskImages))...)
	order, err := buildOrder(s.built, want)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Image, len(order))
	for i, name := range order {
		out[i] = *s.built[name]
	}
	return out, s.warnings, nil
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
