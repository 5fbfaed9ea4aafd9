package deploy

import (
	"encoding/json"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"
)

// decodeAll decodes every rendered object strictly into its Go type, keyed
// "Kind/name".
func decodeAll(t *testing.T, res *Result) map[string]runtime.Object {
	t.Helper()
	return strictDecode(t, objects(t, res))
}

// strictDecode decodes objects (keyed "Kind/name") into their Go types,
// leaving out the kinds the client scheme does not know.
func strictDecode(t *testing.T, objs map[string]map[string]any) map[string]runtime.Object {
	t.Helper()
	dec := serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer()
	out := map[string]runtime.Object{}
	for key, obj := range objs {
		data, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		o, _, err := dec.Decode(data, nil, nil)
		if runtime.IsNotRegisteredError(err) || runtime.IsMissingKind(err) {
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		out[key] = o
	}
	return out
}

func TestAutoscalingAndDisruptionBudget(t *testing.T) {
	app := func(scaling string) string {
		return "harness:\n  deployment:\n    auto: true\n    replicas: 2\n" + scaling
	}
	dir := writeTree(t, map[string]string{
		"applications/plain/Dockerfile":         dockerfile,
		"applications/plain/deploy/values.yaml": app(""),
		"applications/cpu/Dockerfile":           dockerfile,
		"applications/cpu/deploy/values.yaml":   app("    autoscaling:\n      enabled: true\n      maxReplicas: 5\n    pdb:\n      enabled: true\n"),
		"applications/both/Dockerfile":          dockerfile,
		"applications/both/deploy/values.yaml": app("    autoscaling:\n      enabled: true\n      minReplicas: 2\n      maxReplicas: 9\n" +
			"      targetCPUUtilizationPercentage: 60\n      targetMemoryUtilizationPercentage: 70\n    pdb:\n      enabled: true\n      maxUnavailable: 25%\n"),
		"applications/off/Dockerfile":         dockerfile,
		"applications/off/deploy/values.yaml": app("    autoscaling:\n      enabled: false\n      maxReplicas: 5\n    pdb:\n      enabled: false\n"),
	})
	res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1"})
	if err != nil {
		t.Fatal(err)
	}
	objs := decodeAll(t, res)
	type want struct {
		hpa         bool
		min, max    int32
		cpu, memory int32 // 0: no such metric
		pdb         string
		replicas    int32 // Deployment's replicas; 0: left to the autoscaler
	}
	tests := map[string]want{
		"plain": {replicas: 2},
		"off":   {replicas: 2},
		"cpu":   {hpa: true, min: 1, max: 5, cpu: 80, pdb: "minAvailable=1"},
		"both":  {hpa: true, min: 2, max: 9, cpu: 60, memory: 70, pdb: "maxUnavailable=25%"},
	}
	for name, w := range tests {
		t.Run(name, func(t *testing.T) {
			dep := objs["Deployment/"+name].(*appsv1.Deployment)
			if got := dep.Spec.Replicas; (got == nil) != (w.replicas == 0) || got != nil && *got != w.replicas {
				t.Errorf("Deployment replicas = %v, want %d (0: unset)", got, w.replicas)
			}
			hpa, ok := objs["HorizontalPodAutoscaler/"+name].(*autoscalingv2.HorizontalPodAutoscaler)
			if ok != w.hpa {
				t.Fatalf("HorizontalPodAutoscaler present = %v, want %v", ok, w.hpa)
			}
			if ok {
				if hpa.Spec.ScaleTargetRef.Kind != "Deployment" || hpa.Spec.ScaleTargetRef.Name != dep.Name {
					t.Errorf("scales %+v, want Deployment/%s", hpa.Spec.ScaleTargetRef, dep.Name)
				}
				if *hpa.Spec.MinReplicas != w.min || hpa.Spec.MaxReplicas != w.max {
					t.Errorf("replicas %d..%d, want %d..%d", *hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas, w.min, w.max)
				}
				got := map[string]int32{}
				for _, m := range hpa.Spec.Metrics {
					got[string(m.Resource.Name)] = *m.Resource.Target.AverageUtilization
				}
				if got["cpu"] != w.cpu || got["memory"] != w.memory || len(got) != btoi(w.cpu > 0)+btoi(w.memory > 0) {
					t.Errorf("metrics %v, want cpu %d memory %d", got, w.cpu, w.memory)
				}
			}
			pdb, ok := objs["PodDisruptionBudget/"+name].(*policyv1.PodDisruptionBudget)
			if ok != (w.pdb != "") {
				t.Fatalf("PodDisruptionBudget present = %v, want %q", ok, w.pdb)
			}
			if ok {
				got := ""
				if v := pdb.Spec.MinAvailable; v != nil {
					got = "minAvailable=" + v.String()
				}
				if v := pdb.Spec.MaxUnavailable; v != nil {
					got += "maxUnavailable=" + v.String()
				}
				if got != w.pdb {
					t.Errorf("budget %s, want %s", got, w.pdb)
				}
				for k, v := range pdb.Spec.Selector.MatchLabels {
					if dep.Spec.Template.Labels[k] != v {
						t.Errorf("selector %s=%s does not select the Deployment's pods", k, v)
					}
				}
			}
		})
	}
	helmLint(t, res.Chart)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
