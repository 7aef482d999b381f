#!/usr/bin/env bash
# The ledger's PostgreSQL (a private cluster) stopped for OUTAGE seconds (an immediate stop, as a crash) while a real
# `llmfleet serve` answers load: requests that failed, rows spooled to the local file, and ledger rows after the
# return against requests answered. wrk: 2 threads x 16 connections for OUTAGE + 30 s; the stop comes 10 s in.
# Needs: wrk, postgresql (initdb/pg_ctl), run as root. Usage: postgres-outage.sh [outage-secs]
source "$(dirname "$0")/common.sh"
OUTAGE=${1:-60}
ledger_rig 18480
start_serve 18481
warm_up 18481
sleep 2 # the warm-up's rows committed
base=$(ledger_rows)
answered_base=$(metric_sum 18481 llmfleet_gateway_requests_total)
wrk_post "http://127.0.0.1:18481/v1/chat/completions" "$WORK/chat.json" 2 16 $((OUTAGE + 30)) >"$WORK/wrk.txt" &
wrk_pid=$!
sleep 10
pg_down
down_at=$(date +%s)
sleep "$OUTAGE"
spooled=$(wc -l <"$WORK/usage-spool.jsonl" 2>/dev/null || echo 0)
pg_up
up_at=$(date +%s)
# Recovery: the first moment the spool file is empty again (the writer retries every second).
while [ -s "$WORK/usage-spool.jsonl" ]; do sleep 0.2; done
recovered_s=$(( $(date +%s) - up_at ))
wait "$wrk_pid" || true
sleep 3 # the last batch (flush interval 1 s)
read -r responses non2xx socket <<<"$(wrk_summary "$WORK/wrk.txt")"
rows=$(( $(ledger_rows) - base ))
# The gateway's own count, not wrk's: wrk leaves without counting the requests still in flight when its time is up
# (up to one per connection), and the gateway answers and records those too.
answered=$(( $(metric_sum 18481 llmfleet_gateway_requests_total) - answered_base ))
echo "PostgreSQL down $((up_at - down_at)) s under load: $non2xx non-2xx + $socket socket errors of $responses responses (wrk);" \
  "$spooled rows in the spool at the return; spool written ${recovered_s} s after it;" \
  "ledger rows $rows, requests the gateway answered $answered, lost $((answered - rows))," \
  "dropped from the queue $(metric_sum 18481 llmfleet_usage_dropped_total)"
grep -cE "Spooled [0-9]+ usage rows" "$WORK/serve.log" | xargs -I{} echo "spool appends logged: {}"
