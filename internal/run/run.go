// Package run runs a solution on the developer's machine, without a
// cluster (harness run): it renders the chart as harness-deployment does,
// gives each selected Go application what its pod would get (environment,
// values, secrets) in a temporary folder, builds it with the Go toolchain,
// runs it as a local process on 127.0.0.1, and tells the runtime library of
// every application where the others are (runtime.EnvAddressesPath).
// Databases come from DATABASE_URL or, for PostgreSQL, from a throwaway
// cluster started with the machine's initdb and postgres.
package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/internal/deploy"
	"github.com/harness-sh/harness/runtime"
)

// DefaultStopTimeout is how long a process has to stop after SIGTERM
// before it is killed.
const DefaultStopTimeout = 10 * time.Second

// Run is one `harness run`: its fields are the command's flags.
type Run struct {
	// Solution is the solution as harness-deployment reads it: roots,
	// environments, exclusions. Its Include is set from Apps.
	Solution deploy.Deployment
	// Apps are the applications to run, with what they depend on; none:
	// every application.
	Apps []string
	// Ports is the first port: the Nth application runs on Ports+N-1.
	// 0: ports the system chooses.
	Ports int
	// DatabaseURL, when set, is the database of every application whose
	// automatic database is of its type (postgres://, mongodb://, bolt://).
	DatabaseURL string
	// Postgres is the folder of initdb and postgres; "": found in PATH or
	// under /usr/lib/postgresql.
	Postgres string
	// StopTimeout is the time between SIGTERM and SIGKILL; 0: DefaultStopTimeout.
	StopTimeout time.Duration
	// TempDir is where the run's folder goes; "": the system's.
	TempDir string
	// BinDir keeps the binaries from one run to the next, so that go build
	// links again only what changed; "": harness's folder in the user's
	// cache (os.UserCacheDir).
	BinDir string
	// OnReady, when set, is called once every service answers.
	OnReady func([]Service)

	Out, Err io.Writer // services and their logs; harness's own messages
}

// Service is a process of the run.
type Service struct {
	Name string // the application's, or "postgres"
	URL  string
	PID  int
}

// proc is a process the run started.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	err  error         // its exit, once done is closed
	stop syscall.Signal
}

// app is an application the run starts.
type app struct {
	deploy.LocalApp
	port int
	bin  string
	dir  string // its rendered files
	env  []string
}

// Run runs the solution until ctx is done or a process ends, then stops
// every process it started. It returns nil when ctx ended it.
func (r *Run) Run(ctx context.Context) (err error) {
	defer func() {
		if err != nil && ctx.Err() != nil {
			err = nil // stopped while starting: not a failure
		}
	}()
	out, errw := r.Out, r.Err
	if out == nil {
		out = io.Discard
	}
	if errw == nil {
		errw = io.Discard
	}
	logs := &logWriter{w: out}
	sol := r.Solution
	sol.Include = r.Apps
	local, err := sol.RenderLocal(ctx)
	if err != nil {
		return err
	}
	for _, n := range local.Notes {
		fmt.Fprintf(errw, "note: %s\n", n)
	}
	var apps []*app
	for _, a := range local.Apps {
		switch {
		case a.Workload == "":
		case a.GoMain == "":
			fmt.Fprintf(errw, "note: %s is not a Go command that harness builds: not run\n", a.Name)
		default:
			apps = append(apps, &app{LocalApp: a})
		}
	}
	if len(apps) == 0 {
		return errors.New("no Go application to run: harness run builds and runs the applications whose Dockerfile builds a Go command")
	}
	logs.width = width(apps)
	if err := r.assignPorts(apps); err != nil {
		return err
	}

	tmp, err := os.MkdirTemp(r.TempDir, "harness-run-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	var procs []*proc
	var cleanups []func() // after every process stopped
	defer func() {
		stopAll(procs, r.stopTimeout())
		for _, c := range cleanups {
			c()
		}
	}()
	started := func(p *proc) { procs = append(procs, p) }
	cleanup := func(c func()) { cleanups = append(cleanups, c) }

	// The build and the database's start overlap.
	buildCtx, cancelBuild := context.WithCancel(ctx)
	defer cancelBuild()
	built := make(chan error, 1)
	binDir := r.BinDir
	if binDir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = tmp
		}
		binDir = filepath.Join(cache, "harness", "run")
	}
	go func() { built <- r.build(buildCtx, apps, binDir, errw) }()
	dbURLs, pg, err := r.databases(ctx, apps, tmp, logs, started, cleanup)
	if err != nil {
		cancelBuild()
		<-built
		return err
	}
	if err := <-built; err != nil {
		return err
	}
	if pg != "" {
		logs.line(fmt.Sprintf("%-*s  %s", logs.width, "postgres", pg))
	}
	addrFile := filepath.Join(tmp, "addresses.yaml")
	if err := writeAddresses(addrFile, apps, dbURLs); err != nil {
		return err
	}
	if err := r.runHooks(ctx, local, apps, tmp, addrFile, logs, started, errw); err != nil {
		return err
	}
	for _, a := range apps {
		w := local.Workload(a.Workload)
		env, err := r.files(w, filepath.Join(tmp, "apps", a.Name), addrFile, errw)
		if err != nil {
			return err
		}
		a.env = append(env, "PORT="+strconv.Itoa(a.port))
		p, err := start(a.Name, a.bin, w.Args, a.Dir, a.env, logs.prefixed(a.Name), syscall.SIGTERM, nil)
		if err != nil {
			return err
		}
		started(p)
	}
	return r.serve(ctx, apps, procs, logs)
}

// writeAddresses writes the runtime's addresses file: every application
// run on its port, the databases given.
func writeAddresses(file string, apps []*app, dbURLs map[string]string) error {
	addrs := map[string]runtime.Addresses{}
	for _, a := range apps {
		u := "http://127.0.0.1:" + strconv.Itoa(a.port)
		ad := runtime.Addresses{Service: u}
		if a.Public {
			ad.Public = u
		}
		addrs[a.Name] = ad
	}
	for name, u := range dbURLs {
		ad := addrs[name]
		ad.Database = u
		addrs[name] = ad
	}
	data, err := yaml.Marshal(runtime.AddressesFile{Apps: addrs})
	if err != nil {
		return err
	}
	return os.WriteFile(file, data, 0o600)
}

// runHooks runs the hook Jobs (migrations) of an application's own image
// with its binary, one after the other, as Helm runs them before the
// release's objects. A failure is an error; a stop (ctx) is not.
func (r *Run) runHooks(ctx context.Context, local *deploy.Local, apps []*app, tmp, addrFile string, logs *logWriter, started func(*proc), errw io.Writer) error {
	byName := map[string]*app{}
	for _, a := range apps {
		byName[a.Name] = a
	}
	for _, w := range local.Workloads {
		a := byName[w.App]
		if w.Role != deploy.RoleHook || a == nil {
			continue
		}
		if w.Image != a.Image || len(w.Command) > 0 {
			fmt.Fprintf(errw, "note: %s: a hook Job that does not run %s's own binary: not run locally\n", w.Name, a.Name)
			continue
		}
		env, err := r.files(w, filepath.Join(tmp, "jobs", w.Name), addrFile, errw)
		if err != nil {
			return err
		}
		env = append(env, "PORT="+strconv.Itoa(a.port))
		p, err := start(w.Name, a.bin, w.Args, a.Dir, env, logs.prefixed(w.Name), syscall.SIGTERM, nil)
		if err != nil {
			return err
		}
		started(p)
		select {
		case <-p.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if p.err != nil {
			return fmt.Errorf("%s (hook Job of %s): %w", w.Name, a.Name, p.err)
		}
	}
	return nil
}

func (r *Run) stopTimeout() time.Duration {
	if r.StopTimeout > 0 {
		return r.StopTimeout
	}
	return DefaultStopTimeout
}

func width(apps []*app) int {
	w := len("postgres")
	for _, a := range apps {
		w = max(w, len(a.Name))
	}
	return w
}

// assignPorts gives each application its port, checking that it is free:
// a port taken is an error before anything starts.
func (r *Run) assignPorts(apps []*app) error {
	for i, a := range apps {
		addr := "127.0.0.1:0"
		if r.Ports > 0 {
			addr = "127.0.0.1:" + strconv.Itoa(r.Ports+i)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("%s: port %d is taken (%v): stop what listens there, or give other ports with --port-base", a.Name, r.Ports+i, err)
		}
		a.port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	return nil
}

// build compiles every application's command, in parallel.
func (r *Run) build(ctx context.Context, apps []*app, dir string, errw io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(errw, "building %s with go build\n", names(apps))
	begin := time.Now()
	defer func() { fmt.Fprintf(errw, "built in %s\n", time.Since(begin).Round(10*time.Millisecond)) }()
	errs := make([]error, len(apps))
	var wg sync.WaitGroup
	for i, a := range apps {
		// One binary per command folder: go build leaves it as it is when
		// it is up to date.
		abs, err := filepath.Abs(a.GoMain)
		if err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(abs))
		a.bin = filepath.Join(dir, hex.EncodeToString(sum[:8])+"-"+a.Name)
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.CommandContext(ctx, "go", "build", "-o", a.bin, ".")
			cmd.Dir = a.GoMain
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("go build in %s: %v\n%s", a.GoMain, err, strings.TrimSpace(string(out)))
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// files writes what a workload's pod mounts under the runtime's folder
// (/opt/cloudharness/resources: the values, the secrets) into dir, and
// returns the process's environment: the machine's, the workload's and the
// runtime's paths into dir.
func (r *Run) files(w *deploy.Workload, dir, addrFile string, errw io.Writer) ([]string, error) {
	resources := path.Dir(runtime.DefaultValuesPath)
	for _, m := range w.Mounts {
		rel, err := filepath.Rel(resources, m.Path)
		if m.Tmpfs {
			continue
		}
		if m.Files == nil || err != nil || strings.HasPrefix(rel, "..") {
			fmt.Fprintf(errw, "note: %s: %s is not available to a local process\n", w.Name, m.Path)
			continue
		}
		for p, data := range m.Files.Files {
			target := filepath.Join(dir, rel, filepath.FromSlash(p))
			if m.SubPath != "" {
				if p != m.SubPath {
					continue
				}
				target = filepath.Join(dir, rel)
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
				return nil, err
			}
			if err := os.WriteFile(target, data, 0o600); err != nil {
				return nil, err
			}
		}
	}
	env := os.Environ()
	for _, e := range w.Env {
		env = append(env, e.Name+"="+e.Value)
	}
	return append(env,
		runtime.EnvValuesPath+"="+filepath.Join(dir, filepath.Base(runtime.DefaultValuesPath)),
		runtime.EnvSecretsPath+"="+filepath.Join(dir, "secrets"),
		runtime.EnvAddressesPath+"="+addrFile,
	), nil
}

// serve waits for every application to answer, prints its URL, then waits
// for ctx or for a process to end.
func (r *Run) serve(ctx context.Context, apps []*app, procs []*proc, logs *logWriter) error {
	ended := make(chan *proc, len(procs))
	for _, p := range procs {
		go func() {
			<-p.done
			ended <- p
		}()
	}
	readyCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	readyc := make(chan *app, len(apps))
	for _, a := range apps {
		go func() {
			if waitReady(readyCtx, a) == nil {
				readyc <- a
			}
		}()
	}
	var services []Service
	slow := time.NewTimer(30 * time.Second)
	defer slow.Stop()
	for pending := len(apps); ; {
		select {
		case <-ctx.Done():
			return nil
		case <-slow.C:
			for _, a := range apps {
				if !slices.ContainsFunc(services, func(s Service) bool { return s.Name == a.Name }) {
					logs.line(fmt.Sprintf("note: %s does not answer on http://127.0.0.1:%d%s after 30 s: does it listen on $PORT?", a.Name, a.port, a.Ready))
				}
			}
		case p := <-ended:
			if p.name == "postgres" || isApp(apps, p.name) {
				return fmt.Errorf("%s stopped: %v", p.name, exitText(p.err))
			}
		case a := <-readyc:
			u := "http://127.0.0.1:" + strconv.Itoa(a.port)
			logs.line(fmt.Sprintf("%-*s  %s", logs.width, a.Name, u))
			services = append(services, Service{Name: a.Name, URL: u, PID: pidOf(procs, a.Name)})
			if pending--; pending == 0 {
				for _, p := range procs {
					if p.name == "postgres" {
						services = append(services, Service{Name: p.name, PID: p.cmd.Process.Pid})
					}
				}
				if r.OnReady != nil {
					r.OnReady(services)
				}
			}
		}
	}
}

func isApp(apps []*app, name string) bool {
	return slices.ContainsFunc(apps, func(a *app) bool { return a.Name == name })
}

func pidOf(procs []*proc, name string) int {
	for _, p := range procs {
		if p.name == name {
			return p.cmd.Process.Pid
		}
	}
	return 0
}

func exitText(err error) string {
	if err == nil {
		return "exited"
	}
	return err.Error()
}

// waitReady polls the application's readiness path (its port when it has
// none) until it answers 2xx.
func waitReady(ctx context.Context, a *app) error {
	client := &http.Client{Timeout: 2 * time.Second}
	url := "http://127.0.0.1:" + strconv.Itoa(a.port) + a.Ready
	for delay := 20 * time.Millisecond; ; delay = min(2*delay, 500*time.Millisecond) {
		if a.Ready == "" {
			if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(a.port), time.Second); err == nil {
				c.Close()
				return nil
			}
		} else if req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil); err == nil {
			if resp, err := client.Do(req); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode/100 == 2 {
					return nil
				}
			}
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// start starts a process in its own process group, so that a Ctrl-C in the
// terminal reaches harness alone and harness stops each process in order.
// cred, when set, is the user it runs as.
func start(name, bin string, args []string, dir string, env []string, w io.Writer, stop syscall.Signal, cred *syscall.Credential) (*proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred}
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{}), stop: stop}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// stopAll stops the applications, then the database they may use on
// their way out.
func stopAll(procs []*proc, timeout time.Duration) {
	var apps, dbs []*proc
	for _, p := range procs {
		if p.name == "postgres" {
			dbs = append(dbs, p)
		} else {
			apps = append(apps, p)
		}
	}
	stop(apps, timeout)
	stop(dbs, timeout)
}

// stop signals every process still running, then kills the process
// groups of those that have not ended after timeout.
func stop(procs []*proc, timeout time.Duration) {
	for _, p := range procs {
		select {
		case <-p.done:
			continue
		default:
		}
		syscall.Kill(-p.cmd.Process.Pid, p.stop)
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for _, p := range procs {
		select {
		case <-p.done:
		case <-deadline.C:
			for _, q := range procs {
				syscall.Kill(-q.cmd.Process.Pid, syscall.SIGKILL)
			}
			<-p.done
		}
	}
}
