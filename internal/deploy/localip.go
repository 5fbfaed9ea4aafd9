package deploy

import (
	"net"
	"net/url"

	"k8s.io/client-go/tools/clientcmd"
)

// localAddress finds the address a local cluster's Pods reach the host's
// ingress at, for their hostAliases under -l, as CloudHarness does: the
// address of the API server of the current kubeconfig context (minikube's
// VM, a kind node), or else this machine's address on its default route.
// Loopback is skipped: inside a Pod it is the Pod itself.
func localAddress() (ip, from string) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, nil).ClientConfig(); err == nil {
		if u, err := url.Parse(cfg.Host); err == nil {
			if a := net.ParseIP(u.Hostname()); a != nil && !a.IsLoopback() && !a.IsUnspecified() {
				return a.String(), "the API server of the current kubeconfig context"
			}
		}
	}
	// Connecting a UDP socket sends nothing; it only picks the route.
	if c, err := net.Dial("udp", "192.0.2.1:9"); err == nil {
		defer c.Close()
		if a, ok := c.LocalAddr().(*net.UDPAddr); ok && !a.IP.IsLoopback() {
			return a.IP.String(), "this machine's default route"
		}
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String(), "this machine's network interfaces"
		}
	}
	return "", ""
}
