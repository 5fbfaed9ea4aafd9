package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/runtime/values"
)

// EnvAddressesPath names a file of Addresses: how each application is
// reached when the processes of the solution run outside the cluster their
// values describe. `harness run` (processes on 127.0.0.1) and the compose
// file of `harness-deployment --docker-compose` (containers reached by their
// service names) write one and set this variable.
const EnvAddressesPath = "CH_ADDRESSES_PATH"

// Addresses replaces the addresses the runtime computes for one
// application. An empty field keeps the computed address.
type Addresses struct {
	// Service replaces ServiceAddress, such as http://127.0.0.1:8001.
	Service string `yaml:"service,omitempty" json:"service,omitempty"`
	// Public replaces PublicAddress.
	Public string `yaml:"public,omitempty" json:"public,omitempty"`
	// Database is the URL of the application's database, such as
	// postgres://127.0.0.1:5433 or
	// postgres://user:pass@db.example.com:5432/shop?sslmode=require. Its
	// host and port replace the database's; its user, password, database
	// name and query parameters, when it has them, replace the values'.
	Database string `yaml:"database,omitempty" json:"database,omitempty"`
}

// AddressesFile is the format of the file $CH_ADDRESSES_PATH names (YAML
// or JSON): the Addresses of each application, by its name.
//
//	apps:
//	  orders:
//	    service: http://127.0.0.1:8001
//	    public: http://127.0.0.1:8001
//	    database: postgres://orders:secret@127.0.0.1:5433/orders
type AddressesFile struct {
	Apps map[string]Addresses `yaml:"apps" json:"apps"`
}

// LoadAddresses reads an addresses file.
func LoadAddresses(path string) (map[string]Addresses, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load addresses: %w", err)
	}
	var f AddressesFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) { // empty: no addresses
		return nil, fmt.Errorf("load addresses %s: %w", path, err)
	}
	return f.Apps, nil
}

// override is an application's Addresses, checked and taken apart.
type override struct {
	service, public string
	db              *url.URL
}

// databaseSchemes are the URL schemes of each database type.
var databaseSchemes = map[values.DatabaseType][]string{
	values.Postgres: {"postgres", "postgresql"},
	values.Mongo:    {"mongodb"},
	values.Neo4j:    {"bolt", "neo4j"},
}

// overrides checks the addresses against the applications of c and
// returns them by application key; source names them in errors.
func (c *Config) overrides(addrs map[string]Addresses, source string) (map[string]*override, error) {
	out := make(map[string]*override, len(addrs))
	var errs []error
	for _, name := range sortedKeys(addrs) {
		a := addrs[name]
		app, ok := c.byName[name]
		if !ok {
			errs = append(errs, fmt.Errorf("%s: apps.%s: %w in %s", source, name, ErrNoApp, c.source))
			continue
		}
		o := &override{service: a.Service, public: a.Public}
		for _, f := range []struct{ key, v string }{{"service", a.Service}, {"public", a.Public}} {
			if f.v == "" {
				continue
			}
			if u, err := url.Parse(f.v); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
				errs = append(errs, fmt.Errorf("%s: apps.%s.%s: %q is no http(s)://HOST:PORT address", source, name, f.key, f.v))
			}
		}
		if a.Database != "" {
			u, err := url.Parse(a.Database)
			typ := app.h.Database.Type
			switch {
			case err != nil || u.Hostname() == "":
				errs = append(errs, fmt.Errorf("%s: apps.%s.database: %q is no database URL (such as postgres://HOST:PORT)", source, name, a.Database))
			case u.Port() != "" && !validPort(u.Port()):
				errs = append(errs, fmt.Errorf("%s: apps.%s.database: %q: bad port", source, name, a.Database))
			case !slices.Contains(databaseSchemes[typ], u.Scheme):
				errs = append(errs, fmt.Errorf("%s: apps.%s.database: %q: the application's database is of type %q (URL schemes %s)", source, name, a.Database, typ, strings.Join(databaseSchemes[typ], ", ")))
			default:
				o.db = u
			}
		}
		out[app.key] = o
	}
	return out, errors.Join(errs...)
}

func validPort(s string) bool {
	p, err := strconv.Atoi(s)
	return err == nil && p > 0 && p < 65536
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// applyDatabase replaces what the URL gives of d.
func (o *override) applyDatabase(d *Database) {
	u := o.db
	if u == nil {
		return
	}
	d.Host = u.Hostname()
	if p, err := strconv.Atoi(u.Port()); err == nil {
		d.Port = p
	}
	if u.User != nil {
		d.User = u.User.Username()
		if p, ok := u.User.Password(); ok {
			d.Password = p
		}
	}
	if name := strings.TrimPrefix(u.Path, "/"); name != "" {
		d.Name = name
	}
	d.Params = u.RawQuery
}
