package deploy

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLocalIP: under -l the Pods of every Deployment resolve the solution's
// hosts to the local cluster's address, found as CloudHarness finds it or
// given; without -l there are no host aliases.
func TestLocalIP(t *testing.T) {
	kubeconfig := func(server string) string {
		p := filepath.Join(t.TempDir(), "config")
		os.WriteFile(p, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "`+server+`"}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`), 0o600)
		return p
	}
	tests := []struct {
		name   string
		server string // of the kubeconfig's current context
		values string // root values
		d      Deployment
		want   string // "" for no hostAliases; "host" for any address not loopback
		note   string
	}{
		{name: "minikube's API server", server: "https://192.168.49.2:8443", d: Deployment{Local: true}, want: "192.168.49.2", note: "192.168.49.2 (the API server of the current kubeconfig context"},
		{name: "--local-ip wins", server: "https://192.168.49.2:8443", d: Deployment{Local: true, LocalIP: "10.1.2.3"}, want: "10.1.2.3"},
		{name: "the solution's localIp", server: "https://192.168.49.2:8443", values: "localIp: 10.9.9.9\n", d: Deployment{Local: true}, want: "10.9.9.9"},
		{name: "loopback API server: this machine", server: "https://127.0.0.1:6443", d: Deployment{Local: true}, want: "host"},
		{name: "not local", server: "https://192.168.49.2:8443", d: Deployment{}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("KUBECONFIG", kubeconfig(tt.server))
			files := map[string]string{
				"applications/web/Dockerfile":         dockerfile,
				"applications/web/deploy/values.yaml": "harness:\n  subdomain: www\n  deployment:\n    auto: true\n",
			}
			if tt.values != "" {
				files["deployment-configuration/values-template.yaml"] = tt.values
			}
			dir := writeTree(t, files)
			tt.d.Roots, tt.d.Tag = []string{dir}, "1"
			var errOut strings.Builder
			tt.d.Err = &errOut
			res, err := run(t, &tt.d)
			if err != nil {
				t.Fatal(err)
			}
			dep := objects(t, res)["Deployment/web"]
			if dep == nil {
				t.Fatal("no Deployment/web")
			}
			aliases, _ := lookupOrNil(dep, "spec.template.spec").(map[string]any)["hostAliases"].([]any)
			if tt.want == "" {
				if aliases != nil {
					t.Errorf("hostAliases %v without -l", aliases)
				}
				return
			}
			if len(aliases) != 1 {
				t.Fatalf("hostAliases = %v", aliases)
			}
			a := aliases[0].(map[string]any)
			ip, _ := a["ip"].(string)
			if tt.want == "host" {
				if p := net.ParseIP(ip); p == nil || p.IsLoopback() {
					t.Errorf("ip %q: want this machine's address, not loopback", ip)
				}
			} else if ip != tt.want {
				t.Errorf("ip %q, want %q", ip, tt.want)
			}
			hosts := a["hostnames"].([]any)
			if !slices.Contains(hosts, any("www.example.com")) || !slices.Contains(hosts, any("example.com")) {
				t.Errorf("hostnames %v", hosts)
			}
			if tt.note != "" && !strings.Contains(errOut.String(), tt.note) {
				t.Errorf("stderr %q, want a note with %q", errOut.String(), tt.note)
			}
		})
	}
}
