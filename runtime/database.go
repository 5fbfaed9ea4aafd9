package runtime

import (
	"fmt"
	"net"
	"net/url"
	"strconv"

	"github.com/harness-sh/harness/runtime/values"
)

// The chart's conventions for automatic databases, which the chart templates
// follow too: the runtime and the chart must agree.
const (
	// DatabasePasswordSecret is the application secret holding the database
	// password the chart generates when harness.database.pass is empty.
	DatabasePasswordSecret = "database-password"
	// PostgresPort, MongoPort and Neo4jBoltPort are the client ports when the
	// values list none (the chart's Service exposes the values' ports).
	PostgresPort  = 5432
	MongoPort     = 27017
	Neo4jBoltPort = 7687
)

// Database is how an application reaches its automatic database.
type Database struct {
	// Type is the engine: postgres, mongo or neo4j.
	Type values.DatabaseType
	// Host is the database Service's name (harness.database.name, by default
	// APP-db), or localhost from the developer's machine.
	Host string
	// Port is the client port: the first of harness.database.TYPE.ports
	// (neo4j: the one named bolt), by default postgres 5432, mongo 27017,
	// neo4j 7687.
	Port int
	// User is harness.database.user.
	User string
	// Password is harness.database.pass, or when empty the application's
	// secret database-password that the chart generates.
	Password string
	// Name is the database to use: postgres's initialdb; empty otherwise.
	Name string
	// Params are further connection parameters as a URL query
	// (sslmode=disable), from an Addresses override's URL; usually empty.
	Params string
}

func (a *App) computeDatabase() Database {
	db := a.h.Database
	d := Database{Type: db.Type, User: db.User, Password: db.Pass, Host: a.DatabaseService()}
	if a.cfg.opts.Location == Local {
		d.Host = "localhost"
	}
	// The client port as CloudHarness picks it from the ports the database's
	// Service exposes: the first one, or neo4j's bolt port.
	switch db.Type {
	case values.Postgres:
		d.Port, d.Name = portOf(db.Postgres.Ports, "", 0, PostgresPort), db.Postgres.InitialDB
	case values.Mongo:
		d.Port = portOf(db.Mongo.Ports, "", 0, MongoPort)
	case values.Neo4j:
		d.Port = portOf(db.Neo4j.Ports, "bolt", 1, Neo4jBoltPort)
	}
	return d
}

// portOf returns the port called name, else the port at index i, else def.
func portOf(ports []values.NamedPort, name string, i, def int) int {
	for _, p := range ports {
		if name != "" && p.Name == name && p.Port > 0 {
			return p.Port
		}
	}
	if i < len(ports) && ports[i].Port > 0 {
		return ports[i].Port
	}
	return def
}

// DatabaseService is the name of the application's database Service.
func (a *App) DatabaseService() string {
	if a.h.Database.Name != "" {
		return a.h.Database.Name
	}
	return a.name + "-db"
}

// Database returns how to reach the application's automatic database. It is
// an error (wrapping ErrNoDatabase) when the application has none, or when
// its password is neither in the values nor in the secret.
func (a *App) Database() (*Database, error) {
	if !a.h.Database.Auto {
		return nil, fmt.Errorf("application %q: %w (harness.database.auto is false)", a.name, ErrNoDatabase)
	}
	if a.database.Port == 0 {
		return nil, fmt.Errorf("application %q: harness.database.type %q: no connection for this database type", a.name, string(a.h.Database.Type))
	}
	d := a.database
	if d.Password == "" {
		pass, err := a.Secret(DatabasePasswordSecret)
		if err != nil {
			return nil, fmt.Errorf("database password (harness.database.pass is empty): %w", err)
		}
		d.Password = pass
	}
	return &d, nil
}

// ConnectionString is the database's URL, as CloudHarness writes it:
//
//	postgres://HOST:5432/DB?user=USER&password=PASS
//	mongodb://USER:PASS@HOST:27017/
//	bolt://HOST:7687/   (neo4j drivers take the credentials apart)
//
// Params, when set, follow the query of postgres and mongo URLs.
func (d *Database) ConnectionString() string {
	hostPort := net.JoinHostPort(d.Host, strconv.Itoa(d.Port))
	switch d.Type {
	case values.Postgres:
		s := "postgres://" + hostPort + "/" + url.PathEscape(d.Name) +
			"?user=" + url.QueryEscape(d.User) + "&password=" + url.QueryEscape(d.Password)
		if d.Params != "" {
			s += "&" + d.Params
		}
		return s
	case values.Mongo:
		u := url.URL{Scheme: "mongodb", User: url.UserPassword(d.User, d.Password), Host: hostPort, Path: "/", RawQuery: d.Params}
		return u.String()
	case values.Neo4j:
		return "bolt://" + hostPort + "/"
	}
	return ""
}
