#!/usr/bin/env bash
# A real `llmfleet serve` with its ledger on a private PostgreSQL, killed with SIGKILL under load, then restarted:
# how many ledger rows the kill lost against the stated bound (rows of requests answered in the last flush interval,
# 1 s). Twice: with the store up (rows committed every second) and with the store down (rows spooled to the local
# file; the restarted gateway writes the spool once the store is back). wrk: 2 threads x 16 connections, killed after
# SECS seconds. Needs: wrk, postgresql (initdb/pg_ctl), run as root. Usage: gateway-sigkill.sh [secs]
source "$(dirname "$0")/common.sh"
SECS=${1:-15}
ledger_rig 18470
for store in up down; do
  psql -h 127.0.0.1 -p "$PG_PORT" -U llmfleet -d fleet -qc "DROP TABLE IF EXISTS usage_ledger, api_keys, meta, drained_backends, schema_version" 2>/dev/null
  rm -f "$WORK/usage-spool.jsonl"
  start_serve 18471
  warm_up 18471
  sleep 2 # the warm-up's rows committed
  base=$(ledger_rows)
  [ $store = down ] && pg_down
  wrk_post "http://127.0.0.1:18471/v1/chat/completions" "$WORK/chat.json" 2 16 $((SECS + 3)) >"$WORK/wrk-$store.txt" &
  wrk_pid=$!
  sleep "$SECS"
  kill -9 "$SERVE_PID"
  killed_at=$(date +%s.%N)
  wait "$wrk_pid" || true
  read -r responses non2xx socket <<<"$(wrk_summary "$WORK/wrk-$store.txt")"
  answered=$((responses - non2xx))
  spooled=$([ -f "$WORK/usage-spool.jsonl" ] && wc -l <"$WORK/usage-spool.jsonl" || echo 0)
  [ $store = down ] && pg_up
  start_serve 18471
  # The restarted gateway writes the spool at start; wait until the count stops changing.
  rows=-1
  for _ in $(seq 1 30); do
    now=$(ledger_rows); [ "$now" = "$rows" ] && break; rows=$now; sleep 1
  done
  kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
  rows=$((rows - base))
  lost=$((answered - rows))
  bound=$(awk -v a="$answered" -v s="$SECS" 'BEGIN { printf "%.0f", a / s }')
  echo "store $store: $answered answered in ${SECS}s before the kill ($non2xx non-2xx, $socket socket errors after it); spool held $spooled rows at the kill; ledger after restart $rows rows; lost $lost (bound: one flush interval = $bound rows at this rate)"
done
