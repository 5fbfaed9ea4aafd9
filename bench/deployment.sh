#!/usr/bin/env bash
# harness-deployment against the real `helm template`, as commands, in one
# run: builds ./cmd/harness-deployment, installs the pinned helm
# (scripts/helm.sh), writes the benchmarks' solutions of 100 and 1,000
# applications (bench/solution) and times, in interleaved rounds, a full
# `harness-deployment -t 1 -d example.com -o FRESH_DIR` (merge, render, lint,
# verify, write) and `helm template` of the chart it wrote (output to
# /dev/null). Prints per size the medians of wall time, CPU time (user+sys)
# and peak RSS of each, the median of the per-round ratios harness/helm, and
# the 1,000/100 scaling of each tool. Targets (issue 6): 100 apps < 1 s on 2
# cores and at most 2x helm template; 1,000 apps linear. On a machine with
# more cores both tools are pinned to CPUs 0 and 1.
#   bash bench/deployment.sh [ROUNDS] [SIZES]     (defaults: 10, 100,1000)
# bench/run.sh is the stricter in-process view (see docs/deployment.md).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
sizes=${2:-100,1000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
helm=$(bash scripts/helm.sh)
go build -o "$work/harness-deployment" ./cmd/harness-deployment
go build -o "$work/deploycmp" ./bench/deploycmp
pin=()
if [ "$(nproc)" -gt 2 ] && command -v taskset >/dev/null; then pin=(taskset -c 0,1); fi
# go install leaves helm's own version string without its patch level.
echo "helm $(sed -n 's/^version=//p' scripts/helm.sh), $(go version | cut -d' ' -f3), $(nproc) CPUs${pin:+, pinned to CPUs 0,1}"
"${pin[@]}" "$work/deploycmp" -harness "$work/harness-deployment" -helm "$helm" \
  -apps "$sizes" -rounds "$rounds" -work "$work"
