#!/usr/bin/env bash
# Runs every check and test of harness: formatting, vet, both modules' tests.
# The README's test command and CI's (.ci/run) are this script.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Go that builds and tests harness: go1.27.3, taken from the module proxy
# when the machine's Go is older. go1.26.8's standard library has known
# vulnerabilities (govulncheck, below, fails on them) that 1.27.3 fixes.
export GOTOOLCHAIN="${HARNESS_GOTOOLCHAIN:-go1.27.3}"

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
  echo "not gofmt-clean:"; echo "$unformatted"; exit 1
fi

step "tools"
# buildah builds the images harness does not compile itself (internal/build);
# PostgreSQL's server is the throwaway database of harness run (internal/run);
# chromium is the headless browser that tests the webapp page (internal/webpage);
# wrk loads a generated server (internal/loadtest).
bash scripts/packages.sh buildah postgresql chromium wrk
# The real helm binary, pinned, for the tests that check charts with it.
# The test tools (helm here, the cluster's binaries below) are built with the
# machine's own Go, as they always were: they are not what harness ships,
# and their pinned releases are known to build with it.
HARNESS_HELM="$(GOTOOLCHAIN=local bash scripts/helm.sh)"
export HARNESS_HELM
echo "helm: $HARNESS_HELM"
# FerretDB, a MongoDB-wire server on SQLite, for the db-mongo template's tests
# (internal/mongotest, internal/scaffold): built once into ~/.cache/harness.
HARNESS_FERRETDB="$(GOTOOLCHAIN=local bash scripts/ferretdb.sh)"
export HARNESS_FERRETDB
echo "ferretdb: $HARNESS_FERRETDB"
# etcd, kube-apiserver, kubectl and the node's components for the tests
# against a real cluster (internal/kubetest, internal/e2e): built once into
# ~/.cache/harness/kube.
if [ "${CI:-}" != "true" ] && [ "${HARNESS_SKIP_CLUSTER:-}" = "1" ]; then
  echo "HARNESS_SKIP_CLUSTER=1: the tests against a real API server skip"
else
  HARNESS_KUBE_BIN="$(GOTOOLCHAIN=local bash scripts/kube-binaries.sh)"
  export HARNESS_KUBE_BIN
  echo "kube: $HARNESS_KUBE_BIN"
  # containerd, runc, the CNI plugins and iptables for the test whose node
  # runs Pods (internal/kubetest StartNode).
  bash scripts/packages.sh containerd runc containernetworking-plugins iptables iproute2
fi

step "go vet"
go vet ./...
(cd runtime && go vet ./...)
# The benchmark's oapi-codegen server is its own module (its dependencies
# stay out of harness's go.mod); vetting it keeps it building.
(cd bench/pets/oapi && go vet ./...)

step "supply chain"
# go mod verify, and govulncheck (pinned in tools/vuln) on harness and on a
# scaffolded solution: no reachable known vulnerability.
bash scripts/vulncheck.sh

step "runtime module tests"
(cd runtime && go test -count=1 ./...)

step "harness tests"
go test -count=1 -timeout 60m ./...

step "applications/samples: coverage of its user code"
# The packages the user owns (main, database, service), covered by all of
# samples' tests together; under 80% fails.
u=./applications/samples/backend
profile="$(mktemp)"
go test -count=1 -coverpkg="$u,$u/database,$u/service" -coverprofile="$profile" ./applications/samples/... >/dev/null
total="$(go tool cover -func="$profile" | awk '/^total:/ {sub("%", "", $NF); print $NF}')"
rm -f "$profile"
echo "samples user code: ${total}% of statements"
awk -v t="$total" 'BEGIN { exit !(t >= 80) }' || { echo "under 80%"; exit 1; }
