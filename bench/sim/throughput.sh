#!/usr/bin/env bash
# Small non-streamed chat requests against one twin at --speed 0 (no modelled waiting): what the twin itself costs.
# wrk with 64 keep-alive connections, ROUNDS rounds of SECS seconds; prints each round's req/s, the median, the twin's
# CPU use and RSS. Target: at least 5,000 requests/s on a 2-core machine, wrk sharing those cores.
# Needs: wrk (Debian package). Usage: bench/sim/throughput.sh [rounds=3] [seconds=10] [connections=64]
source "$(dirname "$0")/common.sh"
ROUNDS=${1:-3}
SECS=${2:-10}
CONNS=${3:-64}
build_cli
start_sim 18400 --speed 0
printf '{"model":"%s","messages":[{"role":"user","content":"Say hi."}],"max_tokens":16}' "$SERVED" >"$WORK/small.json"
wrk_post "http://127.0.0.1:18400/v1/chat/completions" "$WORK/small.json" 2 "$CONNS" 3 >/dev/null # warm-up (JIT)
rates=()
for r in $(seq 1 "$ROUNDS"); do
  t0=$(cpu_ticks "$SIM_PID")
  out=$(wrk_post "http://127.0.0.1:18400/v1/chat/completions" "$WORK/small.json" 2 "$CONNS" "$SECS")
  t1=$(cpu_ticks "$SIM_PID")
  rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  errors=$(echo "$out" | grep -E 'Socket errors|Non-2xx' || echo "no errors")
  cpu=$(awk -v a="$t0" -v b="$t1" -v s="$SECS" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.0f", (b - a) / hz / s * 100}')
  echo "round $r: $rate req/s, twin CPU ${cpu}% (of one core), p50/p99 latency $(echo "$out" | awk '/Latency/ {print $2}')/$(echo "$out" | awk '/Latency/ {print $4}'), $errors"
  rates+=("$rate")
done
echo "median $(printf '%s\n' "${rates[@]}" | median) req/s over $ROUNDS rounds; twin RSS $(rss_mb "$SIM_PID") MB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
