#!/usr/bin/env bash
# 2,000 concurrent streams held by one twin: wrk keeps CONNS connections, each a streamed chat request of 100 tokens,
# against a twin with --max-num-seqs 2048 (so every stream decodes in every step) at SPEED. Samples the twin's
# vllm:num_requests_running and RSS once a second; prints the peaks, tokens/s and wrk's errors.
# Needs: wrk (Debian package). Usage: bench/sim/open-streams.sh [connections=2000] [seconds=30] [speed=10]
source "$(dirname "$0")/common.sh"
CONNS=${1:-2000}
SECS=${2:-30}
SPEED=${3:-10}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true # 2,000 sockets for wrk and as many for the twin
build_cli
start_sim 18410 --speed "$SPEED" --max-num-seqs 2048
printf '{"model":"%s","messages":[{"role":"user","content":"Tell me a long story."}],"max_tokens":100,"ignore_eos":true,"stream":true}' "$SERVED" >"$WORK/stream.json"
(
  while sleep 1; do
    m=$(curl -s --max-time 2 http://127.0.0.1:18410/metrics || true)
    echo "$(rss_mb "$SIM_PID") $(echo "$m" | awk '/^vllm:num_requests_running/ {print $2}') $(echo "$m" | awk '/^vllm:generation_tokens_total/ {print $2}')" || true
  done
) >"$WORK/samples.txt" &
PIDS+=($!)
t0=$(cpu_ticks "$SIM_PID")
out=$(wrk_post "http://127.0.0.1:18410/v1/chat/completions" "$WORK/stream.json" 2 "$CONNS" "$SECS" --timeout 120s)
t1=$(cpu_ticks "$SIM_PID")
echo "$out"
awk '$3 != "" { if ($1 > r) r = $1; if ($2 > f) f = $2; if (n == 0) g0 = $3; g1 = $3; n++ } END {
  printf "twin peak RSS %d MB, peak streams running %d, %.0f tokens/s streamed\n", r, f, (g1 - g0) / (n > 1 ? n - 1 : 1) }' "$WORK/samples.txt"
awk -v a="$t0" -v b="$t1" -v s="$SECS" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "twin CPU %.0f%% of one core\n", (b - a) / hz / s * 100}'
echo "$out" | grep -E 'Socket errors|Non-2xx' || echo "no socket errors, no non-2xx answers"
echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
