// Package pgcluster starts throwaway PostgreSQL clusters for tests: the
// machine's initdb and postgres, a data folder of its own, a port of
// 127.0.0.1, no fsync, everything removed when stopped. harness run starts
// its local database with the same pieces (internal/pgserver), without
// this package's driver and test helpers.
package pgcluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/harness-sh/harness/internal/freeport"
	"github.com/harness-sh/harness/internal/pgserver"
	"github.com/harness-sh/harness/internal/procgroup"
)

// Options configure Start. The zero value is a cluster on a free port with a
// random superuser password.
type Options struct {
	BinDir   string    // initdb and postgres; default BinDir("")
	Port     int       // default: a free port
	Password string    // the superuser postgres's; default random
	Log      io.Writer // the server's output; default discarded
}

// Cluster is a running throwaway cluster.
type Cluster struct {
	Port     int
	Password string // the superuser postgres's
	dir      string
	cmd      *exec.Cmd
	done     chan struct{}
	err      error
}

// Start initialises a cluster in a new temporary folder and starts it,
// returning once it answers. Stop removes it.
func Start(ctx context.Context, o Options) (c *Cluster, err error) {
	bin, err := pgserver.BinDir(o.BinDir)
	if err != nil {
		return nil, err
	}
	base, err := os.MkdirTemp("", "pgcluster-*")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(base)
		}
	}()
	c = &Cluster{Port: o.Port, Password: o.Password, dir: base, done: make(chan struct{})}
	if c.Password == "" {
		b := make([]byte, 16)
		rand.Read(b)
		c.Password = hex.EncodeToString(b)
	}
	if c.Port == 0 {
		if c.Port, err = freeport.Port(); err != nil {
			return nil, err
		}
	}
	dir := filepath.Join(base, "pg")
	cred, err := pgserver.Init(ctx, bin, dir, c.Password)
	if err != nil {
		return nil, err
	}
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), pgserver.Args(dir, c.Port)...)
	c.cmd.Dir = dir
	c.cmd.Stdout, c.cmd.Stderr = log, log
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	if err := c.wait(ctx); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// wait returns once the server answers a connection.
func (c *Cluster) wait(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for delay := 20 * time.Millisecond; ; delay = min(2*delay, 300*time.Millisecond) {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(cctx, c.URL("postgres"))
		cancel()
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-c.done:
			return fmt.Errorf("postgres stopped: %v", c.err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres does not answer on port %d: %v", c.Port, err)
		}
	}
}

// URL is the superuser's URL of database db.
func (c *Cluster) URL(db string) string { return pgserver.URL(c.Port, "postgres", c.Password, db) }

// CreateDatabase creates the database name and returns its URL.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return c.URL(name), nil
}

// Stop stops the server (fast shutdown, killed after 10 s) and removes its
// folder. It may be called more than once.
func (c *Cluster) Stop() error {
	if c.cmd != nil && c.cmd.Process != nil {
		procgroup.Stop(c.cmd.Process.Pid, c.done, syscall.SIGINT, 10*time.Second)
	}
	return os.RemoveAll(c.dir)
}
