// Package runtime gives a service running in a harness deployment its
// configuration: the deployment's values (namespace, domain, registry, tag),
// every application's addresses, its database and secrets, and its own free
// values. It is the Go counterpart of CloudHarness's cloudharness.applications
// and cloudharness.utils.config, and gives the same answers for the same
// values.
//
// A Config is the core: Load or Parse builds one; a Loader keeps one fresh
// when the values file changes (Kubernetes updates a mounted ConfigMap in
// place); Default uses a Loader over the pod's all-values file. Lookups on a
// loaded Config do not allocate.
//
// Inside a pod, as in CloudHarness: all values at
// /opt/cloudharness/resources/allvalues.yaml (CH_VALUES_PATH overrides), the
// application's name in CH_CURRENT_APP_NAME, each secret as a file
// /opt/cloudharness/resources/secrets/APP/NAME (CH_SECRETS_PATH overrides the
// folder). Outside a cluster, a file of Addresses (CH_ADDRESSES_PATH) tells
// where each application runs instead: harness run and the compose file
// harness writes set it.
package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/harness-sh/harness/runtime/values"
)

// Environment variables and paths read by the runtime, as CloudHarness's.
const (
	// EnvValuesPath overrides DefaultValuesPath.
	EnvValuesPath = "CH_VALUES_PATH"
	// EnvSecretsPath overrides DefaultSecretsPath.
	EnvSecretsPath = "CH_SECRETS_PATH"
	// EnvCurrentApp names the application the process belongs to.
	EnvCurrentApp = "CH_CURRENT_APP_NAME"
	// DefaultValuesPath is where the chart mounts all values in every pod.
	DefaultValuesPath = "/opt/cloudharness/resources/allvalues.yaml"
	// DefaultSecretsPath is where the chart mounts each application's secrets,
	// one folder per application, one file per secret.
	DefaultSecretsPath = "/opt/cloudharness/resources/secrets"
)

// Errors a caller may branch on (with errors.Is); the returned errors wrap
// them with the application and key concerned.
var (
	// ErrNoApp: the values hold no such application.
	ErrNoApp = errors.New("application not found")
	// ErrNoSecret: the secret's file does not exist.
	ErrNoSecret = errors.New("secret not found")
	// ErrNoDatabase: the application has no automatic database.
	ErrNoDatabase = errors.New("no automatic database")
)

// Location says where the process runs, which decides the addresses it gets.
type Location int

const (
	// Detect decides from the environment: inside a cluster when
	// KUBERNETES_SERVICE_HOST is set (Kubernetes sets it in every pod),
	// on the developer's machine otherwise.
	Detect Location = iota
	// InCluster gives in-cluster addresses: http://SERVICE.NAMESPACE:PORT.
	InCluster
	// Local gives addresses that work from the developer's machine, through
	// `kubectl port-forward -n NAMESPACE service/SERVICE PORT:PORT` (the hint
	// harness-deployment prints): http://localhost:PORT, and databases at
	// localhost on their port.
	Local
)

// Options configures a Config. Empty fields take their value from the
// environment, then from the defaults.
type Options struct {
	// SecretsPath is the folder of secrets ($CH_SECRETS_PATH, else DefaultSecretsPath).
	SecretsPath string
	// CurrentApp is the application this process belongs to ($CH_CURRENT_APP_NAME).
	CurrentApp string
	// Location decides the addresses (Detect by default).
	Location Location
	// Addresses replaces the addresses of some applications, by name
	// (their folder's), whatever the Location. Nil: those of the file
	// $CH_ADDRESSES_PATH names, when set.
	Addresses map[string]Addresses
	// Getenv reads the environment (os.Getenv by default); tests replace it.
	Getenv func(string) string
}

func (o Options) resolve() Options {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.SecretsPath == "" {
		o.SecretsPath = o.Getenv(EnvSecretsPath)
	}
	if o.SecretsPath == "" {
		o.SecretsPath = DefaultSecretsPath
	}
	if o.CurrentApp == "" {
		o.CurrentApp = o.Getenv(EnvCurrentApp)
	}
	if o.Location == Detect {
		o.Location = Local
		if o.Getenv("KUBERNETES_SERVICE_HOST") != "" {
			o.Location = InCluster
		}
	}
	return o
}

// Config is a deployment's values as a running service sees them. It is
// immutable and safe for concurrent use.
type Config struct {
	root    values.Values
	apps    []*App          // sorted by name
	byName  map[string]*App // by values key, by name, by name with `_` and `-` swapped
	raw     []byte          // the whole document as JSON, for Decode
	opts    Options
	over    map[string]*override // Options.Addresses, by application key
	source  string
	format  string // "json" (the fast path) or "yaml"
	current *App

	splitOnce sync.Once
	split     map[string]json.RawMessage
	splitErr  error
}

// Load reads a values file: the chart's all-values file (JSON, read fast) or
// any YAML values file. Options come from the environment.
func Load(path string) (*Config, error) {
	return LoadWith(path, Options{})
}

// LoadWith reads a values file with options.
func LoadWith(path string, opts Options) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return parse(data, path, opts)
}

// readFile reads at most values.DefaultMaxBytes, in one allocation when
// the file's size is known.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load values: %w", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if st, err := f.Stat(); err == nil && st.Size() <= values.DefaultMaxBytes {
		buf.Grow(int(st.Size()) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(f, values.DefaultMaxBytes+1)); err != nil {
		return nil, fmt.Errorf("load values %s: %w", path, err)
	}
	if buf.Len() > values.DefaultMaxBytes {
		return nil, fmt.Errorf("load values %s: file is larger than the limit of %d bytes", path, values.DefaultMaxBytes)
	}
	return buf.Bytes(), nil
}

// Parse builds a Config from the contents of a values file; name is used in
// error messages.
func Parse(data []byte, name string, opts Options) (*Config, error) {
	return parse(data, name, opts)
}

// jsonDoc reads the chart's JSON all-values file in one pass: the root
// values and each application's harness section; encoding/json skips free
// values, which App.Values decodes on demand.
type jsonDoc struct {
	values.Values
	Apps map[string]jsonApp `json:"apps"`
}

type jsonApp struct {
	Harness values.Harness `json:"harness"`
}

// rawApps holds each application's values as JSON, for App.Values.
type rawApps struct {
	Apps map[string]json.RawMessage `json:"apps"`
}

func parse(data []byte, name string, opts Options) (*Config, error) {
	c := &Config{opts: opts.resolve(), source: name, format: "json"}
	if err := c.parseJSON(data); err != nil {
		// Not JSON, or JSON the fast path cannot type: the YAML decoder reads
		// both and reports problems with file, line and key.
		c.format = "yaml"
		if err := c.parseYAML(data, name); err != nil {
			return nil, err
		}
	}
	addrs, source := c.opts.Addresses, "Options.Addresses"
	if addrs == nil {
		if path := c.opts.Getenv(EnvAddressesPath); path != "" {
			var err error
			if addrs, err = LoadAddresses(path); err != nil {
				return nil, fmt.Errorf("%s: %w", EnvAddressesPath, err)
			}
			source = path
		}
	}
	c.index()
	if len(addrs) > 0 {
		over, err := c.overrides(addrs, source)
		if err != nil {
			return nil, err
		}
		c.over = over
		for _, a := range c.apps {
			a.compute()
		}
	}
	return c, nil
}

func (c *Config) parseJSON(data []byte) error {
	var doc jsonDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	c.root = doc.Values
	c.raw = data
	c.apps = make([]*App, 0, len(doc.Apps))
	for key, a := range doc.Apps {
		c.apps = append(c.apps, &App{key: key, h: a.Harness})
	}
	return nil
}

// appValues returns an application's values as JSON, splitting the
// document into applications the first time one is asked for.
func (c *Config) appValues(key string) (json.RawMessage, error) {
	c.splitOnce.Do(func() {
		var doc rawApps
		c.splitErr = json.Unmarshal(c.raw, &doc)
		c.split = doc.Apps
	})
	if c.splitErr != nil {
		return nil, c.splitErr
	}
	if raw, ok := c.split[key]; ok && raw != nil {
		return raw, nil
	}
	return json.RawMessage("{}"), nil
}

func (c *Config) parseYAML(data []byte, name string) error {
	opts := values.Options{File: name, Mode: values.Lenient}
	n, err := values.Parse(data, opts)
	if err != nil {
		return err
	}
	root, err := values.DecodeRootNode(n, opts)
	if err != nil {
		return err
	}
	var generic any
	if n != nil {
		if err := n.Decode(&generic); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	doc, _ := jsonable(generic).(map[string]any)
	if c.raw, err = json.Marshal(doc); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	c.root = *root
	c.apps = make([]*App, 0, len(root.Apps))
	for key, app := range root.Apps {
		c.apps = append(c.apps, &App{key: key, h: app.Harness})
	}
	return nil
}

// jsonable turns what yaml.v3 decodes into what encoding/json encodes:
// mappings with non-string keys get their keys printed.
func jsonable(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = jsonable(e)
		}
		return v
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[fmt.Sprint(k)] = jsonable(e)
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = jsonable(e)
		}
		return v
	}
	return v
}

// index computes every answer lookups give, so that they do not allocate.
func (c *Config) index() {
	sort.Slice(c.apps, func(i, j int) bool { return c.apps[i].key < c.apps[j].key })
	c.byName = make(map[string]*App, 3*len(c.apps))
	for _, a := range c.apps {
		a.cfg = c
		a.compute()
	}
	// Names first, keys last: a key always finds its own application.
	for _, a := range c.apps {
		c.byName[a.name] = a
		c.byName[strings.ReplaceAll(a.name, "_", "-")] = a
	}
	for _, a := range c.apps {
		c.byName[strings.ReplaceAll(a.key, "_", "-")] = a
		c.byName[a.key] = a
	}
	if c.opts.CurrentApp != "" {
		c.current = c.byName[c.opts.CurrentApp]
	}
}

// App returns an application by name (as in its folder, e.g. my-app), by
// harness.name, or by its key under apps (my_app).
func (c *Config) App(name string) (*App, error) {
	if a, ok := c.byName[name]; ok {
		return a, nil
	}
	return nil, fmt.Errorf("application %q: %w in %s", name, ErrNoApp, c.source)
}

// Current returns the application this process belongs to
// (Options.CurrentApp, by default $CH_CURRENT_APP_NAME).
func (c *Config) Current() (*App, error) {
	if c.current != nil {
		return c.current, nil
	}
	if c.opts.CurrentApp == "" {
		return nil, fmt.Errorf("current application: %s is not set", EnvCurrentApp)
	}
	return nil, fmt.Errorf("current application %q (%s): %w in %s", c.opts.CurrentApp, EnvCurrentApp, ErrNoApp, c.source)
}

// Apps returns every application, sorted by key.
func (c *Config) Apps() []*App {
	return append([]*App(nil), c.apps...)
}

// Namespace is the deployment's Kubernetes namespace.
func (c *Config) Namespace() string { return c.root.Namespace }

// Domain is the deployment's root domain.
func (c *Config) Domain() string { return c.root.Domain }

// Registry is the container registry's address (may be empty).
func (c *Config) Registry() string { return c.root.Registry.Name }

// RegistrySecret names the registry's image pull secret (may be empty).
func (c *Config) RegistrySecret() string { return c.root.Registry.Secret }

// Tag is the image tag of the deployment's images.
func (c *Config) Tag() string { return c.root.Tag }

// Local reports whether the deployment runs on a local cluster
// (harness-deployment -l).
func (c *Config) Local() bool { return c.root.Local }

// TLS reports whether the Ingress serves TLS, which makes public addresses https.
func (c *Config) TLS() bool { return c.root.TLS.Enabled }

// Location is where the Config gives addresses for (InCluster or Local).
func (c *Config) Location() Location { return c.opts.Location }

// Decode decodes the whole values document into v, as encoding/json does
// (json tags; keys match field names case-insensitively); for a solution's
// own root values.
func (c *Config) Decode(v any) error {
	if err := json.Unmarshal(c.raw, v); err != nil {
		return fmt.Errorf("decode values of %s: %w", c.source, err)
	}
	return nil
}
