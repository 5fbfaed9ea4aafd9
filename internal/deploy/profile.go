package deploy

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/runtime/values"
)

// ProfilesDir is where a root keeps its profiles, beside its values.
const ProfilesDir = "deployment-configuration/profiles"

// Profile is a checked-in command line: what `harness-deployment -p NAME`
// and `harness build -p NAME` read from ROOT/deployment-configuration/profiles/NAME.yaml,
// so that an environment's ten flags live in the repository. A flag given on
// the command line wins over the profile.
type Profile struct {
	Name string `yaml:"-" json:"-"`
	File string `yaml:"-" json:"-"`

	// Namespace is -n.
	Namespace string `yaml:"namespace" json:"namespace"`
	// Domain is -d.
	Domain string `yaml:"domain" json:"domain"`
	// Registry is -r.
	Registry string `yaml:"registry" json:"registry"`
	// RegistrySecret is -rs.
	RegistrySecret string `yaml:"registrySecret" json:"registrySecret"`
	// Tag is -t.
	Tag string `yaml:"tag" json:"tag"`
	// Env lists the environments of -e, in order.
	Env []string `yaml:"env" json:"env"`
	// Include is -i, repeated.
	Include []string `yaml:"include" json:"include"`
	// Exclude is -ex, repeated.
	Exclude []string `yaml:"exclude" json:"exclude"`
	// TLS false is -dtls.
	TLS *bool `yaml:"tls" json:"tls"`
	// Security false is -u.
	Security *bool `yaml:"security" json:"security"`
	// Local is -l.
	Local bool `yaml:"local" json:"local"`
}

// LoadProfile reads profile name from the roots; a later root's file
// replaces an earlier one's. An unknown profile is an error listing those
// there are.
func LoadProfile(roots []string, name string) (*Profile, error) {
	if len(roots) == 0 {
		roots = []string{"."}
	}
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return nil, fmt.Errorf("-p %q: not a profile name", name)
	}
	var file string
	known := map[string]bool{}
	for _, r := range roots {
		dir := filepath.Join(r, ProfilesDir)
		if _, err := os.Stat(filepath.Join(dir, name+".yaml")); err == nil {
			file = filepath.Join(dir, name+".yaml")
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
				known[n] = true
			}
		}
	}
	if file == "" {
		msg := fmt.Sprintf("-p %s: no profile %s.yaml under %s of the roots", name, name, ProfilesDir)
		if len(known) > 0 {
			names := slices.Sorted(maps.Keys(known))
			msg += "; there are: " + strings.Join(names, ", ")
			if s := values.Suggest(name, names); s != "" {
				msg += " (did you mean " + s + "?)"
			}
		}
		return nil, fmt.Errorf("%s", msg)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	opts := values.Options{File: file}
	n, err := values.Parse(data, opts)
	if err != nil {
		return nil, err
	}
	p := &Profile{Name: name, File: file}
	if err := knownKeys(n, file, p); err != nil {
		return nil, err
	}
	if n != nil {
		if err := values.DecodeNode(n, p, opts); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Apply sets on d what the profile holds and the command line did not
// give: given reports whether a flag, by its long name, was on it.
func (p *Profile) Apply(d *Deployment, given func(flag string) bool) {
	str := func(flag string, dst *string, v string) {
		if v != "" && !given(flag) {
			*dst = v
		}
	}
	list := func(flag string, dst *[]string, v []string) {
		if len(v) > 0 && !given(flag) {
			*dst = slices.Clone(v)
		}
	}
	str("namespace", &d.Namespace, p.Namespace)
	str("domain", &d.Domain, p.Domain)
	str("registry", &d.Registry, p.Registry)
	str("registry-secret", &d.RegistrySecret, p.RegistrySecret)
	str("tag", &d.Tag, p.Tag)
	list("env", &d.Envs, p.Env)
	list("include", &d.Include, p.Include)
	list("exclude", &d.Exclude, p.Exclude)
	if p.TLS != nil && !given("disable-tls") {
		d.NoTLS = !*p.TLS
	}
	if p.Security != nil && !given("disable-security") {
		d.Unsecured = !*p.Security
	}
	if p.Local && !given("local") {
		d.Local = true
	}
}

// CommandLine is the flags a Deployment stands for, in harness-deployment's
// spelling: what a profile and the command line made, printed so that a run
// can be repeated without the profile.
func (d *Deployment) CommandLine() string {
	var parts []string
	add := func(flag, v string) {
		if v != "" {
			parts = append(parts, flag, shellQuote(v))
		}
	}
	parts = append(parts, d.Roots...)
	add("-n", d.Namespace)
	add("-d", d.Domain)
	add("-r", d.Registry)
	add("-rs", d.RegistrySecret)
	add("-t", d.Tag)
	add("-e", strings.Join(d.Envs, "-"))
	for _, i := range d.Include {
		add("-i", i)
	}
	for _, e := range d.Exclude {
		add("-ex", e)
	}
	if d.Local {
		parts = append(parts, "-l")
	}
	if d.NoTLS {
		parts = append(parts, "-dtls")
	}
	if d.Unsecured {
		parts = append(parts, "-u")
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@=,+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// knownKeys refuses a key the profile does not have: a profile is harness's
// own file, so a misspelt flag must not pass unnoticed.
func knownKeys(n *yaml.Node, file string, p *Profile) error {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var keys []string
	t := reflect.TypeOf(*p)
	for i := range t.NumField() {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); k != "-" {
			keys = append(keys, k)
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(keys, k.Value) {
			msg := fmt.Sprintf("%s:%d: %s: unknown key", file, k.Line, k.Value)
			if s := values.Suggest(k.Value, keys); s != "" {
				msg += " (did you mean " + s + "?)"
			}
			return fmt.Errorf("%s; a profile holds %s", msg, strings.Join(keys, ", "))
		}
	}
	return nil
}
