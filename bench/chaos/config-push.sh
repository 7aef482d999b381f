#!/usr/bin/env bash
# An invalid fleet.yaml written over the one a real `llmfleet serve` runs on, while it answers load: errors/total
# before and after the push, how the refusal shows (llmfleet_gateway_config_reload_failures_total and /admin/fleet's
# `config`), then the valid file again. wrk: 2 threads x 16 connections for 3 x PHASE seconds; the bad file is written
# PHASE s in, the good one back 2 x PHASE s in. Needs: wrk. Usage: config-push.sh [phase-secs]
source "$(dirname "$0")/common.sh"
PHASE=${1:-15}
TWIN_PORT=18490
export LLMFLEET_ADMIN_KEY="bench-admin-$$"
build_cli
start_sim $TWIN_PORT --speed 0
chat_body
write_fleet 18491
cp "$WORK/fleet.yaml" "$WORK/good.yaml"
start_serve 18491
warm_up 18491
wrk_post "http://127.0.0.1:18491/v1/chat/completions" "$WORK/chat.json" 2 16 $((3 * PHASE)) >"$WORK/wrk.txt" &
wrk_pid=$!
sleep "$PHASE"
# A push gone wrong: a key the schema does not know and a backend without a URL.
{ cat "$WORK/good.yaml"; echo "routing_mode: fastest"; echo "      - served_model: nothing"; } >"$WORK/fleet.yaml.new"
mv "$WORK/fleet.yaml.new" "$WORK/fleet.yaml"
pushed=$(date +%s.%N)
until curl -s "http://127.0.0.1:18491/metrics" | grep -qE '^llmfleet_gateway_config_reload_failures_total [1-9]'; do sleep 0.1; done
seen_s=$(awk -v a="$pushed" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
echo "refusal seen in /metrics ${seen_s} s after the push:"
curl -s "http://127.0.0.1:18491/metrics" | grep -E '^llmfleet_gateway_config_(reload_failures_total|last_reload_successful) '
echo "/admin/fleet config:"
curl -s -H "Authorization: Bearer $LLMFLEET_ADMIN_KEY" "http://127.0.0.1:18491/admin/fleet" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["config"]))'
sleep "$PHASE"
cp "$WORK/good.yaml" "$WORK/fleet.yaml.new" && mv "$WORK/fleet.yaml.new" "$WORK/fleet.yaml"
wait "$wrk_pid" || true
read -r responses non2xx socket <<<"$(wrk_summary "$WORK/wrk.txt")"
echo "under load across the push: $non2xx non-2xx + $socket socket errors of $responses responses"
curl -s "http://127.0.0.1:18491/metrics" | grep -E '^llmfleet_gateway_config_last_reload_successful '
