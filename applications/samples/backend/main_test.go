// Scaffolded by harness; yours to edit.

package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harness-sh/harness/applications/samples/backend/database"
	"github.com/harness-sh/harness/applications/samples/backend/database/databasetest"
	"github.com/harness-sh/harness/applications/samples/backend/service"
	"github.com/jackc/pgx/v5/pgxpool"
)

func TestMain(m *testing.M) { os.Exit(databasetest.Main(m)) }

// events is a slog handler that hands each record's message to a channel,
// so that a test waits for what the server does instead of for time.
type events chan string

func (e events) Enabled(context.Context, slog.Level) bool { return true }
func (e events) Handle(_ context.Context, r slog.Record) error {
	select {
	case e <- r.Message:
	default: // nobody waiting for this one
	}
	return nil
}
func (e events) WithAttrs([]slog.Attr) slog.Handler { return e }
func (e events) WithGroup(string) slog.Handler      { return e }

// await returns once each message of want has been logged as many times
// as it says.
func (e events) await(t *testing.T, want map[string]int) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for len(want) > 0 {
		select {
		case m := <-e:
			if want[m]--; want[m] <= 0 {
				delete(want, m)
			}
		case <-deadline:
			t.Fatalf("still waiting after 30 s for %v to be logged", want)
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// proxy forwards the connections to 127.0.0.1:port to target, from now
// until the test ends: the database "comes up".
func proxy(t *testing.T, port int, target string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
}

func status(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// A database down at start keeps the server up, live and not ready,
// retrying; when the database comes up, the server migrates it and turns
// ready, and serves the API and the page; it stops cleanly when asked.
func TestServeDatabaseDown(t *testing.T) {
	dbURL, err := url.Parse(databasetest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	target := dbURL.Host
	dbPort := freePort(t) // nothing listens there yet
	dbURL.Host = "127.0.0.1:" + strconv.Itoa(dbPort)
	t.Setenv("DATABASE_URL", dbURL.String())
	port := freePort(t)
	t.Setenv("PORT", strconv.Itoa(port))
	t.Setenv("MIGRATE_ON_START", "")

	log := make(events, 100)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- run(ctx, command{log: slog.New(log), stdout: io.Discard, drainDelay: -1}, nil) }()

	base := "http://127.0.0.1:" + strconv.Itoa(port)
	log.await(t, map[string]int{"listening": 1, "database not ready; retrying": 3})
	for path, want := range map[string]int{"/live": 200, "/ready": 503} {
		if got := status(t, base+path); got != want {
			t.Errorf("%s with the database down: %d, want %d", path, got, want)
		}
	}
	select {
	case err := <-done:
		t.Fatalf("the server stopped with the database down: %v", err)
	default:
	}

	proxy(t, dbPort, target)
	log.await(t, map[string]int{"database ready: schema is current": 1})
	for path, want := range map[string]int{"/ready": 200, "/api/passengers": 200, "/": 200} {
		if got := status(t, base+path); got != want {
			t.Errorf("%s with the database up: %d, want %d", path, got, want)
		}
	}

	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("stopped with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop")
	}
}

// The command line: the commands, their arguments, and what the migrate
// and import commands do to a database.
func TestCommands(t *testing.T) {
	t.Setenv("MIGRATE_WAIT", "5s")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.csv", "name,email,nationality,phone\nAda,ada@example.org,GB,+441234567890\nGrace,grace@example.org,US,\n")
	bad := write("bad.csv", "name,email,nationality\nAda,ada@example.org,GB\nBob,bob,GB\n")

	migrated := databasetest.URL(t)
	pool, err := pgxpool.New(context.Background(), migrated)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	for _, tc := range []struct {
		name string
		url  string // DATABASE_URL
		args []string
		out  string // stdout
		err  string // in the error; "" for none
	}{
		{name: "unknown command", args: []string{"bogus"}, err: "usage: server"},
		{name: "import without a file", args: []string{"import"}, err: `"import" takes 1 argument(s)`},
		{name: "migrate with an argument", args: []string{"migrate", "now"}, err: `"migrate" takes 0 argument(s)`},
		{name: "import before migrate", url: migrated, args: []string{"import", good}, err: "run `server migrate` first"},
		{name: "migrate", url: migrated, args: []string{"migrate"}},
		{name: "migrate again", url: migrated, args: []string{"migrate"}},
		{name: "import a missing file", url: migrated, args: []string{"import", filepath.Join(dir, "none.csv")}, err: "none.csv"},
		{name: "import a bad file", url: migrated, args: []string{"import", bad}, err: bad + ":3: email: must be an email address\n"},
		{name: "import", url: migrated, args: []string{"import", good}, out: good + ": imported 2 passenger(s)\n"},
		{name: "import again", url: migrated, args: []string{"import", good}, err: good + ":2: email: ada@example.org is already registered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("DATABASE_URL", tc.url)
			var out bytes.Buffer
			err := run(context.Background(), command{log: quiet, stdout: &out}, tc.args)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			if out.String() != tc.out {
				t.Errorf("output %q, want %q", out.String(), tc.out)
			}
		})
	}
	if v, err := database.Version(context.Background(), pool); err != nil || v != database.Latest() {
		t.Errorf("version %d after migrate, %v", v, err)
	}
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM passengers").Scan(&n); err != nil || n != 2 {
		t.Errorf("%d passengers after the imports (%v), want the good file's 2", n, err)
	}
	// A refused file is an ImportError, which main prints as it is.
	t.Setenv("DATABASE_URL", migrated)
	err = run(context.Background(), command{log: quiet, stdout: io.Discard}, []string{"import", bad})
	var refused *service.ImportError
	if !errors.As(err, &refused) {
		t.Errorf("a bad file: %v, want an ImportError", err)
	}
}
