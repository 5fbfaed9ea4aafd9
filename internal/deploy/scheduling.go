package deploy

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/harness-sh/harness/runtime/values"
)

// The defaults the chart applies (auto-deployments.yaml) when a scheduling
// key is left out; the checks below name them in their messages.
const (
	defaultAntiAffinityKey = "kubernetes.io/hostname"
	defaultSpreadKey       = "topology.kubernetes.io/zone"
)

var whenUnsatisfiable = []string{"ScheduleAnyway", "DoNotSchedule"}

// checkScheduling rejects the pod anti-affinity and topology spread values
// the API server would refuse, or that would leave pods Pending for good,
// at the file and line that set them rather than at install time.
func (s *solution) checkScheduling(h *yaml.Node) error {
	dep := child(h, "deployment")
	if aa := child(dep, "podAntiAffinity"); truthy(child(aa, "enabled")) {
		key := child(aa, "topologyKey")
		if err := s.checkLabelKey(key, "harness.deployment.podAntiAffinity.topologyKey"); err != nil {
			return err
		}
		// A volume that is no NFS share pins every pod to the node holding
		// it (the podAffinity of auto-deployments.yaml): a hard rule against
		// sharing that node leaves all pods but one Pending.
		vol := child(dep, "volume")
		if truthy(child(aa, "required")) && vol != nil && vol.Kind == yaml.MappingNode && !truthy(child(vol, "usenfs")) &&
			(scalar(key) == "" || scalar(key) == defaultAntiAffinityKey) {
			s.warnf("%s: harness.deployment.podAntiAffinity.required: the pods share the volume %q, which keeps them on one node: only one replica can run",
				s.o.where(child(aa, "required")), scalar(child(vol, "name")))
		}
	}
	spread := child(dep, "topologySpreadConstraints")
	if spread == nil || spread.Kind != yaml.SequenceNode {
		return nil // absent or null; any other kind the values decoder rejected
	}
	seen := map[string]int{}
	for i, c := range spread.Content {
		path := "harness.deployment.topologySpreadConstraints[" + strconv.Itoa(i) + "]"
		if n := child(c, "maxSkew"); scalar(n) != "" {
			if v, err := strconv.Atoi(scalar(n)); err != nil || v < 1 {
				return s.errAt(n, path+".maxSkew", "%q must be a whole number of at least 1", scalar(n))
			}
		}
		key := child(c, "topologyKey")
		if err := s.checkLabelKey(key, path+".topologyKey"); err != nil {
			return err
		}
		when := child(c, "whenUnsatisfiable")
		if w := scalar(when); w != "" && w != whenUnsatisfiable[0] && w != whenUnsatisfiable[1] {
			msg := "%q is not one of " + strings.Join(whenUnsatisfiable, ", ")
			if sug := values.Suggest(w, whenUnsatisfiable); sug != "" {
				msg += " (did you mean " + strconv.Quote(sug) + "?)"
			}
			return s.errAt(when, path+".whenUnsatisfiable", msg, w)
		}
		// Kubernetes refuses two constraints on the same key and action.
		k, w := scalar(key), scalar(when)
		if k == "" {
			k = defaultSpreadKey
		}
		if w == "" {
			w = whenUnsatisfiable[0]
		}
		if first, ok := seen[k+" "+w]; ok {
			return s.errAt(c, path, "a second constraint on %s with %s (the first is [%d])", k, w, first)
		}
		seen[k+" "+w] = i
	}
	return nil
}

// checkLabelKey accepts an absent key (the chart's default applies) or a
// valid node label name.
func (s *solution) checkLabelKey(n *yaml.Node, key string) error {
	v := scalar(n)
	if v == "" {
		return nil
	}
	if errs := validation.IsQualifiedName(v); len(errs) > 0 {
		return s.errAt(n, key, "%q is not a node label name: %s", v, errs[0])
	}
	return nil
}
