package run

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq"

	"github.com/harness-sh/harness/internal/freeport"
	"github.com/harness-sh/harness/internal/pgserver"
	"github.com/harness-sh/harness/runtime/values"
)

// schemes are the URL schemes of each database type.
var schemes = map[string]values.DatabaseType{
	"postgres": values.Postgres, "postgresql": values.Postgres,
	"mongodb": values.Mongo, "mongodb+srv": values.Mongo,
	"bolt": values.Neo4j, "neo4j": values.Neo4j,
}

// databases gives each application run with an automatic database its
// URL: DATABASE_URL when of the database's type; otherwise, for
// PostgreSQL, a role and a database in a throwaway cluster, started here.
// It returns the URLs by application and the cluster's own URL ("" when
// none was started).
func (r *Run) databases(ctx context.Context, apps []*app, tmp string, logs *logWriter, started func(*proc), cleanup func(func())) (map[string]string, string, error) {
	urls := map[string]string{}
	var given values.DatabaseType
	if r.DatabaseURL != "" {
		u, err := url.Parse(r.DatabaseURL)
		if err != nil || schemes[u.Scheme] == "" || u.Hostname() == "" {
			return nil, "", fmt.Errorf("DATABASE_URL: %q is no database URL (postgres://, mongodb:// or bolt://USER:PASS@HOST:PORT/DB)", redact(r.DatabaseURL))
		}
		given = schemes[u.Scheme]
	}
	var needPostgres []*app
	for _, a := range apps {
		db := a.Database
		switch {
		case db == nil:
		case db.Type == given:
			urls[a.Name] = r.DatabaseURL
		case db.Type == values.Postgres:
			needPostgres = append(needPostgres, a)
		default:
			logs.line(fmt.Sprintf("note: %s's %s database is not started by harness run: it is expected at localhost:%d, or give its URL in DATABASE_URL", a.Name, db.Type, db.Port))
		}
	}
	if len(needPostgres) == 0 {
		return urls, "", nil
	}
	dir := filepath.Join(tmp, "postgres")
	if os.Geteuid() == 0 {
		// Run as another user, the cluster needs a folder that user can
		// reach: the run's may be under folders closed to others.
		d, err := os.MkdirTemp("", "harness-postgres-*")
		if err != nil {
			return nil, "", err
		}
		cleanup(func() { os.RemoveAll(d) })
		dir = filepath.Join(d, "postgres")
	}
	pg, err := r.startPostgres(ctx, dir, logs, started)
	if err != nil {
		return nil, "", fmt.Errorf("%s need(s) PostgreSQL: set DATABASE_URL, or install PostgreSQL (Debian: apt-get install postgresql) for a throwaway one: %w", names(needPostgres), err)
	}
	defer pg.db.Close()
	roles := map[string]string{} // role → password
	for _, a := range needPostgres {
		u, err := pg.create(ctx, a, roles)
		if err != nil {
			return nil, "", fmt.Errorf("database of %s: %w", a.Name, err)
		}
		urls[a.Name] = u
	}
	return urls, pg.url("postgres", pg.password, "postgres"), nil
}

func names(apps []*app) string {
	var n []string
	for _, a := range apps {
		n = append(n, a.Name)
	}
	return strings.Join(n, ", ")
}

// redact hides a URL's password.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	return u.String()
}

// cluster is a throwaway PostgreSQL cluster.
type cluster struct {
	port     int
	password string // the superuser postgres's
	db       *sql.DB
}

func (c *cluster) url(user, password, db string) string {
	return pgserver.URL(c.port, user, password, db)
}

// create makes the application's role (unless an earlier application made
// it) and database (its own: a name another application took gets the
// application's name added), and returns its URL.
func (c *cluster) create(ctx context.Context, a *app, roles map[string]string) (string, error) {
	db := a.Database
	role := db.User
	if role == "" {
		role = a.Name
	}
	pass, ok := roles[role]
	if !ok {
		pass = db.Password
		if pass == "" {
			pass = randomHex(12)
		}
		var exists bool
		if err := c.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", role).Scan(&exists); err != nil {
			return "", err
		}
		verb := "CREATE"
		if exists {
			verb = "ALTER"
		}
		if _, err := c.db.ExecContext(ctx, fmt.Sprintf("%s ROLE %s LOGIN PASSWORD %s", verb, pq.QuoteIdentifier(role), pq.QuoteLiteral(pass))); err != nil {
			return "", err
		}
		roles[role] = pass
	}
	name := db.Name
	if name == "" {
		name = a.Name
	}
	var taken bool
	if err := c.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&taken); err != nil {
		return "", err
	}
	if taken {
		name += "_" + strings.ReplaceAll(a.Name, "-", "_")
	}
	if _, err := c.db.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s OWNER %s", pq.QuoteIdentifier(name), pq.QuoteIdentifier(role))); err != nil {
		return "", err
	}
	return c.url(role, pass, name), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// startPostgres starts a cluster in dir, on a free port of 127.0.0.1, its
// superuser's password random. PostgreSQL refuses to run as root: run by
// root, it runs as the user postgres (or nobody).
func (r *Run) startPostgres(ctx context.Context, dir string, logs *logWriter, started func(*proc)) (*cluster, error) {
	bin, err := pgserver.BinDir(r.Postgres)
	if err != nil {
		return nil, err
	}
	c := &cluster{password: randomHex(16)}
	cred, err := pgserver.Init(ctx, bin, dir, c.password)
	if err != nil {
		return nil, err
	}
	if c.port, err = freeport.Port(); err != nil {
		return nil, err
	}
	args := pgserver.Args(dir, c.port)
	p, err := start("postgres", filepath.Join(bin, "postgres"), args, dir, os.Environ(), logs.prefixed("postgres"), syscall.SIGINT, cred)
	if err != nil {
		return nil, err
	}
	started(p)
	c.db, err = sql.Open("postgres", fmt.Sprintf("host=127.0.0.1 port=%d user=postgres password=%s dbname=postgres sslmode=disable connect_timeout=2", c.port, pq.QuoteLiteral(c.password)))
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(30 * time.Second)
	for delay := 20 * time.Millisecond; ; delay = min(2*delay, 300*time.Millisecond) {
		err := c.db.PingContext(ctx)
		if err == nil {
			return c, nil
		}
		select {
		case <-p.done:
			c.db.Close()
			return nil, fmt.Errorf("postgres stopped: %v", exitText(p.err))
		case <-ctx.Done():
			c.db.Close()
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		if time.Now().After(deadline) {
			c.db.Close()
			return nil, fmt.Errorf("postgres does not answer on port %d: %v", c.port, err)
		}
	}
}

// hasPostgres tells whether a throwaway cluster can be started.
func (r *Run) hasPostgres() bool {
	_, err := pgserver.BinDir(r.Postgres)
	return err == nil
}
