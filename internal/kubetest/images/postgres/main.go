//go:build ignore

// The entrypoint of the node tests' PostgreSQL image (scripts/postgres-image.sh
// assembles the rest from Debian's packages). It does what the official
// image's docker-entrypoint.sh does for the environment harness's chart
// gives: on a first start initdb in PGDATA with POSTGRES_USER as the
// superuser and POSTGRES_PASSWORD as its password, clients allowed from any
// address with that password, POSTGRES_DB created; then it becomes the
// server, listening on every address. No shell: initdb itself runs its steps
// through /bin/sh.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "postgres entrypoint:", err)
		os.Exit(1)
	}
}

func run() error {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	if len(bins) != 1 {
		return fmt.Errorf("want one /usr/lib/postgresql/*/bin, found %v", bins)
	}
	bin := bins[0]
	data := env("PGDATA", "/var/lib/postgresql/data")
	user := env("POSTGRES_USER", "postgres")
	db := env("POSTGRES_DB", user)
	server := []string{"-D", data, "-c", "jit=off", "-c", "unix_socket_directories=/var/run/postgresql"}

	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); os.IsNotExist(err) {
		pass := os.Getenv("POSTGRES_PASSWORD")
		if pass == "" {
			return fmt.Errorf("POSTGRES_PASSWORD is empty")
		}
		pwfile, err := os.CreateTemp("", "pw")
		if err != nil {
			return err
		}
		defer os.Remove(pwfile.Name())
		if _, err := pwfile.WriteString(pass + "\n"); err != nil {
			return err
		}
		if err := pwfile.Close(); err != nil {
			return err
		}
		if err := cmd(nil, bin+"/initdb", "-D", data, "-U", user, "--pwfile="+pwfile.Name(),
			"--auth=scram-sha-256", "--no-locale", "--encoding=UTF8"); err != nil {
			return err
		}
		hba, err := os.OpenFile(filepath.Join(data, "pg_hba.conf"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		if _, err := hba.WriteString("host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n"); err != nil {
			return err
		}
		if err := hba.Close(); err != nil {
			return err
		}
		if db != "postgres" {
			sql := fmt.Sprintf("CREATE DATABASE %s OWNER %s;\n", ident(db), ident(user))
			args := append([]string{"--single"}, server...)
			if err := cmd(strings.NewReader(sql), bin+"/postgres", append(args, "postgres")...); err != nil {
				return fmt.Errorf("create database %s: %w", db, err)
			}
		}
		fmt.Fprintf(os.Stderr, "postgres entrypoint: initialized %s (user %s, database %s)\n", data, user, db)
	}
	args := append([]string{bin + "/postgres"}, server...)
	args = append(args, "-c", "listen_addresses=*")
	return syscall.Exec(bin+"/postgres", args, os.Environ())
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// ident quotes a SQL identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func cmd(stdin *strings.Reader, path string, args ...string) error {
	c := exec.Command(path, args...)
	if stdin != nil {
		c.Stdin = stdin
	}
	c.Stdout, c.Stderr = os.Stderr, os.Stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return nil
}
