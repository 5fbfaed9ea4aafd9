#!/usr/bin/env bash
# Regenerates api/api.gen.go from bench/pets/openapi.yaml with oapi-codegen
# v2.8.2 (the version bench/generate.sh measures), installed into the same
# cache dir as bench/generate.sh.
set -euo pipefail
cd "$(dirname "$0")"
cache=${HARNESS_BENCH_CACHE:-$HOME/.cache/harness-bench}
mkdir -p "$cache/bin"
[ -x "$cache/bin/oapi-codegen" ] || GOBIN="$cache/bin" go install github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2
(cd api && "$cache/bin/oapi-codegen" -config cfg.yaml ../../openapi.yaml)
