#!/usr/bin/env bash
# harness build against ko, the tool it does the work of, in one run: a
# solution of N Go applications scaffolded by harness-application, pushed to
# an in-memory registry on 127.0.0.1 (bench/registry). Times, per tool:
#   cold:    a fresh Go build cache (GOCACHE), every image built and pushed;
#   change:  one application's service edited, warm cache;
#   no-op:   nothing changed (harness finds every tag and builds nothing; ko
#            compiles, finds every blob, pushes the manifests again).
# Each figure is the median of ROUNDS rounds; image sizes are the registry's
# compressed bytes. ko uses harness's minimal base as its base, so both
# images hold the same files but for ko's /ko-app path.
#   bash bench/build.sh [ROUNDS] [APPS]      (defaults: 3, 10)
# Target (issue 13): a no-op build of 10 applications under 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
apps=${2:-10}
ko_version=v0.19.1
work=$(mktemp -d)
cleanup() { [ -n "${reg_pid:-}" ] && kill "$reg_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/bin/" ./cmd/harness ./bench/registry
GOBIN="$work/bin" go install "github.com/google/ko@$ko_version" 2>/dev/null
"$work/bin/registry" > "$work/addr" & reg_pid=$!
for _ in $(seq 50); do [ -s "$work/addr" ] && break; sleep 0.1; done
reg=$(cat "$work/addr")
sol="$work/shop"
mkdir -p "$sol"
for i in $(seq -w 1 "$apps"); do
  "$work/bin/harness" application "app$i" -t go-server --root "$sol" >/dev/null
done
(cd "$sol" && go mod download)
# Each round pushes to repositories of its own, so its cold build finds nothing.
harness() { (cd "$sol" && "$work/bin/harness" build -r "$reg/harness$r" >"$work/harness.out" 2>"$work/harness.err") || { cat "$work/harness.err"; exit 1; }; }
base=$(cd "$sol" && "$work/bin/harness" build -r "$reg/base" -a app01 2>/dev/null | cut -d' ' -f1)
ko() {
  (cd "$sol" && KO_DOCKER_REPO="$reg/ko$r" KO_DEFAULTBASEIMAGE="$base" KOCACHE= \
    "$work/bin/ko" build --bare=false --sbom=none ./applications/*/backend >/dev/null 2>"$work/ko.err") || { cat "$work/ko.err"; exit 1; }
}
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
declare -A t
for r in $(seq "$rounds"); do
  for tool in harness ko; do
    cache="$work/gocache-$tool-$r"
    s=$(now); GOCACHE="$cache" $tool; t[$tool-cold]+="$(echo "$(now) - $s" | bc) "
    echo "// round $r $tool" >> "$sol/applications/app01/backend/service/service.go"
    s=$(now); GOCACHE="$cache" $tool; t[$tool-change]+="$(echo "$(now) - $s" | bc) "
    s=$(now); GOCACHE="$cache" $tool; t[$tool-noop]+="$(echo "$(now) - $s" | bc) "
    rm -rf "$cache"
  done
done
echo "$apps applications, $rounds rounds, $(go version | cut -d' ' -f3), ko $ko_version, $(nproc) CPUs"
printf '%-8s %10s %10s %10s\n' tool cold change no-op
for tool in harness ko; do
  printf '%-8s' "$tool"
  for k in cold change noop; do printf ' %9.2fs' "$(echo ${t[$tool-$k]} | tr ' ' '\n' | median)"; done
  echo
done
r=size
harness
echo "image size (compressed, minimal base + binary): $(awk '/ built /{print $3, $4; exit}' "$work/harness.out")"
