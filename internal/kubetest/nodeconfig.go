package kubetest

import (
	"context"
	_ "embed"
	"fmt"
	"net"
	"os"
	"path/filepath"
)

// pauseSource is the sandbox image's program: a Pod's first process, which
// holds its namespaces.
//
//go:embed images/pause/main.go
var pauseSource []byte

// nodeConfig writes the node components' configuration files into dir.
type nodeConfig struct {
	dir        string
	kubeconfig string // the administrator's, used by every component
	pki        *pki
	registry   string // 127.0.0.1:PORT
	pause      string // the sandbox image's reference
	ns         *netns // the node's network namespace, where readiness is asked
}

func (c nodeConfig) path(name string) string { return filepath.Join(c.dir, name) }

// socket is containerd's CRI and API socket.
func (c nodeConfig) socket() string { return c.path("containerd.sock") }

func (c nodeConfig) write() error {
	files := map[string]string{
		"containerd.toml":          c.containerd(),
		"cni/10-kubetest.conflist": c.cni(),
		"kubelet.yaml":             c.kubelet(),
		"kube-proxy.yaml":          c.kubeProxy(),
		"kube-scheduler.yaml":      c.scheduler(),
		"Corefile":                 c.corefile(),
		// The node's own resolv.conf: no name server of the machine's.
		// Pods ask CoreDNS (clusterDNS), which answers the cluster's
		// names and nothing else.
		"resolv.conf": "",
	}
	files[filepath.Join("registry", c.registry, "hosts.toml")] = c.registryHosts()
	for _, d := range []string{"volume-plugins", "pod-logs"} {
		if err := os.MkdirAll(c.path(d), 0o700); err != nil {
			return err
		}
	}
	for name, data := range files {
		p := c.path(name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// containerd: its state under dir; the CRI plugin with runc (cgroupfs), the
// CNI bridge, the sandbox image from the test's registry, pulled over plain
// HTTP (registryHosts). restrict_oom_score_adj: root here lacks CAP_SYS_RESOURCE, and runc
// fails to start a sandbox that asks for a lower OOM score than its own.
func (c nodeConfig) containerd() string {
	return fmt.Sprintf(`version = 2
root = %[1]q
state = %[2]q
# Plugins that would look for storage or services this machine lacks, or
# write to fixed paths (/opt/containerd).
disabled_plugins = [
  "io.containerd.internal.v1.opt",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
]

[grpc]
  address = %[3]q

[ttrpc]
  address = %[4]q

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = %[5]q
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = %[6]q
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = %[7]q
    conf_dir = %[8]q
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = %[9]q
`,
		c.path("containerd/root"), c.path("containerd/state"), c.socket(), c.socket()+".ttrpc",
		c.pause, c.path("runc"), cniBinDir, c.path("cni"), c.path("registry"))
}

// registryHosts tells containerd to pull from the test's registry over
// plain HTTP (hosts.toml, under the registry's host:port).
func (c nodeConfig) registryHosts() string {
	return fmt.Sprintf(`server = "http://%[1]s"

[host."http://%[1]s"]
  capabilities = ["pull", "resolve"]
`, c.registry)
}

// cni: the bridge plugin, one subnet, and routes to the node's addresses
// only: a Pod has no default route.
func (c nodeConfig) cni() string {
	return fmt.Sprintf(`{
  "cniVersion": "0.4.0",
  "name": "kubetest",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "isDefaultGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": %q,
        "ranges": [[{"subnet": %q, "gateway": %q}]],
        "routes": [{"dst": %q}]
      }
    }
  ]
}
`, c.path("cni-ipam"), podCIDR, podGateway, nodeNet)
}

// kubelet: cgroup v1 with cgroupfs (the machines boot with it), every path
// it allows under dir, anonymous access to its API inside the node's
// namespace (the API server reads logs through it), low eviction thresholds.
func (c nodeConfig) kubelet() string {
	return fmt.Sprintf(`apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://%[1]s
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
address: %[2]s
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
clusterDomain: cluster.local
clusterDNS: [%[2]s]
resolvConf: %[3]s
podLogsDir: %[4]s
volumePluginDir: %[5]s
serializeImagePulls: false
maxPods: 50
evictionHard:
  memory.available: 50Mi
  nodefs.available: 1%%
  nodefs.inodesFree: 1%%
  imagefs.available: 1%%
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
`, c.socket(), nodeIP, c.path("resolv.conf"), c.path("pod-logs"), c.path("volume-plugins"))
}

// kubeProxy: iptables rules inside the node's namespace. conntrack's zeros
// leave the machine-wide connection tracking settings alone.
func (c nodeConfig) kubeProxy() string {
	return fmt.Sprintf(`apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: %s
mode: iptables
clusterCIDR: %s
hostnameOverride: %s
bindAddress: %s
nodePortAddresses: [primary]
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
  udpTimeout: 0s
  udpStreamTimeout: 0s
`, c.kubeconfig, podCIDR, nodeName, nodeIP)
}

func (c nodeConfig) scheduler() string {
	return fmt.Sprintf(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: %s
leaderElection:
  leaderElect: false
`, c.kubeconfig)
}

// corefile: CoreDNS on the node's address, answering the cluster's names
// (Services NAME.NAMESPACE.svc.cluster.local, Pods) from the API server and
// nothing else: with no forward plugin, no query leaves the node.
func (c nodeConfig) corefile() string {
	return fmt.Sprintf(`.:53 {
    bind %s
    errors
    ready %s
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig %s
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
}
`, nodeIP, coreDNSReady, c.kubeconfig)
}

// coreDNSReady is where CoreDNS's ready plugin answers, inside the node.
const coreDNSReady = "127.0.0.1:18181"

// component is a node process to start, in order.
type component struct {
	path  string
	args  []string
	ready func(context.Context) (bool, error) // nil: start the next at once
}

func (c nodeConfig) components(bin string) []component {
	containerd, _ := lookNodePath("containerd")
	return []component{
		{
			path:  containerd,
			args:  []string{"--config", c.path("containerd.toml")},
			ready: c.containerdReady,
		},
		{
			path: filepath.Join(bin, "kube-controller-manager"),
			args: []string{
				"--kubeconfig=" + c.kubeconfig,
				"--bind-address=127.0.0.1",
				"--leader-elect=false",
				// Every namespace's kube-root-ca.crt, which the Pods'
				// service-account volumes mount.
				"--root-ca-file=" + c.pki.caCert,
				"--flex-volume-plugin-dir=" + c.path("volume-plugins"),
				// Legacy service-account token Secrets, which charts may ask for.
				"--service-account-private-key-file=" + c.pki.saPrivate,
			},
		},
		{
			path: filepath.Join(bin, "kube-scheduler"),
			args: []string{
				"--config=" + c.path("kube-scheduler.yaml"),
				"--bind-address=127.0.0.1",
			},
		},
		{
			path: filepath.Join(bin, "kubelet"),
			args: []string{
				"--config=" + c.path("kubelet.yaml"),
				"--kubeconfig=" + c.kubeconfig,
				"--root-dir=" + c.path("kubelet"),
				"--cert-dir=" + c.path("kubelet-pki"),
				"--hostname-override=" + nodeName,
				"--node-ip=" + nodeIP,
			},
		},
		{
			path: filepath.Join(bin, "kube-proxy"),
			args: []string{"--config=" + c.path("kube-proxy.yaml")},
		},
		{
			path:  filepath.Join(bin, "coredns"),
			args:  []string{"-conf", c.path("Corefile")},
			ready: c.ns.httpReady("http://" + coreDNSReady + "/ready"),
		},
	}
}

// containerdReady reports whether containerd accepts connections on its socket.
func (c nodeConfig) containerdReady(ctx context.Context) (bool, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, "unix", c.socket())
	if err != nil {
		return false, err
	}
	conn.Close()
	return true, nil
}
