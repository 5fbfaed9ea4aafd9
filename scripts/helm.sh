#!/usr/bin/env bash
# Installs the pinned helm binary into a cache folder (idempotent) and prints
# its path. Tests that run the real helm find it through HARNESS_HELM:
#   export HARNESS_HELM="$(bash scripts/helm.sh)"
set -euo pipefail
version=v3.22.0
cache="${HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harness}/helm-$version"
if [ ! -x "$cache/helm" ]; then
  mkdir -p "$cache"
  GOBIN="$cache" go install "helm.sh/helm/v3/cmd/helm@$version" >&2
fi
"$cache/helm" version --short >/dev/null
echo "$cache/helm"
