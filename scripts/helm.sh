#!/usr/bin/env bash
# Installs the pinned helm binary once into a cache outside the clone and
# prints its path; the tests that run the real helm read it from HARNESS_HELM.
#
#   export HARNESS_HELM="$(bash scripts/helm.sh)"
#
# HARNESS_HELM_CACHE overrides the cache root.
set -euo pipefail
version=v3.22.0
cache="${HARNESS_HELM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harness/helm}"
bin="$cache/$version/bin"

if [ -x "$bin/helm" ]; then
  echo "$bin/helm"
  exit 0
fi
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ -x "$bin/helm" ]; then
  echo "$bin/helm"
  exit 0
fi
stage="$(mktemp -d "$cache/.build.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
echo "helm.sh: installing helm $version" >&2
# Outside any module, so the solution's go.mod plays no part.
(cd "$stage" && GOBIN="$stage/bin" go install "helm.sh/helm/v3/cmd/helm@$version") >&2
mkdir -p "$cache/$version"
rm -rf "$bin"
mv "$stage/bin" "$bin"
echo "$bin/helm"
