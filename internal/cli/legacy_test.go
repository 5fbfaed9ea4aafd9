package cli

import (
	"os/exec"
	"strings"
	"testing"
)

func TestTranslateLegacyFlags(t *testing.T) {
	tests := []struct{ in, want string }{
		{"-rs secret -ex a -dtls", "--registry-secret secret --exclude a --disable-tls"},
		{"-rs=secret -ex=b", "--registry-secret=secret --exclude=b"},
		{"-r reg -e dev-prod -i app", "-r reg -e dev-prod -i app"},
		{"root -- -ex", "root -- -ex"},
	}
	for _, tc := range tests {
		if got := strings.Join(translateLegacyFlags(strings.Fields(tc.in)), " "); got != tc.want {
			t.Errorf("%q → %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLightCommands: harness-generate and harness-application do not link
// Helm or the Kubernetes API types (package deploycmd does), so they start
// without those packages' initialisation.
func TestLightCommands(t *testing.T) {
	for _, cmd := range []string{"./cmd/harness-generate", "./cmd/harness-application"} {
		out, err := exec.Command("go", "list", "-deps", "../../"+cmd).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", cmd, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "helm.sh/") || strings.HasPrefix(dep, "k8s.io/") {
				t.Errorf("%s links %s", cmd, dep)
			}
		}
	}
}
