#!/usr/bin/env bash
# harness-deployment's speed in process (bench/deploy_test.go): 100 and 1,000
# applications (bench/solution), deploy.Deployment.Run (merge, render, lint,
# verify, write) versus a bare render of the same chart with Helm's engine in
# the same process (loader.Load and the render `helm template` does, without
# its process start-up and output). The stricter of the two views: the
# baseline does not pay what every command pays, so harness's own work shows
# larger; bench/deployment.sh times the commands themselves against the real
# `helm template`. Targets: 100 apps
# < 1 s on 2 cores and at most 2x `helm template`; 1,000 apps linear.
set -euo pipefail
cd "$(dirname "$0")/.."
GOMAXPROCS="${GOMAXPROCS:-2}" go test ./bench/ -run '^$' -bench . -benchtime "${BENCHTIME:-3x}" -benchmem
