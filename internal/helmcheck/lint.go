package helmcheck

import (
	"bufio"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/lint/rules"
	"helm.sh/helm/v3/pkg/lint/support"
	"k8s.io/apimachinery/pkg/api/validate/content"
	"k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/endpoints/deprecation"
	"sigs.k8s.io/yaml"
)

// The rules of `helm lint --strict` (helm.sh/helm/v3/pkg/lint), applied to
// the chart as loaded and to the one render Check does. Helm's lint.All loads
// the chart again, renders it again and decodes every document once more
// (building a whole Kubernetes scheme per object for its deprecation rule):
// most of harness-deployment's time. The rules are the same; a test compares
// the findings with lint.All's on charts breaking each of them.
//
// Strict mode fails on warnings, so every finding is a problem here. As
// `helm lint` without --with-subcharts, only the chart's own templates are
// linted. The values rule (values.yaml against values.schema.json) is not
// repeated: rendering validates the values against every schema in the chart
// and fails when they do not match.

var (
	crdHookSearch     = regexp.MustCompile(`"?helm\.sh/hook"?:\s+crd-install`)
	releaseTimeSearch = regexp.MustCompile(`\.Release\.Time`)
)

// deprecatedBefore is the Kubernetes version Helm's deprecation rule checks
// against when no version is given (its k8sVersionMajor/Minor).
const deprecatedMajor, deprecatedMinor = 1, 20

// lintChart applies the rules on Chart.yaml and the chart's dependencies.
func lintChart(dir string, ch *chart.Chart) []Problem {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	linter := support.Linter{ChartDir: abs}
	rules.Chartfile(&linter) // reads Chart.yaml only: cheap, and reused as is
	var out []Problem
	for _, m := range linter.Messages {
		if m.Severity < support.WarningSev {
			continue
		}
		out = append(out, Problem{Template: "Chart.yaml", Message: "lint: " + strings.ReplaceAll(m.Err.Error(), abs+"/", "")})
	}
	for _, err := range dependencyProblems(ch) {
		out = append(out, Problem{Template: "Chart.yaml", Message: "lint: " + err})
	}
	return out
}

// dependencyProblems is Helm's Dependencies rule on the loaded chart.
func dependencyProblems(ch *chart.Chart) []string {
	declared := map[string]bool{}
	present := map[string]bool{}
	for _, d := range ch.Dependencies() {
		present[d.Metadata.Name] = true
	}
	var out, notInMeta, notInDir, shadowed []string
	byKey := map[string]bool{}
	for _, d := range ch.Metadata.Dependencies {
		declared[d.Name] = true
		if !present[d.Name] {
			notInDir = append(notInDir, d.Name)
		}
		key := d.Name
		if d.Alias != "" {
			key = d.Alias
		}
		if byKey[key] {
			shadowed = append(shadowed, key)
		}
		byKey[key] = true
	}
	for _, d := range ch.Dependencies() {
		if !declared[d.Metadata.Name] {
			notInMeta = append(notInMeta, d.Metadata.Name)
		}
	}
	if len(notInMeta) > 0 {
		out = append(out, "chart metadata is missing these dependencies: "+strings.Join(notInMeta, ","))
	}
	if len(shadowed) > 0 {
		out = append(out, "multiple dependencies with name or alias: "+strings.Join(shadowed, ","))
	}
	if len(notInDir) > 0 {
		out = append(out, "chart directory is missing these dependencies: "+strings.Join(notInDir, ","))
	}
	return out
}

// lintTemplateFile applies the rules on one of the chart's own templates,
// before and after rendering (rendered is its whole output).
func lintTemplateFile(tpl *chart.File, rendered string) []Problem {
	var out []Problem
	add := func(format string, args ...any) {
		out = append(out, Problem{Template: tpl.Name, Message: "lint: " + fmt.Sprintf(format, args...)})
	}
	switch ext := filepath.Ext(tpl.Name); ext {
	case ".yaml", ".yml", ".tpl", ".txt":
	default:
		add("file extension '%s' not valid. Valid extensions are .yaml, .yml, .tpl, or .txt", ext)
	}
	if crdHookSearch.Match(tpl.Data) {
		add("manifest is a crd-install hook. This hook is no longer supported in v3 and all CRDs should also exist the crds/ directory at the top level of the chart")
	}
	if releaseTimeSearch.Match(tpl.Data) {
		add(".Release.Time has been removed in v3, please replace with the `now` function in your templates")
	}
	if filepath.Ext(tpl.Name) != ".yaml" || strings.TrimSpace(rendered) == "" {
		return out // Helm lints the rendered output of .yaml files only
	}
	sc := bufio.NewScanner(strings.NewReader(rendered))
	sc.Buffer(nil, len(rendered)+1)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			add("document starts with an illegal indent: %q, which may cause parsing problems", line)
		}
		break
	}
	return out
}

// header is what Helm's per-document rules read of an object.
type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

// lintObject applies the rules on one rendered document: its name, its API's
// deprecation, a workload's selector (Helm looks for it in the whole file),
// annotations inside a List. obj is the decoded object, nil for kinds not in
// the scheme.
func lintObject(h header, obj runtime.Object, jsonDoc []byte, file string) []string {
	var out []string
	var errs field.ErrorList
	for _, msg := range nameValidator(h.Kind)(h.Metadata.Name, false) {
		errs = append(errs, field.Invalid(field.NewPath("metadata").Child("name"), h.Metadata.Name, msg))
	}
	if len(errs) > 0 {
		out = append(out, fmt.Sprintf("object name does not conform to Kubernetes naming requirements: %q: %v", h.Metadata.Name, errs.ToAggregate()))
	}
	if obj != nil && h.APIVersion != "" && h.Kind != "" && deprecation.IsDeprecated(obj, deprecatedMajor, deprecatedMinor) {
		out = append(out, deprecation.WarningMessage(obj))
	}
	switch h.Kind {
	case "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet":
		if !strings.Contains(file, "matchLabels") && !strings.Contains(file, "matchExpressions") {
			out = append(out, fmt.Sprintf("a %s must contain matchLabels or matchExpressions, and %q does not", h.Kind, h.Metadata.Name))
		}
	case "List":
		var list struct {
			Items []struct {
				Metadata struct {
					Annotations map[string]string `json:"annotations"`
				} `json:"metadata"`
			} `json:"items"`
		}
		if err := yaml.Unmarshal(jsonDoc, &list); err != nil {
			out = append(out, "unable to parse YAML: "+err.Error())
			break
		}
		for _, it := range list.Items {
			if _, ok := it.Metadata.Annotations["helm.sh/resource-policy"]; ok {
				out = append(out, "Annotation 'helm.sh/resource-policy' within List objects are ignored")
				break
			}
		}
	}
	return out
}

// nameValidator is Helm's choice of name rule by kind (as the API server's).
func nameValidator(kind string) validation.ValidateNameFunc {
	switch strings.ToLower(kind) {
	case "service":
		return validation.NameIsDNS1035Label
	case "namespace":
		return validation.ValidateNamespaceName
	case "serviceaccount":
		return validation.ValidateServiceAccountName
	case "certificatesigningrequest":
		return func(string, bool) []string { return nil }
	case "role", "clusterrole", "rolebinding", "clusterrolebinding":
		return func(name string, _ bool) []string { return content.IsPathSegmentName(name) }
	}
	return validation.NameIsDNSSubdomain
}
