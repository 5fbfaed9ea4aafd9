package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/harness-sh/harness/runtime/values"
)

// Chart defaults, used when the values leave a key unset.
const (
	// DefaultServicePort is harness.service.port's default.
	DefaultServicePort = 80
	// DefaultDeploymentPort is harness.deployment.port's default.
	DefaultDeploymentPort = 8080
)

// App is one application of the deployment. Its answers are computed when the
// Config is built, so calling its methods does not allocate.
type App struct {
	cfg *Config
	key string
	h   values.Harness

	name           string
	serviceName    string
	servicePort    int
	deploymentPort int
	serviceAddress string
	publicAddress  string
	database       Database
}

func (a *App) compute() {
	h := &a.h
	a.name = h.Name
	if a.name == "" {
		a.name = strings.ReplaceAll(a.key, "_", "-")
	}
	a.serviceName = h.Service.Name
	if a.serviceName == "" {
		a.serviceName = a.name
	}
	a.servicePort = h.Service.Port
	if a.servicePort == 0 {
		a.servicePort = DefaultServicePort
	}
	a.deploymentPort = DefaultDeploymentPort
	if p, ok := h.Deployment.Port.Int(); ok && p > 0 {
		a.deploymentPort = p
	}
	a.serviceAddress = a.cfg.address(a.serviceName, a.servicePort)
	host := h.Domain
	if host == "" && h.Subdomain != "" {
		host = h.Subdomain + "." + a.cfg.root.Domain
	}
	if host != "" {
		scheme := "http://"
		if a.cfg.root.TLS.Enabled {
			scheme = "https://"
		}
		a.publicAddress = scheme + host
	}
	a.database = a.computeDatabase()
	if o := a.cfg.over[a.key]; o != nil {
		if o.service != "" {
			a.serviceAddress = o.service
		}
		if o.public != "" {
			a.publicAddress = o.public
		}
		o.applyDatabase(&a.database)
	}
}

// address is how this process reaches a Service: by its in-cluster DNS name,
// or through a port-forward on localhost.
func (c *Config) address(service string, port int) string {
	return "http://" + c.host(service) + ":" + strconv.Itoa(port)
}

func (c *Config) host(service string) string {
	switch {
	case c.opts.Location == Local:
		return "localhost"
	case c.root.Namespace == "":
		return service
	}
	return service + "." + c.root.Namespace
}

// Name is the application's name (harness.name, set from its folder).
func (a *App) Name() string { return a.name }

// Key is the application's key under apps in the values (my_app for my-app).
func (a *App) Key() string { return a.key }

// ServiceName is the name of the application's Service (harness.service.name,
// by default the application's name).
func (a *App) ServiceName() string { return a.serviceName }

// ServicePort is the port of the application's Service (harness.service.port,
// default 80), which forwards to DeploymentPort.
func (a *App) ServicePort() int { return a.servicePort }

// DeploymentPort is the port the application's server must listen on
// (harness.deployment.port, default 8080).
func (a *App) DeploymentPort() int { return a.deploymentPort }

// ServiceAddress is where other services reach the application:
// http://SERVICE.NAMESPACE:PORT in the cluster, http://localhost:PORT from
// the developer's machine (see Local), or what Options.Addresses says.
func (a *App) ServiceAddress() string { return a.serviceAddress }

// PublicAddress is the application's address through the Ingress:
// http(s)://SUBDOMAIN.DOMAIN (https when TLS is on), or harness.domain when
// set; empty when the application is not published.
func (a *App) PublicAddress() string { return a.publicAddress }

// ImageName is the application's container image (harness.deployment.image).
func (a *App) ImageName() string { return a.h.Deployment.Image }

// IsAutoService reports whether the chart creates the application's Service.
func (a *App) IsAutoService() bool { return a.h.Service.Auto }

// IsAutoDeployment reports whether the chart creates the application's Deployment.
func (a *App) IsAutoDeployment() bool { return a.h.Deployment.Auto }

// IsAutoDB reports whether the chart deploys the application's database.
func (a *App) IsAutoDB() bool { return a.h.Database.Auto }

// IsSentryEnabled reports whether the application reports errors to Sentry.
func (a *App) IsSentryEnabled() bool { return a.h.Sentry }

// Harness returns the application's typed `harness:` section. It is shared:
// do not modify it.
func (a *App) Harness() *values.Harness { return &a.h }

// Values decodes the application's values (its whole mapping: its free
// values beside `harness`) into v, as encoding/json does: json tags, keys
// matched to field names case-insensitively, unknown keys ignored.
func (a *App) Values(v any) error {
	raw, err := a.cfg.appValues(a.key)
	if err == nil {
		err = json.Unmarshal(raw, v)
	}
	if err != nil {
		return fmt.Errorf("decode values of application %q: %w", a.name, err)
	}
	return nil
}

// Secret reads one of the application's secrets from
// SECRETS/APP/NAME, where SECRETS is Options.SecretsPath ($CH_SECRETS_PATH,
// by default /opt/cloudharness/resources/secrets). The content is returned
// as stored, without trimming. A missing secret is an error wrapping
// ErrNoSecret that names the application and the secret.
func (a *App) Secret(name string) (string, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("secret %q of application %q: not a secret name", name, a.name)
	}
	path := filepath.Join(a.cfg.opts.SecretsPath, a.name, name)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("secret %q of application %q: %w (no file %s)", name, a.name, ErrNoSecret, path)
	}
	if err != nil {
		return "", fmt.Errorf("secret %q of application %q: %w", name, a.name, err)
	}
	return string(data), nil
}
