package deploy

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
)

// scheduling is what a rendered chart says about where and how many of one
// application's pods run, read back from the Kubernetes objects.
type scheduling struct {
	replicas       int32    // the Deployment's; 0: left to the autoscaler
	hpa            string   // "MIN..MAX cpu=N%"; "": none
	pdb            string   // "minAvailable=N" or "maxUnavailable=N"; "": none
	antiAffinity   string   // "preferred KEY" or "required KEY"; "": none
	spread         []string // "KEY maxSkew=N WHEN" per constraint
	volumeAffinity bool     // the podAffinity keeping pods beside their volume
}

// readScheduling reads the scheduling of app name from decoded objects and
// checks that every selector it carries selects exactly the Deployment's
// pods (the app's selector labels).
func readScheduling(t *testing.T, objs map[string]runtime.Object, name string) scheduling {
	t.Helper()
	dep, ok := objs["Deployment/"+name].(*appsv1.Deployment)
	if !ok {
		t.Fatalf("no Deployment/%s", name)
	}
	var got scheduling
	if r := dep.Spec.Replicas; r != nil {
		got.replicas = *r
	}
	pods := dep.Spec.Template.Labels
	selects := func(what string, matchLabels map[string]string) {
		t.Helper()
		if !reflect.DeepEqual(matchLabels, dep.Spec.Selector.MatchLabels) {
			t.Errorf("%s selects %v, want the Deployment's selector %v", what, matchLabels, dep.Spec.Selector.MatchLabels)
		}
		for k, v := range matchLabels {
			if pods[k] != v {
				t.Errorf("%s: %s=%s does not select the Deployment's pods", what, k, v)
			}
		}
	}
	if hpa, ok := objs["HorizontalPodAutoscaler/"+name].(*autoscalingv2.HorizontalPodAutoscaler); ok {
		if ref := hpa.Spec.ScaleTargetRef; ref.Kind != "Deployment" || ref.Name != dep.Name {
			t.Errorf("autoscaler scales %s/%s, want Deployment/%s", ref.Kind, ref.Name, dep.Name)
		}
		got.hpa = fmt.Sprintf("%d..%d", *hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)
		for _, m := range hpa.Spec.Metrics {
			got.hpa += fmt.Sprintf(" %s=%d%%", m.Resource.Name, *m.Resource.Target.AverageUtilization)
		}
	}
	if pdb, ok := objs["PodDisruptionBudget/"+name].(*policyv1.PodDisruptionBudget); ok {
		if v := pdb.Spec.MinAvailable; v != nil {
			got.pdb = "minAvailable=" + v.String()
		}
		if v := pdb.Spec.MaxUnavailable; v != nil {
			got.pdb += "maxUnavailable=" + v.String()
		}
		selects("PodDisruptionBudget", pdb.Spec.Selector.MatchLabels)
	}
	spec := dep.Spec.Template.Spec
	if a := spec.Affinity; a != nil {
		got.volumeAffinity = a.PodAffinity != nil
		if aa := a.PodAntiAffinity; aa != nil {
			var terms []corev1.PodAffinityTerm
			for _, w := range aa.PreferredDuringSchedulingIgnoredDuringExecution {
				got.antiAffinity = fmt.Sprintf("preferred weight=%d", w.Weight)
				terms = append(terms, w.PodAffinityTerm)
			}
			for _, term := range aa.RequiredDuringSchedulingIgnoredDuringExecution {
				got.antiAffinity = "required"
				terms = append(terms, term)
			}
			if len(terms) != 1 {
				t.Fatalf("%d anti-affinity terms, want 1", len(terms))
			}
			got.antiAffinity += " " + terms[0].TopologyKey
			selects("podAntiAffinity", terms[0].LabelSelector.MatchLabels)
		}
	}
	for _, c := range spec.TopologySpreadConstraints {
		got.spread = append(got.spread, fmt.Sprintf("%s maxSkew=%d %s", c.TopologyKey, c.MaxSkew, c.WhenUnsatisfiable))
		selects("topologySpreadConstraint", c.LabelSelector.MatchLabels)
	}
	return got
}

// helmTemplate renders a written chart with the real helm and decodes its
// objects strictly, as decodeAll does with harness's own rendering.
func helmTemplate(t *testing.T, chart string) map[string]runtime.Object {
	t.Helper()
	out, err := exec.Command(helmBinary(t), "template", "r", chart).Output()
	if err != nil {
		t.Fatalf("helm template %s: %v\n%s", chart, err, exitStderr(err))
	}
	raw := map[string]map[string]any{}
	dec := yaml.NewDecoder(strings.NewReader(string(out)))
	for {
		var obj map[string]any
		if err := dec.Decode(&obj); err != nil {
			break
		}
		if obj == nil {
			continue
		}
		meta, _ := obj["metadata"].(map[string]any)
		raw[fmt.Sprintf("%v/%v", obj["kind"], meta["name"])] = obj
	}
	return strictDecode(t, raw)
}

func exitStderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// repoRoot is this repository: a solution whose applications/ holds samples.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// fileResources reads harness.deployment.resources of a values file.
func fileResources(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Harness struct {
			Deployment struct {
				Resources map[string]map[string]string `yaml:"resources"`
			} `yaml:"deployment"`
		} `yaml:"harness"`
	}
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v.Harness.Deployment.Resources
}

// TestSamplesEnvironments deploys this repository's samples in each of its
// environments (-e ENV over deploy/values.yaml) and reads the scheduling
// back from the objects harness renders and from those the real helm
// renders of the written chart: both must say the same, and helm lint
// --strict must pass.
func TestSamplesEnvironments(t *testing.T) {
	root := repoRoot(t)
	deployDir := filepath.Join(root, "applications", "samples", "deploy")
	const node, zone = "kubernetes.io/hostname", "topology.kubernetes.io/zone"
	tests := []struct {
		env  string
		want scheduling
	}{
		{"", scheduling{replicas: 1}},
		{"dev", scheduling{replicas: 1}},
		{"staging", scheduling{replicas: 2, antiAffinity: "preferred weight=100 " + node}},
		{"prod", scheduling{
			hpa:          "1..10 cpu=70%",
			pdb:          "maxUnavailable=1",
			antiAffinity: "preferred weight=100 " + node,
			spread:       []string{zone + " maxSkew=1 ScheduleAnyway"},
		}},
	}
	requests := map[string]corev1.ResourceList{}
	limits := map[string]corev1.ResourceList{}
	for _, tc := range tests {
		name := tc.env
		if name == "" {
			name = "no environment"
		}
		t.Run(name, func(t *testing.T) {
			res, err := run(t, &Deployment{Roots: []string{root}, Envs: ParseEnvs(tc.env), Include: []string{"samples"}, Tag: "1"})
			if err != nil {
				t.Fatal(err)
			}
			objs := decodeAll(t, res)
			if got := readScheduling(t, objs, "samples"); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("harness renders %+v\nwant %+v", got, tc.want)
			}
			// The environment's file, or values.yaml, sets the resources.
			file := filepath.Join(deployDir, "values.yaml")
			if tc.env != "" {
				file = filepath.Join(deployDir, "values-"+tc.env+".yaml")
			}
			c := objs["Deployment/samples"].(*appsv1.Deployment).Spec.Template.Spec.Containers[0]
			for kind, list := range map[string]corev1.ResourceList{"requests": c.Resources.Requests, "limits": c.Resources.Limits} {
				for _, rn := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
					want, ok := fileResources(t, file)[kind][string(rn)]
					if !ok {
						t.Errorf("%s sets no %s.%s", filepath.Base(file), kind, rn)
						continue
					}
					if got := list[rn]; got.Cmp(resource.MustParse(want)) != 0 {
						t.Errorf("%s.%s = %s, want %s from %s", kind, rn, got.String(), want, filepath.Base(file))
					}
				}
			}
			requests[tc.env], limits[tc.env] = c.Resources.Requests, c.Resources.Limits

			t.Run("helm", func(t *testing.T) {
				helmLint(t, res.Chart)
				if got := readScheduling(t, helmTemplate(t, res.Chart), "samples"); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("helm template renders %+v\nwant %+v", got, tc.want)
				}
			})
		})
	}
	// dev is the small one: nothing it asks for exceeds what prod asks for.
	for _, rn := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		for kind, lists := range map[string]map[string]corev1.ResourceList{"requests": requests, "limits": limits} {
			dev, prod := lists["dev"][rn], lists["prod"][rn]
			if dev.Cmp(prod) > 0 {
				t.Errorf("dev %s.%s %s is more than prod's %s", kind, rn, dev.String(), prod.String())
			}
		}
	}
}

// TestSchedulingForms renders each form of the scheduling keys and their
// defaults.
func TestSchedulingForms(t *testing.T) {
	const node, zone = "kubernetes.io/hostname", "topology.kubernetes.io/zone"
	tests := []struct {
		name, deployment string // the app's harness.deployment, beside auto: true
		want             scheduling
	}{
		{"none", "", scheduling{replicas: 1}},
		{"off", "    replicas: 3\n    podAntiAffinity:\n      enabled: false\n      required: true\n    topologySpreadConstraints: []\n",
			scheduling{replicas: 3}},
		{"preferred by default", "    podAntiAffinity:\n      enabled: true\n",
			scheduling{replicas: 1, antiAffinity: "preferred weight=100 " + node}},
		{"required per zone", "    podAntiAffinity:\n      enabled: true\n      required: true\n      topologyKey: " + zone + "\n",
			scheduling{replicas: 1, antiAffinity: "required " + zone}},
		{"spread defaults", "    topologySpreadConstraints:\n      - {}\n",
			scheduling{replicas: 1, spread: []string{zone + " maxSkew=1 ScheduleAnyway"}}},
		{"spread by zone and node", "    topologySpreadConstraints:\n      - maxSkew: 2\n        whenUnsatisfiable: DoNotSchedule\n      - topologyKey: " + node + "\n",
			scheduling{replicas: 1, spread: []string{zone + " maxSkew=2 DoNotSchedule", node + " maxSkew=1 ScheduleAnyway"}}},
		{"beside a volume", "    volume:\n      name: data\n      mountpath: /data\n      auto: true\n      size: 1Gi\n    podAntiAffinity:\n      enabled: true\n      topologyKey: " + zone + "\n",
			scheduling{replicas: 1, volumeAffinity: true, antiAffinity: "preferred weight=100 " + zone}},
		{"volume alone", "    volume:\n      name: data\n      mountpath: /data\n      auto: true\n      size: 1Gi\n",
			scheduling{replicas: 1, volumeAffinity: true}},
		{"NFS volume", "    volume:\n      name: data\n      mountpath: /data\n      usenfs: true\n      auto: false\n    podAntiAffinity:\n      enabled: true\n",
			scheduling{replicas: 1, antiAffinity: "preferred weight=100 " + node}},
	}
	files := map[string]string{}
	apps := map[string]string{}
	for i, tc := range tests {
		app := "app" + strconv.Itoa(i)
		apps[tc.name] = app
		files["applications/"+app+"/Dockerfile"] = dockerfile
		files["applications/"+app+"/deploy/values.yaml"] = "harness:\n  deployment:\n    auto: true\n" + tc.deployment
	}
	res, err := run(t, &Deployment{Roots: []string{writeTree(t, files)}, Tag: "1"})
	if err != nil {
		t.Fatal(err)
	}
	objs := decodeAll(t, res)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := readScheduling(t, objs, apps[tc.name]); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("renders %+v\nwant %+v", got, tc.want)
			}
		})
	}
	helmLint(t, res.Chart)
}

// TestSchedulingBadInput: a scheduling value Kubernetes would refuse, or a
// range the autoscaler cannot honour, is an error naming the file, the line
// and the key, also when the environment's file sets it over values.yaml.
func TestSchedulingBadInput(t *testing.T) {
	const base = "harness:\n  deployment:\n    auto: true\n"
	const prod = "applications/web/deploy/values-prod.yaml"
	spread := func(items string) string {
		return "harness:\n  deployment:\n    topologySpreadConstraints:\n" + items
	}
	tests := []struct {
		name       string
		values     string // deploy/values.yaml, after base
		prod       string // deploy/values-prod.yaml
		strict     bool
		want       string // regexp of the whole error
		wantOutput bool
	}{
		{name: "maxSkew 0", prod: spread("      - maxSkew: 0\n"),
			want: `^` + prod + `:4: harness.deployment.topologySpreadConstraints\[0\].maxSkew: "0" must be a whole number of at least 1$`},
		{name: "maxSkew negative, second item", prod: spread("      - {}\n      - topologyKey: kubernetes.io/hostname\n        maxSkew: -1\n"),
			want: `^` + prod + `:6: harness.deployment.topologySpreadConstraints\[1\].maxSkew: "-1" must be a whole number of at least 1$`},
		{name: "maxSkew a word", prod: spread("      - maxSkew: one\n"),
			want: `^` + prod + `:4: harness.deployment.topologySpreadConstraints\[0\].maxSkew: `},
		{name: "whenUnsatisfiable unknown", prod: spread("      - whenUnsatisfiable: Never\n"),
			want: `^` + prod + `:4: harness.deployment.topologySpreadConstraints\[0\].whenUnsatisfiable: "Never" is not one of ScheduleAnyway, DoNotSchedule$`},
		{name: "whenUnsatisfiable miscased", prod: spread("      - whenUnsatisfiable: doNotSchedule\n"),
			want: `^` + prod + `:4: harness.deployment.topologySpreadConstraints\[0\].whenUnsatisfiable: "doNotSchedule" is not one of ScheduleAnyway, DoNotSchedule \(did you mean "DoNotSchedule"\?\)$`},
		{name: "spread topologyKey", prod: spread("      - topologyKey: my zone\n"),
			want: `^` + prod + `:4: harness.deployment.topologySpreadConstraints\[0\].topologyKey: "my zone" is not a node label name: `},
		{name: "two constraints alike", prod: spread("      - maxSkew: 1\n      - topologyKey: topology.kubernetes.io/zone\n        maxSkew: 2\n"),
			want: `^` + prod + `:5: harness.deployment.topologySpreadConstraints\[1\]: a second constraint on topology.kubernetes.io/zone with ScheduleAnyway \(the first is \[0\]\)$`},
		{name: "labelSelector is harness's, --strict", prod: spread("      - labelSelector: {}\n"), strict: true,
			want: `^` + prod + `:4: harness.deployment.topologySpreadConstraints\[0\].labelSelector: unknown key`},
		{name: "anti-affinity topologyKey", prod: "harness:\n  deployment:\n    podAntiAffinity:\n      enabled: true\n      topologyKey: -zone\n",
			want: `^` + prod + `:5: harness.deployment.podAntiAffinity.topologyKey: "-zone" is not a node label name: `},
		{name: "anti-affinity required not a bool", prod: "harness:\n  deployment:\n    podAntiAffinity:\n      required: always\n",
			want: `^` + prod + `:4: harness.deployment.podAntiAffinity.required: `},
		{name: "autoscaling min over max", prod: "harness:\n  deployment:\n    autoscaling:\n      enabled: true\n      minReplicas: 4\n      maxReplicas: 3\n",
			want: `^` + prod + `:6: harness.deployment.autoscaling.maxReplicas: 3 is less than minReplicas 4$`},
		{name: "autoscaling max lowered below values.yaml's min",
			values: "    autoscaling:\n      enabled: true\n      minReplicas: 3\n      maxReplicas: 5\n",
			prod:   "harness:\n  deployment:\n    autoscaling:\n      maxReplicas: 2\n",
			want:   `^` + prod + `:4: harness.deployment.autoscaling.maxReplicas: 2 is less than minReplicas 3$`},
		{name: "off, not checked", prod: "harness:\n  deployment:\n    podAntiAffinity:\n      enabled: false\n      topologyKey: -zone\n", wantOutput: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{
				"applications/web/Dockerfile":              dockerfile,
				"applications/web/deploy/values.yaml":      base + tc.values,
				"applications/web/deploy/values-prod.yaml": tc.prod,
			})
			out := filepath.Join(dir, "out")
			_, err := run(t, &Deployment{Roots: []string{dir}, Envs: []string{"prod"}, Tag: "1", Strict: tc.strict, Output: out})
			if tc.wantOutput {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
			if !regexp.MustCompile(tc.want).MatchString(msg) {
				t.Errorf("error %q does not match %q", msg, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output written on error (stat: %v)", err)
			}
		})
	}
}

// TestRequiredAntiAffinityBesideVolume: pods pinned to their volume's node
// cannot also keep off each other's node; harness says so.
func TestRequiredAntiAffinityBesideVolume(t *testing.T) {
	anti := "    podAntiAffinity:\n      enabled: true\n      required: true\n"
	vol := "    volume:\n      name: data\n      mountpath: /data\n      auto: true\n      size: 1Gi\n"
	tests := []struct {
		name, deployment string
		warn             bool
	}{
		{"node-bound volume", vol + anti, true},
		{"NFS volume", strings.Replace(vol, "auto: true", "usenfs: true\n      auto: false", 1) + anti, false},
		{"per zone", vol + anti + "      topologyKey: topology.kubernetes.io/zone\n", false},
		{"preferred", vol + strings.Replace(anti, "required: true", "required: false", 1), false},
	}
	const want = `applications/web/deploy/values.yaml:11: harness.deployment.podAntiAffinity.required: the pods share the volume "data", which keeps them on one node: only one replica can run`
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{
				"applications/web/Dockerfile":         dockerfile,
				"applications/web/deploy/values.yaml": "harness:\n  deployment:\n    auto: true\n" + tc.deployment,
			})
			res, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range res.Warnings {
				if strings.Contains(w, "podAntiAffinity") {
					got = append(got, strings.ReplaceAll(w, dir+string(filepath.Separator), ""))
				}
			}
			if tc.warn && !slices.Equal(got, []string{want}) || !tc.warn && len(got) > 0 {
				t.Errorf("warnings %q, want %v", got, tc.warn)
			}
		})
	}
}

// docSection returns the lines of docs/values.md's "Environments and
// scheduling" section.
func docSection(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "docs", "values.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = line == "## Environments and scheduling"
			continue
		}
		if in {
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 {
		t.Fatal(`docs/values.md has no "Environments and scheduling" section`)
	}
	return lines
}

// docBlock is a fenced block of the documentation and the file the line
// before it names, if any.
type docBlock struct {
	lang, file, text string
}

func docBlocks(lines []string) []docBlock {
	var blocks []docBlock
	named := regexp.MustCompile("^`([^`]+\\.yaml)`")
	for i := 0; i < len(lines); i++ {
		lang, ok := strings.CutPrefix(lines[i], "```")
		if !ok {
			continue
		}
		b := docBlock{lang: lang}
		for j := i - 1; j >= 0; j-- {
			if lines[j] != "" {
				if m := named.FindStringSubmatch(lines[j]); m != nil {
					b.file = m[1]
				}
				break
			}
		}
		for i++; i < len(lines) && lines[i] != "```"; i++ {
			b.text += lines[i] + "\n"
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// TestEnvironmentsDoc keeps the documentation's examples true: each example
// named after a samples file is that file; each unnamed one deploys; each
// error it shows is the one harness gives for that change to samples' prod
// file.
func TestEnvironmentsDoc(t *testing.T) {
	lines := docSection(t)
	blocks := docBlocks(lines)
	root := repoRoot(t)
	var named, free int
	for _, b := range blocks {
		switch {
		case b.lang == "yaml" && b.file != "":
			named++
			want, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(b.file)))
			if err != nil {
				t.Fatal(err)
			}
			if b.text != string(want) {
				t.Errorf("the example of %s differs from the file:\n%s", b.file, b.text)
			}
		case b.lang == "yaml":
			free++
			// --strict: an unknown key in an example is an error; so the
			// image names its user, or that would be a warning.
			dir := writeTree(t, map[string]string{
				"applications/web/Dockerfile":              "FROM scratch\nUSER 65532\n",
				"applications/web/deploy/values.yaml":      "harness:\n  deployment:\n    auto: true\n",
				"applications/web/deploy/values-prod.yaml": b.text,
			})
			res, err := run(t, &Deployment{Roots: []string{dir}, Envs: []string{"prod"}, Tag: "1", Strict: true})
			if err != nil {
				t.Errorf("example\n%s: %v", b.text, err)
				continue
			}
			readScheduling(t, decodeAll(t, res), "web")
		}
	}
	if named != 3 || free == 0 {
		t.Errorf("%d examples of samples' files (want dev, staging, prod) and %d others", named, free)
	}

	// The errors shown, from samples' prod file with one line changed.
	prod, err := os.ReadFile(filepath.Join(root, "applications", "samples", "deploy", "values-prod.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	changes := []struct{ key, value string }{
		{"maxSkew", "0"},
		{"whenUnsatisfiable", "scheduleAnyway"},
		{"minReplicas", "12"},
	}
	var shown []string
	for _, b := range blocks {
		if b.lang == "" && strings.Contains(b.text, "values-prod.yaml:") {
			shown = strings.Split(strings.TrimSpace(b.text), "\n")
		}
	}
	var got []string
	for _, c := range changes {
		changed := regexp.MustCompile(`(?m)^(\s+-?\s*`+c.key+`:).*$`).ReplaceAllString(string(prod), "${1} "+c.value)
		if changed == string(prod) {
			t.Fatalf("samples' prod file sets no %s", c.key)
		}
		dir := writeTree(t, map[string]string{
			"applications/samples/Dockerfile":              dockerfile,
			"applications/samples/deploy/values.yaml":      "harness:\n  deployment:\n    auto: true\n",
			"applications/samples/deploy/values-prod.yaml": changed,
		})
		_, err := run(t, &Deployment{Roots: []string{dir}, Envs: []string{"prod"}, Tag: "1"})
		if err == nil {
			t.Errorf("%s: %s: no error", c.key, c.value)
			continue
		}
		got = append(got, strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), ""))
	}
	if !slices.Equal(got, shown) {
		t.Errorf("docs/values.md shows the errors\n%s\nharness gives\n%s", strings.Join(shown, "\n"), strings.Join(got, "\n"))
	}
}

// TestComposeSaysSpreadIsLeftOut: the prod environment's anti-affinity and
// zone spread have no meaning on one machine; --docker-compose says so.
func TestComposeSaysSpreadIsLeftOut(t *testing.T) {
	var errw strings.Builder
	d := &Deployment{Roots: []string{filepath.Join("..", "..")}, Envs: []string{"prod"}, DockerCompose: true, Output: t.TempDir(), Err: &errw}
	if _, err := d.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errw.String(), "note: --docker-compose: pod anti-affinity and topology spread left out (one machine runs every container): samples") {
		t.Errorf("no note of the left-out spread:\n%s", errw.String())
	}
}
