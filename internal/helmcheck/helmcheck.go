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
	"encoding/json"
	"fmt"
	"path"
	goruntime "runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/kubernetes/scheme"
	psapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"
)

// Checker verifies charts. Build it with New; it is safe to reuse.
type Checker struct {
	// Namespace and Release are those the chart is rendered for.
	Namespace, Release string
	// Owned reports whether a template (its path inside the chart, such as
	// "templates/auto-deployments.yaml") is harness's own; nil: all are.
	Owned func(template string) bool
	// SkipLint leaves out Helm's lint rules.
	SkipLint bool
	// Baseline reports whether an object ("Deployment/web") declared that its
	// image runs as root, so its pods are held to the "baseline" Pod Security
	// Standard instead of "restricted"; nil: none did.
	Baseline func(object string) bool

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
//
// The chart is loaded and rendered once; Helm's lint rules, the strict
// decode and the pod security evaluation all read that one render, each
// document parsed once, documents verified in parallel.
func (c *Checker) Check(ctx context.Context, dir string) (*Result, error) {
	ch, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %w", dir, err)
	}
	var problems []Problem
	if !c.SkipLint {
		problems = append(problems, lintChart(dir, ch)...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	manifests, err := c.Render(ch)
	if err != nil {
		return nil, err
	}
	res := &Result{Manifests: manifests}
	if !c.SkipLint {
		for _, f := range ch.Templates {
			problems = append(problems, lintTemplateFile(f, manifests[path.Join(ch.Name(), f.Name)])...)
		}
	}
	own := map[string]bool{} // the chart's own templates, which lint reads
	for _, f := range ch.Templates {
		own[f.Name] = true
	}
	names := make([]string, 0, len(manifests))
	for name := range manifests {
		names = append(names, name)
	}
	sort.Strings(names)
	var docs []document
	for _, name := range names {
		if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") && !strings.HasSuffix(name, ".json") {
			continue // NOTES.txt and helpers render no objects
		}
		tpl := templatePath(ch.Name(), name)
		d := document{
			template: tpl,
			owned:    c.Owned == nil || c.Owned(tpl),
			lint:     !c.SkipLint && own[tpl] && strings.HasSuffix(name, ".yaml"),
			file:     manifests[name],
		}
		for _, doc := range splitDocuments(manifests[name]) {
			d.text = doc
			docs = append(docs, d)
		}
	}
	found, err := c.verifyAll(ctx, docs)
	if err != nil {
		return nil, err
	}
	for i, f := range found {
		res.Objects += f.objects
		res.Unchecked = append(res.Unchecked, f.unchecked...)
		if docs[i].owned {
			problems = append(problems, f.problems...)
		} else {
			res.Warnings = append(res.Warnings, f.problems...)
		}
		problems = append(problems, f.lint...) // strict lint fails on any template
	}
	if len(problems) > 0 {
		return res, &Error{Problems: problems}
	}
	return res, nil
}

// document is one rendered YAML document to verify.
type document struct {
	template    string // path inside the chart
	text        string // the document
	file        string // the template's whole output (Helm's selector rule reads it)
	owned, lint bool
}

// findings is what verifying one document found.
type findings struct {
	objects   int
	unchecked []Problem
	problems  []Problem // strict decode and pod security
	lint      []Problem
}

// verifyAll verifies docs on every core; the findings keep docs' order so
// messages are deterministic.
func (c *Checker) verifyAll(ctx context.Context, docs []document) ([]findings, error) {
	out := make([]findings, len(docs))
	workers := min(goruntime.GOMAXPROCS(0), len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(docs) || ctx.Err() != nil {
					return
				}
				out[i] = c.verify(docs[i])
			}
		}()
	}
	wg.Wait()
	return out, ctx.Err()
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

// verify decodes one rendered document strictly, applies Helm's lint rules
// on it and evaluates its pods. The YAML is converted to JSON once (strictly,
// so duplicate keys are caught) and the JSON decoded: the Kubernetes YAML
// decoder would convert it twice.
func (c *Checker) verify(d document) findings {
	var f findings
	if !hasContent(d.text) {
		return f
	}
	var strictYAML error
	js, err := yaml.YAMLToJSONStrict([]byte(d.text))
	if err != nil {
		strictYAML = err
		if js, err = yaml.YAMLToJSON([]byte(d.text)); err != nil {
			f.problems = []Problem{{Template: d.template, Message: "unable to parse YAML: " + err.Error()}}
			if d.lint {
				f.lint = []Problem{{Template: d.template, Message: "lint: unable to parse YAML: " + err.Error()}}
				f.problems = nil // one message is enough; lint's fails on any template
			}
			return f
		}
	}
	obj, gvk, err := c.decoder.Decode(js, nil, nil)
	var h header
	if err == nil && gvk != nil {
		h.APIVersion, h.Kind = gvk.GroupVersion().String(), gvk.Kind
		if m, ok := obj.(metav1.Object); ok {
			h.Metadata.Name = m.GetName()
		}
	} else {
		_ = json.Unmarshal(js, &h) // best effort: the decode error says what is wrong
	}
	if d.lint {
		typed := obj
		if err != nil {
			typed = nil
		}
		for _, msg := range lintObject(h, typed, js, d.file) {
			f.lint = append(f.lint, Problem{Template: d.template, Object: objectHeaderID(h), Message: "lint: " + msg})
		}
	}
	ident := h.Kind
	if gvk != nil && gvk.Kind != "" {
		ident = gvk.Kind
	}
	if err == nil && strictYAML != nil {
		f.problems = append(f.problems, Problem{Template: d.template, Object: objectID(obj, ident), Message: strictYAML.Error()})
		return f
	}
	if err != nil {
		if runtime.IsNotRegisteredError(err) || runtime.IsMissingKind(err) && gvk != nil && gvk.Kind != "" {
			f.unchecked = []Problem{{Template: d.template, Object: ident, Message: "kind not known to harness, not decoded"}}
			return f
		}
		if strict, ok := runtime.AsStrictDecodingError(err); ok {
			msgs := make([]string, 0, len(strict.Errors())+1)
			if strictYAML != nil {
				msgs = append(msgs, strictYAML.Error())
			}
			for _, e := range strict.Errors() {
				msgs = append(msgs, e.Error())
			}
			id := ident
			if obj != nil {
				id = objectID(obj, ident)
			}
			f.problems = []Problem{{Template: d.template, Object: id, Message: strings.Join(msgs, "; ")}}
			return f
		}
		f.problems = []Problem{{Template: d.template, Object: ident, Message: cleanDecodeError(err)}}
		return f
	}
	f.objects = 1
	if meta, spec := podSpec(obj); spec != nil {
		f.problems = c.podSecurity(d.template, objectID(obj, ident), meta, spec)
	}
	return f
}

func objectHeaderID(h header) string {
	if h.Metadata.Name == "" {
		return h.Kind
	}
	return h.Kind + "/" + h.Metadata.Name
}

func (c *Checker) podSecurity(tpl, id string, meta *podMeta, spec *corev1.PodSpec) []Problem {
	lv := psapi.LevelVersion{Level: psapi.LevelRestricted, Version: psapi.LatestVersion()}
	if c.Baseline != nil && c.Baseline(id) {
		lv.Level = psapi.LevelBaseline
	}
	var out []Problem
	for _, r := range c.evaluator.EvaluatePod(lv, meta.ObjectMeta, spec) {
		if r.Allowed {
			continue
		}
		out = append(out, Problem{Template: tpl, Object: id,
			Message: fmt.Sprintf("violates Pod Security %q: %s (%s)", lv.Level, r.ForbiddenReason, r.ForbiddenDetail)})
	}
	return out
}

// templatePath turns the engine's "CHART/templates/x.yaml" (or
// "CHART/charts/SUB/templates/x.yaml") into the path inside the chart.
func templatePath(chartName, name string) string {
	return strings.TrimPrefix(name, chartName+"/")
}

// splitDocuments splits a YAML stream on "---" lines, as Kubernetes' YAML
// reader does, leaving each document's indentation alone (Helm's
// SplitManifests trims it, turning an indented document into invalid YAML).
func splitDocuments(s string) []string {
	var docs []string
	start := 0
	for i := 0; i < len(s); {
		end := strings.IndexByte(s[i:], '\n')
		if end < 0 {
			end = len(s)
		} else {
			end += i
		}
		line := s[i:end]
		if rest, ok := strings.CutPrefix(line, "---"); ok && (strings.TrimSpace(rest) == "" || strings.HasPrefix(strings.TrimSpace(rest), "#")) {
			docs = append(docs, s[start:i])
			start = end + 1
		}
		i = end + 1
	}
	if start < len(s) {
		docs = append(docs, s[start:])
	}
	return docs
}

// hasContent reports whether a document has a line that is neither blank
// nor a comment (Helm leaves comment-only documents where a template
// rendered nothing).
func hasContent(doc string) bool {
	for doc != "" {
		line, rest, _ := strings.Cut(doc, "\n")
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			return true
		}
		doc = rest
	}
	return false
}

// cleanDecodeError shortens the JSON decoder's messages to what names the field.
func cleanDecodeError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "error unmarshaling JSON: while decoding JSON: ")
	return msg
}
