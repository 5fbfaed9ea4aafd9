// Package helmcheck verifies a chart the way harness-deployment promises
// before anything is written: Helm's linter in strict mode, a render with the
// Helm engine, every rendered object decoded strictly into its Kubernetes type
// (unknown or misspelt fields and wrong types are errors naming the template
// and the field), and the "restricted" Pod Security Standard evaluated on
// every workload. Violations in templates harness owns are errors; in the
// user's own templates they are warnings, since harness cannot fix them.
package helmcheck

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
	"helm.sh/helm/v3/pkg/releaseutil"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// Checker verifies charts. Build it with New; it is safe to reuse.
type Checker struct {
	// Namespace and Release are those the chart is rendered for.
	Namespace, Release string
	// Owned reports whether a template (its path inside the chart, such as
	// "templates/auto-deployments.yaml") is harness's own; nil: all are.
	Owned func(template string) bool
	// SkipLint leaves out Helm's linter (it renders the chart once more).
	SkipLint bool

	decoder   runtime.Decoder
	evaluator policy.Evaluator
}

// New returns a Checker for the given namespace and release name.
func New(namespace, release string) (*Checker, error) {
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return nil, fmt.Errorf("pod security evaluator: %w", err)
	}
	return &Checker{
		Namespace: namespace,
		Release:   release,
		decoder:   serializer.NewCodecFactory(scheme.Scheme, serializer.EnableStrict).UniversalDeserializer(),
		evaluator: ev,
	}, nil
}

// Problem is one finding, placed at a template (and a document in it).
type Problem struct {
	Template string // path inside the chart, e.g. templates/ingress.yaml
	Object   string // Kind/name, when the problem is in one object
	Message  string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Template)
	if p.Object != "" {
		b.WriteString(": " + p.Object)
	}
	b.WriteString(": " + p.Message)
	return b.String()
}

// Error gathers every problem that fails a chart.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "  " + p.String()
	}
	return fmt.Sprintf("chart check failed (%d problems):\n%s", len(e.Problems), strings.Join(lines, "\n"))
}

// Result is what a passing check found.
type Result struct {
	Manifests map[string]string // template path → rendered text
	Objects   int               // objects decoded
	Unchecked []Problem         // objects of kinds harness has no type for (CRDs)
	Warnings  []Problem         // problems in the user's own templates
}

// Check lints, renders and verifies the chart in dir, which must be complete
// (Chart.yaml, values.yaml, templates). The error is an *Error when the
// chart renders but fails a check.
func (c *Checker) Check(ctx context.Context, dir string) (*Result, error) {
	ch, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	var problems []Problem
	if !c.SkipLint {
		problems = append(problems, c.lint(dir)...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	manifests, err := c.Render(ch)
	if err != nil {
		return nil, err
	}
	res := &Result{Manifests: manifests}
	names := make([]string, 0, len(manifests))
	for name := range manifests {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tpl := templatePath(ch.Name(), name)
		if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") && !strings.HasSuffix(name, ".json") {
			continue // NOTES.txt and helpers render no objects
		}
		owned := c.Owned == nil || c.Owned(tpl)
		for _, doc := range releaseutil.SplitManifests(manifests[name]) {
			found := c.verify(tpl, doc, res)
			for _, p := range found {
				if owned {
					problems = append(problems, p)
				} else {
					res.Warnings = append(res.Warnings, p)
				}
			}
		}
	}
	if len(problems) > 0 {
		return res, &Error{Problems: problems}
	}
	return res, nil
}

// Render renders ch as `helm install` would, without a cluster: lookup finds
// nothing, so values generated once are generated now.
func (c *Checker) Render(ch *chart.Chart) (map[string]string, error) {
	opts := chartutil.ReleaseOptions{Name: c.Release, Namespace: c.Namespace, Revision: 1, IsInstall: true}
	vals, err := chartutil.ToRenderValues(ch, nil, opts, chartutil.DefaultCapabilities)
	if err != nil {
		return nil, fmt.Errorf("chart values: %w", err)
	}
	eng := engine.Engine{Strict: false, LintMode: false}
	out, err := eng.Render(ch, vals)
	if err != nil {
		return nil, fmt.Errorf("render chart: %w", err)
	}
	return out, nil
}

// lint runs Helm's linter; strict: warnings fail as errors do.
func (c *Checker) lint(dir string) []Problem {
	linter := lint.AllWithKubeVersion(dir, nil, c.Namespace, nil)
	var out []Problem
	for _, m := range linter.Messages {
		if m.Severity < support.WarningSev {
			continue
		}
		where := strings.TrimPrefix(strings.TrimPrefix(m.Path, dir), "/")
		if where == "" {
			where = "Chart.yaml"
		}
		out = append(out, Problem{Template: where, Message: "lint: " + strings.ReplaceAll(m.Err.Error(), dir+"/", "")})
	}
	return out
}

// verify decodes one rendered document strictly and evaluates its pods.
func (c *Checker) verify(tpl, doc string, res *Result) []Problem {
	if strings.TrimSpace(stripComments(doc)) == "" {
		return nil
	}
	obj, gvk, err := c.decoder.Decode([]byte(doc), nil, nil)
	ident := ""
	if gvk != nil {
		ident = gvk.Kind
	}
	if err != nil {
		if runtime.IsNotRegisteredError(err) || runtime.IsMissingKind(err) && gvk != nil && gvk.Kind != "" {
			res.Unchecked = append(res.Unchecked, Problem{Template: tpl, Object: ident, Message: "kind not known to harness, not decoded"})
			return nil
		}
		if strict, ok := runtime.AsStrictDecodingError(err); ok {
			msgs := make([]string, 0, len(strict.Errors()))
			for _, e := range strict.Errors() {
				msgs = append(msgs, e.Error())
			}
			id := ident
			if obj != nil {
				id = objectID(obj, ident)
			}
			return []Problem{{Template: tpl, Object: id, Message: strings.Join(msgs, "; ")}}
		}
		return []Problem{{Template: tpl, Object: ident, Message: cleanDecodeError(err)}}
	}
	res.Objects++
	id := objectID(obj, ident)
	if meta, spec := podSpec(obj); spec != nil {
		return c.podSecurity(tpl, id, meta, spec)
	}
	return nil
}

func (c *Checker) podSecurity(tpl, id string, meta *podMeta, spec *corev1.PodSpec) []Problem {
	lv := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}
	var out []Problem
	for _, r := range c.evaluator.EvaluatePod(lv, meta.ObjectMeta, spec) {
		if r.Allowed {
			continue
		}
		out = append(out, Problem{Template: tpl, Object: id,
			Message: fmt.Sprintf("violates Pod Security \"restricted\": %s (%s)", r.ForbiddenReason, r.ForbiddenDetail)})
	}
	return out
}

// templatePath turns the engine's "CHART/templates/x.yaml" (or
// "CHART/charts/SUB/templates/x.yaml") into the path inside the chart.
func templatePath(chartName, name string) string {
	return strings.TrimPrefix(name, chartName+"/")
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, line := range strings.Split(doc, "\n") {
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// cleanDecodeError shortens the JSON decoder's messages to what names the field.
func cleanDecodeError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "error unmarshaling JSON: while decoding JSON: ")
	return msg
}
