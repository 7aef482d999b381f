#!/usr/bin/env bash
# Memory soak of the gateway with keys, limits and the usage ledger on: one vLLM twin at --speed 0 in its own
# process, one gateway with `auth: keys` (SQLite store) in front of it, and wrk at a steady, paced load (each
# connection waits DELAY_MS between requests, so the machine is not saturated) alternating non-streamed and streamed
# requests for MINUTES. The gateway's RSS is sampled every 30 s; the figure is the largest deviation from its value
# after WARMUP minutes, which must stay within 10 %. Afterwards the ledger must hold one row per answered request.
# Needs: wrk (Debian package). Usage: bench/access/soak.sh [minutes=30] [connections=8] [delay_ms=2] [warmup=2]
MINUTES=${1:-30}
CONNS=${2:-8}
DELAY_MS=${3:-2}
WARMUP=${4:-2}
source "$(dirname "$0")/common.sh"
build_cli
start_twins 1 0 18390
TWIN=${TWINS[0]}
printf 'store: sqlite:%s/fleet.db\nauth: keys\nmodels:\n  - name: glm-5.2\n    backends:\n      - url: %s\n        served_model: %s\n' \
  "$WORK" "$TWIN" "$SERVED" >"$WORK/fleet.yaml"
KEY=$(unlimited_key "$WORK/fleet.yaml" soak)
"${CLI[@]}" serve --config "$WORK/fleet.yaml" --urls http://127.0.0.1:18391 >"$WORK/serve.log" 2>&1 &
GW=$!
PIDS+=($GW)
wait_for "$WORK/serve.log" 'listening'

# Every other request streams, so both ledger paths (usage object and final usage chunk) run all the time.
cat >"$WORK/soak.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
local n = 0
local body = '{"model":"glm-5.2","messages":[{"role":"user","content":"Summarise the plot of Hamlet in three sentences."}],"max_tokens":16,"stream":%s}'
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format(body, (n % 2 == 0) and "true" or "false"))
end
delay = function() return $DELAY_MS end
LUA
total=$((MINUTES + WARMUP))
wrk -t1 -c"$CONNS" -d"${total}m" --timeout 10s -s "$WORK/soak.lua" http://127.0.0.1:18391/v1/chat/completions >"$WORK/wrk.txt" &
WRK=$!
PIDS+=($WRK)

sleep $((WARMUP * 60))
base=$(rss_mb $GW)
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $CONNS connections, ${DELAY_MS} ms pause; RSS after ${WARMUP} min warm-up: $base MB"
echo -e "minute\tRSS MB\tdeviation %" | tee "$WORK/rss.tsv"
for i in $(seq 1 $((MINUTES * 2))); do
  sleep 30
  rss=$(rss_mb $GW)
  echo -e "$(awk -v i="$i" 'BEGIN {printf "%.1f", i / 2}')\t$rss\t$(awk -v r="$rss" -v b="$base" 'BEGIN {printf "%+.1f", (r - b) * 100 / b}')" | tee -a "$WORK/rss.tsv"
done
wait $WRK || true
cat "$WORK/wrk.txt"
worst=$(awk 'NR > 1 {d = $3 < 0 ? -$3 : $3; if (d > w) w = d} END {printf "%.1f", w}' "$WORK/rss.tsv")
final=$(tail -1 "$WORK/rss.tsv" | cut -f2)
echo "RSS: warm-up $base MB, final $final MB, largest deviation $worst % (limit 10 %)"
sleep 2 # one flush interval
answered=$(curl -s http://127.0.0.1:18391/metrics | awk '/^llmfleet_gateway_requests_total/ {s += $NF} END {print s}')
kill $GW; wait $GW 2>/dev/null || true
rows=$("${CLI[@]}" usage --config "$WORK/fleet.yaml" --by key --json | grep -oE '"requests": [0-9]+' | awk '{s += $2} END {print s}')
echo "ledger: $rows rows for $answered requests answered"
