#!/usr/bin/env bash
# Validated JSON POST throughput: the harness-generated server (bench/pets)
# against a hand-written net/http handler doing the same decoding and
# checks (bench/pets/handwritten), for valid and for rejected bodies. The
# servers run on CPU 0 and wrk on CPU 1 (taskset); many short rounds
# alternate the servers and the ratio is taken per round (paired), because
# this machine's speed swings. Needs wrk (apt-get install -y wrk).
#   bash bench/throughput.sh [ROUNDS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
secs=${2:-2}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/generated" ./bench/pets
go build -o "$work/handwritten" ./bench/pets/handwritten
PORT=18081 taskset -c 0 "$work/generated" & pids+=($!)
PORT=18082 taskset -c 0 "$work/handwritten" & pids+=($!)
for body in valid rejected; do
  case $body in
  valid) json='{"name":"rex","tag":"dog","age":3,"photoUrls":["a.png","b.png"]}'; want=201 ;;
  rejected) json='{"name":"rex","tag":"Dog!","age":300,"photoUrls":["a.png","b.png"]}'; want=400 ;;
  esac
  cat > "$work/$body.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$json'
LUA
  for port in 18081 18082; do # wait for the servers and check the answers
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
    got=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$json" "http://127.0.0.1:$port/pets")
    [ "$got" = "$want" ] || { echo "port $port answered $got to the $body body, want $want" >&2; exit 1; }
  done
done
rps() { taskset -c 1 wrk -t1 -c32 -d"${secs}s" -s "$work/$2.lua" "http://127.0.0.1:$1/pets" | awk '/Requests\/sec/ {print $2}'; }
for body in valid rejected; do
  ratios=()
  gens=(); hands=()
  for i in $(seq "$rounds"); do
    if (( i % 2 )); then g=$(rps 18081 $body); h=$(rps 18082 $body); else h=$(rps 18082 $body); g=$(rps 18081 $body); fi
    gens+=("$g"); hands+=("$h")
    ratios+=("$(awk "BEGIN{printf \"%.3f\", $g/$h}")")
  done
  med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
  echo "$body bodies: generated/handwritten median ratio $(med "${ratios[@]}") (per round: ${ratios[*]}); req/s median generated $(med "${gens[@]}"), handwritten $(med "${hands[@]}")"
done
