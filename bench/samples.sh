#!/usr/bin/env bash
# The samples application as `harness run` runs it, with its PostgreSQL on the
# same machine (the throwaway cluster harness run starts):
#   1. time from `harness run samples` to the service answering ready, warm
#      (the second of two runs: the binary is built and cached);
#   2. wrk against it: GET /api/passengers (a page of 20 of 1,000) and
#      POST /api/passengers (unique emails), SECONDS each, 32 connections;
#      requests/s and p99 latency, with the machine's core count.
# Needs wrk and PostgreSQL's server (bash scripts/packages.sh wrk postgresql).
#   bash bench/samples.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk is missing: bash scripts/packages.sh wrk" >&2; exit 1; }
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/harness" ./cmd/harness

# start: runs harness run samples in the background, waits for its URL line
# and /ready; sets pid, url and took (seconds).
start() {
  local begin=$(date +%s.%N) log="$work/run.log"
  "$work/harness" run samples --port-base 0 >"$log" 2>&1 &
  pid=$!
  url=
  for _ in $(seq 1 1200); do
    url=$(awk '$1 == "samples" && $2 ~ /^http:/ {print $2; exit}' "$log")
    [ -n "$url" ] && curl -fs "$url/ready" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.05
  done
  [ -n "$url" ] || { echo "samples never got ready" >&2; cat "$log" >&2; exit 1; }
  took=$(echo "$(date +%s.%N) - $begin" | bc)
}
stop() { kill -INT "$pid"; wait "$pid" || true; pid=; }

start; cold=$took; stop
start; warm=$took
echo "harness run samples → ready: first run (build) ${cold}s, warm ${warm}s"

# 1,000 passengers to list from.
for i in $(seq 1 1000); do
  printf '{"name":"Passenger %d","email":"p%d@example.org","nationality":"IT"}\n' "$i" "$i"
done | while read -r body; do
  curl -fs -o /dev/null -X POST -H 'Content-Type: application/json' -d "$body" "$url/api/passengers"
done

cat >"$work/create.lua" <<'LUA'
-- Each wrk thread has a Lua state of its own: setup numbers them so that
-- no two requests carry the same email (a duplicate is a 409).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"name":"Load %d","email":"load-%d-%d@example.org","nationality":"FR"}', n, tid, n)
  return wrk.format("POST", "/api/passengers", {["Content-Type"] = "application/json"}, body)
end
LUA
report() { # name, wrk output
  local rps p99 non
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$2")
  non=$(awk '/Non-2xx/ {print $NF}' <<<"$2")
  printf '%-7s %10s req/s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p99" "${non:-0}"
}
echo "$(nproc) cores; wrk -t2 -c32 -d${secs}s on the same machine"
report list "$(wrk -t2 -c32 -d"${secs}s" --latency "$url/api/passengers?limit=20")"
report create "$(wrk -t2 -c32 -d"${secs}s" --latency -s "$work/create.lua" "$url")"
