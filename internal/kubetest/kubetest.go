// Package kubetest runs throwaway Kubernetes clusters for tests that must
// prove objects against the real thing rather than rendered text.
//
// Start runs etcd and kube-apiserver on 127.0.0.1, with generated
// certificates and a static token. There is no scheduler, kubelet or
// controller manager, so nothing ever runs: tests create objects and read
// them back, never wait for Pods, and delete namespaces without waiting
// (nothing would finalize them).
//
// StartNode adds a node where Pods run: the controller manager, the
// scheduler, kubelet and kube-proxy over containerd and runc, and an image
// registry the test pushes to. It needs root and Debian's containerd, runc,
// CNI plugins and iptables (scripts/test.sh installs them), and runs
// everything in a network namespace of its own.
//
// The binaries come from scripts/kube-binaries.sh, which prints the directory
// that HARNESS_KUBE_BIN must name. A developer may set HARNESS_SKIP_CLUSTER=1
// to skip these tests; under CI=true they never skip, and missing binaries
// (or packages) fail.
package kubetest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/harness-sh/harness/internal/freeport"
	"github.com/harness-sh/harness/internal/testenv"
)

// Environment variables read by Start.
const (
	// BinEnv names the directory holding etcd, kube-apiserver and kubectl.
	BinEnv = "HARNESS_KUBE_BIN"
	// SkipEnv, set to 1 outside CI, skips the tests that need a cluster.
	SkipEnv = "HARNESS_SKIP_CLUSTER"
)

// startTimeout bounds how long etcd and the API server may take to be ready.
// A cold API server on a busy 2-core machine needs tens of seconds.
const startTimeout = 3 * time.Minute

// Cluster is a running API server. Its fields are read-only.
type Cluster struct {
	// BinDir holds etcd, kube-apiserver and kubectl.
	BinDir string
	// URL is the API server's address, https://127.0.0.1:PORT.
	URL string
	// Token is the bearer token of a cluster administrator (system:masters).
	Token string
	// Kubeconfig is the path of a kubeconfig file whose current context is the
	// administrator on this cluster, for kubectl and helm (KUBECONFIG).
	Kubeconfig string
	// Config is the same access for client-go.
	Config *rest.Config
	// Registry is the image registry of a cluster with a node (StartNode),
	// 127.0.0.1:PORT: the test pushes there and the node pulls from the same
	// address inside its network namespace. Empty without a node.
	Registry string
	// Node names the cluster's node; empty without one.
	Node string

	ns  *netns // the node's network namespace; nil without a node
	dir string // the node's folder, removed when it stops; empty without a node
}

// Start runs etcd and kube-apiserver for the test and returns when the API
// server's /readyz answers ok. Both processes are stopped and their data
// deleted when the test ends, also when it fails or panics; if the test binary
// is killed (a -timeout), the kernel kills them with it.
func Start(t testing.TB) *Cluster {
	t.Helper()
	bin := binDir(t)
	for _, name := range []string{"etcd", "kube-apiserver", "kubectl"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			t.Fatalf("%s: %v (run scripts/kube-binaries.sh and set %s to the directory it prints)", BinEnv, err, BinEnv)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	// A free port found by listening on :0 may be taken by another process
	// before the server binds it; only that failure is worth another try.
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		c, err := start(ctx, t, bin)
		if err == nil {
			return c
		}
		lastErr = err
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	t.Fatalf("start kubernetes API server: %v", lastErr)
	return nil
}

// binDir returns $HARNESS_KUBE_BIN or skips the test when the developer asked
// to, or when no binaries were named outside CI.
func binDir(t testing.TB) string {
	t.Helper()
	if os.Getenv(SkipEnv) == "1" {
		if testenv.CI() {
			t.Logf("%s=1 is ignored under CI=true", SkipEnv)
		} else {
			t.Skipf("%s=1: skipping the test against a real API server", SkipEnv)
		}
	}
	dir := os.Getenv(BinEnv)
	if dir == "" {
		testenv.Missing(t, "%s is not set: run `export %s=\"$(bash scripts/kube-binaries.sh)\"` (or scripts/test.sh), or set %s=1 to skip", BinEnv, BinEnv, SkipEnv)
	}
	return dir
}

// start makes one attempt at running etcd and the API server on 127.0.0.1.
// A failed attempt stops what it started at once; t.Cleanup stops the rest.
func start(ctx context.Context, t testing.TB, bin string) (*Cluster, error) {
	dir := t.TempDir() // registered first, so removed after the processes stop
	pki, err := newPKI(filepath.Join(dir, "pki"), nil, nil)
	if err != nil {
		return nil, err
	}
	ports, err := freeport.Ports(3)
	if err != nil {
		return nil, err
	}
	cp := controlPlane{
		bin:         bin,
		dir:         dir,
		pki:         pki,
		etcdClient:  ports[0],
		etcdPeer:    ports[1],
		apiPort:     ports[2],
		bind:        "127.0.0.1",
		advertise:   "127.0.0.1",
		serviceCIDR: "10.0.0.0/24",
		client:      http.DefaultTransport.(*http.Transport).Clone(),
	}
	procs, err := cp.start(ctx)
	for _, p := range procs {
		t.Cleanup(p.stop)
	}
	if err != nil {
		return nil, err
	}
	return cp.cluster()
}

// controlPlane says where etcd and the API server run and how.
type controlPlane struct {
	bin, dir string
	pki      *pki
	ns       *netns // nil: the test's network namespace

	etcdClient, etcdPeer, apiPort int
	bind, advertise               string // the API server's addresses
	serviceCIDR                   string
	// node: a controller manager and a kubelet join, so the API server can
	// leave service accounts and the kubernetes Service's endpoints to them.
	node bool
	// client reaches the servers from the test, for their readiness.
	client *http.Transport
}

func (cp *controlPlane) url() string {
	return fmt.Sprintf("https://127.0.0.1:%d", cp.apiPort)
}

// start runs etcd, then the API server, and returns when it is ready. On an
// error, what it started is already stopped; on success the caller stops it.
func (cp *controlPlane) start(ctx context.Context) (started []*process, err error) {
	defer func() {
		if err != nil {
			for _, p := range slices.Backward(started) {
				p.stop()
			}
			started = nil
		}
	}()
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", cp.etcdClient)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", cp.etcdPeer)
	etcd, err := launch(cp.ns, filepath.Join(cp.bin, "etcd"), filepath.Join(cp.dir, "etcd.log"),
		"--name=kubetest",
		"--data-dir="+filepath.Join(cp.dir, "etcd"),
		"--listen-client-urls="+etcdURL,
		"--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL,
		"--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=kubetest="+peerURL,
		// The data is thrown away at the end: durability only costs time.
		"--unsafe-no-fsync",
		"--log-level=warn",
	)
	if err != nil {
		return nil, err
	}
	started = append(started, etcd)
	plain := &http.Client{Timeout: 5 * time.Second, Transport: cp.client}
	if err := waitHTTP(ctx, etcd, plain, etcdURL+"/health", "", `"health":"true"`); err != nil {
		return started, fmt.Errorf("etcd: %w", err)
	}

	args := []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=" + cp.bind,
		"--advertise-address=" + cp.advertise,
		fmt.Sprintf("--secure-port=%d", cp.apiPort),
		"--cert-dir=" + filepath.Join(cp.dir, "apiserver-certs"),
		"--tls-cert-file=" + cp.pki.servingCert,
		"--tls-private-key-file=" + cp.pki.servingKey,
		"--token-auth-file=" + cp.pki.tokenFile,
		"--anonymous-auth=false",
		"--authorization-mode=AlwaysAllow",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + cp.pki.saPublic,
		"--service-account-signing-key-file=" + cp.pki.saPrivate,
		"--service-cluster-ip-range=" + cp.serviceCIDR,
		// As real clusters: otherwise a privileged container fails validation
		// before Pod Security admission can judge it.
		"--allow-privileged=true",
	}
	if cp.node {
		// pods/log and exec reach the kubelet at the node's address.
		args = append(args, "--kubelet-preferred-address-types=InternalIP")
	} else {
		// Without a controller manager nothing maintains the kubernetes
		// Service's endpoints or the service accounts' tokens.
		args = append(args, "--endpoint-reconciler-type=none", "--disable-admission-plugins=ServiceAccount")
	}
	api, err := launch(cp.ns, filepath.Join(cp.bin, "kube-apiserver"), filepath.Join(cp.dir, "kube-apiserver.log"), args...)
	if err != nil {
		return started, err
	}
	started = append(started, api)
	client, err := tlsClient(cp.pki.caPEM, cp.client)
	if err != nil {
		return started, err
	}
	if err := waitHTTP(ctx, api, client, cp.url()+"/readyz", cp.pki.token, "ok"); err != nil {
		return started, fmt.Errorf("kube-apiserver: %w", err)
	}
	return started, nil
}

// cluster describes the running control plane to the test and writes its
// kubeconfig.
func (cp *controlPlane) cluster() (*Cluster, error) {
	url, token := cp.url(), cp.pki.token
	c := &Cluster{
		BinDir: cp.bin,
		URL:    url,
		Token:  token,
		Config: &rest.Config{
			Host:            url,
			BearerToken:     token,
			TLSClientConfig: rest.TLSClientConfig{CAData: cp.pki.caPEM},
			// Tests create many objects quickly; client-go's default 5 QPS
			// would make them wait for nothing.
			QPS:   100,
			Burst: 200,
		},
		Kubeconfig: filepath.Join(cp.dir, "kubeconfig"),
	}
	if err := writeKubeconfig(c.Kubeconfig, url, token, cp.pki.caPEM); err != nil {
		return nil, err
	}
	return c, nil
}

// Clientset returns a typed client for the cluster.
func (c *Cluster) Clientset(t testing.TB) *kubernetes.Clientset {
	t.Helper()
	cs, err := kubernetes.NewForConfig(c.Config)
	if err != nil {
		t.Fatalf("kubernetes client: %v", err)
	}
	return cs
}

// Env returns the environment for kubectl and helm run against the cluster:
// the test's environment with KUBECONFIG pointing at the cluster, and HOME-like
// Helm directories inside dir so no user configuration leaks in or out.
func (c *Cluster) Env(dir string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "KUBECONFIG", "HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME", "HELM_KUBECONTEXT", "HELM_NAMESPACE":
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"KUBECONFIG="+c.Kubeconfig,
		"HELM_CACHE_HOME="+filepath.Join(dir, "helm", "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(dir, "helm", "config"),
		"HELM_DATA_HOME="+filepath.Join(dir, "helm", "data"),
	)
}

func writeKubeconfig(path, url, token string, ca []byte) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["kubetest"] = &clientcmdapi.Cluster{Server: url, CertificateAuthorityData: ca}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts["kubetest"] = &clientcmdapi.Context{Cluster: "kubetest", AuthInfo: "admin", Namespace: "default"}
	cfg.CurrentContext = "kubetest"
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("write kubeconfig: %w", err)
	}
	return nil
}
