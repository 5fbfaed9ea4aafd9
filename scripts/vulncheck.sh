#!/usr/bin/env bash
# Scans harness (both modules) and a freshly scaffolded solution for known
# vulnerabilities with govulncheck, and verifies the module cache against
# go.sum (go mod verify). govulncheck and the vulnerability database are
# pinned in tools/vuln: the database is golang.org/x/vulndb's OSV records at
# that module's version, indexed locally, so the scan reads no other host
# than the module proxy. Fails on any vulnerability whose code is reachable
# (govulncheck's exit status); HARNESS_VULN_CACHE overrides the cache root.
set -euo pipefail
# The standard library scanned is the one of the Go that builds harness.
export GOTOOLCHAIN="${HARNESS_GOTOOLCHAIN:-go1.27.3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
# govulncheck type-checks with the go/types it was built with: it must be
# built by the Go whose standard library it scans, hence the version in the key.
sum="$( (go env GOVERSION; cat "$root/tools/vuln/go.mod" "$root/tools/vuln/go.sum") | sha256sum | cut -c1-12)"
cache="${HARNESS_VULN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/harness/vuln}/$sum"
if [ ! -x "$cache/bin/govulncheck" ] || [ ! -f "$cache/db/index/db.json" ]; then
  tmp="$(mktemp -d "${cache%/*}.XXXXXX" 2>/dev/null || { mkdir -p "${cache%/*}"; mktemp -d "${cache%/*}/.build.XXXXXX"; })"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$root/tools/vuln" &&
    go build -o "$tmp/bin/" golang.org/x/vuln/cmd/govulncheck golang.org/x/vulndb/cmd/indexdb &&
    osv="$(go list -m -f '{{.Dir}}' golang.org/x/vulndb)/data/osv" &&
    "$tmp/bin/indexdb" -out "$tmp/db" -vulns "$osv" >/dev/null)
  rm -rf "$cache" && mkdir -p "${cache%/*}" && mv "$tmp" "$cache"
  trap - EXIT
fi
scan() { # dir, what
  echo "govulncheck: $2"
  (cd "$1" && "$cache/bin/govulncheck" -db "file://$cache/db" ./...)
}

cd "$root"
go mod verify
(cd runtime && go mod verify)
scan "$root" "harness"
scan "$root/runtime" "the runtime module"

# What users build: a solution scaffolded with every server template, its
# go.mod as harness-application writes it.
sol="$(mktemp -d)"
trap 'rm -rf "$sol"' EXIT
go build -o "$sol/.bin/" ./cmd/harness-application
(cd "$sol" && .bin/harness-application orders -t go-server -t webapp -t db-postgres >/dev/null &&
  .bin/harness-application people -t go-server -t db-mongo -t db-neo4j >/dev/null && rm -r .bin)
(cd "$sol" && go mod verify)
scan "$sol" "a scaffolded solution (go-server, webapp, db-postgres, db-mongo, db-neo4j)"
