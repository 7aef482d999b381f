#!/usr/bin/env bash
# CPU per request of the gateway with keys, limits and the usage ledger on, over the same gateway with them off, in
# one run: one vLLM twin at --speed 0 (answers at once) in its own process, two gateway processes in front of it
# (`off`: no store, no auth; `on`: auth: keys with a key that has rpm, tpm, parallel and a daily budget, so every
# request is hashed, looked up, estimated with the tokenizer, counted, corrected and written to the SQLite ledger).
# CPU time comes from /proc/<pid>/stat of each gateway process; runs alternate off/on and the medians are compared.
# Afterwards the ledger must hold one row per request the `on` gateway answered.
# Needs: wrk (Debian package). Usage: bench/access/access-overhead.sh [runs=3] [seconds=8] [connections=32]
RUNS=${1:-3}
SECS=${2:-8}
CONNS=${3:-32}
source "$(dirname "$0")/common.sh"
build_cli
start_twins 1 0 18290
TWIN=${TWINS[0]}

models="models:
  - name: glm-5.2
    backends:
      - url: $TWIN
        served_model: $SERVED"
printf '%s\n' "$models" >"$WORK/fleet-off.yaml"
printf 'store: sqlite:%s/fleet.db\nauth: keys\n%s\n' "$WORK" "$models" >"$WORK/fleet-on.yaml"
KEY=$(unlimited_key "$WORK/fleet-on.yaml" bench)

declare -A GW
for mode in off on; do
  port=$([ $mode = off ] && echo 18280 || echo 18281)
  "${CLI[@]}" serve --config "$WORK/fleet-$mode.yaml" --urls "http://127.0.0.1:$port" >"$WORK/serve-$mode.log" 2>&1 &
  GW[$mode]=$!
  PIDS+=($!)
  wait_for "$WORK/serve-$mode.log" 'listening'
done
echo "twin $TWIN; gateway off :18280 (pid ${GW[off]}), on :18281 (pid ${GW[on]}); $RUNS runs of ${SECS}s, $CONNS connections"

wrk_keyed() { # port body seconds connections
  local auth=""
  [ "$1" = 18281 ] && auth="wrk.headers[\"Authorization\"] = \"Bearer $KEY\""
  cat >"$WORK/post-$1.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
$auth
local f = io.open("$2", "r"); wrk.body = f:read("*a"); f:close()
LUA
  wrk -t1 -c"$4" -d"${3}s" -s "$WORK/post-$1.lua" "http://127.0.0.1:$1/v1/chat/completions"
}

total_on=0
tick_us=$((1000000 / $(getconf CLK_TCK)))
for kind in plain stream; do
  s=false; [ $kind = stream ] && s=true
  printf '{"model":"glm-5.2","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Summarise the plot of Hamlet in three sentences."}],"max_tokens":16,"stream":%s}' "$s" >"$WORK/$kind.json"
  # Warm-up: pools, tokenizer, and the JIT, which under load goes on compiling hot methods at tier 1 for 10-15 s.
  for port in 18280 18281; do wrk_keyed $port "$WORK/$kind.json" 15 32 >/dev/null; done
  : >"$WORK/$kind.tsv"
  for r in $(seq 1 "$RUNS"); do
    for mode in off on; do
      port=$([ $mode = off ] && echo 18280 || echo 18281)
      before=$(cpu_ticks "${GW[$mode]}")
      out=$(wrk_keyed $port "$WORK/$kind.json" "$SECS" "$CONNS")
      after=$(cpu_ticks "${GW[$mode]}")
      reqs=$(echo "$out" | awk '/requests in/ {print $1}')
      non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
      echo -e "$r\t$mode\t$(awk -v a="$after" -v b="$before" -v n="$reqs" -v t="$tick_us" 'BEGIN {printf "%.1f", (a - b) * t / n}')\t$reqs\t${non2xx:-0}" >>"$WORK/$kind.tsv"
    done
  done
  off=$(awk '$2=="off" {print $3}' "$WORK/$kind.tsv" | median)
  on=$(awk '$2=="on" {print $3}' "$WORK/$kind.tsv" | median)
  echo "== $kind: CPU per request us: off $off, on $on -> ratio $(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.2f", a / b}')"
  awk '{printf "   run %s %-3s %8s us/req %8s requests %s non-2xx\n", $1, $2, $3, $4, $5}' "$WORK/$kind.tsv"
done
echo "RSS MB: off $(rss_mb "${GW[off]}"), on $(rss_mb "${GW[on]}")"
sleep 2 # one flush interval and a commit
metrics=$(curl -s "http://127.0.0.1:18281/metrics")
answered=$(echo "$metrics" | awk '/^llmfleet_gateway_requests_total/ {s += $NF} END {print s}')
dropped=$(echo "$metrics" | awk '/^llmfleet_usage_dropped_total/ {print $NF}')
written=$(echo "$metrics" | awk '/^llmfleet_usage_written_total/ {print $NF}')
echo "ledger before stop: $written rows written, $dropped dropped (queue full)"
kill "${GW[on]}"; wait "${GW[on]}" 2>/dev/null || true
rows=$("${CLI[@]}" usage --config "$WORK/fleet-on.yaml" --by key --json | grep -oE '"requests": [0-9]+' | awk '{s += $2} END {print s}')
echo "ledger: $rows rows for $answered requests answered by the 'on' gateway (clean stop: must be equal)"
