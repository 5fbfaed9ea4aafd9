package deploy

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/harness-sh/harness/deployment"
)

// CloudHarness's documented usage passes its own checkout as the first root,
// and the checkout carries CloudHarness's base chart where a solution keeps
// its overrides of chart templates (deployment-configuration/helm/). Layered
// over harness's chart by file name, CloudHarness's _helpers.tpl would replace
// harness's and the chart would not render. Its files are recognized and left
// out, so harness's chart stays the base while a solution's own overrides
// still layer:
//
//   - by the checkout's layout: a root whose chart folder holds CloudHarness's
//     Chart.yaml beside CloudHarness's own code (libraries/cloudharness-common
//     or the deployment tools) is a checkout, and its whole base chart is
//     CloudHarness's, whatever its version or local edits;
//   - by content: a file equal to a version of CloudHarness's base chart file
//     of the same name (fingerprints of every version in CloudHarness's
//     history, embedded) is CloudHarness's, wherever it is, so a solution
//     that vendored CloudHarness's chart files gets harness's instead.

// baseChart is the set of "PATH SHA256" fingerprints, read once.
var baseChart = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(deployment.CloudHarnessBaseChart()))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[line] = true
	}
	return set
})

// isCloudHarnessBaseFile reports whether data, found at rel in a chart
// layer, is a version of CloudHarness's own base chart file of that name.
func isCloudHarnessBaseFile(rel string, data []byte) bool {
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	sum := sha256.Sum256(data)
	return baseChart()[rel+" "+hex.EncodeToString(sum[:])]
}

// isCloudHarnessCheckout reports whether root is a checkout of CloudHarness
// itself, recognized by its layout.
func isCloudHarnessCheckout(root string) bool {
	data, err := os.ReadFile(filepath.Join(root, "deployment-configuration", "helm", "Chart.yaml"))
	if err != nil {
		return false
	}
	var meta struct{ Name string }
	if yaml.Unmarshal(data, &meta) != nil || meta.Name != "cloud-harness" {
		return false
	}
	for _, marker := range []string{
		"libraries/cloudharness-common",
		"tools/deployment-cli-tools",
		"tools/cloudharness_utilities", // before CloudHarness 2.0
	} {
		if st, err := os.Stat(filepath.Join(root, filepath.FromSlash(marker))); err == nil && st.IsDir() {
			return true
		}
	}
	return false
}
