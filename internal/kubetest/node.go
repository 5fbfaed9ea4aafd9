package kubetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/utils/ptr"

	"github.com/harness-sh/harness/internal/testenv"
)

// The node's network: addresses of RFC 2544's benchmarking range, which no
// network routes, inside the node's own network namespace.
const (
	nodeName    = "kubetest-node"
	nodeBridge  = "kubetest0"     // holds the node's address; no port, no uplink
	nodeIP      = "198.18.0.1"    // the node's InternalIP, the API server's advertised address
	podCIDR     = "198.18.1.0/24" // the CNI bridge's, one node's worth
	podGateway  = "198.18.1.1"    // the CNI bridge cni0 in the node's namespace
	serviceCIDR = "198.18.2.0/24" // ClusterIPs, routed to the node's bridge for kube-proxy
	kubeService = "198.18.2.1"    // the kubernetes Service's ClusterIP
	nodeNet     = "198.18.0.0/22" // the above: the only destination a Pod has a route to
	cniBinDir   = "/usr/lib/cni"  // Debian's containernetworking-plugins
	nodeLock    = "@harness-kubetest-node"
	// NodeDNS is the node's CoreDNS, the Pods' name server.
	NodeDNS = nodeIP + ":53"
	// nodeTimeout bounds the node's start: the control plane, then the node
	// Ready (5 to 8 s in all on an idle 2-core machine).
	nodeTimeout = 4 * time.Minute
)

// nodeBinaries are the programs the node needs besides HARNESS_KUBE_BIN's,
// with the Debian package that ships each (scripts/test.sh installs them).
var nodeBinaries = map[string]string{
	"containerd":              "containerd",
	"containerd-shim-runc-v2": "containerd",
	"runc":                    "runc",
	"iptables":                "iptables",
	"iptables-restore":        "iptables",
	"ip":                      "iproute2",
}

// StartNode runs a cluster with a node where Pods run: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, kubelet and kube-proxy, containerd
// with runc and the CNI bridge plugin, and an image registry (Registry) that
// the test pushes to and the node pulls from. It returns when the node is
// Ready.
//
// Everything runs inside a network namespace made for the node, with no
// interface to the host's, so nothing can send a packet off the machine;
// the test reaches the API server (URL, Kubeconfig) and the registry on
// 127.0.0.1 through sockets it opens inside, and Pods and Services through
// DialContext. It needs root, and changes host state that the end of the test
// puts back, also when the test fails: see docs/testing.md. One node runs on
// a machine at a time; a second StartNode waits for the first to end.
//
// Like Start it skips outside CI when HARNESS_SKIP_CLUSTER=1 or nothing is
// installed, and fails under CI=true when anything is missing.
func StartNode(t testing.TB) *Cluster {
	t.Helper()
	bin := binDir(t)
	requireNodeHost(t, bin)

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	lock, err := lockNode(ctx)
	if err != nil {
		t.Fatalf("start node: %v", err)
	}
	begin := time.Now()
	n := &node{t: t, bin: bin, lock: lock, procs: map[string]*process{}}
	t.Cleanup(n.stop)
	ctx, cancel = context.WithTimeout(context.Background(), nodeTimeout)
	defer cancel()
	c, err := n.start(ctx)
	if err != nil {
		t.Fatalf("start node: %v", err)
	}
	t.Logf("kubetest: node %s Ready in %v (control plane %v)", nodeName,
		time.Since(begin).Round(100*time.Millisecond), n.controlPlaneReady.Sub(begin).Round(100*time.Millisecond))
	return c
}

// DialContext connects to addr from inside the node's network namespace, as
// a process of the node would: to a Pod's or a Service's IP. It fits
// http.Transport.DialContext.
func (c *Cluster) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if c.ns == nil {
		return nil, errors.New("dial: the cluster has no node (StartNode starts one)")
	}
	return c.ns.DialContext(ctx, network, addr)
}

// HTTPClient returns a client whose connections start inside the node's
// network namespace (DialContext), for requests to Pods and Services.
func (c *Cluster) HTTPClient() *http.Client {
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{DialContext: c.DialContext, DisableKeepAlives: true},
	}
}

// requireNodeHost skips or fails the test when the machine cannot run a node.
func requireNodeHost(t testing.TB, bin string) {
	t.Helper()
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root (a node mounts, makes cgroups and sets kernel settings)")
	}
	for _, name := range []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy", "coredns"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			missing = append(missing, fmt.Sprintf("%s in %s (run scripts/kube-binaries.sh)", name, BinEnv))
		}
	}
	pkgs := map[string]bool{}
	for name, pkg := range nodeBinaries {
		if _, err := lookNodePath(name); err != nil {
			pkgs[pkg] = true
		}
	}
	for _, plugin := range []string{"bridge", "host-local", "loopback"} {
		if _, err := os.Stat(filepath.Join(cniBinDir, plugin)); err != nil {
			pkgs["containernetworking-plugins"] = true
		}
	}
	if len(pkgs) > 0 {
		names := slices.Sorted(maps.Keys(pkgs))
		missing = append(missing, fmt.Sprintf("the Debian packages %[1]s (as root: bash scripts/packages.sh %[1]s)", strings.Join(names, " ")))
	}
	if len(missing) == 0 {
		return
	}
	testenv.Missing(t, "a node needs %s", strings.Join(missing, ", and "))
}

// nodePath is the PATH of the node's processes: kubelet runs iptables and
// mount, containerd runs its shim and runc, from the system's directories.
func nodePath() string {
	dirs := filepath.SplitList(os.Getenv("PATH"))
	for _, d := range []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"} {
		if !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return strings.Join(dirs, string(filepath.ListSeparator))
}

func nodeEnv() []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "PATH=") || strings.HasPrefix(kv, "KUBECONFIG=")
	})
	return append(env, "PATH="+nodePath())
}

// lookNodePath finds name in nodePath.
func lookNodePath(name string) (string, error) {
	for _, d := range filepath.SplitList(nodePath()) {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found in %s", name, nodePath())
}

// lockNode waits until no other node runs on the machine: kubelet's cgroups
// and fixed paths exist once per machine. The lock is an abstract socket, so
// a killed test binary releases it.
func lockNode(ctx context.Context) (net.Listener, error) {
	for {
		l, err := net.Listen("unix", nodeLock)
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			return nil, fmt.Errorf("lock %s: %w", nodeLock, err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("another test's node still runs on this machine: %w", ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// node is one StartNode's state, for its stop.
type node struct {
	t    testing.TB
	bin  string
	lock net.Listener
	dir  string
	host *hostState
	ns   *netns

	apiListener net.Listener
	forward     *forwarder
	registry    *imageRegistry
	procs       map[string]*process
	cs          *kubernetes.Clientset

	controlPlaneReady time.Time
}

func (n *node) start(ctx context.Context) (*Cluster, error) {
	if err := sweepLeftovers(); err != nil {
		return nil, fmt.Errorf("clean up after an earlier, killed node: %w", err)
	}
	var err error
	// Short: unix socket paths must stay under 108 bytes.
	if n.dir, err = os.MkdirTemp("", "kubetest-node-"); err != nil {
		return nil, err
	}
	if n.host, err = saveHostState(n.dir); err != nil {
		return nil, err
	}
	if n.ns, err = newNetns(); err != nil {
		return nil, err
	}
	if err := n.network(ctx); err != nil {
		return nil, err
	}

	// The API server and the registry listen on the same port on 127.0.0.1
	// in both namespaces, so one URL and one image name serve the test and
	// the node. The host's port is taken first; the node's namespace is new,
	// so the same port is free there.
	if n.apiListener, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return nil, err
	}
	regListener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if n.registry, err = startRegistry(regListener, n.ns); err != nil {
		regListener.Close()
		return nil, err
	}
	pauseRef := make(chan error, 1)
	var pause string
	go func() {
		// As the usual pause images: no user of the machine's, no root.
		img, err := goImage(ctx, pauseSource, "pause", "65535:65535")
		if err == nil {
			pause, err = push(ctx, n.registry.addr, "kubetest/pause:1", img)
		}
		pauseRef <- err
	}()

	pki, err := newPKI(filepath.Join(n.dir, "pki"),
		[]net.IP{net.ParseIP(nodeIP), net.ParseIP(kubeService)},
		[]string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"})
	if err != nil {
		return nil, err
	}
	cp := controlPlane{
		bin:         n.bin,
		dir:         n.dir,
		pki:         pki,
		ns:          n.ns,
		etcdClient:  2379,
		etcdPeer:    2380,
		apiPort:     n.apiListener.Addr().(*net.TCPAddr).Port,
		bind:        "0.0.0.0",
		advertise:   nodeIP,
		serviceCIDR: serviceCIDR,
		node:        true,
		client:      &http.Transport{DialContext: n.ns.DialContext, DisableKeepAlives: true},
	}
	procs, err := cp.start(ctx)
	for _, p := range procs {
		n.procs[p.name] = p
	}
	if err != nil {
		return nil, err
	}
	n.controlPlaneReady = time.Now()
	n.forward = newForwarder(n.apiListener, n.ns, fmt.Sprintf("127.0.0.1:%d", cp.apiPort))
	c, err := cp.cluster()
	if err != nil {
		return nil, err
	}
	c.Registry, c.Node, c.ns, c.dir = n.registry.addr, nodeName, n.ns, n.dir
	if n.cs, err = kubernetes.NewForConfig(c.Config); err != nil {
		return nil, err
	}

	if err := <-pauseRef; err != nil {
		return nil, fmt.Errorf("sandbox image: %w", err)
	}
	cfg := nodeConfig{dir: n.dir, kubeconfig: c.Kubeconfig, pki: pki, registry: n.registry.addr, pause: pause, ns: n.ns}
	if err := cfg.write(); err != nil {
		return nil, err
	}
	for _, s := range cfg.components(n.bin) {
		p, err := launch(n.ns, s.path, filepath.Join(n.dir, filepath.Base(s.path)+".log"), s.args...)
		if err != nil {
			return nil, err
		}
		n.procs[p.name] = p
		if s.ready != nil {
			if err := n.wait(ctx, p, s.ready); err != nil {
				return nil, err
			}
		}
	}
	if err := n.wait(ctx, n.procs["kubelet"], n.nodeReady); err != nil {
		return nil, fmt.Errorf("node %s not Ready: %w", nodeName, err)
	}
	return c, nil
}

// network sets up the node's namespace: the loopback, and a bridge with the
// node's address. Nothing links it to the host: no route leads out.
func (n *node) network(ctx context.Context) error {
	script := strings.Join([]string{
		"link set lo up",
		"link add " + nodeBridge + " type bridge",
		"addr add " + nodeIP + "/24 dev " + nodeBridge,
		"link set " + nodeBridge + " up",
		// ClusterIPs need a route for kube-proxy's rules to rewrite them.
		"route add " + serviceCIDR + " dev " + nodeBridge,
	}, "\n") + "\n"
	ip, err := lookNodePath("ip")
	if err != nil {
		return err
	}
	return n.ns.do(func() error {
		cmd := exec.CommandContext(ctx, ip, "-batch", "-")
		cmd.Stdin = strings.NewReader(script)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("set up the node's network: %v\n%s", err, out)
		}
		return nil
	})
}

// wait polls ready until it reports true, p exits, or ctx ends.
func (n *node) wait(ctx context.Context, p *process, ready func(context.Context) (bool, error)) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		ok, err := ready(ctx)
		if ok {
			return nil
		}
		if err != nil {
			last = err
		}
		select {
		case <-p.done:
			return p.exited()
		case <-ctx.Done():
			out, _ := os.ReadFile(p.log)
			return fmt.Errorf("%s not ready (last: %v): %w\n%s", p.name, last, ctx.Err(), tail(out, 40))
		case <-tick.C:
		}
	}
}

func (n *node) nodeReady(ctx context.Context) (bool, error) {
	nd, err := n.cs.CoreV1().Nodes().Get(ctx, nodeName, metav1.GetOptions{})
	if err != nil {
		return false, err
	}
	for _, cond := range nd.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			if cond.Status == corev1.ConditionTrue {
				return true, nil
			}
			return false, fmt.Errorf("%s: %s", cond.Reason, cond.Message)
		}
	}
	return false, errors.New("no Ready condition yet")
}

// stop ends the node and puts the host back as it was, in an order that
// leaves nothing running: Pods first, through kubelet while it runs; then
// kubelet, whatever is left in its cgroups, containerd and its shims, the
// control plane; then mounts, cgroups, kernel settings and files.
func (n *node) stop() {
	var errs []error
	keep := func(what string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
		}
	}
	stopProc := func(name string) {
		if p := n.procs[name]; p != nil {
			p.stop()
		}
	}
	if n.t.Failed() {
		n.logTails()
	}
	keep("delete pods", n.drain())
	for _, name := range []string{"coredns", "kube-proxy", "kubelet", "kube-scheduler", "kube-controller-manager"} {
		stopProc(name)
	}
	keep("kill pods", killPods())
	stopProc("containerd")
	if n.dir != "" {
		keep("kill containerd shims", killShims(filepath.Join(n.dir, "containerd.sock")))
	}
	stopProc("kube-apiserver")
	stopProc("etcd")
	if n.forward != nil {
		keep("close API forwarder", n.forward.close())
	} else if n.apiListener != nil {
		n.apiListener.Close()
	}
	if n.registry != nil {
		keep("close registry", n.registry.close())
	}
	if n.dir != "" {
		keep("unmount", unmountUnder(n.dir))
	}
	if n.host != nil {
		keep("remove cgroups", removeCgroups())
		keep("restore host", n.host.restore())
	}
	if n.ns != nil {
		keep("close network namespace", n.ns.close())
	}
	if n.dir != "" {
		keep("remove "+n.dir, removeUnmounted(n.dir))
	}
	n.lock.Close()
	if err := errors.Join(errs...); err != nil {
		n.t.Errorf("stop node: %v", err)
	}
}

// drain deletes every Pod and waits for kubelet to confirm, which it does once
// their containers are stopped, their sandboxes and volumes torn down. With
// no controller left, nothing makes new ones.
func (n *node) drain() error {
	kubelet := n.procs["kubelet"]
	if n.cs == nil || kubelet == nil {
		return nil
	}
	for _, name := range []string{"kube-controller-manager", "kube-scheduler"} {
		if p := n.procs[name]; p != nil {
			p.stop()
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pods, err := n.cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, pod := range pods.Items {
		err := n.cs.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](1)})
		if err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	for {
		pods, err := n.cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
		if err == nil && len(pods.Items) == 0 {
			return nil
		}
		select {
		case <-kubelet.done:
			return nil // what it left is killed next
		case <-ctx.Done():
			left := []string{}
			if pods != nil {
				for _, p := range pods.Items {
					left = append(left, p.Namespace+"/"+p.Name)
				}
			}
			return fmt.Errorf("pods %v still there: %w", left, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// logTails logs the end of every component's log, for a failed test.
func (n *node) logTails() {
	for _, name := range slices.Sorted(maps.Keys(n.procs)) {
		out, _ := os.ReadFile(n.procs[name].log)
		n.t.Logf("%s log (%s), last lines:\n%s", name, n.procs[name].log, tail(out, 25))
	}
}

// removeUnmounted removes dir unless something is still mounted below it,
// which RemoveAll would cross.
func removeUnmounted(dir string) error {
	points, err := mountPoints()
	if err != nil {
		return err
	}
	for _, p := range points {
		if p == dir || strings.HasPrefix(p, dir+"/") {
			return fmt.Errorf("%s is still mounted; left in place", p)
		}
	}
	return os.RemoveAll(dir)
}
