// Package pgcluster starts throwaway PostgreSQL clusters for tests: the
// machine's initdb and postgres, a data folder of its own, a port of
// 127.0.0.1, no fsync, everything removed when stopped. Run by root, the
// server runs as the user postgres (or nobody), since PostgreSQL refuses
// root. harness run starts its local database with the same pieces (BinDir,
// Unprivileged).
package pgcluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// BinDir finds the folder of initdb and postgres: dir when given, else
// initdb's in PATH (links followed), else the newest
// /usr/lib/postgresql/*/bin (Debian's layout).
func BinDir(dir string) (string, error) {
	var dirs []string
	if dir != "" {
		dirs = []string{dir}
	} else {
		if p, err := exec.LookPath("initdb"); err == nil {
			if real, err := filepath.EvalSymlinks(p); err == nil {
				dirs = append(dirs, filepath.Dir(real))
			}
			dirs = append(dirs, filepath.Dir(p))
		}
		found, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		sort.Slice(found, func(i, j int) bool { return versionOf(found[i]) > versionOf(found[j]) })
		dirs = append(dirs, found...)
	}
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	if dir != "" {
		return "", fmt.Errorf("no initdb and postgres in %s", dir)
	}
	return "", errors.New("no initdb and postgres found in PATH or /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)")
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// Unprivileged is the user a root process runs PostgreSQL as: postgres,
// else nobody.
func Unprivileged() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if uid == 0 {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("PostgreSQL does not run as root, and there is no user postgres or nobody to run it as")
}

// FreePort is a port of 127.0.0.1 free when asked.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

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
	bin, err := BinDir(o.BinDir)
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
	dir := filepath.Join(base, "pg")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		if cred, err = Unprivileged(); err != nil {
			return nil, err
		}
		// The user reaches its folder through the parent.
		if err := os.Chmod(base, 0o711); err != nil {
			return nil, err
		}
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	c = &Cluster{Port: o.Port, Password: o.Password, dir: base, done: make(chan struct{})}
	if c.Password == "" {
		b := make([]byte, 16)
		rand.Read(b)
		c.Password = hex.EncodeToString(b)
	}
	if c.Port == 0 {
		if c.Port, err = FreePort(); err != nil {
			return nil, err
		}
	}
	pwfile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(c.Password+"\n"), 0o600); err != nil {
		return nil, err
	}
	if cred != nil {
		if err := os.Chown(pwfile, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--pwfile", pwfile,
		"--auth", "scram-sha-256", "-E", "UTF8", "--no-sync")
	initdb.Dir = dir
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, bytes.TrimSpace(out))
	}
	os.Remove(pwfile)
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	// A throwaway cluster need not survive a crash: no fsync.
	c.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(c.Port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
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
func (c *Cluster) URL(db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword("postgres", c.Password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port)), Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

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
		select {
		case <-c.done:
		default:
			syscall.Kill(-c.cmd.Process.Pid, syscall.SIGINT)
			select {
			case <-c.done:
			case <-time.After(10 * time.Second):
				syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
				<-c.done
			}
		}
	}
	return os.RemoveAll(c.dir)
}
