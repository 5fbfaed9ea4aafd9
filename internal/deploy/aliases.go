package deploy

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// alias is a key of an older CloudHarness that harness reads under the name
// that replaced it (CloudHarness's values_from_legacy, and keys its
// templates put in the wrong place).
type alias struct {
	from string   // dotted path of the old key
	to   []string // dotted paths it now sets
	// merge: a mapping merged into the target key by key, as CloudHarness's
	// dict.update does, rather than replacing it.
	merge bool
	// quiet: CloudHarness itself still writes the old key (values_set_legacy
	// copies resources back), so it deserves no warning.
	quiet bool
	why   string // said in the warning, when there is more than the move
}

// appAliases apply to each application's merged values, before they are
// checked.
var appAliases = []alias{
	{from: "subdomain", to: []string{"harness.subdomain"}},
	{from: "autodeploy", to: []string{"harness.deployment.auto"}},
	{from: "autoservice", to: []string{"harness.service.auto"}},
	{from: "secureme", to: []string{"harness.secured"}},
	{from: "replicas", to: []string{"harness.deployment.replicas"}},
	{from: "image", to: []string{"harness.deployment.image"}},
	{from: "port", to: []string{"harness.deployment.port", "harness.service.port"}},
	{from: "resources", to: []string{"harness.deployment.resources"}, merge: true, quiet: true},
	{from: "harness.users", to: []string{"harness.accounts.users"},
		why: "CloudHarness's base template writes test users there, where nothing reads them"},
}

// applyAliases copies the old keys of m to their new places. The old key wins
// over the new one, as in CloudHarness (the new one usually holds a default),
// and stays where it is too: a solution's own templates may read it there.
// Each move the user should make is a warning naming the old key's file and
// line.
func (s *solution) applyAliases(m *yaml.Node, aliases []alias) {
	for _, a := range aliases {
		path := strings.Split(a.from, ".")
		parent := at(m, path[:len(path)-1]...)
		key, val := keyValue(parent, path[len(path)-1])
		if val == nil || val.Tag == "!!null" || (val.Kind == yaml.ScalarNode && val.Value == "") {
			continue
		}
		for _, to := range a.to {
			tpath := strings.Split(to, ".")
			tparent := m
			for _, p := range tpath[:len(tpath)-1] {
				tparent = ensure(tparent, p)
			}
			last := tpath[len(tpath)-1]
			if cur := child(tparent, last); a.merge && cur != nil && cur.Kind == yaml.MappingNode && val.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(val.Content); i += 2 {
					set(cur, val.Content[i].Value, val.Content[i+1])
				}
				continue
			}
			set(tparent, last, val)
		}
		if a.quiet {
			continue
		}
		msg := "deprecated: use " + strings.Join(a.to, " and ")
		if a.why != "" {
			msg += " (" + a.why + ")"
		}
		w := s.o.where(key) + ": " + a.from + ": " + msg
		if !slices.Contains(s.warnings, w) {
			s.warnings = append(s.warnings, w)
		}
	}
}

// aliased reports whether key (a dotted path in an application's values) is
// an old key with a new place: its deprecation warning says all there is.
func aliased(key string) bool {
	return slices.ContainsFunc(appAliases, func(a alias) bool { return a.from == key })
}

// keyValue returns the key and value nodes of key in mapping m.
func keyValue(m *yaml.Node, key string) (k, v *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := len(m.Content) - 2; i >= 0; i -= 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}
