package deploy

import (
	"fmt"
	"io"
	"strings"

	"github.com/harness-sh/harness/internal/helmcheck"
)

// printHints prints what CloudHarness prints after building the chart: a
// port-forward command per service and the hosts line for local testing.
func printHints(w io.Writer, s *solution) {
	var services []string
	for _, name := range s.included {
		h := child(s.apps[name].node, "harness")
		svc := child(h, "service")
		if svc == nil {
			continue
		}
		sname, port := scalar(child(svc, "name")), scalar(child(svc, "port"))
		fmt.Fprintf(w, "kubectl port-forward -n %s service/%s %s:%s\n", s.namespace, sname, port, port)
		services = append(services, sname+"."+s.namespace)
	}
	fmt.Fprintf(w, "127.0.0.1\t%s\n", strings.Join(services, " "))
	hosts := []string{s.domain}
	for _, name := range s.included {
		h := child(s.apps[name].node, "harness")
		if sd := scalar(child(h, "subdomain")); sd != "" {
			hosts = append(hosts, sd+"."+s.domain)
		}
		for _, n := range stringList(child(h, "aliases")) {
			hosts = append(hosts, scalar(n)+"."+s.domain)
		}
	}
	fmt.Fprintf(w, "\nTo test locally, add to your hosts file:\n127.0.0.1\t%s\n", strings.Join(hosts, " "))
}

// printPlan is --dry-run's output: what would be written and deployed.
// images holds the image of each of s.included (see deployedImages).
func (d *Deployment) printPlan(w io.Writer, s *solution, check *helmcheck.Result, images []string) {
	fmt.Fprintf(w, "dry run: nothing written\n")
	fmt.Fprintf(w, "chart: %d applications, %d objects checked", len(s.included), check.Objects)
	if n := len(check.Unchecked); n > 0 {
		fmt.Fprintf(w, ", %d of kinds without a known schema", n)
	}
	fmt.Fprintln(w)
	for i, name := range s.included {
		fmt.Fprintf(w, "  %-24s %s\n", name, images[i])
	}
	if d.Deploy {
		fmt.Fprintf(w, "would install or upgrade release %q in namespace %q\n", d.release(s), s.namespace)
	}
}

// deployedImages is the image of each deployed application ("-" for none),
// in the order of s.included.
func (s *solution) deployedImages() []string {
	images := make([]string, len(s.included))
	for i, name := range s.included {
		images[i] = scalar(at(s.apps[name].node, "harness", "deployment", "image"))
		if images[i] == "" {
			images[i] = "-"
		}
	}
	return images
}

// dropTrees lets go of the values' YAML trees and of the record of their
// files; only the names, namespace and decoded values are used afterwards.
func (s *solution) dropTrees() {
	s.o, s.top, s.apps = nil, nil, nil
}
