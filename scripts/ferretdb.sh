#!/usr/bin/env bash
# Builds FerretDB, the MongoDB-wire server on SQLite that the db-mongo
# template's tests run against (internal/mongotest), from the module pinned in
# tools/ferretdb, once, into a cache folder, and prints the binary's path.
# Logs go to stderr.
#
#   export HARNESS_FERRETDB="$(GOTOOLCHAIN=local bash scripts/ferretdb.sh)"
#
# The module zip lacks build/version/version.txt, without which FerretDB's
# binary panics at start, so the build runs in a writable copy of the module's
# source with that file written, under FerretDB's own go.mod and go.sum.
# Cold: 1 to 4 minutes on 2 cores. Warm: the binary is there, nothing is built.
# HARNESS_CACHE overrides the cache root.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
module=github.com/FerretDB/FerretDB
version="$(awk -v m="$module" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$root/tools/ferretdb/go.mod")"
if [ -z "$version" ]; then
  echo "ferretdb: cannot read $module's version from tools/ferretdb/go.mod" >&2
  exit 1
fi
cache="${HARNESS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harness}/ferretdb-$version"
bin="$cache/ferretdb"

if [ ! -x "$bin" ]; then
  t0=$(date +%s)
  echo "ferretdb: building $module@$version" >&2
  # Downloaded through tools/ferretdb, so that its go.sum checks the zip.
  src="$(cd "$root/tools/ferretdb" && go mod download -json "$module" | awk -F'"' '$2 == "Dir" { print $4 }')"
  if [ ! -f "$src/go.mod" ]; then
    echo "ferretdb: no source of $module@$version in the module cache ($src)" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$cache")"
  stage="$(mktemp -d "$(dirname "$cache")/.ferretdb-$version.XXXXXX")"
  trap 'chmod -R u+w "$stage" 2>/dev/null; rm -rf "$stage"' EXIT
  cp -R "$src" "$stage/src"
  chmod -R u+w "$stage/src"
  # build/version reads version.txt (required: v<major>.<minor>.<patch>),
  # and commit.txt, branch.txt and package.txt when present (optional).
  printf '%s\n' "$version" > "$stage/src/build/version/version.txt"
  printf 'harness-test\n' > "$stage/src/build/version/package.txt"
  mkdir "$stage/out"
  (cd "$stage/src" && GOFLAGS=-mod=readonly go build -trimpath -buildvcs=false -o "$stage/out/ferretdb" ./cmd/ferretdb) >&2
  "$stage/out/ferretdb" --version >/dev/null
  rm -rf "$cache"
  mv "$stage/out" "$cache"
  echo "ferretdb: built in $(( $(date +%s) - t0 ))s" >&2
fi
"$bin" --version >/dev/null
echo "$bin"
