package deploy

import (
	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/names"
)

// subApps finds a's sub-applications: keys of its values beside `harness:`
// whose value holds a `harness:` mapping of its own. CloudHarness renders
// each with the templates of an application (a Deployment, a Service when
// service.auto, a database when database.auto) at SUB.APP's subdomain; its
// ingress and gatekeeper templates meant to, but test a key that cannot
// exist. harness makes each an application of its own, named by its key,
// with harness's application defaults under it, so that everything an
// application gets (derivation, checks, ingress) it gets too. Like
// CloudHarness it is deployed unless it says deployment.auto: false; it
// cannot be secured: CloudHarness never put one behind a gatekeeper.
func (s *solution) subApps(a *app, defaults *yaml.Node) ([]*app, error) {
	if a.node == nil || a.node.Kind != yaml.MappingNode {
		return nil, nil
	}
	parentSub := scalar(at(a.node, "harness", "subdomain"))
	var subs []*app
	for i := 0; i+1 < len(a.node.Content); i += 2 {
		key, v := a.node.Content[i], a.node.Content[i+1]
		if key.Value == "harness" || v.Kind != yaml.MappingNode {
			continue
		}
		if h := child(v, "harness"); h == nil || h.Kind != yaml.MappingNode {
			continue
		}
		name := key.Value
		if err := names.ValidateApp(name); err != nil {
			return nil, s.errAt(key, name, "sub-application of %s: %v", a.name, err)
		}
		if s.apps[name] != nil {
			return nil, s.errAt(key, name, "sub-application of %s: an application has that name already", a.name)
		}
		if n := at(v, "harness", "secured"); truthy(n) {
			return nil, s.errAt(n, name+".harness.secured", "a sub-application cannot be secured (CloudHarness never put one behind a gatekeeper): make %s an application of its own", name)
		}
		node := merge(s.o.clone(defaults), s.o.clone(v))
		h := child(node, "harness")
		if at(v, "harness", "deployment", "auto") == nil {
			set(ensure(h, "deployment"), "auto", boolean(true))
		}
		if sub := scalar(child(h, "subdomain")); sub != "" && parentSub != "" {
			set(h, "subdomain", str(sub+"."+parentSub))
		}
		subs = append(subs, &app{name: name, key: names.ValuesKey(name), node: node, tasks: map[string]string{}, parent: a.name})
	}
	return subs, nil
}
