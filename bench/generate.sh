#!/usr/bin/env bash
# Generation speed, side by side in one run: harness-generate and
# oapi-codegen v2 (pinned, installed into a cache dir) on the same
# 500-operation spec (bench/genspec -resources 100). Prints the best of N
# wall-clock runs of each, then compiles both outputs COMPILES times each,
# alternating (time and max RSS of `go build` of the generated package
# alone: each in a fresh GOCACHE warmed with the package's dependencies, so
# only the package itself is compiled), then times a first build of each
# (below).
#   [COMPILES=3] [FIRST_BUILDS=2] bash bench/generate.sh [RUNS]
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
# harness's is compiled in a solution that harness-application made for the
# spec (--openapi), so that it finds the runtime it imports, as a user's
# does.
fb="$work/fb"
go build -o "$work/harness" ./cmd/harness
"$work/harness" application big -t go-server --openapi "$work/spec.yaml" --root "$fb" >/dev/null
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
  compile "$fb" ./applications/big/backend/big harness
  compile "$work/oapi" . oapi-codegen
done

# First build: what a user waits for the first time, `go build` of a main
# serving the generated package with an empty GOCACHE (the standard library
# and every dependency compiled too; modules already downloaded). harness:
# the package with the runtime it imports (the solution's copy, as
# harness-application wires it); oapi-codegen: its file with its runtime
# dependencies. Both mains take a nil implementation: they link the
# handlers, which is what compiles. Then, for harness, the scaffolded main
# itself, OpenTelemetry included (what `harness-application --openapi`
# gives).
mkdir -p "$fb/applications/big/firstbuild" "$work/oapi/firstbuild"
cat > "$fb/applications/big/firstbuild/main.go" <<GO
package main

import (
	"net/http"

	big "$(cd "$fb" && go list -m)/applications/big/backend/big"
)

func main() {
	var api big.API
	_ = http.ListenAndServe("127.0.0.1:0", big.NewHandler(api, big.Options{}))
}
GO
cat > "$work/oapi/firstbuild/main.go" <<GO
package main

import (
	"net/http"

	big "example.com/oapi"
)

func main() {
	var s big.StrictServerInterface
	_ = http.ListenAndServe("127.0.0.1:0", big.Handler(big.NewStrictHandler(s, nil)))
}
GO
(cd "$fb" && go mod download) && (cd "$work/oapi" && go mod download)
first() { # dir pkg label
  local c="$work/cache-first" out
  rm -rf "$c"; mkdir -p "$c"
  out=$( (cd "$1" && GOCACHE="$c" /usr/bin/time -v go build -o /dev/null "$2") 2>&1 ) || { echo "$out" >&2; exit 1; }
  echo "first build $3: $(echo "$out" | awk -F': ' '/Elapsed/{print $2}') wall, $(echo "$out" | awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%.2f s", u+s}') CPU, $(echo "$out" | awk -F': ' '/Maximum resident/{printf "%d MB", $2/1024}') max RSS"
}
for i in $(seq "${FIRST_BUILDS:-2}"); do
  first "$fb" ./applications/big/firstbuild harness
  first "$work/oapi" ./firstbuild oapi-codegen
done
first "$fb" ./applications/big/backend "harness, scaffolded main with OpenTelemetry"
