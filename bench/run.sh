#!/usr/bin/env bash
# harness-deployment's speed: 100 and 1,000 applications, full run versus a
# bare render of the same chart. Targets: 100 apps < 1 s on 2 cores and at
# most 2x the bare render; 1,000 apps linear.
set -euo pipefail
cd "$(dirname "$0")/.."
GOMAXPROCS="${GOMAXPROCS:-2}" go test ./bench/ -run '^$' -bench . -benchtime "${BENCHTIME:-3x}" -benchmem
