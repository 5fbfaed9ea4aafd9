package runtime

import (
	"os"
	"sort"
	"strings"
	"testing"
)

// TestDependencies keeps the runtime light: every generated server imports
// it, so it may require nothing beyond yaml.v3 (no Helm, no Kubernetes).
func TestDependencies(t *testing.T) {
	data, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	var required []string
	block := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case line == "require (":
			block = true
		case block && line == ")":
			block = false
		case block && line != "":
			required = append(required, strings.Fields(line)[0])
		case strings.HasPrefix(line, "require "):
			required = append(required, strings.Fields(line)[1])
		case strings.HasPrefix(line, "replace ") || strings.HasPrefix(line, "replace("):
			t.Errorf("go.mod replaces modules: %s", line)
		}
	}
	sort.Strings(required)
	if strings.Join(required, " ") != "gopkg.in/yaml.v3" {
		t.Errorf("the runtime requires %v; only gopkg.in/yaml.v3 is allowed", required)
	}
}
