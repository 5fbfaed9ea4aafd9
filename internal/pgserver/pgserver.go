// Package pgserver holds what starting a throwaway PostgreSQL cluster takes
// from the machine, for both harness run's local database (internal/run)
// and the tests' clusters (internal/pgcluster): finding initdb and postgres,
// initialising a data folder, and the server's arguments. Run by root, the
// server runs as the user postgres (or nobody), since PostgreSQL refuses
// root. It links no database driver and no test code.
package pgserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
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
	return "", errors.New("no initdb and postgres found in PATH or /usr/lib/postgresql/*/bin")
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

// Init makes dir (when missing) and a cluster in dir/data with bin's
// initdb, its superuser postgres's password given. It returns the user the
// server must run as: nil, unless this process is root, when dir is given
// to that user and its parent opened for it to pass through.
func Init(ctx context.Context, bin, dir, password string) (*syscall.Credential, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		var err error
		if cred, err = Unprivileged(); err != nil {
			return nil, err
		}
		if err := os.Chmod(filepath.Dir(dir), 0o711); err != nil {
			return nil, err
		}
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	pwfile := filepath.Join(dir, "pwfile")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return nil, err
	}
	defer os.Remove(pwfile)
	if cred != nil {
		if err := os.Chown(pwfile, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, err
		}
	}
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", filepath.Join(dir, "data"), "-U", "postgres",
		"--pwfile", pwfile, "--auth", "scram-sha-256", "-E", "UTF8", "--no-sync")
	initdb.Dir = dir
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, bytes.TrimSpace(out))
	}
	return cred, nil
}

// Args are postgres's arguments for the cluster Init made in dir, served on
// port of 127.0.0.1 (its socket in dir). A throwaway cluster need not
// survive a crash: no fsync.
func Args(dir string, port int) []string {
	return []string{"-D", filepath.Join(dir, "data"), "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"}
}

// URL is the URL of database db on the cluster at port, as user.
func URL(port int, user, password, db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(user, password),
		Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}
