#!/usr/bin/env bash
# The generated server's throughput now against an earlier commit's: both
# builds of bench/pets (the generated code and the runtime it imports, as
# each commit has them) on CPU 0, wrk on CPU 1, the two loaded in turn
# within each round, its order alternating, and the ratio taken per round.
# Pairs two builds of the same server, where bench/throughput.sh pairs
# different servers: the figure a change to the runtime or to the
# generator is judged by, on a machine whose speed swings. Needs wrk.
#   bash bench/throughput-ab.sh BASE [ROUNDS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bash bench/throughput-ab.sh BASE [ROUNDS] [SECONDS]}
rounds=${2:-12}
secs=${3:-2}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
. bench/stats.sh
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
rev=$(git rev-parse --short "$base^{commit}")
mkdir "$work/base"
git archive "$rev" | tar -x -C "$work/base"
(cd "$work/base" && go build -o "$work/pets-base" ./bench/pets)
go build -o "$work/pets-head" ./bench/pets
declare -A port=([base]=18181 [head]=18182)
for b in base head; do
  PORT=${port[$b]} taskset -c 0 "$work/pets-$b" & pids+=($!)
done
for b in base head; do
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:${port[$b]}/" && break; sleep 0.1; done
done
rps() { # build body seconds
  taskset -c 1 wrk -t1 -c32 -d"$3s" -s "$work/$2.lua" "http://127.0.0.1:${port[$1]}/pets" | awk '/Requests\/sec/ {print $2}'
}
for body in valid rejected; do
  case $body in
  valid) json='{"name":"rex","tag":"dog","age":3,"photoUrls":["a.png","b.png"]}'; want=201 ;;
  rejected) json='{"name":"rex","tag":"Dog!","age":300,"photoUrls":["a.png","b.png"]}'; want=400 ;;
  esac
  printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = %s\n' "'$json'" > "$work/$body.lua"
  for b in base head; do
    got=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$json" "http://127.0.0.1:${port[$b]}/pets")
    [ "$got" = "$want" ] || { echo "$b answered $got to the $body body, want $want" >&2; exit 1; }
    rps "$b" "$body" 1 >/dev/null # warm up
  done
  r=(); rb=(); rh=()
  for i in $(seq "$rounds"); do
    if [ $((i % 2)) = 0 ]; then b=$(rps base "$body" "$secs"); h=$(rps head "$body" "$secs")
    else h=$(rps head "$body" "$secs"); b=$(rps base "$body" "$secs"); fi
    [ -n "$b" ] && [ -n "$h" ] || { echo "wrk measured nothing ($body)" >&2; exit 1; }
    rb+=("$b"); rh+=("$h"); r+=("$(awk "BEGIN{printf \"%.3f\", $h/$b}")")
  done
  echo "$body bodies ($rounds rounds of ${secs}s): working tree/$rev median $(med "${r[@]}"), quartiles $(iqr "${r[@]}") (per round: ${r[*]})"
  echo "  req/s median: $rev $(med "${rb[@]}"), working tree $(med "${rh[@]}")"
done
