// Package kubetest runs a throwaway Kubernetes API server for tests that must
// prove objects against the real thing rather than rendered text: etcd and
// kube-apiserver on 127.0.0.1, with generated certificates and a static token.
//
// There is no scheduler, kubelet or controller manager, so nothing ever runs:
// tests create objects and read them back, never wait for Pods, and delete
// namespaces without waiting (nothing would finalize them).
//
// The binaries come from scripts/kube-binaries.sh, which prints the directory
// that HARNESS_KUBE_BIN must name. A developer may set HARNESS_SKIP_CLUSTER=1
// to skip these tests; under CI=true they never skip, and missing binaries fail.
package kubetest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
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
	ci := os.Getenv("CI") == "true"
	if os.Getenv(SkipEnv) == "1" {
		if ci {
			t.Logf("%s=1 is ignored under CI=true", SkipEnv)
		} else {
			t.Skipf("%s=1: skipping the test against a real API server", SkipEnv)
		}
	}
	dir := os.Getenv(BinEnv)
	if dir == "" {
		msg := fmt.Sprintf("%s is not set: run `export %s=\"$(bash scripts/kube-binaries.sh)\"` (or scripts/test.sh), or set %s=1 to skip", BinEnv, BinEnv, SkipEnv)
		if ci {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

// start makes one attempt at running etcd and the API server. A failed
// attempt stops what it started at once; t.Cleanup stops the rest.
func start(ctx context.Context, t testing.TB, bin string) (_ *Cluster, err error) {
	dir := t.TempDir() // registered first, so removed after the processes stop
	var started []*process
	defer func() {
		if err != nil {
			for _, p := range started {
				p.stop()
			}
		}
	}()
	pki, err := newPKI(filepath.Join(dir, "pki"))
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	etcdClient, etcdPeer, apiPort := ports[0], ports[1], ports[2]

	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdClient)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPeer)
	etcd, err := startProcess(t, filepath.Join(bin, "etcd"), filepath.Join(dir, "etcd.log"),
		"--name=kubetest",
		"--data-dir="+filepath.Join(dir, "etcd"),
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
	if err := waitHTTP(ctx, etcd, plainClient(), etcdURL+"/health", "", `"health":"true"`); err != nil {
		return nil, fmt.Errorf("etcd: %w", err)
	}

	token := pki.token
	url := fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	api, err := startProcess(t, filepath.Join(bin, "kube-apiserver"), filepath.Join(dir, "kube-apiserver.log"),
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", apiPort),
		"--cert-dir="+filepath.Join(dir, "apiserver-certs"),
		"--tls-cert-file="+pki.servingCert,
		"--tls-private-key-file="+pki.servingKey,
		"--token-auth-file="+pki.tokenFile,
		"--anonymous-auth=false",
		"--authorization-mode=AlwaysAllow",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+pki.saPublic,
		"--service-account-signing-key-file="+pki.saPrivate,
		"--service-cluster-ip-range=10.0.0.0/24",
		// Without a controller manager nothing maintains the kubernetes
		// Service's endpoints or the service accounts' tokens.
		"--endpoint-reconciler-type=none",
		"--disable-admission-plugins=ServiceAccount",
		// As real clusters: otherwise a privileged container fails validation
		// before Pod Security admission can judge it.
		"--allow-privileged=true",
	)
	if err != nil {
		return nil, err
	}
	started = append(started, api)
	client, err := tlsClient(pki.caPEM)
	if err != nil {
		return nil, err
	}
	if err := waitHTTP(ctx, api, client, url+"/readyz", token, "ok"); err != nil {
		return nil, fmt.Errorf("kube-apiserver: %w", err)
	}

	c := &Cluster{
		BinDir: bin,
		URL:    url,
		Token:  token,
		Config: &rest.Config{
			Host:            url,
			BearerToken:     token,
			TLSClientConfig: rest.TLSClientConfig{CAData: pki.caPEM},
			// Tests create many objects quickly; client-go's default 5 QPS
			// would make them wait for nothing.
			QPS:   100,
			Burst: 200,
		},
		Kubeconfig: filepath.Join(dir, "kubeconfig"),
	}
	if err := writeKubeconfig(c.Kubeconfig, url, token, pki.caPEM); err != nil {
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

// freePorts returns n distinct ports free on 127.0.0.1 at the time of the call.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		// Kept open until all are chosen, so the kernel hands out distinct ones.
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
