#!/usr/bin/env bash
# Validated JSON POST throughput of five servers for the same operation
# (bench/pets/openapi.yaml: POST /pets), measured in the same run:
#   generated    the harness-generated server (bench/pets), its access log
#                on (a JSON line formatted per request, into io.Discard)
#   quiet        the same at LOG_LEVEL=warn: no access log
#   handwritten  a hand-written net/http handler doing the same decoding and
#                checks (bench/pets/handwritten), the baseline
#   handlog      the same with an access log line per request (ACCESS_LOG=1:
#                the same fields, slog's JSON handler, into io.Discard)
#   oapi         oapi-codegen v2's std-http strict server behind kin-openapi's
#                request validation middleware (bench/pets/oapi, its own module)
# for valid and for rejected bodies. The servers run on CPU 0 and wrk on CPU 1
# (taskset); many short rounds rotate the order of the servers and the ratios
# to the hand-written handler are taken per round (paired), because this
# machine's speed swings. Needs wrk (apt-get install -y wrk).
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
(cd bench/pets/oapi && go build -o "$work/oapi" .)
cp "$work/generated" "$work/quiet"
cp "$work/handwritten" "$work/handlog"
names=(generated quiet handwritten handlog oapi)
declare -A port=([generated]=18081 [quiet]=18084 [handwritten]=18082 [handlog]=18085 [oapi]=18083)
for s in "${names[@]}"; do
  level=info access=0
  [ "$s" = quiet ] && level=warn
  [ "$s" = handlog ] && access=1
  LOG_LEVEL=$level ACCESS_LOG=$access PORT=${port[$s]} taskset -c 0 "$work/$s" & pids+=($!)
done
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
  # Wait for the servers and check their answers: 201 with the pet and an
  # id, or 400 naming both failing fields (so the rejection comes from the
  # validator's checks, not from decoding or routing).
  for s in "${names[@]}"; do
    url="http://127.0.0.1:${port[$s]}"
    for _ in $(seq 50); do curl -s -o /dev/null "$url/" && break; sleep 0.1; done
    got=$(curl -s -o "$work/answer" -w '%{http_code}' -H 'Content-Type: application/json' -d "$json" "$url/pets")
    [ "$got" = "$want" ] || { echo "$s answered $got to the $body body, want $want: $(cat "$work/answer")" >&2; exit 1; }
    case $body in
    valid) grep -q '"id":' "$work/answer" || { echo "$s: 201 without an id: $(cat "$work/answer")" >&2; exit 1; } ;;
    rejected) grep -q '"tag"' "$work/answer" && grep -q '"age"' "$work/answer" ||
      { echo "$s: 400 does not name both tag and age: $(cat "$work/answer")" >&2; exit 1; } ;;
    esac
  done
done
rps() { # server body seconds
  taskset -c 1 wrk -t1 -c32 -d"$3s" -s "$work/$2.lua" "http://127.0.0.1:${port[$1]}/pets" | awk '/Requests\/sec/ {print $2}'
}
. bench/stats.sh
for body in valid rejected; do
  for s in "${names[@]}"; do rps "$s" "$body" 1 >/dev/null; done # warm up
  declare -A got=()
  hand=(); handlog=(); gen=(); quiet=(); oapi=(); r_gen=(); r_quiet=(); r_oapi=(); r_log=()
  for i in $(seq "$rounds"); do
    for k in 0 1 2 3 4; do # rotate the order each round
      s=${names[$(( (i + k) % 5 ))]}
      got[$s]=$(rps "$s" "$body" "$secs")
      [ -n "${got[$s]}" ] || { echo "wrk measured nothing for $s ($body)" >&2; exit 1; }
    done
    hand+=("${got[handwritten]}"); gen+=("${got[generated]}"); quiet+=("${got[quiet]}"); oapi+=("${got[oapi]}")
    r_gen+=("$(awk "BEGIN{printf \"%.3f\", ${got[generated]}/${got[handwritten]}}")")
    r_quiet+=("$(awk "BEGIN{printf \"%.3f\", ${got[quiet]}/${got[handwritten]}}")")
    handlog+=("${got[handlog]}")
    r_log+=("$(awk "BEGIN{printf \"%.3f\", ${got[generated]}/${got[handlog]}}")")
    r_oapi+=("$(awk "BEGIN{printf \"%.3f\", ${got[oapi]}/${got[handwritten]}}")")
  done
  echo "$body bodies ($rounds rounds of ${secs}s, paired ratios to handwritten):"
  echo "  generated/handwritten        median $(med "${r_gen[@]}"), quartiles $(iqr "${r_gen[@]}") (per round: ${r_gen[*]})"
  echo "  generated/handlog (both log) median $(med "${r_log[@]}"), quartiles $(iqr "${r_log[@]}") (per round: ${r_log[*]})"
  echo "  quiet (no access log)/hand   median $(med "${r_quiet[@]}"), quartiles $(iqr "${r_quiet[@]}") (per round: ${r_quiet[*]})"
  echo "  oapi-codegen+kin/handwritten median $(med "${r_oapi[@]}"), quartiles $(iqr "${r_oapi[@]}") (per round: ${r_oapi[*]})"
  echo "  req/s median: generated $(med "${gen[@]}"), quiet $(med "${quiet[@]}"), handwritten $(med "${hand[@]}"), handlog $(med "${handlog[@]}"), oapi-codegen+kin $(med "${oapi[@]}")"
done
