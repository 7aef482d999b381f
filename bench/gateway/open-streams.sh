#!/usr/bin/env bash
# 5,000 concurrent open streams through the gateway: two twins at real GLM-5.2 FP8 speed (8×H200 each), wrk holding
# 5,000 connections, each a streamed chat request of 200 tokens (seconds long; most wait in the twins' queues, as they
# would in vLLM's). Reports wrk's errors, the most streams in flight the gateway saw, and its peak RSS (/proc).
# Needs: wrk (Debian package). Usage: bench/gateway/open-streams.sh [connections=5000] [seconds=30]
source "$(dirname "$0")/common.sh"
CONNS=${1:-5000}
SECS=${2:-30}
ulimit -n "$(ulimit -Hn)"   # wrk, the gateway (two sockets per stream) and the twins each hold thousands
build_cli
start_twins 2 1 18290
# 5,000 new upstream connections at once overflow the twins' accept backlog (Kestrel's 512): SYNs are retried after
# 1 s, 3 s…, so the connect timeout must outlast a few retries; a real burst would be spread over many vLLM servers.
CONNECT_TIMEOUT=15s start_gateway 18280 least-requests "${TWINS[@]}"
echo "twins ${TWINS[*]}, gateway :18280 (pid $GW_PID); $CONNS connections for ${SECS}s"
printf '{"model":"glm-5.2","messages":[{"role":"user","content":"Tell me a long story."}],"max_tokens":200,"stream":true}' >"$WORK/stream.json"

peak_rss=0; peak_inflight=0
(
  while sleep 1; do
    r=$(rss_mb "$GW_PID" || echo 0)
    f=$( (curl -s --max-time 2 http://127.0.0.1:18280/metrics || true) | awk '/^llmfleet_gateway_requests_in_flight/ {s += $2} END {print s + 0}')
    echo "$r $f"
  done
) >"$WORK/samples.txt" &
SAMPLER=$!
PIDS+=($SAMPLER)
out=$(wrk_post "http://127.0.0.1:18280/v1/chat/completions" "$WORK/stream.json" 2 "$CONNS" "$SECS" --timeout 120s)
kill "$SAMPLER" 2>/dev/null || true
echo "$out"
read -r peak_rss peak_inflight < <(awk '{ if ($1 > r) r = $1; if ($2 > f) f = $2 } END {print r + 0, f + 0}' "$WORK/samples.txt")
echo "gateway peak RSS ${peak_rss} MB, peak streams in flight ${peak_inflight}"
echo "$out" | grep -E 'Socket errors|Non-2xx' || echo "no socket errors, no non-2xx answers"
