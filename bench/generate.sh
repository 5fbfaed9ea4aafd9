#!/usr/bin/env bash
# Generation speed, side by side in one run: harness-generate and
# oapi-codegen v2 (pinned, installed into a cache dir) on the same
# 500-operation spec (bench/genspec -resources 100). Prints the best of N
# wall-clock runs of each, then compiles both outputs COMPILES times each,
# alternating (time and max RSS of `go build` of the generated package
# alone: each in a fresh GOCACHE warmed with the package's dependencies, so
# only the package itself is compiled).
#   [COMPILES=3] bash bench/generate.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cache=${HARNESS_BENCH_CACHE:-$HOME/.cache/harness-bench}
mkdir -p "$cache/bin"
[ -x "$cache/bin/oapi-codegen" ] || GOBIN="$cache/bin" go install github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen@v2.8.2
go build -o "$cache/bin/harness-generate" ./cmd/harness-generate
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
go run ./bench/genspec -resources 100 > "$work/spec.yaml"
mkdir -p "$work/sol/applications/big/api" "$work/oapi"
cp "$work/spec.yaml" "$work/sol/applications/big/api/openapi.yaml"
printf 'module example.com/sol\n\ngo 1.24\n' > "$work/sol/go.mod"
cat > "$work/oapi/cfg.yaml" <<CFG
package: big
generate: {std-http-server: true, models: true, strict-server: true}
output: $work/oapi/big.gen.go
CFG
best() { sort -n | head -1; }
t() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
h=(); o=()
for i in $(seq "$runs"); do
  rm -rf "$work/sol/applications/big/backend"
  h+=("$(t "$cache/bin/harness-generate" servers --root "$work/sol")")
  o+=("$(t "$cache/bin/oapi-codegen" -config "$work/oapi/cfg.yaml" "$work/spec.yaml")")
done
hb=$(printf '%s\n' "${h[@]}" | best); ob=$(printf '%s\n' "${o[@]}" | best)
echo "generate 500 operations: harness ${hb} ms, oapi-codegen ${ob} ms (best of $runs; runs: harness ${h[*]} / oapi-codegen ${o[*]})"
echo "ratio harness/oapi-codegen: $(awk "BEGIN{printf \"%.2f\", $hb/$ob}")"

# Compile: the server package harness generates (models, validation, server,
# spec) and oapi-codegen's single file (models, std-http strict server).
cat > "$work/oapi/go.mod" <<MOD
module example.com/oapi

go 1.24
MOD
(cd "$work/oapi" && go mod tidy >/dev/null 2>&1)
compile() { # dir pkg label
  local c="$work/cache-$3" out
  rm -rf "$c"; mkdir -p "$c"
  (cd "$1" && GOCACHE="$c" go build $(go list -deps "$2" | sed '$d') >/dev/null)
  out=$( (cd "$1" && GOCACHE="$c" /usr/bin/time -v go build -o /dev/null "$2") 2>&1 )
  echo "compile $3: $(echo "$out" | awk -F': ' '/Elapsed/{print $2}') wall, $(echo "$out" | awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%.2f s", u+s}') CPU, $(echo "$out" | awk -F': ' '/Maximum resident/{printf "%d MB", $2/1024}') max RSS"
}
for i in $(seq "${COMPILES:-3}"); do
  compile "$work/sol" ./applications/big/backend/big harness
  compile "$work/oapi" . oapi-codegen
done
