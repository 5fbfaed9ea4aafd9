#!/usr/bin/env bash
# Runs every check and test of harness: formatting, vet, both modules' tests.
# The README's test command and CI's (.ci/run) are this script.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.git/*'))
if [ -n "$unformatted" ]; then
  echo "not gofmt-clean:"; echo "$unformatted"; exit 1
fi

step "tools"
# The real helm binary, pinned, for the tests that check charts with it.
HARNESS_HELM="$(bash scripts/helm.sh)"
export HARNESS_HELM
echo "helm: $HARNESS_HELM"

step "go vet"
go vet ./...
(cd runtime && go vet ./...)

step "runtime module tests"
(cd runtime && go test -count=1 ./...)

step "harness tests"
go test -count=1 -timeout 60m ./...
